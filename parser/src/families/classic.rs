//! The classic Founder (方正) e-paper layout: `html/YYYY-MM/DD/node_N.htm` per page (版) and
//! `content_N.htm` per article. See `../shared/real-pages/NOTES.md` for the real pages this
//! follows.
//!
//! Invariants: every URL in a record is absolute and has no `?div=` query; a page's articles are
//! on the page's host and, when the page's URL has the issue date, under that date; every text
//! field is trimmed of ASCII space, NBSP and U+3000, and an empty field is `None`, never `""`.

use std::collections::HashSet;

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord, PageRef};
use scraper::{ElementRef, Html};
use url::Url;

use super::{Family, kind_by_path};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, MAX_IMAGES_PER_ARTICLE, absolute, issue_link, page_refs,
    paragraphs_of, push_article,
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
selector!(IMAGES, "img[src]");
// The 版 label: 科技日报, 中国纪检监察报, 人民日报 (new), and the unclassed first cell of
// `div.dNav` in the 大河网 template, which has nothing better.
selector!(BANCI, ".banci, td.bm01, .paper-bot p.ban, .dNav td");
selector!(CONTENT_AREA, ".dContents, #ozoom");
selector!(HTML_TITLE, "title");

regex!(PAGE_URL, r"(?i)/node_\d+\.html?$");
regex!(ARTICLE_URL, r"(?i)/content_\d+\.html?$");
regex!(CONTENT_HREF, r"(?i)content_(\d+)\.htm");
regex!(URL_DATE, r"/(\d{4})-(\d{2})/(\d{2})/");
regex!(TEXT_DATE, r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日");
/// Which kind of document a URL names in this layout, if any.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_URL, &ARTICLE_URL)
}

/// Recognises a document of this layout by its markup: an article by its body's markers or
/// title cell, else a page by its image map or page list.
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

/// Whether `article` can be an article of the page at `page`: on the same host and, when the
/// page's URL carries the issue date, under that same date. Templates link the paper's own
/// "about us" and subscription texts, which are `content_N.htm` too, from every page's footer.
fn same_issue(page: &Url, article: &Url) -> bool {
    let issue_date = |url: &Url| URL_DATE.find(url.path()).map(|m| m.as_str().to_string());
    page.host_str() == article.host_str()
        && issue_date(page).is_none_or(|date| issue_date(article) == Some(date))
}

fn date_of(url: &Url, props: &Properties, doc: &Html) -> Option<NaiveDate> {
    let ymd = |y: &str, m: &str, d: &str| {
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    if let Some(caps) = URL_DATE.captures(url.path())
        && let Some(date) = ymd(&caps[1], &caps[2], &caps[3])
    {
        return Some(date);
    }
    for key in ["founder-date", "date"] {
        if let Some(value) = props.get(key)
            && let Some(date) = value
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            return Some(date);
        }
    }
    let text = element_text(doc.root_element());
    TEXT_DATE
        .captures(&text)
        .and_then(|caps| ymd(&caps[1], &caps[2], &caps[3]))
}

fn page_list(doc: &Html, base: &Url) -> Vec<PageRef> {
    page_refs(doc.select(&PAGE_LINKS), base)
}

/// The page label printed on the document itself (`div.banci` and its relatives).
fn printed_label(doc: &Html) -> Label {
    label::first_numbered(doc.select(&BANCI).map(element_text))
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let props = Properties::read(html);
    let pages = page_list(&doc, url);
    let own_url = absolute(url, url.as_str()).unwrap_or_else(|| url.to_string());
    let (mut page_no, page_name) = label::of_page(&pages, &own_url, || printed_label(&doc));
    if page_no.is_none() {
        page_no = props.get("founder-pagenum").map(str::to_string);
    }

    // Title list first (it has the titles), then image-map areas the list lacks.
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    let mut push = |href: &str, title: Option<String>| {
        if !CONTENT_HREF.is_match(href) {
            return;
        }
        let Some(article_url) = absolute(url, href) else {
            return;
        };
        if !Url::parse(&article_url).is_ok_and(|article| same_issue(url, &article)) {
            return;
        }
        push_article(&mut articles, article_url, title);
    };
    // With an image map, the 版's own title list is the list (or table) that holds articles of
    // the map; boxes of links to other 版 (中国纪检监察报's 今日关注) hold none and are left out.
    let mapped: HashSet<String> = doc
        .select(&AREAS)
        .filter_map(|area| absolute(url, area.value().attr("href")?))
        .collect();
    let container = |anchor: ElementRef<'_>| {
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
    };
    let is_mapped = |anchor: ElementRef<'_>| {
        anchor
            .value()
            .attr("href")
            .and_then(|href| absolute(url, href))
            .is_some_and(|target| mapped.contains(&target))
    };
    let title_lists: HashSet<_> = doc
        .select(&ANCHORS)
        .filter(|anchor| is_mapped(*anchor))
        .filter_map(container)
        .collect();
    for anchor in doc.select(&ANCHORS) {
        let own = mapped.is_empty()
            || is_mapped(anchor)
            || container(anchor).is_some_and(|list| title_lists.contains(&list));
        if own {
            let href = anchor.value().attr("href").unwrap_or_default();
            push(href, non_empty(&element_text(anchor)));
        }
    }
    for area in doc.select(&AREAS) {
        push(area.value().attr("href").unwrap_or_default(), None);
    }

    let image_url = doc
        .select(&MAP_IMAGE)
        .find_map(|img| img.value().attr("src").and_then(|src| absolute(url, src)));
    let pdf_url = doc.select(&ANCHORS).find_map(|a| {
        let href = a.value().attr("href")?;
        href.to_ascii_lowercase()
            .ends_with(".pdf")
            .then(|| absolute(url, href))
            .flatten()
    });

    PageRecord {
        url: own_url,
        date: date_of(url, &props, &doc),
        page_no,
        page_name,
        pages,
        articles: articles.into_vec(),
        image_url,
        pdf_url,
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
    }
}

