//! Helpers the modules share: serving a fixture the way papers do, and reading a record of the
//! expected kind.

use chrono::NaiveDate;
use encoding_rs::GB18030;
use epaper_common::messages::{
    ArticleRecord, ArticleRef, PageRecord, PageRef, Record, Region, Shape,
};

/// What the classic papers serve: UTF-8 with a byte-order mark and CRLF line ends.
pub fn utf8_with_bom_and_crlf(html: &str) -> Vec<u8> {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(html.replace('\n', "\r\n").as_bytes());
    bytes
}

/// The same document as a GBK paper would serve it (GB18030 encodes GBK characters as GBK does).
pub fn gbk_with_crlf(html: &str) -> Vec<u8> {
    let html = html.replace('\n', "\r\n");
    let (bytes, _, unmappable) = GB18030.encode(&html);
    assert!(!unmappable, "fixture text must be encodable in GBK");
    let bytes = bytes.into_owned();
    // Otherwise the test would not exercise charset handling at all.
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK fixture must not be valid UTF-8"
    );
    bytes
}

pub fn page(url: &str, bytes: &[u8]) -> PageRecord {
    match epaper_parser::parse(url, bytes, Some("text/html")) {
        Ok(Record::Page(page)) => page,
        other => panic!("{url} should parse as a page, got {other:?}"),
    }
}

pub fn article(url: &str, bytes: &[u8], content_type: Option<&str>) -> ArticleRecord {
    match epaper_parser::parse(url, bytes, content_type) {
        Ok(Record::Article(article)) => article,
        other => panic!("{url} should parse as an article, got {other:?}"),
    }
}

pub fn page_ref(page_no: &str, page_name: &str, url: &str) -> PageRef {
    PageRef {
        page_no: Some(page_no.into()),
        page_name: Some(page_name.into()),
        url: url.into(),
    }
}

pub fn article_ref(title: &str, url: &str) -> ArticleRef {
    ArticleRef {
        title: Some(title.into()),
        url: url.into(),
        regions: Vec::new(),
    }
}

pub fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `articles` with the regions the page's image map or hotspots give each, in order: four
/// numbers are a rect, more a polygon.
pub fn mapped(articles: Vec<ArticleRef>, regions: &[&[&[f32]]]) -> Vec<ArticleRef> {
    assert_eq!(articles.len(), regions.len(), "one region list an article");
    articles
        .into_iter()
        .zip(regions)
        .map(|(mut article, coords)| {
            article.regions = coords.iter().map(|c| region(c)).collect();
            article
        })
        .collect()
}

/// The region of `coords`: four numbers are a rect, more a polygon.
pub fn region(coords: &[f32]) -> Region {
    let shape = if coords.len() == 4 {
        Shape::Rect
    } else {
        Shape::Poly
    };
    Region::new(shape, coords.to_vec()).expect("a well-formed region")
}
