//! Documents of no known layout are errors, and every family is recognised by its URL and,
//! saved under another name, by its markup.

use crate::classic_article::ARTICLE_URL;

#[test]
fn a_document_of_no_known_layout_is_an_error() {
    let html = "<html><head><title>关于我们</title></head>\
                <body><h1>关于我们</h1><p>本站介绍与联系方式。</p></body></html>";
    let error = epaper_parser::parse("http://paper.example.cn/about.html", html.as_bytes(), None)
        .unwrap_err()
        .to_string();
    // The error names what was looked for: every family, in the order detection asks them.
    assert!(
        error.contains("neither a page nor an article of a known layout"),
        "{error}"
    );
    for family in epaper_parser::families::FAMILIES {
        assert!(
            error.contains(family.name),
            "{error} does not name {}",
            family.name
        );
    }
}

#[test]
fn an_error_page_served_at_an_article_url_is_an_error_not_an_empty_article() {
    let html = "<html><head></head><body><div>页面不存在</div></body></html>";
    let result = epaper_parser::parse(ARTICLE_URL, html.as_bytes(), Some("text/html"));
    assert!(result.is_err(), "{result:?}");
}

/// `parse` routes each family by its URL scheme, and by its markup when the file was saved
/// under another name; the page of one family is never read with another family's rules.
#[test]
fn parse_dispatches_every_family_by_url_and_by_markup() {
    use epaper_common::messages::Record;
    let cases: [(&str, &str, bool); 17] = [
        (
            "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
            include_str!("../fixtures/nbs/nbs.D110000renmrb_02.htm"),
            true,
        ),
        (
            "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
            include_str!("../fixtures/nbs/nw.D110000renmrb_20180306_2-02.htm"),
            false,
        ),
        (
            "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
            include_str!("../fixtures/founder_new/rmrb_page.html"),
            true,
        ),
        (
            "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
            include_str!("../fixtures/founder_new/rmrb_article.html"),
            false,
        ),
        (
            "http://epaper.example.cn/shtml/ycwb/20250618/vA2.shtml",
            include_str!("../fixtures/shtml/xpublish_vA2.shtml"),
            true,
        ),
        (
            "http://epaper.example.cn/shtml/ycwb/20250618/712345.shtml",
            include_str!("../fixtures/shtml/xpublish_712345.shtml"),
            false,
        ),
        (
            "http://epaper.example.cn/xawb/20250618/html/page_2.htm",
            include_str!("../fixtures/bmml/page_2.htm"),
            true,
        ),
        (
            "http://epaper.example.cn/xawb/20250618/html/content_20418.htm",
            include_str!("../fixtures/bmml/content_20418.htm"),
            false,
        ),
        (
            "http://epaper.example.cn/Html/2025-06-18/Qpaper_2.html",
            include_str!("../fixtures/qpaper/Qpaper_2.html"),
            true,
        ),
        (
            "http://epaper.example.cn/Html/2025-06-18/3100202.html",
            include_str!("../fixtures/qpaper/3100202.html"),
            false,
        ),
        (
            "https://paper.example.cn/bddsb/20240305/PageA01BC.htm",
            include_str!("../fixtures/paper_index/PageA01BC.htm"),
            true,
        ),
        (
            "http://paper.example.cn/wfwb/content/20240305/ArticelA03002JQ.htm",
            include_str!("../fixtures/paper_index/ArticelA03002JQ.htm"),
            false,
        ),
        (
            "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html",
            include_str!("../fixtures/bjrb/20250618_m.html"),
            true,
        ),
        (
            "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_002/content_20250618_002_3.htm",
            include_str!("../fixtures/bjrb/content_20250618_002_3.htm"),
            false,
        ),
        (
            "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002_3.htm",
            include_str!("../fixtures/bjrb/20250618_002_3.htm"),
            false,
        ),
        (
            "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&idate=2_2025-06-18",
            include_str!("../fixtures/read_do/page.html"),
            true,
        ),
        (
            "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&sid=512345&idate=2_2025-06-18",
            include_str!("../fixtures/read_do/article.html"),
            false,
        ),
    ];
    for (url, html, is_page) in cases {
        let record = epaper_parser::parse(url, html.as_bytes(), None).unwrap();
        match (&record, is_page) {
            (Record::Page(page), true) => {
                assert!(!page.pages.is_empty(), "{url}: no page list");
                assert!(!page.articles.is_empty(), "{url}: no articles");
            }
            (Record::Article(article), false) => {
                assert!(article.title.is_some(), "{url}: no title");
                assert!(!article.paragraphs.is_empty(), "{url}: no body");
            }
            _ => panic!("{url} parsed as the wrong kind"),
        }
        // Saved under an uninformative name, the markup still says which family it is.
        let saved = epaper_parser::parse("file:///tmp/saved.html", html.as_bytes(), None).unwrap();
        assert_eq!(
            matches!(saved, Record::Page(_)),
            is_page,
            "{url} sniffed as the wrong kind"
        );
    }
}

