//! `layout = "selectors"`: a one-off e-paper system read by the regexes and CSS selectors of its
//! profile's `[selectors]` table (`epaper_common::sites::Selectors`), for the papers whose system
//! is theirs alone and not worth a family. It is no entry of [`super::FAMILIES`]: nothing is
//! detected, the profile says which system a document is in, and [`crate::parse_with`] reads it
//! with these functions.
//!
//! The table says where each field is; the rest is the shared helpers', as in every family: page
//! lists and 版 labels (`html::page_refs`, `label`), article lists (`Links`, `push_article`),
//! titles (`article::Titles`), the body and its byline (`article::Body`), pictures
//! (`article::images`), dates (`date`) and the 上一期 / 下一期 links (`html::issue_link`).
//!
//! Invariants, as in every family: every URL in a record is absolute, http(s), without query or
//! fragment; a page's pages and articles are on the page's host, match the table's URL regex,
//! and name no other date than the page's URL does (so a 上一期 link caught by a loose selector
//! is not crawled as a page of this issue); every text field is trimmed, an empty one `None`;
//! lists are capped; and the cost is linear in the document for the selectors a profile may
//! give (`:has()` is refused when the profile loads).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord, PageRef};
use epaper_common::sites::{self, Selectors};
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::article::{self, Body, Titles};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, absolute, article_document, first_href, issue_link, own_url,
    page_refs, paragraphs_without_captions,
};
use crate::label::{self, Label};
use crate::regions::{Scan, push_mapped, scan_of};
use crate::text::{block_text, element_text, fold_spaces, non_empty};

selector!(FIGCAPTION, "figcaption");
// A date at the start of a run of digits in a URL's path: `2024-03/04`, `202403/04`,
// `2024-03-04`, `2024/03/04`, `20240304`.
regex!(URL_DATE, r"^(\d{4})[-/]?(\d{2})[-/]?(\d{2})");
// A printed date as systems outside China's Founder world also write it: `2024-03-04`.
regex!(NUMERIC_DATE, r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})");
regex!(AUTHOR_PREFIX, r"^作者\s*[:：]\s*");

/// A `[selectors]` table compiled: what every function here reads a document with.
#[derive(Debug)]
pub struct Compiled {
    page_url: Regex,
    article_url: Regex,
    page_list: Selector,
    article_list: Selector,
    title: Selector,
    pretitle: Option<Selector>,
    subtitle: Option<Selector>,
    author: Option<Selector>,
    date: Option<Selector>,
    body: Selector,
    images: Option<Selector>,
    page_label: Option<Selector>,
    scan: Option<Selector>,
    pdf: Option<Selector>,
}

impl Compiled {
    /// Compiles every pattern as the profile check does (`sites::css`, `sites::regex`), so a
    /// table that loaded compiles here; the error names the key that does not.
    fn new(table: &Selectors) -> Result<Compiled, String> {
        let optional = |key: &str, text: &Option<String>| {
            text.as_deref()
                .map(|text| sites::css(key, text))
                .transpose()
        };
        Ok(Compiled {
            page_url: sites::regex("page_url", &table.page_url)?,
            article_url: sites::regex("article_url", &table.article_url)?,
            page_list: sites::css("page_list", &table.page_list)?,
            article_list: sites::css("article_list", &table.article_list)?,
            title: sites::css("title", &table.title)?,
            pretitle: optional("pretitle", &table.pretitle)?,
            subtitle: optional("subtitle", &table.subtitle)?,
            author: optional("author", &table.author)?,
            date: optional("date", &table.date)?,
            body: sites::css("body", &table.body)?,
            images: optional("images", &table.images)?,
            page_label: optional("page_label", &table.page_label)?,
            scan: optional("scan", &table.scan)?,
            pdf: optional("pdf", &table.pdf)?,
        })
    }
}

/// At most this many tables are kept compiled; past it the cache starts again. A process has
/// one table per `selectors` profile and era, a handful.
const MAX_COMPILED: usize = 64;

