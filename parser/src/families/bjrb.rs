//! 北京日报's e-paper system (`bjrbdzb`, which also serves 北京晚报 and 法制晚报) and the "plist"
//! papers of the same directory scheme (福州日报 / 福州晚报, 农民日报): an issue directory
//! `…/YYYY/YYYYMMDD/`, a directory per 版 `YYYYMMDD_NNN/` under it, the articles in that. Facts:
//! `../shared/families.md` ("北京日报 bjrbdzb / plist") and `article-markers.md` section 5.
//!
//! **bjrbdzb** serves an issue as one document, `YYYYMMDD_m.html`: each 版 is a `div.nav-items`
//! (a heading `第1版 头版` whose `pdf_href` is the 版's PDF, then the article links
//! `a[data-newid][data-href]`), the scans are the `ul#picList` images, and the reader shows one
//! 版 at a time by the anchor `#pageK` (K from 0). A record is one 版 under one URL, and a
//! fragment never reaches a server or a record, so here the query `?page=K` names the 版:
//! `YYYYMMDD_m.html` itself is the first (the entry, fetched once), `YYYYMMDD_m.html?page=1` the
//! second, and so on. The server answers each with the same document (it ignores a query;
//! readers add `?v=<time>` to defeat caches) and the parse of (URL, bytes) picks the 版 the
//! query names. Chosen because it loses nothing the document holds and asks the server only for
//! what it serves: one record for the whole issue would keep one label, scan and PDF of a
//! dozen, and per-版 documents (`YYYYMMDD_NNN/YYYYMMDD_NNN.html`, as plist has) are not known
//! to exist here. The cost is one fetch of the issue document per 版. `page` is the only query
//! parameter kept ([`NamingQuery`]), and the first 版 has the bare URL only.
//!
//! **plist** has a document per 版: the index `YYYYMMDD_plist.htm` (rows of `div.bancititle a`,
//! the 版, and a cell `a`, its PDF) lists the pages `YYYYMMDD_NNN/YYYYMMDD_NNN.html`, whose image
//! map `area`s (`@href`, `@title`) link the articles `YYYYMMDD_NNN_K.htm`. The index is a page
//! record without a 版 of its own (no label, scan, PDF or articles) whose page list is the
//! issue, so the crawler fetches every 版 from it; a page that lists the 版 itself gets its
//! label and PDF from its own row, else its number from its directory.
//!
//! Articles: bjrbdzb `font#guide` 引题, `font#main-title > b` title, `font#sub-title` 副题,
//! `font#author` byline (a source line there is no byline), body `div#scroller div#content p`,
//! pictures in it captioned by their `alt`; plist `div.css_yt` `h3` 引题, `h1` title, `h2`
//! 副题, body `div#zhenwenzone p`, pictures `div[align=center] p img` captioned by the rest of
//! that `div`. Neither prints its 版: the number is the directory's (`_002` is `02`), the name
//! `None`. A 版 number of digits only is written two-digit everywhere (`第1版` and `_001` are
//! both `01`), so a page and its articles agree.
//!
//! The publication days bjrbdzb lists (`period/YYYYMM/period.js`) are read by
//! [`crate::calendar`], and its `paperindex.htm` (a script redirect to the latest issue) by
//! nothing: the crawl builds each day's URL.
//!
//! Encoding: bjrbdzb declares gb2312 and serves UTF-8, which `decode` reads as UTF-8; plist
//! serves GBK. Invariants: every URL in a record is absolute http(s) without fragment, and
//! without query but bjrbdzb's `?page=K`; a page's articles are this family's article URLs on
//! its host under its issue date, each once; lists are capped as [`Links`] says.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord, PageRef};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{Family, kind_by_path};
use crate::article::{self, Body, Titles};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE, NamingQuery, absolute, first_href,
    first_src, issue_article, issue_link, own_url, push_article, target,
};
use crate::label::{self, Label, split_page_label};
use crate::regions::{Scan, push_mapped, scan_of};
use crate::text::{element_text, non_empty, text_with_breaks};

