//! Pure extraction: raw bytes of an e-paper page or article in, a [`Record`] out.
//!
//! Architecture invariant: the parser touches neither the network nor the database. It is a
//! function of (URL, bytes, declared content type), so archived raw documents can be parsed again
//! at any time with the same result.

#[macro_use]
mod macros;

pub mod article;
pub mod byline;
pub mod calendar;
pub mod date;
pub mod decode;
pub mod families;
pub mod html;
pub mod label;
pub mod properties;
pub mod refresh;
pub mod regions;
pub mod service;
pub mod text;

use epaper_common::messages::{DocKind, Record};
use epaper_common::sites::Selectors;
use url::Url;

pub use families::{Family, detect};
pub use refresh::refresh_target;

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not a URL: {0}")]
    BadUrl(String),
    #[error(
        "{0} is neither a page nor an article of a known layout (looked for the URL patterns \
         and the page markers of {families})",
        families = family_names()
    )]
    UnknownLayout(String),
    #[error("{0} matches neither selectors.page_url nor selectors.article_url of its profile")]
    OutsideSelectors(String),
    /// Only a table that skipped the profile check can get here.
    #[error("the profile's selectors do not compile: {0}")]
    BadSelectors(String),
}

/// The families detection asks, in its order: what an unknown layout was tried against.
fn family_names() -> String {
    families::FAMILIES
        .iter()
        .map(|family| family.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses one document. `content_type` is the HTTP header value, when one was served.
pub fn parse(url: &str, bytes: &[u8], content_type: Option<&str>) -> Result<Record, ParseError> {
    parse_with(url, bytes, content_type, None)
}

/// Parses one document of a paper whose profile has the `selectors` layout (`custom`: its
/// era's `[selectors]` table, which alone decides, without family detection); [`parse`] with
/// `None`.
pub fn parse_with(
    url: &str,
    bytes: &[u8],
    content_type: Option<&str>,
    custom: Option<&Selectors>,
) -> Result<Record, ParseError> {
    let parsed_url = Url::parse(url).map_err(|_| ParseError::BadUrl(url.to_string()))?;
    let system = custom
        .map(families::selectors::compile)
        .transpose()
        .map_err(ParseError::BadSelectors)?;
    let decoded = decode::decode(
        bytes,
        content_type.and_then(decode::charset_from_content_type),
    );
    let html = &decoded.text;
    let record = match &system {
        Some(system) => by_selectors(html, &parsed_url, system)
            .ok_or_else(|| ParseError::OutsideSelectors(url.to_string()))?,
        None => by_family(html, &parsed_url)
            .ok_or_else(|| ParseError::UnknownLayout(url.to_string()))?,
    };
    // An error page served at an article URL has neither title nor body: not an article.
    if let Record::Article(article) = &record
        && article.title.is_none()
        && article.paragraphs.is_empty()
    {
        return Err(ParseError::UnknownLayout(url.to_string()));
    }
    Ok(record)
}

/// The record of a document of the family its URL, else its markup, names.
fn by_family(html: &str, url: &Url) -> Option<Record> {
    let (family, kind) = detect(url, html)?;
    match kind {
        DocKind::Page => Some(Record::Page((family.parse_page)(html, url))),
        DocKind::Article => Some(Record::Article((family.parse_article)(html, url))),
        // Detection only ever names pages and articles; media are never parsed.
        DocKind::Scan | DocKind::Pdf | DocKind::Image => None,
    }
}

/// The record of a document of a paper's own system, read by its selectors.
fn by_selectors(html: &str, url: &Url, system: &families::selectors::Compiled) -> Option<Record> {
    use families::selectors;
    match selectors::kind(url, system)? {
        DocKind::Page => Some(Record::Page(selectors::parse_page(html, url, system))),
        DocKind::Article => Some(Record::Article(selectors::parse_article(html, url, system))),
        DocKind::Scan | DocKind::Pdf | DocKind::Image => None,
    }
}