static COMPILED: LazyLock<Mutex<HashMap<Selectors, Arc<Compiled>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// `table` compiled, once per table for the life of the process rather than once per document
/// (compiling is a few hundred times the cost of a lookup).
pub fn compile(table: &Selectors) -> Result<Arc<Compiled>, String> {
    // A panic elsewhere while the lock was held leaves a map that is still whole.
    let cached = COMPILED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(table)
        .cloned();
    if let Some(compiled) = cached {
        return Ok(compiled);
    }
    let compiled = Arc::new(Compiled::new(table)?);
    let mut cache = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() >= MAX_COMPILED {
        cache.clear();
    }
    cache.insert(table.clone(), compiled.clone());
    Ok(compiled)
}

/// Which kind of document `url` is in this system: a page when its absolute URL (without query
/// or fragment) matches `page_url`, else an article when it matches `article_url`.
pub fn kind(url: &Url, system: &Compiled) -> Option<DocKind> {
    let url = own_url(url);
    if system.page_url.is_match(&url) {
        Some(DocKind::Page)
    } else if system.article_url.is_match(&url) {
        Some(DocKind::Article)
    } else {
        None
    }
}

/// The first valid date a URL's path names, standing alone (no digit right before or after
/// it). Each run of digits is tried once, with an anchored match of a few bytes: linear in the
/// path, however long a hostile link makes it.
fn url_date(url: &Url) -> Option<NaiveDate> {
    let path = url.path();
    let digit = |at: usize| path.as_bytes().get(at).is_some_and(u8::is_ascii_digit);
    (0..path.len())
        .filter(|&at| digit(at) && (at == 0 || !digit(at - 1)))
        .find_map(|at| {
            let found = URL_DATE.find(&path[at..])?;
            if digit(at + found.end()) {
                return None;
            }
            crate::date::captured(&URL_DATE, found.as_str())
        })
}

/// `href` of the page at `page` (dated `page_date` by its URL) as a document of the same issue
/// that `pattern` names: absolute, on the page's host, matching, and naming no other date.
fn of_this_issue(
    page: &Url,
    page_date: Option<NaiveDate>,
    href: &str,
    pattern: &Regex,
) -> Option<String> {
    let url = absolute(page, href)?;
    let parsed = Url::parse(&url).ok()?;
    let same_issue = parsed.host_str() == page.host_str()
        && pattern.is_match(&url)
        && !matches!((page_date, url_date(&parsed)), (Some(a), Some(b)) if a != b);
    same_issue.then_some(url)
}

/// The issue's pages from the `page_list` links that are pages of this issue, in order.
fn page_list(doc: &Html, url: &Url, system: &Compiled) -> Vec<PageRef> {
    let page_date = url_date(url);
    let links = doc.select(&system.page_list).filter(|link| {
        link.value()
            .attr("href")
            .and_then(|href| of_this_issue(url, page_date, href, &system.page_url))
            .is_some()
    });
    page_refs(links, url)
}

/// The page's articles from the `article_list` links, in order, each once, with the first
/// title a link gives (an image-map area gives none) and the regions areas and hotspots mark.
fn page_articles(doc: &Html, url: &Url, system: &Compiled) -> Vec<ArticleRef> {
    let page_date = url_date(url);
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    for link in doc.select(&system.article_list) {
        let Some(href) = link.value().attr("href") else {
            continue;
        };
        if let Some(article_url) = of_this_issue(url, page_date, href, &system.article_url) {
            // An image-map area (or a positioned hotspot) also marks where the story is.
            push_mapped(&mut articles, article_url, block_text(link), link);
        }
    }
    articles.into_vec()
}

/// The first element `selector` names that has text, read as a heading.
fn first_text(doc: &Html, selector: Option<&Selector>) -> Option<String> {
    selector.and_then(|selector| doc.select(selector).find_map(block_text))
}

/// The printed date, `2024年3月4日` or `2024-03-04`, else the date the URL names.
fn date_of(doc: &Html, url: &Url, system: &Compiled) -> Option<NaiveDate> {
    let printed = system.date.as_ref().and_then(|selector| {
        doc.select(selector).find_map(|el| {
            let text = element_text(el);
            crate::date::in_text(&text).or_else(|| crate::date::captured(&NUMERIC_DATE, &text))
        })
    });
    printed.or_else(|| url_date(url))
}