pub const FAMILY: Family = Family {
    name: "bjrbdzb",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin,
};

// bjrbdzb's issue document.
selector!(NAV_ITEMS, "div.nav-items");
selector!(NAV_HEADING, "div.nav-panel-heading");
selector!(NAV_ARTICLES, "ul.nav-list-group li a[data-href]");
selector!(PIC_LIST_ITEMS, "ul#picList > li");
selector!(IMAGES, "img[src]");
// plist's index and pages.
selector!(BANCI_LINKS, "div.bancititle a[href]");
selector!(ANCHORS, "a[href]");
selector!(AREAS, "map area[href]");
selector!(MAP_IMAGE, "img[usemap]");
// Articles.
selector!(GUIDE, "#guide");
selector!(MAIN_TITLE, "#main-title");
selector!(SUB_TITLE, "#sub-title");
selector!(AUTHOR, "#author");
selector!(DATE, "#date");
selector!(CONTENT, "#scroller #content");
selector!(ANY_CONTENT, "#content");
selector!(CSS_YT, "div.css_yt");
selector!(H1, "h1");
selector!(H2, "h2");
selector!(H3, "h3");
selector!(ZHENWEN, "#zhenwenzone");
selector!(PARAGRAPHS, "p");

regex!(
    PAGE_URL,
    r"(?i)/\d{8}/\d{8}_(?:m|plist)\.html?$|/\d{8}_\d{3}/\d{8}_\d{3}\.html?$"
);
regex!(
    ARTICLE_URL,
    r"(?i)/\d{8}_\d{3}/(?:content_)?\d{8}_\d{3}_\d+\.html?$"
);
regex!(ISSUE_DOCUMENT_URL, r"(?i)/\d{8}_m\.html?$");
// A link to an article, as a page writes it.
regex!(
    ARTICLE_HREF,
    r"(?i)\d{8}_\d{3}/(?:content_)?\d{8}_\d{3}_\d+\.html?"
);
// The 版 directory of a page or an article: `…/20250618_002/…`.
regex!(BAN_DIR, r"/\d{8}_(\d{1,3})/[^/]*$");
regex!(URL_DATE, r"/(\d{4})(\d{2})(\d{2})(?:/|_)");

/// The one query parameter of this family's URLs: which 版 of bjrbdzb's issue document.
const PAGE_QUERY: NamingQuery = NamingQuery::new(&["page"]);

/// Which kind of document `url` names in this layout, if any: the issue document, a plist
/// index or page, or an article (`content_YYYYMMDD_NNN_K.htm`, plist `YYYYMMDD_NNN_K.htm`).
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_URL, &ARTICLE_URL)
}

/// Recognises a document of this layout by its markup: the article templates' title and body
/// hooks; the issue document's headings, plist's 版 titles, or a link to a plist article (a
/// plist page has little else of its own).
pub fn detect(html: &str) -> Option<DocKind> {
    let article = [
        "id=\"main-title\"",
        "id=main-title",
        "zhenwenzone",
        "\"css_yt\"",
    ];
    if article.iter().any(|marker| html.contains(marker)) {
        return Some(DocKind::Article);
    }
    let page = ["nav-panel-heading", "bancititle"]
        .iter()
        .any(|marker| html.contains(marker))
        || ARTICLE_HREF.is_match(html);
    page.then_some(DocKind::Page)
}

/// A 版 number as a record writes it: digits two-digit (`1`, `001` are `01`), others as printed.
fn ban_no(no: &str) -> String {
    match no.parse::<u32>() {
        Ok(n) if no.bytes().all(|b| b.is_ascii_digit()) => format!("{n:02}"),
        _ => no.to_string(),
    }
}

/// A printed 版 label (`第1版 头版`) split, its number as [`ban_no`] writes it.
fn ban_label(text: &str) -> Label {
    let (page_no, page_name) = split_page_label(text);
    (page_no.map(|no| ban_no(&no)), page_name)
}

