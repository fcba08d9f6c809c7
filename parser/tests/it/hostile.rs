//! Hostile pages: only http and https links reach a record, however a page spells the scheme.

use std::time::{Duration, Instant};

use epaper_common::messages::{PageRecord, Record};
use epaper_parser::html::{MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE};

/// Spellings of a link that is not http(s), each written before the real file name the
/// field looks for. A check of the text (`starts_with("javascript:")`) misses most: the HTML
/// parser decodes entities, and the URL parser strips tabs, newlines and leading controls
/// and lowercases the scheme. `{DIR}` is the directory of the page, so a `file:` link on the
/// page's own host and date passes the same-issue checks.
const SPELLINGS: [&str; 16] = [
    "javascript:alert(1)//",
    "java&#9;script:alert(1)//",
    "java&#10;script:alert(1)//",
    "java&#x0D;&#x0A;script:alert(1)//",
    "java\tscript:alert(1)//",
    "java\nscript:alert(1)//",
    "JaVaScRiPt:alert(1)//",
    "   javascript:alert(1)//",
    "&#1;&#32;javascript:alert(1)//",
    "&#x6A;avascript:alert(1)//",
    "&#106;&#97;vascript:alert(1)//",
    "javascript&colon;alert(1)//",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==//",
    "VBScript:msgbox(1)//",
    "file://{DIR}",
    "file:///etc/",
];

/// The spellings, for the families read by a profile's table (`selectors.rs`).
pub(crate) const HOSTILE_SPELLINGS: [&str; 16] = SPELLINGS;

