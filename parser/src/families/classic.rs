//! The classic Founder (方正) e-paper layout: `html/YYYY-MM/DD/node_N.htm` per page (版) and
//! `content_N.htm` per article. See `../shared/real-pages/NOTES.md` for the real pages this
//! follows.
//!
//! Invariants: every URL in a record is absolute and has no `?div=` query; a page's articles are
//! on the page's host and, when the page's URL has the issue date, under that date; every text
//! field is trimmed of ASCII space, NBSP and U+3000, and an empty field is `None`, never `""`.

use std::collections::HashSet;

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord};
use scraper::{CaseSensitivity, ElementRef, Html};
use url::Url;

use super::{Family, kind_by_path};
use crate::article::{self, Body, Titles};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, first_href, first_src, issue_article, issue_link, own_url,
    page_refs, push_article, target,
};
use crate::label::{self, Label};
use crate::properties::Properties;
use crate::text::{element_text, non_empty};

pub const FAMILY: Family = Family {
    name: "founder-classic",
    matches_url,
    detect,
    parse_page,
    parse_article,
};

selector!(PAGE_LINKS, "a#pageLink, a#pagelink, a#PageLink");
selector!(ANCHORS, "a[href]");
selector!(AREAS, "area[href], AREA[href]");
selector!(MAP_IMAGE, "img[usemap]");
selector!(TITLE_CELL, "td.font01");
selector!(TITLE_OR_SUB_CELL, "td.font01, td.font02");
// The 版 label: 科技日报, 中国纪检监察报, 人民日报 (new), and the unclassed first cell of
// `div.dNav` in the 大河网 template, which has nothing better.
selector!(BANCI, ".banci, td.bm01, .paper-bot p.ban, .dNav td");
selector!(CONTENT_AREA, ".dContents, #ozoom");

regex!(PAGE_URL, r"(?i)/node_\d+\.html?$");
regex!(ARTICLE_URL, r"(?i)/content_\d+\.html?$");
regex!(CONTENT_HREF, r"(?i)content_(\d+)\.htm");
regex!(URL_DATE, r"/(\d{4})-(\d{2})/(\d{2})/");

/// Which kind of document a URL names in this layout, if any.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_URL, &ARTICLE_URL)
}

/// Recognises a document of this layout by its markup: the article body's markers or title
/// cell, else the page list or image map.
pub fn detect(html: &str) -> Option<DocKind> {
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

fn date_of(url: &Url, props: &Properties, doc: &Html) -> Option<NaiveDate> {
    crate::date::captured(&URL_DATE, url.path())
        .or_else(|| {
            ["founder-date", "date"]
                .into_iter()
                .find_map(|key| props.date(key))
        })
        .or_else(|| crate::date::in_text(&element_text(doc.root_element())))
}

/// The page label printed on the document itself (`div.banci` and its relatives).
fn printed_label(doc: &Html) -> Label {
    label::first_numbered(doc.select(&BANCI).map(element_text))
}

/// The number and name of a document's 版: `label` when it has a number, else the number of the
/// metadata (`founder-pagenum`).
fn or_metadata_page_no((page_no, page_name): Label, props: &Properties) -> Label {
    let page_no = page_no.or_else(|| props.get("founder-pagenum").map(str::to_string));
    (page_no, page_name)
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let props = Properties::read(html);
    let pages = page_refs(doc.select(&PAGE_LINKS), url);
    let own_url = own_url(url);
    let (page_no, page_name) = or_metadata_page_no(
        label::of_page(&pages, &own_url, || printed_label(&doc)),
        &props,
    );
    PageRecord {
        date: date_of(url, &props, &doc),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url),
        image_url: first_src(doc.select(&MAP_IMAGE), url),
        pdf_url: first_href(doc.select(&ANCHORS), url, |href| {
            href.to_ascii_lowercase().ends_with(".pdf")
        }),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own_url,
    }
}

