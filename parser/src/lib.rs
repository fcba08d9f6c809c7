//! Pure extraction: raw bytes of an e-paper page or article in, a [`Record`] out.
//!
//! Architecture invariant: the parser touches neither the network nor the database. It is a
//! function of (URL, bytes, declared content type), so archived raw documents can be parsed again
//! at any time with the same result.

#[macro_use]
mod macros;

pub mod byline;
pub mod classic;
pub mod decode;
pub mod founder_new;
pub mod html;
pub mod label;
pub mod nbs;
pub mod properties;
pub mod service;
pub mod text;

use epaper_common::messages::{DocKind, Record};
use url::Url;

regex!(PAGE_URL, r"(?i)/node_\d+\.html?$");
regex!(ARTICLE_URL, r"(?i)/content_\d+\.html?$");

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not a URL: {0}")]
    BadUrl(String),
    #[error("{0} is neither a page nor an article of a known layout")]
    UnknownLayout(String),
}

/// The layout families the parser knows (see `../shared/real-pages/NOTES.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `html/YYYY-MM/DD/node_N.htm`, `content_N.htm`
    FounderClassic,
    /// `…/layout/YYYYMM/DD/node_NN.html`, `…/content/YYYYMM/DD/content_N.html`
    FounderNew,
    /// 人民日报 / 光明日报 `nbs.D110000…_NN.htm`, `nw.D110000…_YYYYMMDD_K-NN.htm`
    Nbs,
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

/// The family and kind of a document: by URL first (the URL schemes do not overlap), then by
/// markup for documents saved under another name.
pub fn detect(url: &Url, html: &str) -> Option<(Family, DocKind)> {
    if let Some(kind) = founder_new::matches_url(url) {
        return Some((Family::FounderNew, kind));
    }
    if let Some(kind) = nbs::matches_url(url) {
        return Some((Family::Nbs, kind));
    }
    if let Some(kind) = kind_of_url(url) {
        return Some((Family::FounderClassic, kind));
    }
    sniff(html)
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
    let record = match (family, kind) {
        (Family::FounderClassic, DocKind::Page) => {
            Record::Page(classic::parse_page(html, &parsed_url))
        }
        (Family::FounderClassic, DocKind::Article) => {
            Record::Article(classic::parse_article(html, &parsed_url))
        }
        (Family::FounderNew, DocKind::Page) => {
            Record::Page(founder_new::parse_page(html, &parsed_url))
        }
        (Family::FounderNew, DocKind::Article) => {
            Record::Article(founder_new::parse_article(html, &parsed_url))
        }
        (Family::Nbs, DocKind::Page) => Record::Page(nbs::parse_page(html, &parsed_url)),
        (Family::Nbs, DocKind::Article) => Record::Article(nbs::parse_article(html, &parsed_url)),
        // Detection only ever names pages and articles; media are never parsed.
        (_, DocKind::Scan | DocKind::Pdf | DocKind::Image) => {
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

/// Recognises a document by its markup when its URL says nothing.
fn sniff(html: &str) -> Option<(Family, DocKind)> {
    if html.contains("nw.D110000") || html.contains("nbs.D110000") {
        let kind = if html.contains("text_c") {
            DocKind::Article
        } else {
            DocKind::Page
        };
        return Some((Family::Nbs, kind));
    }
    if html.contains("swiper-slide") || html.contains("news-list") {
        // Article pages of this family carry the page's navigation too; their body marks them.
        let kind = if html.contains("articleContent") || html.contains("m-article-main") {
            DocKind::Article
        } else {
            DocKind::Page
        };
        return Some((Family::FounderNew, kind));
    }
    if html.contains("<!--enpcontent-->")
        || html.contains("class=\"font01\"")
        || html.contains("class=font01")
    {
        Some((Family::FounderClassic, DocKind::Article))
    } else if html.contains("PagePicMap") || html.contains("pageLink") {
        Some((Family::FounderClassic, DocKind::Page))
    } else {
        None
    }
}