fn caption_of(img: ElementRef<'_>) -> Option<String> {
    let table = img
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|el| el.value().name().eq_ignore_ascii_case("table"))?;
    non_empty(&element_text(table))
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let props = Properties::read(html);

    // td.font02 before td.font01 is the 引题, after it the 副题.
    let mut pretitle = None;
    let mut title = None;
    let mut subtitle = None;
    if doc.select(&TITLE_CELL).next().is_some() {
        let mut seen_title = false;
        for cell in doc.select(&TITLE_OR_SUB_CELL) {
            let text = non_empty(&element_text(cell));
            if cell
                .value()
                .has_class("font01", scraper::CaseSensitivity::AsciiCaseInsensitive)
            {
                seen_title = true;
                if title.is_none() {
                    title = text;
                }
            } else if !seen_title {
                pretitle = pretitle.or(text);
            } else {
                subtitle = subtitle.or(text);
            }
        }
    }
    let title = title
        .or_else(|| props.get("title").map(str::to_string))
        .or_else(|| {
            doc.select(&HTML_TITLE)
                .next()
                .and_then(|t| non_empty(element_text(t).split("--").next().unwrap_or_default()))
        });
    let pretitle = pretitle.or_else(|| props.get("introtitle").map(str::to_string));
    let subtitle = subtitle.or_else(|| props.get("subtitle").map(str::to_string));

    let mut paragraphs: Vec<String> = crate::html::enpcontent(html)
        .map(paragraphs_of)
        .unwrap_or_default();
    if paragraphs.is_empty()
        && let Some(area) = doc.select(&CONTENT_AREA).next()
    {
        paragraphs = paragraphs_of(&area.inner_html());
    }

    // The byline: the metadata, else what the body prints (a byline paragraph leaves the body).
    let mut author = props.get("author").and_then(non_empty);
    crate::byline::apply(&mut author, &mut paragraphs);

    let scope = doc.select(&CONTENT_AREA).next();
    let image_root = scope
        .and_then(|area| {
            area.ancestors().filter_map(ElementRef::wrap).find(|el| {
                el.value()
                    .has_class("dContents", scraper::CaseSensitivity::AsciiCaseInsensitive)
            })
        })
        .or(scope)
        .unwrap_or_else(|| doc.root_element());
    let mut images: Links<Image> = Links::new(MAX_IMAGES_PER_ARTICLE);
    for img in image_root.select(&IMAGES) {
        let Some(src) = img.value().attr("src").and_then(|src| absolute(url, src)) else {
            continue;
        };
        if src.contains("/tplimg/") || images.contains(&src) {
            continue;
        }
        images.insert(
            src.clone(),
            Image {
                url: src,
                caption: caption_of(img),
            },
        );
    }

    let (mut page_no, page_name) = printed_label(&doc);
    if page_no.is_none() {
        page_no = props.get("founder-pagenum").map(str::to_string);
    }

    ArticleRecord {
        url: absolute(url, url.as_str()).unwrap_or_else(|| url.to_string()),
        date: date_of(url, &props, &doc),
        page_no,
        page_name,
        pretitle,
        title,
        subtitle,
        author,
        paragraphs,
        images: images.into_vec(),
    }
}