/// The number of the 版 directory `url` is in, if any.
fn dir_no(url: &Url) -> Option<String> {
    BAN_DIR.captures(url.path()).map(|caps| ban_no(&caps[1]))
}

fn date_in_url(url: &Url) -> Option<NaiveDate> {
    crate::date::captured(&URL_DATE, url.path())
}

/// An article of the page at `page`: one of this family's article URLs, of the page's issue.
fn article_url(page: &Url, href: &str) -> Option<String> {
    let url = issue_article(page, href, &URL_DATE)?;
    let path = Url::parse(&url).ok()?;
    ARTICLE_URL.is_match(path.path()).then_some(url)
}

/// The family's `skin`: `bjrbdzb` for the issue document (its `div.nav-items`), else `plist`,
/// whose index and pages are documents of their own.
fn skin(html: &str) -> Option<&'static str> {
    let issue_document = Html::parse_document(html)
        .select(&NAV_ITEMS)
        .next()
        .is_some();
    Some(if issue_document { "bjrbdzb" } else { "plist" })
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let path = url.path();
    // By URL when it is this family's, by markup when saved under another name.
    let issue_document = ISSUE_DOCUMENT_URL.is_match(path)
        || (!PAGE_URL.is_match(path) && doc.select(&NAV_ITEMS).next().is_some());
    if issue_document {
        issue_page(&doc, url)
    } else {
        plist_page(&doc, url)
    }
}

/// Which 版 of the issue document `url` names: `?page=K`, else the first.
fn ban_index(url: &Url) -> usize {
    if !ISSUE_DOCUMENT_URL.is_match(url.path()) {
        return 0;
    }
    PAGE_QUERY
        .value(url, "page")
        .and_then(|k| k.parse().ok())
        .unwrap_or(0)
}

/// The URL of the issue document's `index`th 版 (the bare URL for the first). Only a URL of
/// the issue document names a 版 by its query: under another name the document is its first.
fn ban_url(url: &Url, index: usize) -> Option<String> {
    match index {
        0 => absolute(url, url.as_str()),
        _ if ISSUE_DOCUMENT_URL.is_match(url.path()) => {
            PAGE_QUERY.absolute(url, &format!("?page={index}"))
        }
        _ => None,
    }
}

/// One 版 of bjrbdzb's issue document, the one the URL's query names.
fn issue_page(doc: &Html, url: &Url) -> PageRecord {
    let index = ban_index(url);
    let navs: Vec<ElementRef<'_>> = doc.select(&NAV_ITEMS).take(MAX_PAGES_PER_ISSUE).collect();
    let pages = navs
        .iter()
        .enumerate()
        .filter_map(|(k, nav)| {
            let (page_no, page_name) = heading(*nav).map(|h| ban_label(&h)).unwrap_or_default();
            Some(PageRef {
                page_no,
                page_name,
                url: ban_url(url, k)?,
            })
        })
        .collect();
    let nav = navs.get(index).copied();
    let (page_no, page_name) = nav
        .and_then(heading)
        .map(|h| ban_label(&h))
        .unwrap_or_default();
    PageRecord {
        url: ban_url(url, index).unwrap_or_else(|| url.to_string()),
        date: date_in_url(url).or_else(|| crate::date::in_text(&element_text(doc.root_element()))),
        page_no,
        page_name,
        pages,
        articles: nav.map(|nav| nav_articles(nav, url)).unwrap_or_default(),
        image_url: doc
            .select(&PIC_LIST_ITEMS)
            .nth(index)
            .and_then(|li| first_src(li.select(&IMAGES), url)),
        // The issue document lists each 版's articles, with no map over its picture.
        map_size: None,
        pdf_url: nav.and_then(|nav| ban_pdf(nav, url)),
        prev_issue_url: issue_link(doc, url, "上一期"),
        next_issue_url: issue_link(doc, url, "下一期"),
    }
}