/// The page and the article of every skin of the new Founder layout, and its pad article:
/// (URL, fixture in `fixtures/founder_new`, whether it is a page).
const FOUNDER_NEW_SKINS: [(&str, &str, bool); 11] = [
    (
        "https://paper.example.cn/gsrb/pc/layout/202506/18/node_02.html",
        "navlist_page.html",
        true,
    ),
    (
        "https://paper.example.cn/gsrb/pc/con/202506/18/c412346.html",
        "navlist_article.html",
        false,
    ),
    (
        "https://paper.example.cn/xzrb/pc/paper/layout/202506/18/node_02.html",
        "layoutlist_page.html",
        true,
    ),
    (
        "https://paper.example.cn/xzrb/pc/paper/c/202506/18/c_20002.html",
        "layoutlist_article.html",
        false,
    ),
    (
        "https://paper.example.cn/PC/layout/202506/18/colA02.html",
        "chunkicon_page.html",
        true,
    ),
    (
        "https://paper.example.cn/PC/content/202506/18/content_1202.html",
        "chunkicon_article.html",
        false,
    ),
    (
        "https://paper.example.cn/lnsb/html/202506/18/node_003.html",
        "therestlist_page.html",
        true,
    ),
    (
        "https://paper.example.cn/lnsb/html/202506/18/content_7002.html",
        "therestlist_article.html",
        false,
    ),
    (
        "https://paper.example.cn/zqsb/col/202506/18/node_A001.html",
        "webtree_page.html",
        true,
    ),
    (
        "https://paper.example.cn/zqsb/content/202506/18/content_9003.html",
        "webtree_article.html",
        false,
    ),
    (
        "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html",
        "pad_article.html",
        false,
    ),
];

/// Every skin of the new Founder layout and its pad template, page and article, is read by
/// that family, by its URL and, saved under a name of no family, by its markup alone.
#[test]
fn every_founder_new_skin_is_recognised_by_url_and_by_markup() {
    use epaper_common::messages::{DocKind, Record};
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (url, file, is_page) in FOUNDER_NEW_SKINS {
        let html = std::fs::read_to_string(fixtures.join("founder_new").join(file)).unwrap();
        let kind = if is_page {
            DocKind::Page
        } else {
            DocKind::Article
        };
        for at in [url, "file:///tmp/saved.html"] {
            let (family, detected) = epaper_parser::detect(&url::Url::parse(at).unwrap(), &html)
                .unwrap_or_else(|| panic!("{file} at {at}: no family"));
            assert_eq!(
                (family.name, detected),
                ("founder-new", kind),
                "{file} at {at}"
            );
        }
        match epaper_parser::parse(url, html.as_bytes(), None).unwrap() {
            Record::Page(page) => {
                assert!(!page.pages.is_empty(), "{file}: no page list");
                assert!(!page.articles.is_empty(), "{file}: no articles");
            }
            Record::Article(article) => {
                assert!(article.title.is_some(), "{file}: no title");
                assert!(!article.paragraphs.is_empty(), "{file}: no body");
            }
        }
    }
}