fn fixture(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

/// The fixture with its hostile links written in `spelling` (`#` leaves them out: a link to
/// a fragment of this page is nothing).
fn parse_with(file: &str, url: &str, spelling: &str) -> Record {
    let dir = url
        .strip_prefix("http://")
        .or(url.strip_prefix("https://"))
        .unwrap();
    let dir = &dir[..=dir.rfind('/').unwrap()];
    let html = fixture(file).replace("EVIL", &spelling.replace("{DIR}", dir));
    epaper_parser::parse(url, html.as_bytes(), None).unwrap()
}

fn page_links(page: &PageRecord) -> Vec<&str> {
    let lists = page.pages.iter().map(|p| &p.url);
    let lists = lists.chain(page.articles.iter().map(|a| &a.url));
    let single = [
        &page.image_url,
        &page.pdf_url,
        &page.prev_issue_url,
        &page.next_issue_url,
    ];
    lists
        .chain(single.into_iter().flatten())
        .map(String::as_str)
        .collect()
}

fn web(link: &str) -> bool {
    link.starts_with("http://") || link.starts_with("https://")
}

/// Every field of the page holds exactly the real links, whatever the spelling: the record
/// is the one of the page without its hostile links.
fn page_keeps_only_real_links(file: &str, url: &str) {
    let Record::Page(clean) = parse_with(file, url, "#") else {
        panic!("{file} is not a page")
    };
    // The real links are there: every field is filled, so a field that let a hostile link
    // through (the first of each in the fixture) would differ.
    assert_eq!(clean.pages.len(), 2, "{clean:#?}");
    assert_eq!(clean.articles.len(), 1, "{clean:#?}");
    let single = [
        &clean.image_url,
        &clean.pdf_url,
        &clean.prev_issue_url,
        &clean.next_issue_url,
    ];
    assert!(single.iter().all(|f| f.is_some()), "{clean:#?}");
    assert!(page_links(&clean).into_iter().all(web), "{clean:#?}");
    for spelling in SPELLINGS {
        let Record::Page(page) = parse_with(file, url, spelling) else {
            panic!("{file} with {spelling:?} is not a page")
        };
        let hostile: Vec<&str> = page_links(&page).into_iter().filter(|l| !web(l)).collect();
        assert!(hostile.is_empty(), "{file}, {spelling:?}: {hostile:?}");
        assert_eq!(page, clean, "{file}, {spelling:?}");
    }
}

fn article_keeps_only_real_images(file: &str, url: &str) {
    let Record::Article(clean) = parse_with(file, url, "#") else {
        panic!("{file} is not an article")
    };
    assert_eq!(clean.images.len(), 1, "{clean:#?}");
    assert!(web(&clean.images[0].url));
    for spelling in SPELLINGS {
        let Record::Article(article) = parse_with(file, url, spelling) else {
            panic!("{file} with {spelling:?} is not an article")
        };
        assert_eq!(article, clean, "{file}, {spelling:?}");
    }
}

#[test]
fn hostile_links_never_reach_a_classic_page_or_article() {
    page_keeps_only_real_links(
        "node_2.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
    );
    article_keeps_only_real_images(
        "content_1001.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
    );
}

#[test]
fn hostile_links_never_reach_a_new_founder_page_or_article() {
    page_keeps_only_real_links(
        "node_01.html",
        "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
    );
    article_keeps_only_real_images(
        "content_40000101.html",
        "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000101.html",
    );
}

#[test]
fn hostile_links_never_reach_a_new_founder_skin_page_or_article() {
    page_keeps_only_real_links(
        "colA01.html",
        "https://paper.example.cn/PC/layout/202506/18/colA01.html",
    );
    page_keeps_only_real_links(
        "node_A001.html",
        "https://paper.example.cn/zqsb/col/202506/18/node_A001.html",
    );
    article_keeps_only_real_images(
        "content_1202.html",
        "https://paper.example.cn/PC/content/202506/18/content_1202.html",
    );
    article_keeps_only_real_images(
        "content_3001.html",
        "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html",
    );
}

#[test]
fn hostile_links_never_reach_an_nbs_page_or_article() {
    page_keeps_only_real_links(
        "nbs.D110000renmrb_02.htm",
        "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
    );
    article_keeps_only_real_images(
        "nw.D110000renmrb_20180306_1-02.htm",
        "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_1-02.htm",
    );
}

#[test]
fn hostile_links_never_reach_an_shtml_page_or_article() {
    page_keeps_only_real_links(
        "vA2.shtml",
        "http://paper.example.cn/shtml/hsb/20250618/vA2.shtml",
    );
    article_keeps_only_real_images(
        "712345.shtml",
        "http://paper.example.cn/shtml/hsb/20250618/712345.shtml",
    );
}

#[test]
fn hostile_links_never_reach_a_bmml_page_or_article() {
    page_keeps_only_real_links(
        "page_2.htm",
        "http://paper.example.cn/xawb/20250618/html/page_2.htm",
    );
    article_keeps_only_real_images(
        "page_2_content_1.htm",
        "http://paper.example.cn/xawb/20250618/html/page_2_content_1.htm",
    );
}

#[test]
fn hostile_links_never_reach_a_qpaper_page_or_article() {
    page_keeps_only_real_links(
        "Qpaper_2.html",
        "http://paper.example.cn/Html/2025-06-18/Qpaper_2.html",
    );
    article_keeps_only_real_images(
        "3100201.html",
        "http://paper.example.cn/Html/2025-06-18/3100201.html",
    );
}

#[test]
fn hostile_links_never_reach_a_paper_index_page_or_article() {
    page_keeps_only_real_links(
        "Page01TB.htm",
        "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
    );
    article_keeps_only_real_images(
        "Articel01001TB.htm",
        "http://paper.example.cn/dzrb/content/20240305/Articel01001TB.htm",
    );
}

#[test]
fn hostile_links_never_reach_a_bjrbdzb_or_plist_page_or_article() {
    page_keeps_only_real_links(
        "20250618_m.html",
        "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html",
    );
    article_keeps_only_real_images(
        "content_20250618_001_1.htm",
        "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_001/content_20250618_001_1.htm",
    );
    page_keeps_only_real_links(
        "20250618_002.html",
        "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html",
    );
}

#[test]
fn hostile_links_never_reach_a_read_do_page_or_article() {
    page_keeps_only_real_links(
        "read_do_page.html",
        "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&idate=2_2025-06-18",
    );
    article_keeps_only_real_images(
        "read_do_article.html",
        "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&sid=512345&idate=2_2025-06-18",
    );
}

/// A page of `n` links per kind: `article(i)` and `page(i)` write one link each, pages
/// first, so the article list is filled from links that come after a long page list.
pub(crate) fn many_links(
    n_pages: usize,
    n_articles: usize,
    page: impl Fn(usize) -> String,
    article: impl Fn(usize) -> String,
) -> String {
    let mut html = String::from("<html><body><div id=pageList>");
    (0..n_pages).for_each(|i| html.push_str(&page(i)));
    html.push_str("</div><div id=titleList><ul class=news-list>");
    (0..n_articles).for_each(|i| html.push_str(&article(i)));
    html.push_str("</ul></div></body></html>");
    html
}

/// (URL, page) of each family with `n` page links and `2n` article links; `n = 50_000` is
/// 5–6 MB.
pub(crate) fn link_flood(n: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
            many_links(
                n,
                2 * n,
                |i| format!("<a id=pageLink href=node_{i}.htm>{i}</a>"),
                |i| format!("<a href=content_{i}.htm>t{i}</a>"),
            ),
        ),
        (
            "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
            many_links(
                n,
                2 * n,
                |i| format!("<a id=pageLink href=node_{i}.html>{i}</a>"),
                |i| format!("<a href=content_{i}.html>t{i}</a>"),
            ),
        ),
        (
            "https://paper.example.cn/PC/layout/202506/18/colA01.html",
            many_links(
                n,
                2 * n,
                |i| {
                    format!(
                        "<div class=Chunkiconlist><p><a href=colA{i}.html>第A{i}版：x</a>\
                         <a href=A{i}.pdf></a></p></div>"
                    )
                },
                |i| format!("<a href=content_{i}.html>t{i}</a>"),
            ),
        ),
        (
            "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
            many_links(
                n,
                2 * n,
                |i| format!("<a id=pageLink href=nbs.D1_{i}.htm>{i}</a>"),
                |i| format!("<a href=nw.D1_20180306_{i}-02.htm>t{i}</a>"),
            ),
        ),
        (
            "http://paper.example.cn/shtml/hsb/20250618/vA2.shtml",
            many_links(
                n,
                2 * n,
                |i| {
                    format!(
                        "<ul class=conRList><li><a onclick=\"gourl('v{i}.shtml')\">{i}</a></ul>"
                    )
                },
                |i| format!("<a href=javascript:; onclick=\"gourl('{i}.shtml')\">t{i}</a>"),
            ),
        ),
        (
            "http://paper.example.cn/xawb/20250618/html/page_2.htm",
            many_links(
                n,
                2 * n,
                |i| {
                    format!(
                        "<div class=bmml_con_div><a class=bmml-tit href=page_{i}.htm>{i}</a></div>"
                    )
                },
                |i| {
                    format!(
                        "<div class=bmdh_con_div><a class=bmdh_con_a href=content_{i}.htm>t{i}</a></div>"
                    )
                },
            ),
        ),
        (
            "http://paper.example.cn/Html/2025-06-18/Qpaper_2.html",
            many_links(
                n,
                2 * n,
                |i| format!("<div id=bancilist><ul><li><a href=Qpaper_{i}.html>{i}</a></ul></div>"),
                |i| format!("<div id=doclist><ul><li><a href={i}.html>t{i}</a></ul></div>"),
            ),
        ),
        (
            "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
            many_links(
                n,
                2 * n,
                |i| format!("<li class=banci><a href=Page{i}TB.htm>{i}</a></li>"),
                |i| format!("<a href=Articel{i:05}TB.htm>t{i}</a>"),
            ),
        ),
        (
            "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html",
            bjrb_flood(n),
        ),
        (
            "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html",
            many_links(
                n,
                2 * n,
                |i| format!("<div class=bancititle><a href=../x_{i}/x.html>{i}</a></div>"),
                |i| format!("<map><area href=20250618_002_{i}.htm title=t{i}></map>"),
            ),
        ),
        (
            "http://paper.example.cn/epaper/read.do?m=i&iid=1&eid=2&idate=2_2025-06-18",
            many_links(
                n,
                2 * n,
                |i| format!("<span class=listTitleL><a href=read.do?iid=1&eid={i}>{i}</a></span>"),
                |i| format!("<div id=link><a href=read.do?iid=1&sid={i}>t{i}</a></div>"),
            ),
        ),
    ]
}

