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
pub mod regions;
pub mod service;
pub mod text;

use epaper_common::messages::{DocKind, Record};
use url::Url;

pub use families::{Family, detect};

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not a URL: {0}")]
    BadUrl(String),
    #[error("{0} is neither a page nor an article of a known layout")]
    UnknownLayout(String),
}

/// Parses one document. `content_type` is the HTTP header value, when one was served.
pub fn parse(url: &str, bytes: &[u8], content_type: Option<&str>) -> Result<Record, ParseError> {
    let parsed_url = Url::parse(url).map_err(|_| ParseError::BadUrl(url.to_string()))?;
    let decoded = decode::decode(
        bytes,
        content_type.and_then(decode::charset_from_content_type),
    );
    let html = &decoded.text;
    let Some((family, kind)) = detect(&parsed_url, html) else {
        return Err(ParseError::UnknownLayout(url.to_string()));
    };
    let record = match kind {
        DocKind::Page => Record::Page((family.parse_page)(html, &parsed_url)),
        DocKind::Article => Record::Article((family.parse_article)(html, &parsed_url)),
        // Detection only ever names pages and articles; media are never parsed.
        DocKind::Scan | DocKind::Pdf | DocKind::Image => {
            return Err(ParseError::UnknownLayout(url.to_string()));
        }
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
