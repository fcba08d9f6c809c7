//! The classic Founder (方正) e-paper layout: `html/YYYY-MM/DD/node_N.htm` per page (版) and
//! `content_N.htm` per article. See `../shared/real-pages/NOTES.md` for the real pages this
//! follows.
//!
//! Its restyled skins keep the URLs and change the markup around them (`../shared/families.md`,
//! "Founder classic and its restyled skins"): the page list is `a#pageLink` (plain, and the
//! 浙江 papers' `div.main-ednav-nav`), `table#bmdhTable a.rigth_bmdh_href` (sic; the "bmdh" skin)
//! or `ul.layout-catalogue-list li.layout-catalogue-item` (大河网). Articles print their titles
//! in `td.font01`/`td.font02` cells or in the rows of a `table.wz`.
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
    Links, MAX_ARTICLES_PER_PAGE, first_href, issue_article, issue_link, own_url, page_refs,
    push_article, target,
};
use crate::label::{self, Label};
use crate::properties::Properties;
use crate::regions::{Scan, push_mapped, scan_of};
use crate::text::{element_text, fold_spaces, non_empty, text_with_breaks};

pub const FAMILY: Family = Family {
    name: "founder-classic",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin,
};

selector!(
    PAGE_LINKS,
    "a#pageLink, a#pagelink, a#PageLink, #bmdhTable a.rigth_bmdh_href, \
     ul.layout-catalogue-list li.layout-catalogue-item > a:not(.pdf)"
);
// The "bmdh" skin's link to this 版's own PDF.
selector!(OWN_PDF, "a#bigbmshowpdf");
selector!(ANCHORS, "a[href]");
selector!(AREAS, "area[href], AREA[href]");
selector!(MAP_IMAGE, "img[usemap]");
selector!(TITLE_CELL, "td.font01");
selector!(TITLE_OR_SUB_CELL, "td.font01, td.font02");
// The 版 label: 科技日报, 中国纪检监察报, 人民日报 (new), the "bmdh" skin's `td#currentBM`, the
// catalogue skin's `span.pic-info-summary`, and the unclassed first cell of `div.dNav` in the
// 大河网 template, which has nothing better.
selector!(
    BANCI,
    ".banci, td.bm01, .paper-bot p.ban, #currentBM, .pic-info-summary, .dNav td"
);
selector!(CONTENT_AREA, ".dContents, #ozoom");
// The `table.wz` template's title block: its rows, and the byline element in one of them.
selector!(WZ_TABLE, "table.wz");
selector!(ROWS, "tr");
selector!(FOUNDER_AUTHOR, "founder-author");

regex!(PAGE_URL, r"(?i)/node_\d+\.html?$");
regex!(ARTICLE_URL, r"(?i)/content_\d+\.html?$");
regex!(CONTENT_HREF, r"(?i)content_(\d+)\.htm");
regex!(URL_DATE, r"/(\d{4})-(\d{2})/(\d{2})/");

/// Which kind of document a URL names in this layout, if any.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_URL, &ARTICLE_URL)
}

/// Recognises a document of this layout by its markup: the article body's markers, title cell
/// or byline element, else the page list (in any skin) or image map.
pub fn detect(html: &str) -> Option<DocKind> {
    const ARTICLE_MARKERS: [&str; 6] = [
        "<!--enpcontent-->",
        "class=\"font01\"",
        "class=font01",
        "<founder-author",
        "class=\"wz\"",
        "class=wz",
    ];
    const PAGE_MARKERS: [&str; 5] = [
        "PagePicMap",
        "pageLink",
        "rigth_bmdh_href",
        "layout-catalogue-list",
        "main-ednav-nav",
    ];
    if ARTICLE_MARKERS.iter().any(|marker| html.contains(marker)) {
        Some(DocKind::Article)
    } else if PAGE_MARKERS.iter().any(|marker| html.contains(marker)) {
        Some(DocKind::Page)
    } else {
        None
    }
}

/// The family's `skin`: the restyled skin of the page `html`, by the page list's markup
/// (`../shared/families.md` names them); `plain` for `a#pageLink` alone.
fn skin(html: &str) -> Option<&'static str> {
    const SKINS: [(&str, &str); 3] = [
        ("rigth_bmdh_href", "bmdh"),
        ("layout-catalogue-list", "layout-catalogue"),
        ("main-ednav-nav", "main-ednav"),
    ];
    let restyled = SKINS.iter().find(|(marker, _)| html.contains(marker));
    Some(restyled.map_or("plain", |(_, name)| name))
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
    let Scan {
        url: image_url,
        map_size,
    } = scan_of(doc.select(&MAP_IMAGE), url);
    PageRecord {
        date: date_of(url, &props, &doc),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url),
        image_url,
        map_size,
        pdf_url: page_pdf(&doc, url, &own_url),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own_url,
    }
}

