//! The new Founder (方正) e-paper layout of the 2020s: a page (版) per `…/YYYYMM/DD/node_NN.html`
//! and an article per `…/content/YYYYMM/DD/content_N.html`. A third of the papers run it
//! (`../shared/families.md`, "Founder new layout"): 人民日报 under `/rmrb/pc/` since 2024-12,
//! 光明日报 under `/gmrb/html/`, and about 90 regional papers in five page skins, each with its
//! own page list and article template, plus a pad/mobile article template served beside the pc
//! pages. It is a family of its own because its markup shares almost nothing with the classic
//! template in [`super::classic`]: the date directories are `YYYYMM/DD`, the page list says
//! `01版：要闻` without 第, and the previous and next issue exist only as JS. See
//! `../shared/real-pages/NOTES.md` (section 1C, ground truth 3) and
//! `../shared/article-markers.md` (sections 1, 1a–1d, 9) for the pages this follows.
//!
//! One family, several skins: the URL says "new Founder layout", the markup says which skin
//! ([`pages::Skin`] for pages, [`articles::Template`] for articles), and each skin is read by
//! its own selectors in `pages.rs`, `articles.rs` and `pad.rs`.
//!
//! Invariants, as in the classic layout: every URL in a record is absolute and has no query or
//! fragment; a page's articles are on the page's host and, when the page's URL has the issue
//! date, under that date; every text field is trimmed of ASCII space, NBSP and U+3000, and an
//! empty field is `None`, never `""`. The record is a function of (URL, HTML) alone.

mod articles;
mod pad;
mod pages;

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, DocKind, PageRecord};
use scraper::Html;
use url::Url;

use super::{Family, kind_by_path};
use crate::properties::Properties;
use crate::text::element_text;

pub const FAMILY: Family = Family {
    name: "founder-new",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin: pages::skin_name,
};

// Where the page or article prints its date: 人民日报 `span.newstime` (`2026年03月10日 Tue`), the
// pad template's `font#author`, which holds the date and not an author.
selector!(PRINTED_DATE, "span.newstime, font#author");

// A page file in a `YYYYMM/DD` directory: `node_01.html`, `node_A01.html`, `colA01.html`,
// `l01.html`, `lWBA01.html`, `n_1.html`. The directory before the date varies (`pc/layout`,
// `layout`, `col`, `column`, `html`, `paper/layout`, `PC/layout`, `pad/column`, a paper's own
// code), so only the date directories and the file name are matched; no other family has
// `YYYYMM/DD` directories (classic: `YYYY-MM/DD`, nbs: `nbs.D110000…`).
regex!(
    PAGE_PATH,
    r"(?i)/\d{6}/\d{2}/(?:node_[a-z]*\d+[a-z]*|col[a-z]*\d+[a-z]*|l[a-z]*\d+[a-z]*|n_\d+)\.html?$"
);
// An article: `content_N.html` in any `YYYYMM/DD` directory (重庆晚报 keeps them beside the pages
// in `html/YYYYMM/DD/`), or `cN.html` / `c_N.html` under an article directory (`content/`,
// `con/`, `cont/`, `pc/paper/c/`).
regex!(
    ARTICLE_PATH,
    r"(?i)(?:/\d{6}/\d{2}/content_\d+|/(?:content|con|cont|c)/\d{6}/\d{2}/c_?\d+)\.html?$"
);
regex!(URL_DATE, r"/(\d{4})(\d{2})/(\d{2})/");

/// Which kind of document `url` names in this layout, if any. Both need the `YYYYMM/DD`
/// directories, which no classic URL (`YYYY-MM/DD`) has. The patterns are plain regexes, so
/// matching is linear in the URL's length.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_PATH, &ARTICLE_PATH)
}

/// What marks a page of some skin: 人民日报's `swiper-slide`/`news-list`, nav-list's
/// `li.resultList`, `ul#layoutlist`, `div.Chunkiconlist`, `div.Therestlist`, `div#webtree`.
const PAGE_MARKERS: [&str; 7] = [
    "swiper-slide",
    "news-list",
    "resultList",
    "layoutlist",
    "Chunkiconlist",
    "Therestlist",
    "webtree",
];
/// What marks an article of a skin's template on its own: `p#PreTitle` (layoutlist, nav-list),
/// `div.newsdetatit` (Chunkicon, Therestlist), `div.tc_con_box` (webtree).
const TEMPLATE_ARTICLE_MARKERS: [&str; 3] = ["PreTitle", "newsdetatit", "tc_con_box"];

/// Recognises a document of this layout by its markup. 人民日报's and 光明日报's article pages carry
/// the page navigation too, so their body (`articleContent`, `m-article-main`) marks them only
/// beside a page marker. The pad template's field ids are shared with 北京日报's mobile pages,
/// so it needs two of them: `main-title` and the `nowLayout` 版 field.
pub fn detect(html: &str) -> Option<DocKind> {
    let has = |marker: &&str| html.contains(marker);
    let page_markup = PAGE_MARKERS.iter().any(has);
    let rmrb_article = page_markup && ["articleContent", "m-article-main"].iter().any(has);
    let pad_article = has(&"main-title") && has(&"nowLayout");
    if rmrb_article || pad_article || TEMPLATE_ARTICLE_MARKERS.iter().any(has) {
        Some(DocKind::Article)
    } else if page_markup {
        Some(DocKind::Page)
    } else {
        None
    }
}

/// The issue date: the URL's `YYYYMM/DD` directories, else the date the document prints
/// (`span.newstime`, the pad's `font#author`, else the first date anywhere in the text), else
/// the metadata's.
fn date_of(url: &Url, doc: &Html, props: &Properties) -> Option<NaiveDate> {
    let printed = || {
        doc.select(&PRINTED_DATE)
            .map(element_text)
            .chain(std::iter::once(element_text(doc.root_element())))
            .find_map(|text| crate::date::in_text(&text))
    };
    crate::date::captured(&URL_DATE, url.path())
        .or_else(printed)
        .or_else(|| props.date("date"))
}

/// `href` up to its query or fragment.
fn without_query(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or_default()
}

fn is_pdf(href: &str) -> bool {
    without_query(href.trim())
        .to_ascii_lowercase()
        .ends_with(".pdf")
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    pages::parse(html, url)
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    articles::parse(html, url)
}