/// The text of a 版's heading, `第1版 头版`.
fn heading(nav: ElementRef<'_>) -> Option<String> {
    nav.select(&NAV_HEADING)
        .find_map(|h| non_empty(&element_text(h)))
}

/// The articles a 版 of the issue document links, in order, each once.
fn nav_articles(nav: ElementRef<'_>, url: &Url) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    for link in nav.select(&NAV_ARTICLES) {
        let Some(article) = link
            .value()
            .attr("data-href")
            .and_then(|href| article_url(url, href))
        else {
            continue;
        };
        push_article(&mut articles, article, non_empty(&element_text(link)));
    }
    articles.into_vec()
}

/// A 版's PDF: its heading's `pdf_href`, `../YYYYMMDD_NNN/….pdf`. The reader's script resolves
/// it from a 版's directory, a sibling of `YYYYMMDD_NNN/` under the issue's (from the issue
/// document it would leave the issue directory), so it is resolved from such a directory.
fn ban_pdf(nav: ElementRef<'_>, url: &Url) -> Option<String> {
    let ban_dir = url.join("ban/").ok()?;
    nav.select(&NAV_HEADING)
        .find_map(|h| absolute(&ban_dir, h.value().attr("pdf_href")?))
}

/// A plist page, or the plist index, which is a page list without a 版 of its own.
fn plist_page(doc: &Html, url: &Url) -> PageRecord {
    let own = own_url(url);
    let rows = banci_rows(doc, url);
    let pages: Vec<PageRef> = rows.iter().map(|row| row.page.clone()).collect();
    let (page_no, page_name) = label::of_page(&pages, &own, || (dir_no(url), None));
    let pdf_url = rows
        .iter()
        .find(|row| row.page.url == own)
        .and_then(|row| row.pdf.clone());
    let Scan {
        url: image_url,
        map_size,
    } = scan_of(doc.select(&MAP_IMAGE), url);
    PageRecord {
        date: date_in_url(url),
        page_no,
        page_name,
        pages,
        articles: map_articles(doc, url),
        image_url,
        map_size,
        pdf_url,
        prev_issue_url: issue_link(doc, url, "上一期"),
        next_issue_url: issue_link(doc, url, "下一期"),
        url: own,
    }
}

/// A row of plist's 版 table: the page and, from another cell of the row, its PDF.
struct BanciRow {
    page: PageRef,
    pdf: Option<String>,
}

/// The 版 table's rows in order, each page once (at most [`MAX_PAGES_PER_ISSUE`]).
fn banci_rows(doc: &Html, url: &Url) -> Vec<BanciRow> {
    let mut rows: Links<BanciRow> = Links::new(MAX_PAGES_PER_ISSUE);
    for link in doc.select(&BANCI_LINKS) {
        let Some(page_url) = target(link, url) else {
            continue;
        };
        let (page_no, page_name) = ban_label(&element_text(link));
        let row = link
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|el| el.value().name().eq_ignore_ascii_case("tr"));
        let pdf = row.and_then(|row| first_href(row.select(&ANCHORS), url, is_pdf));
        let page = PageRef {
            page_no,
            page_name,
            url: page_url.clone(),
        };
        rows.insert(page_url, BanciRow { page, pdf });
    }
    rows.into_vec()
}

fn is_pdf(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    path.trim().to_ascii_lowercase().ends_with(".pdf")
}

/// A plist page's articles: its image map's areas, titled by `@title`, each once.
fn map_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    for area in doc.select(&AREAS) {
        let Some(article) = area
            .value()
            .attr("href")
            .and_then(|href| article_url(url, href))
        else {
            continue;
        };
        let title = area.value().attr("title").and_then(non_empty);
        push_mapped(&mut articles, article, title, area);
    }
    articles.into_vec()
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let label = (dir_no(url), None);
    if doc.select(&ZHENWEN).next().is_some() || doc.select(&CSS_YT).next().is_some() {
        plist_article(&doc, url, label)
    } else {
        bjrb_article(&doc, url, label)
    }
}