/// bjrbdzb's issue document with `2n` articles in its first 版, then `n` more 版.
fn bjrb_flood(n: usize) -> String {
    let mut html = String::from("<html><body><div class=nav-items><ul class=nav-list-group>");
    for i in 0..2 * n {
        html.push_str(&format!(
            "<li><a data-href=20250618_001/content_20250618_001_{i}.htm>t{i}</a>"
        ));
    }
    html.push_str("</ul></div>");
    for i in 0..n {
        html.push_str(&format!(
            "<div class=nav-items><div class=nav-panel-heading>第{i}版</div></div>"
        ));
    }
    html.push_str("</body></html>");
    html
}

fn timed_page(url: &str, html: &str) -> (Duration, PageRecord) {
    let started = Instant::now();
    let record = epaper_parser::parse(url, html.as_bytes(), None).unwrap();
    let took = started.elapsed();
    let Record::Page(page) = record else {
        panic!("{url} is not a page")
    };
    (took, page)
}

/// 150,000 links took 45 s to de-duplicate (each searched the list kept so far); now a hash
/// lookup each, and the lists stop at their caps, in first-seen order. Ten times the links
/// must cost about ten times the time, not a hundred; the absolute bound is loose because
/// tests run unoptimised on a shared machine.
#[test]
fn a_page_of_150k_links_parses_in_linear_time_and_its_lists_are_capped() {
    let small = link_flood(5_000);
    for (n, (url, html)) in link_flood(50_000).into_iter().enumerate() {
        assert!(html.len() > 4_000_000, "{}", html.len());
        let (took_small, _) = timed_page(small[n].0, &small[n].1);
        let (took, page) = timed_page(url, &html);
        eprintln!(
            "{url}: {} bytes, 150,000 links in {took:?}; 15,000 links in {took_small:?}",
            html.len()
        );
        assert!(took < Duration::from_secs(60), "{url}: {took:?}");
        assert!(
            took < took_small * 30,
            "{url}: {took:?} against {took_small:?}"
        );
        assert_eq!(page.articles.len(), MAX_ARTICLES_PER_PAGE, "{url}");
        assert_eq!(page.pages.len(), MAX_PAGES_PER_ISSUE, "{url}");
        assert_eq!(page.articles[0].title.as_deref(), Some("t0"), "{url}");
        let last = MAX_ARTICLES_PER_PAGE - 1;
        assert_eq!(page.articles[last].title, Some(format!("t{last}")), "{url}");
    }
}
