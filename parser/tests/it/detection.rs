//! Documents of no known layout are errors, and every family is recognised by its URL and,
//! saved under another name, by its markup.

use crate::classic_article::ARTICLE_URL;

#[test]
fn a_document_of_no_known_layout_is_an_error() {
    let html = "<html><head><title>关于我们</title></head>\
                <body><h1>关于我们</h1><p>本站介绍与联系方式。</p></body></html>";
    assert!(
        epaper_parser::parse("http://paper.example.cn/about.html", html.as_bytes(), None).is_err()
    );
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
    let cases: [(&str, &str, bool); 9] = [
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
