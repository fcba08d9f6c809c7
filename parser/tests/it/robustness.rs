//! Robustness: whatever the bytes, parsing returns a record or an error, never a panic, and the
//! records it returns keep the contract's invariants.

use epaper_common::messages::Record;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::classic_article::plain_article;
use crate::support::{gbk_with_crlf, utf8_with_bom_and_crlf};

const URLS: [&str; 14] = [
    "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
    "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
    "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
    "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
    "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
    "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
    "file:///tmp/saved.html",
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html?page=1",
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_002/content_20250618_002_3.htm",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_plist.htm",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002_3.htm",
    "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&idate=2_2025-06-18",
    "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&sid=512345&idate=2_2025-06-18",
];

/// Pieces of the markup the parsers look for, so random documents reach their code paths.
const TOKENS: [&str; 40] = [
    "<p>",
    "</p>",
    "<P>",
    "</P>",
    "<br>",
    "<BR/>",
    "&nbsp;",
    "\u{3000}",
    "<!--enpcontent-->",
    "<!--/enpcontent-->",
    "<!--enpproperty <author>",
    "</author>",
    "/enpproperty-->",
    "<td class=font01>",
    "<td class=\"font02\">",
    "</td>",
    "<a id=pageLink href=node_2.htm>",
    "<a href=content_77.htm?div=-1>",
    "</a>",
    "第A01版：",
    "2024年5月18日",
    "<MAP NAME=PagePicMap>",
    "<Area href=content_78.htm>",
    "<div id=ozoom>",
    "</div>",
    "■ 本报记者 ",
    "（记者 ",
    "）",
    "document.write(view(\"",
    "\"))",
    "新闻标题",
    "<founder-content>",
    "<div class=nav-items><div class=nav-panel-heading pdf_href=../20250618_001/a.pdf>",
    "<a data-href=./20250618_001/content_20250618_001_1.htm#page0>",
    "<div class=bancititle><a href=./20250618_001/20250618_001.html>",
    "<area href=../20250618_002/20250618_002_1.htm title=标题>",
    "<font id=main-title><b>",
    "<div id=zhenwenzone><div align=center><p><img src=a.jpg>",
    "<span class=listTitleL><a href=read.do?m=i&iid=1&eid=2&idate=2_2025-06-18>",
    "<div id=link><a href=read.do?m=i&iid=1&sid=3&idate=2_2025-06-18 title=题>",
];

fn documents() -> Vec<(String, Vec<u8>)> {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut docs: Vec<(String, Vec<u8>)> = vec![
        (URLS[1].into(), utf8_with_bom_and_crlf(&plain_article())),
        (URLS[1].into(), gbk_with_crlf(&plain_article())),
    ];
    for (url, file) in [
        (URLS[2], "founder_new/rmrb_page.html"),
        (URLS[3], "founder_new/rmrb_article.html"),
        (URLS[4], "nbs/nbs.D110000renmrb_02.htm"),
        (URLS[5], "nbs/nw.D110000renmrb_20180306_2-02.htm"),
        (URLS[7], "bjrb/20250618_m.html"),
        (URLS[8], "bjrb/content_20250618_002_3.htm"),
        (URLS[9], "bjrb/20250618_plist.htm"),
        (URLS[10], "bjrb/20250618_002.html"),
        (URLS[11], "bjrb/20250618_002_3.htm"),
        (URLS[12], "read_do/page.html"),
        (URLS[13], "read_do/article.html"),
    ] {
        docs.push((url.into(), std::fs::read(fixtures.join(file)).unwrap()));
    }
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-pages");
    for (url, file) in [
        (
            "http://x.cn/kjrb/html/2023-02/10/node_2.htm",
            "kjrb/2023-02-10/node_2.htm",
        ),
        (
            "http://x.cn/hnsb/html/2022-02/12/content_547409.htm",
            "hnsb/2022-02-12/content_547409.htm",
        ),
        (
            "http://x.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm",
            "rmrb/2017-10-16/nbs.D110000renmrb_01.htm",
        ),
    ] {
        if let Ok(bytes) = std::fs::read(real.join(file)) {
            docs.push((url.into(), bytes));
        }
    }
    docs
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
    FlipByte(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), vec(any::<u8>(), 1..32)).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::FlipByte(at, b)),
    ]
}

fn mutate(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    match mutation {
        Mutation::Truncate(at) => bytes.truncate(at % len),
        Mutation::Delete(at, n) => {
            let at = at % len;
            bytes.drain(at..(at + n).min(len));
        }
        Mutation::Insert(at, new) => {
            let at = at % len;
            bytes.splice(at..at, new.iter().copied());
        }
        Mutation::Duplicate(at, n) => {
            let at = at % len;
            let piece = bytes[at..(at + n).min(len)].to_vec();
            bytes.splice(at..at, piece);
        }
        Mutation::FlipByte(at, b) => bytes[at % len] ^= b | 1,
    }
}

/// No fragment, and no query but the ones that name a document: read.do's, and bjrbdzb's
/// `?page=K` 版 of its issue document.
fn only_naming_queries(url: &str) -> bool {
    !url.contains('#')
        && (!url.contains('?') || url.contains("/read.do?") || url.contains("_m.html?page="))
}

/// The contract's invariants on whatever record comes out.
fn check(url: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    match epaper_parser::parse(url, bytes, None) {
        Err(error) => prop_assert!(!error.to_string().is_empty()),
        Ok(Record::Page(page)) => {
            let mut urls: Vec<&str> = page.articles.iter().map(|a| a.url.as_str()).collect();
            prop_assert!(urls.iter().all(|u| !u.contains("?div=")), "{urls:?}");
            let listed = page
                .pages
                .iter()
                .map(|p| p.url.as_str())
                .chain(urls.iter().copied());
            let single = [
                &page.image_url,
                &page.pdf_url,
                &page.prev_issue_url,
                &page.next_issue_url,
            ];
            let mut links = listed.chain(single.into_iter().flatten().map(String::as_str));
            prop_assert!(links.all(only_naming_queries), "{page:?}");
            urls.sort();
            let before = urls.len();
            urls.dedup();
            prop_assert_eq!(before, urls.len(), "an article listed twice");
        }
        Ok(Record::Article(article)) => {
            let images = article.images.iter().map(|i| i.url.as_str());
            prop_assert!(images.into_iter().all(only_naming_queries), "{article:?}");
            for p in &article.paragraphs {
                prop_assert!(!p.is_empty() && p.trim() == p, "{p:?}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..2048), url in 0..URLS.len()) {
        check(URLS[url], &bytes)?;
    }

    #[test]
    fn tag_soup_never_panics(tokens in vec(0..TOKENS.len(), 0..300), url in 0..URLS.len()) {
        let html: String = tokens.iter().map(|&t| TOKENS[t]).collect();
        check(URLS[url], html.as_bytes())?;
    }

    #[test]
    fn mutated_real_and_fixture_pages_never_panic(
        doc in any::<prop::sample::Index>(),
        mutations in vec(mutation(), 1..6),
    ) {
        let docs = documents();
        let (url, original) = &docs[doc.index(docs.len())];
        let mut bytes = original.clone();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        check(url, &bytes)?;
    }
}