fn is_pdf(href: &str) -> bool {
    href.trim().to_ascii_lowercase().ends_with(".pdf")
}

/// The 版's own PDF: the "bmdh" skin's `a#bigbmshowpdf`, else the PDF beside this 版's own
/// link in the page list (the skins give every 版 its PDF there, so the first PDF of the
/// document may be another 版's), else the first PDF link.
fn page_pdf(doc: &Html, url: &Url, own_url: &str) -> Option<String> {
    let beside_own_link = || {
        let own_link = doc
            .select(&PAGE_LINKS)
            .find(|link| target(*link, url).as_deref() == Some(own_url))?;
        let row = own_link
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|el| {
                matches!(
                    el.value().name().to_ascii_lowercase().as_str(),
                    "tr" | "li" | "dl"
                )
            })?;
        first_href(row.select(&ANCHORS), url, is_pdf)
    };
    first_href(doc.select(&OWN_PDF), url, is_pdf)
        .or_else(beside_own_link)
        .or_else(|| first_href(doc.select(&ANCHORS), url, is_pdf))
}

/// The page's articles: the title list first (it has the titles), then image-map areas the list
/// lacks.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    let mut push = |link: ElementRef<'_>, title: Option<String>, mapped: bool| {
        let href = link.value().attr("href").unwrap_or_default();
        if CONTENT_HREF.is_match(href)
            && let Some(article_url) = issue_article(url, href, &URL_DATE)
        {
            if mapped {
                push_mapped(&mut articles, article_url, title, link);
            } else {
                push_article(&mut articles, article_url, title);
            }
        }
    };
    let is_own = own_links(doc, url);
    for anchor in doc.select(&ANCHORS) {
        if is_own(anchor) {
            push(anchor, non_empty(&element_text(anchor)), false);
        }
    }
    for area in doc.select(&AREAS) {
        push(area, None, true);
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
    let cells = title_cells(&doc);
    let titles = if cells.title.is_some() {
        cells
    } else {
        wz_titles(&doc)
    }
    .or_metadata(&props, &doc);
    let content_area = doc.select(&CONTENT_AREA).next();
    // The byline: the metadata, else the `founder-author` element of the `table.wz` template,
    // else what the body prints (a byline paragraph leaves the body).
    let author = props.get("author").and_then(non_empty).or_else(|| {
        doc.select(&FOUNDER_AUTHOR)
            .find_map(|el| non_empty(&fold_spaces(&element_text(el))))
    });
    let body = Body::with_byline(author, article::paragraphs(html, content_area));
    let images = article::images(
        image_root(&doc, content_area),
        url,
        |_, src| !src.contains("/tplimg/"),
        article::table_caption,
    );
    let label = or_metadata_page_no(printed_label(&doc), &props);
    article::record(url, date_of(url, &props, &doc), label, titles, body, images)
}

/// Where an article's pictures are: the 河南商报 template sets the captioned picture in a table
/// ahead of `#ozoom`, inside the same `div.dContents`; the `table.wz` template in its
/// `table#newspic`, inside the title block's table; others inside the body.
fn image_root<'a>(doc: &'a Html, content_area: Option<ElementRef<'a>>) -> ElementRef<'a> {
    content_area
        .and_then(|area| {
            area.ancestors().filter_map(ElementRef::wrap).find(|el| {
                el.value()
                    .has_class("dContents", CaseSensitivity::AsciiCaseInsensitive)
            })
        })
        .or_else(|| doc.select(&WZ_TABLE).next())
        .or(content_area)
        .unwrap_or_else(|| doc.root_element())
}

/// The title block of the `table.wz` template: its own `tr valign=top` rows (not those of the
/// tables inside it) are, in order, the 引题, the title and the 副题; the row holding
/// `founder-author` is the byline's and no title.
fn wz_titles(doc: &Html) -> Titles {
    let Some(table) = doc.select(&WZ_TABLE).next() else {
        return Titles::default();
    };
    let own_row = |row: &ElementRef<'_>| {
        let top = row
            .value()
            .attr("valign")
            .is_some_and(|valign| valign.trim().eq_ignore_ascii_case("top"));
        let in_table = row
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|el| el.value().name().eq_ignore_ascii_case("table"))
            .is_some_and(|el| el.id() == table.id());
        top && in_table && row.select(&FOUNDER_AUTHOR).next().is_none()
    };
    let mut texts = table
        .select(&ROWS)
        .filter(own_row)
        .take(3)
        .map(|row| non_empty(&text_with_breaks(row)));
    Titles {
        pretitle: texts.next().flatten(),
        title: texts.next().flatten(),
        subtitle: texts.next().flatten(),
    }
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