/// The page's articles: the title list first (it has the titles), then image-map areas the list
/// lacks.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    let mut push = |href: &str, title: Option<String>| {
        if CONTENT_HREF.is_match(href)
            && let Some(article_url) = issue_article(url, href, &URL_DATE)
        {
            push_article(&mut articles, article_url, title);
        }
    };
    let is_own = own_links(doc, url);
    for anchor in doc.select(&ANCHORS) {
        if is_own(anchor) {
            let href = anchor.value().attr("href").unwrap_or_default();
            push(href, non_empty(&element_text(anchor)));
        }
    }
    for area in doc.select(&AREAS) {
        push(area.value().attr("href").unwrap_or_default(), None);
    }
    articles.into_vec()
}

/// Which links are this 版's own. With an image map, the 版's own title list is the list (or
/// table) that holds articles of the map; boxes of links to other 版 (中国纪检监察报's 今日关注)
/// hold none and are left out. Without a map every link counts.
fn own_links<'a>(doc: &'a Html, url: &'a Url) -> impl Fn(ElementRef<'_>) -> bool + 'a {
    let mapped: HashSet<String> = doc
        .select(&AREAS)
        .filter_map(|area| target(area, url))
        .collect();
    let title_lists: HashSet<_> = doc
        .select(&ANCHORS)
        .filter(|anchor| is_mapped(&mapped, url, *anchor))
        .filter_map(list_of)
        .collect();
    move |anchor: ElementRef<'_>| {
        mapped.is_empty()
            || is_mapped(&mapped, url, anchor)
            || list_of(anchor).is_some_and(|list| title_lists.contains(&list))
    }
}

fn is_mapped(mapped: &HashSet<String>, url: &Url, anchor: ElementRef<'_>) -> bool {
    target(anchor, url).is_some_and(|to| mapped.contains(&to))
}

/// The list or table an anchor stands in.
fn list_of(anchor: ElementRef<'_>) -> Option<impl Eq + std::hash::Hash + use<>> {
    anchor
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|el| {
            matches!(
                el.value().name().to_ascii_lowercase().as_str(),
                "ul" | "ol" | "table"
            )
        })
        .map(|el| el.id())
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let props = Properties::read(html);
    let titles = title_cells(&doc).or_metadata(&props, &doc);
    let content_area = doc.select(&CONTENT_AREA).next();
    // The byline: the metadata, else what the body prints (a byline paragraph leaves the body).
    let body = Body::with_byline(
        props.get("author").and_then(non_empty),
        article::paragraphs(html, content_area),
    );
    // The 河南商报 template sets the captioned picture in a table ahead of `#ozoom`, inside the
    // same `div.dContents`.
    let image_root = content_area
        .and_then(|area| {
            area.ancestors().filter_map(ElementRef::wrap).find(|el| {
                el.value()
                    .has_class("dContents", CaseSensitivity::AsciiCaseInsensitive)
            })
        })
        .or(content_area)
        .unwrap_or_else(|| doc.root_element());
    let images = article::images(
        image_root,
        url,
        |_, src| !src.contains("/tplimg/"),
        article::table_caption,
    );
    let label = or_metadata_page_no(printed_label(&doc), &props);
    article::record(url, date_of(url, &props, &doc), label, titles, body, images)
}

/// The title cells: `td.font02` before `td.font01` is the 引题, after it the 副题.
fn title_cells(doc: &Html) -> Titles {
    let mut titles = Titles::default();
    if doc.select(&TITLE_CELL).next().is_none() {
        return titles;
    }
    let mut seen_title = false;
    for cell in doc.select(&TITLE_OR_SUB_CELL) {
        let text = non_empty(&element_text(cell));
        if cell
            .value()
            .has_class("font01", CaseSensitivity::AsciiCaseInsensitive)
        {
            seen_title = true;
            if titles.title.is_none() {
                titles.title = text;
            }
        } else if !seen_title {
            titles.pretitle = titles.pretitle.or(text);
        } else {
            titles.subtitle = titles.subtitle.or(text);
        }
    }
    titles
}
