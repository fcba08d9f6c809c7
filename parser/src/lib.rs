//! Pure extraction: raw bytes of an e-paper page or article in, a [`Record`] out.
//!
//! Architecture invariant: the parser touches neither the network nor the database. It is a
//! function of (URL, bytes, declared content type), so archived raw documents can be parsed again
//! at any time with the same result.

pub mod classic;
pub mod decode;
pub mod service;
pub mod text;

use std::sync::LazyLock;

use epaper_common::messages::{DocKind, Record};
use regex::Regex;
use url::Url;

static PAGE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/node_\d+\.html?$").expect("valid regex"));
static ARTICLE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/content_\d+\.html?$").expect("valid regex"));

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not a URL: {0}")]
    BadUrl(String),
    #[error("{0} is neither a page nor an article of a known layout")]
    UnknownLayout(String),
}

/// Which kind of document a URL names in the classic Founder layout, if any.
pub fn kind_of_url(url: &Url) -> Option<DocKind> {
    let path = url.path();
    if PAGE_URL.is_match(path) {
        Some(DocKind::Page)
    } else if ARTICLE_URL.is_match(path) {
        Some(DocKind::Article)
    } else {
        None
    }
}

/// Parses one document. `content_type` is the HTTP header value, when one was served.
pub fn parse(url: &str, bytes: &[u8], content_type: Option<&str>) -> Result<Record, ParseError> {
    let parsed_url = Url::parse(url).map_err(|_| ParseError::BadUrl(url.to_string()))?;
    let decoded = decode::decode(
        bytes,
        content_type.and_then(decode::charset_from_content_type),
    );
    let html = &decoded.text;
    let kind = kind_of_url(&parsed_url).or_else(|| sniff_kind(html));
    match kind {
        Some(DocKind::Page) => Ok(Record::Page(classic::parse_page(html, &parsed_url))),
        Some(DocKind::Article) => {
            let article = classic::parse_article(html, &parsed_url);
            if article.title.is_none() && article.paragraphs.is_empty() {
                return Err(ParseError::UnknownLayout(url.to_string()));
            }
            Ok(Record::Article(article))
        }
        None => Err(ParseError::UnknownLayout(url.to_string())),
    }
}

/// Recognises a document by its markup when its URL says nothing.
fn sniff_kind(html: &str) -> Option<DocKind> {
    if html.contains("<!--enpcontent-->")
        || html.contains("class=\"font01\"")
        || html.contains("class=font01")
    {
        Some(DocKind::Article)
    } else if html.contains("PagePicMap") || html.contains("pageLink") {
        Some(DocKind::Page)
    } else {
        None
    }
}