/// The 版 label the document prints for itself, the first that names a number.
fn printed_label(doc: &Html, system: &Compiled) -> Label {
    match &system.page_label {
        Some(selector) => label::first_numbered(doc.select(selector).map(element_text)),
        None => (None, None),
    }
}

pub fn parse_page(html: &str, url: &Url, system: &Compiled) -> PageRecord {
    let doc = Html::parse_document(html);
    let pages = page_list(&doc, url, system);
    let own_url = own_url(url);
    let (page_no, page_name) = label::of_page(&pages, &own_url, || printed_label(&doc, system));
    // The profile's scan selector names the image its areas and hotspots are drawn over.
    let Scan {
        url: image_url,
        map_size,
    } = system
        .scan
        .as_ref()
        .map(|selector| scan_of(doc.select(selector), url))
        .unwrap_or_default();
    PageRecord {
        date: date_of(&doc, url, system),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url, system),
        image_url,
        map_size,
        pdf_url: system
            .pdf
            .as_ref()
            .and_then(|selector| first_href(doc.select(selector), url, |_| true)),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own_url,
    }
}

/// The byline: the names of a printed byline (`本报记者 王明 李华`), else the text as printed
/// without a leading `作者：`.
fn author_of(doc: &Html, system: &Compiled) -> Option<String> {
    let text = first_text(doc, system.author.as_ref())?;
    match crate::byline::find(std::slice::from_ref(&text)) {
        Some(byline) => Some(byline.author),
        None => non_empty(&fold_spaces(&AUTHOR_PREFIX.replace(&text, ""))),
    }
}

/// A picture's caption: its `figure`'s `figcaption`, else the table it is set in.
fn caption_of(img: ElementRef<'_>) -> Option<String> {
    let figure = img
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|el| el.value().name().eq_ignore_ascii_case("figure"));
    match figure.and_then(|figure| figure.select(&FIGCAPTION).next()) {
        Some(caption) => block_text(caption),
        None => article::table_caption(img),
    }
}

/// The pictures the `images` selector names, each once, captioned.
fn images_of(doc: &Html, url: &Url, system: &Compiled) -> Vec<Image> {
    let Some(selector) = &system.images else {
        return Vec::new();
    };
    let chosen: HashSet<_> = doc.select(selector).map(|img| img.id()).collect();
    article::images(
        doc.root_element(),
        url,
        |img, _| chosen.contains(&img.id()),
        caption_of,
    )
}

pub fn parse_article(html: &str, url: &Url, system: &Compiled) -> ArticleRecord {
    let doc = article_document(html);
    let titles = Titles {
        pretitle: first_text(&doc, system.pretitle.as_ref()),
        title: first_text(&doc, Some(&system.title)),
        subtitle: first_text(&doc, system.subtitle.as_ref()),
    };
    let paragraphs = doc
        .select(&system.body)
        .next()
        .map(paragraphs_without_captions)
        .unwrap_or_default();
    let body = Body::with_byline(author_of(&doc, system), paragraphs);
    let images = images_of(&doc, url, system);
    let label = printed_label(&doc, system);
    let date = date_of(&doc, url, system);
    article::record(url, date, label, titles, body, images)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_its_date_in_any_of_the_usual_forms_and_nothing_else() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 4);
        for path in [
            "/epaper/2024/03/04/page-01.html",
            "/html/2024-03/04/node_1.htm",
            "/pc/layout/202403/04/node_01.html",
            "/Html/2024-03-04/Qpaper.html",
            "/xawb/20240304/html/index.htm",
            "/12345678901/2024-03-04/a.html",
            "/a/20241399/2024-03-04/a.html",
        ] {
            let url = Url::parse(&format!("http://x.cn{path}")).unwrap();
            assert_eq!(url_date(&url), day, "{path}");
        }
        for path in ["/epaper/art-20240304123.html", "/a/2024/13/04/b.html", "/a"] {
            let url = Url::parse(&format!("http://x.cn{path}")).unwrap();
            assert_eq!(url_date(&url), None, "{path}");
        }
    }
}
