//! Robustness: whatever the bytes, parsing returns a record or an error, never a panic, and the
//! records it returns keep the contract's invariants.

use epaper_common::messages::Record;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::classic_article::plain_article;
use crate::support::{gbk_with_crlf, utf8_with_bom_and_crlf};

const URLS: [&str; 27] = [
    "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
    "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
    "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
    "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
    "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
    "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
    "file:///tmp/saved.html",
    "http://paper.example.cn/shtml/ycwb/20250618/vA2.shtml",
    "http://paper.example.cn/shtml/ycwb/20250618/712345.shtml",
    "http://paper.example.cn/xawb/20250618/html/page_2.htm",
    "http://paper.example.cn/xawb/20250618/html/content_20418.htm",
    "http://paper.example.cn/Html/2025-06-18/Qpaper_2.html",
    "http://paper.example.cn/Html/2025-06-18/3100202.html",
    "https://paper.example.cn/PC/layout/202506/18/colA02.html",
    "https://paper.example.cn/PC/content/202506/18/content_1202.html",
    "https://paper.example.cn/zqsb/col/202506/18/node_A001.html",
    "https://paper.example.cn/xzrb/pc/paper/c/202506/18/c_20002.html",
    "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html",
    "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
    "http://paper.example.cn/dzrb/content/20240305/Articel02003TB.htm",
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html?page=1",
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_002/content_20250618_002_3.htm",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_plist.htm",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002_3.htm",
    "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&idate=2_2025-06-18",
    "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&sid=512345&idate=2_2025-06-18",
];

/// Pieces of the markup the parsers look for, so random documents reach their code paths.
const TOKENS: [&str; 69] = [
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
    "<div class=pageNav><ul><li>",
    "<a href=javascript:; onclick=\"gourl('vA1.shtml','_top')\">",
    "<a onclick=\"window.open('712345.shtml','_self')\">",
    "<div class=titleNav><ul><li>",
    "<h2 class=detConTit>",
    "<div id=content_div>",
    "<div class=\"f-14\">",
    "<div class=\"f-20\">",
    "<div class=bmml_con_div>",
    "<a class=bmml_con_div_name href=page_2.htm>",
    "<a class=bmdh_con_a href=content_20418.htm>",
    "<div class=bmnr_con><div class=bmnr_con_biaoti>",
    "<div class=bmnr_con_con><div id=zoom>",
    "<div id=bancilist><ul><li><a href=Qpaper_2.html>",
    "<div id=doclist><ul><li><a href=3100202.html>",
    "<div id=doctitle>",
    "<div id=doccontent>",
    "<div class=Chunkiconlist><p><a href=colA02.html>",
    "<a href=A02.pdf>",
    "<div id=webtree><dl><dt>",
    "<dd><a href=../../../content/202506/18/content_9.html>",
    "<div class=newsdetatit><p>",
    "<span class=Author>版次：A02</span>",
    "<font id=main-title><b>",
    "<p id=nowLayout>A02",
    "<li class=banci><a href=Page02TB.htm>",
    "<a class=overlink alt=Articel01002TB.htm neirong=",
    "<span id=contenttext>",
    "<div class=neirong><h2>",
    "<table class=wz><tr valign=top><td>",
    "<div class=nav-items><div class=nav-panel-heading pdf_href=../20250618_001/a.pdf>",
    "<a data-href=./20250618_001/content_20250618_001_1.htm#page0>",
    "<div class=bancititle><a href=./20250618_001/20250618_001.html>",
    "<area href=../20250618_002/20250618_002_1.htm title=标题>",
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
        (URLS[7], "shtml/xpublish_vA2.shtml"),
        (URLS[8], "shtml/xpublish_712345.shtml"),
        (URLS[7], "shtml/sxrb_v02.shtml"),
        (URLS[8], "shtml/sxrb_1830012.shtml"),
        (URLS[8], "shtml/f20_5501.shtml"),
        (URLS[9], "bmml/page_2.htm"),
        (URLS[9], "bmml/page_2_tit.htm"),
        (URLS[10], "bmml/content_20418.htm"),
        (URLS[11], "qpaper/Qpaper_2.html"),
        (URLS[12], "qpaper/3100202.html"),
        (URLS[12], "qpaper/class_3100301.html"),
        (URLS[13], "founder_new/chunkicon_page.html"),
        (URLS[14], "founder_new/chunkicon_article.html"),
        (URLS[15], "founder_new/webtree_page.html"),
        (URLS[16], "founder_new/layoutlist_article.html"),
        (URLS[17], "founder_new/pad_article.html"),
        (URLS[2], "founder_new/navlist_page.html"),
        (URLS[3], "founder_new/therestlist_article.html"),
        (URLS[18], "paper_index/Page01TB.htm"),
        (URLS[18], "paper_index/PageA01BC.htm"),
        (URLS[19], "paper_index/Articel02003BC.htm"),
        (URLS[19], "paper_index/ArticelA03002JQ.htm"),
        (URLS[0], "classic/bmdh_node_2.htm"),
        (URLS[1], "classic/wz_content_20321.htm"),
        (URLS[20], "bjrb/20250618_m.html"),
        (URLS[21], "bjrb/content_20250618_002_3.htm"),
        (URLS[22], "bjrb/20250618_plist.htm"),
        (URLS[23], "bjrb/20250618_002.html"),
        (URLS[24], "bjrb/20250618_002_3.htm"),
        (URLS[25], "read_do/page.html"),
        (URLS[26], "read_do/article.html"),
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