fn first_text(scope: ElementRef<'_>, selector: &Selector) -> Option<String> {
    scope
        .select(selector)
        .find_map(|el| non_empty(&text_with_breaks(el)))
}

fn bjrb_article(doc: &Html, url: &Url, label: Label) -> ArticleRecord {
    let root = doc.root_element();
    let titles = Titles {
        pretitle: first_text(root, &GUIDE),
        title: first_text(root, &MAIN_TITLE),
        subtitle: first_text(root, &SUB_TITLE),
    };
    let author = doc
        .select(&AUTHOR)
        .find_map(|el| crate::byline::of_line(&element_text(el)));
    let content = doc
        .select(&CONTENT)
        .next()
        .or_else(|| doc.select(&ANY_CONTENT).next());
    let paragraphs = content.map(leaf_paragraphs).unwrap_or_default();
    let images = content
        .map(|content| {
            article::images(
                content,
                url,
                |_, _| true,
                |img| img.value().attr("alt").and_then(non_empty),
            )
        })
        .unwrap_or_default();
    let date = date_in_url(url).or_else(|| {
        doc.select(&DATE)
            .find_map(|el| crate::date::in_text(&element_text(el)))
    });
    let body = Body::with_byline(author, paragraphs);
    article::record(url, date, label, titles, body, images)
}

fn plist_article(doc: &Html, url: &Url, label: Label) -> ArticleRecord {
    let heads = doc
        .select(&CSS_YT)
        .next()
        .unwrap_or_else(|| doc.root_element());
    let titles = Titles {
        pretitle: first_text(heads, &H3),
        title: first_text(heads, &H1),
        subtitle: first_text(heads, &H2),
    };
    let zone = doc.select(&ZHENWEN).next();
    let paragraphs = zone
        .map(|zone| {
            zone.select(&PARAGRAPHS)
                .filter(|p| picture_block(*p).is_none())
                .filter(|p| p.select(&PARAGRAPHS).nth(1).is_none())
                .filter_map(|p| non_empty(&element_text(p)))
                .collect()
        })
        .unwrap_or_default();
    let images = zone
        .map(|zone| {
            article::images(
                zone,
                url,
                |img, _| picture_block(img).is_some(),
                |img| picture_block(img).and_then(|block| non_empty(&element_text(block))),
            )
        })
        .unwrap_or_default();
    let body = Body::with_byline(None, paragraphs);
    article::record(url, date_in_url(url), label, titles, body, images)
}

/// The `div align=center` holding a picture that `el` is in: plist's picture block, whose text
/// is the caption and none of the body.
fn picture_block(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    el.ancestors().filter_map(ElementRef::wrap).find(|block| {
        block.value().name().eq_ignore_ascii_case("div")
            && block
                .value()
                .attr("align")
                .is_some_and(|align| align.trim().eq_ignore_ascii_case("center"))
            && block.select(&IMAGES).next().is_some()
    })
}

/// The body's leaf paragraphs with text (a picture's paragraph has none).
fn leaf_paragraphs(body: ElementRef<'_>) -> Vec<String> {
    body.select(&PARAGRAPHS)
        .filter(|p| p.select(&PARAGRAPHS).nth(1).is_none())
        .filter_map(|p| non_empty(&element_text(p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ban_numbers_are_two_digit_and_letters_stay() {
        assert_eq!(ban_no("1"), "01");
        assert_eq!(ban_no("001"), "01");
        assert_eq!(ban_no("12"), "12");
        assert_eq!(ban_no("100"), "100");
        assert_eq!(ban_no("A1"), "A1");
        assert_eq!(
            ban_label("第1版 头版"),
            (Some("01".into()), Some("头版".into()))
        );
    }

    #[test]
    fn pdf_links_are_told_by_their_path() {
        assert!(is_pdf(" ../20250618_001/a.PDF?x=1 "));
        assert!(!is_pdf("20250618_001/a.pdf.jpg"));
    }
}
