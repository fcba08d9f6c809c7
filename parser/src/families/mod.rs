//! The layout families the parser knows (see `../shared/real-pages/NOTES.md`), one module each,
//! and the one place that picks a document's family.
//!
//! A family module depends on this module's contract and the shared helpers (`html`, `text`,
//! `label`, `date`, `properties`, `article`, `byline`), never on another family: two families
//! that read the same markup share it through a helper. Each exports a [`Family`] named
//! `FAMILY`, listed in [`FAMILIES`]; ARCHITECTURE.md, "How to add a layout family", has the
//! steps.

pub mod bjrb;
pub mod bmml;
pub mod classic;
pub mod founder_new;
pub mod nbs;
pub mod paper_index;
pub mod qpaper;
pub mod read_do;
pub mod selectors;
pub mod shtml;

use epaper_common::messages::{ArticleRecord, DocKind, PageRecord};
use regex::Regex;
use url::Url;

/// What the parser asks of a layout family.
#[derive(Debug)]
pub struct Family {
    /// For logs and tests.
    pub name: &'static str,
    /// Which kind of document `url` names in this layout, if its URL scheme says.
    pub matches_url: fn(&Url) -> Option<DocKind>,
    /// Which kind of document of this layout the markup is, if it is one: for documents saved
    /// under a URL no family matches.
    pub detect: fn(&str) -> Option<DocKind>,
    pub parse_page: fn(&str, &Url) -> PageRecord,
    pub parse_article: fn(&str, &Url) -> ArticleRecord,
    /// The skin of a page (版) of this family, by the names `../shared/families.md` uses
    /// (`nav-list`, `bmdh`, …); `None` for a family with one markup (see [`no_skins`]). For
    /// reports (`sites probe`, `sites check`), not for parsing: each family reads every skin.
    pub skin: fn(&str) -> Option<&'static str>,
}

/// The `skin` of a family whose pages have one markup.
pub(crate) fn no_skins(_html: &str) -> Option<&'static str> {
    None
}

/// The family of a profile's layout name (`founder-new`), if it is one of [`FAMILIES`].
pub fn by_name(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().copied().find(|family| family.name == name)
}

/// Every family, in the order detection asks them. By URL the classic layout comes last: its
/// `node_N.htm` and `content_N.htm` also end the new layout's URLs (the nbs and new layout
/// patterns never meet). By markup nbs comes first, as its `nbs.D110000` links are the most
/// specific marker, and classic last, because `<!--enpcontent-->` is in every family's articles
/// (半岛都市报's PaperIndex articles too).
/// bmml's `YYYYMMDD/html/content_N.htm` articles end in classic's pattern too, so bmml comes
/// before classic; its markers never name classic's `bmdh` skin (`table#bmdhTable`).
/// bjrbdzb and read.do have URLs of their own and markers no other family prints; they come
/// before classic, whose `PagePicMap` image maps other systems copy.
pub static FAMILIES: [&Family; 9] = [
    &nbs::FAMILY,
    &founder_new::FAMILY,
    &bjrb::FAMILY,
    &read_do::FAMILY,
    &shtml::FAMILY,
    &bmml::FAMILY,
    &qpaper::FAMILY,
    &paper_index::FAMILY,
    &classic::FAMILY,
];

/// The family and kind of a document: by URL first, then by markup for documents saved under
/// another name.
pub fn detect(url: &Url, html: &str) -> Option<(&'static Family, DocKind)> {
    let by_url = FAMILIES
        .iter()
        .find_map(|family| Some((*family, (family.matches_url)(url)?)));
    by_url.or_else(|| {
        FAMILIES
            .iter()
            .find_map(|family| Some((*family, (family.detect)(html)?)))
    })
}

/// The `detect` of a family recognised by any of its `markers`, whose articles carry any of
/// `article_markers` (and whose pages carry none).
pub(crate) fn kind_by_markers(
    html: &str,
    markers: &[&str],
    article_markers: &[&str],
) -> Option<DocKind> {
    if !markers.iter().any(|marker| html.contains(marker)) {
        return None;
    }
    if article_markers.iter().any(|marker| html.contains(marker)) {
        Some(DocKind::Article)
    } else {
        Some(DocKind::Page)
    }
}

/// A page when the URL's path matches `page`, an article when it matches `article`: the
/// `matches_url` of a family whose URLs name both by their file name.
pub(crate) fn kind_by_path(url: &Url, page: &Regex, article: &Regex) -> Option<DocKind> {
    let path = url.path();
    if page.is_match(path) {
        Some(DocKind::Page)
    } else if article.is_match(path) {
        Some(DocKind::Article)
    } else {
        None
    }
}
