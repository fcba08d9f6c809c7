//! The QPaper e-paper system (怒江日报, 消费日报, 永州日报, 广西法治日报): an issue is
//! `/Html/YYYY-MM-DD/`, its first 版 `Qpaper.html`, the others `Qpaper_N.html`, and its articles
//! `<digits>.html` in the same directory. A page has the 版 list `div#bancilist`, the current
//! 版's name in `span.banming2`, the scan `img#mappaper` with its hotspots in
//! `div.paper_rect map`, the PDF among the buttons of `div#map_buttons`, and the title list
//! `div#doclist`; an article has `div#yinti` (引题), `div#doctitle`, `div#subdoctitle` (副题)
//! and `div#doccontent`, or the same names as classes (广西法治日报). See section 6 of
//! `../shared/article-markers.md`.
//!
//! Invariants: every URL in a record is absolute, http(s), without query or fragment; a page's
//! articles are `<digits>.html` documents of the page's own `Html/YYYY-MM-DD/` directory on its
//! host; the date is the URL's; every text field is trimmed and an empty one is `None`. No code
//! found an author or an article's 版 label in this system: the author is the byline the body
//! prints, and the 版 is the entry of `div#bancilist` an article keeps marked current
//! (`li.active`, `li.on`), else the name in `span.banming2`.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{Family, kind_by_markers, kind_by_path};
use crate::article::{self, Titles};
use crate::html::{first_href, issue_article, issue_link, own_url, page_refs};
use crate::label::{self, Label, split_page_label};
use crate::regions::{Scan, listed_then_mapped, scan_of};
use crate::text::{block_text, element_text};

pub const FAMILY: Family = Family {
    name: "qpaper",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin: super::no_skins,
};

// Page.
selector!(PAGE_LIST, "div#bancilist ul li a[href]");
selector!(
    CURRENT_PAGE,
    "div#bancilist li.active a, div#bancilist li.on a, div#bancilist li.cur a, \
     div#bancilist li.current a"
);
selector!(BANMING, "span.banming2");
selector!(TITLE_LIST, "div#doclist ul li a[href]");
// The hotspots of `div.paper_rect map`, wherever a skin puts the map.
selector!(AREAS, "map area[href]");
selector!(SCAN, "img#mappaper, img[usemap]");
selector!(PDF_BUTTONS, "div#map_buttons a.button.fl[href]");

// Article: ids, or the same names as classes.
selector!(YINTI, "div#yinti, div.yinti");
selector!(DOCTITLE, "div#doctitle, div.doctitle");
selector!(SUBDOCTITLE, "div#subdoctitle, div.subdoctitle");
selector!(DOCCONTENT, "div#doccontent, div.doccontent");

regex!(
    PAGE_PATH,
    r"(?i)/Html/\d{4}-\d{2}-\d{2}/Qpaper(?:_\d+)?\.html?$"
);
regex!(ARTICLE_PATH, r"(?i)/Html/\d{4}-\d{2}-\d{2}/\d+\.html?$");
regex!(ISSUE_DIR, r"(?i)/Html/(\d{4})-(\d{2})-(\d{2})/");
regex!(ARTICLE_FILE, r"(?i)/\d+\.html?$");

/// Which kind of document `url` names in this layout, if any.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_PATH, &ARTICLE_PATH)
}

/// Recognises a document of this layout by its markup: the page's lists and scan, or the
/// article's blocks; an article by its title or body block.
pub fn detect(html: &str) -> Option<DocKind> {
    kind_by_markers(
        html,
        &["bancilist", "banming2", "mappaper", "doclist", "doccontent"],
        &["doccontent", "doctitle"],
    )
}

fn date_of(url: &Url) -> Option<NaiveDate> {
    crate::date::captured(&ISSUE_DIR, url.path())
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let pages = page_refs(doc.select(&PAGE_LIST), url);
    let own = own_url(url);
    let (page_no, page_name) = label::of_page(&pages, &own, || printed_label(&doc));
    let Scan {
        url: image_url,
        map_size,
    } = scan_of(doc.select(&SCAN), url);
    PageRecord {
        date: date_of(url),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url),
        image_url,
        map_size,
        pdf_url: first_href(doc.select(&PDF_BUTTONS), url, |href| {
            href.trim().to_ascii_lowercase().ends_with(".pdf")
        }),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own,
    }
}

/// The 版 the document says it is on: the current entry of the 版 list, else `span.banming2`,
/// which names the current 版 (its name, sometimes with the number).
fn printed_label(doc: &Html) -> Label {
    let current = label::first_numbered(doc.select(&CURRENT_PAGE).map(element_text));
    if current.0.is_some() {
        return current;
    }
    doc.select(&BANMING)
        .map(|span| split_page_label(&element_text(span)))
        .find(|(no, name)| no.is_some() || name.is_some())
        .unwrap_or((None, None))
}

/// `href` as an article of the page at `page`: a `<digits>.html` of the page's issue.
fn article_of(page: &Url, href: &str) -> Option<String> {
    let article = issue_article(page, href, &ISSUE_DIR)?;
    let path = Url::parse(&article).ok()?;
    ARTICLE_FILE.is_match(path.path()).then_some(article)
}

/// The title list first (its order is the paper's and it has the titles), then the image map's
/// areas, which have none.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    listed_then_mapped(doc, &TITLE_LIST, &AREAS, |href| article_of(url, href))
}

fn heading(doc: &Html, selector: &Selector) -> Option<String> {
    doc.select(selector).find_map(block_text)
}

fn is_template_image(src: &str) -> bool {
    src.to_ascii_lowercase().ends_with(".gif")
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let titles = Titles {
        pretitle: heading(&doc, &YINTI),
        title: heading(&doc, &DOCTITLE),
        subtitle: heading(&doc, &SUBDOCTITLE),
    };
    let container: Option<ElementRef<'_>> = doc.select(&DOCCONTENT).next();
    let (body, images) = article::body_apart(container, url, |src| !is_template_image(src));
    let label = printed_label(&doc);
    article::record(url, date_of(url), label, titles, body, images)
}
