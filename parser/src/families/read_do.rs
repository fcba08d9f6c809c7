//! The read.do e-paper system (安庆日报, 海口日报, 中国社会科学报, 颍州晚报): every document is
//! `/epaper/read.do`, named by its query. A 版 is `read.do?m=i&iid=<issue>&eid=<版>&idate=N_YYYY-MM-DD`,
//! an article the same with `&sid=<article>`. Facts: `../shared/families.md` ("QPaper and
//! read.do") and `article-markers.md` section 7.
//!
//! So this family's records keep a query, and only the parameters the system names documents
//! by (`m`, `iid`, `eid`, `sid`, `idate`), through [`NamingQuery`]: any other parameter (a
//! session, a tracker) and the fragment are dropped, and the kept ones are written in that
//! order, so a document has one URL however a link orders them. Links to media (the PDF, the
//! scan, pictures) are files and lose their query as in every family.
//!
//! Page: the 版 list `span.listTitleL a`; this 版's label and PDF in `div.leftTitle`; the
//! articles `div#link a` (the title in `@title`, the text may be cut short) or, 海口日报,
//! `div.humor ul li a`, then those only the image map links; the scan is the image the map is
//! on. Article: `p.articleTitle` title, `p.articleTitle2` its second line, read as 副题; body
//! `div.articleContent` (else `div#article_content`), `<p>`s or `<br>` lines; pictures
//! `div#article_image img`, uncaptioned; the byline the body's; the 版 label that of the
//! reader's `div.leftTitle`, where the article page prints it. The date is `idate`'s.
//!
//! No URL of an issue follows from its date alone: the system lists a month's issues as JSON,
//! answering `POST read.do?m=getIssueByMonth` with the form `newspaperId=N&date=YYYY-MM-DD`
//! (any day of the month; 海口日报's installation wants `yyyymm=YYYYMM` instead, which the
//! profile's `month_param` says) by `{"data":[{"path":"/epaper/read.do?m=i&iid=…&idate=N_…"},…]}`.
//! A profile therefore names its issue index (`issue_index = { kind = "read-do",
//! newspaper_id = N }`), the crawler asks it once a month (`crawler/src/calendar.rs`), reads
//! it with `calendar::read_do_issues` and [`listed_issue`], and enters each issue at the URL
//! it lists; the entry template (`…read.do?m=i&iid={iid}&idate=N_{yyyy}-{mm}-{dd}`) only
//! says where the issues are and dates the 上一期 / 下一期 links.
//!
//! Invariants: every URL in a record is absolute http(s) without fragment; read.do URLs keep
//! the naming parameters only, everything else keeps no query; a page's articles are read.do
//! articles on its host of its issue (`iid`), each once; lists are capped as [`crate::html::Links`] says.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord, PageRef};
use scraper::{ElementRef, Html};
use url::Url;

use super::{Family, kind_by_markers};
use crate::article::{self, Body, Titles};
use crate::html::{NamingQuery, first_href, pages_in_order, paragraphs_of};
use crate::label::{self, Label, split_page_label};
use crate::regions::{PageArticles, Scan, link_text, scan_of};
use crate::text::{element_text, non_empty, text_with_breaks};

pub const FAMILY: Family = Family {
    name: "read-do",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin: super::no_skins,
};

/// The query parameters that name a read.do document, in the order its URLs are written.
const READ_DO: NamingQuery = NamingQuery::new(&["m", "iid", "eid", "sid", "idate"]);

selector!(PAGE_LINKS, "span.listTitleL a[href]");
selector!(LEFT_TITLE, "div.leftTitle");
selector!(LEFT_TITLE_LINKS, "div.leftTitle a[href]");
selector!(LIST_ARTICLES, "div#link a[href], div.humor ul li a[href]");
selector!(MAP_AREAS, "map area[href]");
selector!(MAP_IMAGE, "img[usemap]");
selector!(ANCHORS, "a[href]");
selector!(TITLE, "p.articleTitle");
selector!(TITLE2, "p.articleTitle2");
selector!(CONTENT, "div.articleContent, div#article_content");
selector!(ARTICLE_IMAGE, "div#article_image");

regex!(READ_DO_PATH, r"(?i)/read\.do$");
regex!(IDATE, r"^\d+_(\d{4})-(\d{2})-(\d{2})$");

/// Which kind of document `url` names: an article when its query names one (`sid`), a page
/// when it names an issue or a 版 (`iid`, `eid`); the system's other methods (`m=` anything
/// but `i`) are none.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    if !READ_DO_PATH.is_match(url.path()) {
        return None;
    }
    let value = |name: &str| READ_DO.value(url, name);
    if value("m").is_some_and(|m| m != "i") {
        return None;
    }
    if value("sid").is_some() {
        Some(DocKind::Article)
    } else if value("iid").is_some() || value("eid").is_some() {
        Some(DocKind::Page)
    } else {
        None
    }
}

/// Recognises a document of this layout by its markup: the reader's 版 list and left column,
/// and an article by its title and body classes.
pub fn detect(html: &str) -> Option<DocKind> {
    kind_by_markers(
        html,
        &["listTitleL", "leftTitle", "articleTitle", "articleContent"],
        &["articleTitle", "articleContent"],
    )
}

fn date_of(url: &Url) -> Option<NaiveDate> {
    READ_DO
        .value(url, "idate")
        .and_then(|idate| crate::date::captured(&IDATE, &idate))
}

/// `href` from the document at `base` when it is a read.do document of `kind` on the same host.
fn read_do_link(base: &Url, href: &str, kind: DocKind) -> Option<String> {
    let url = READ_DO.absolute(base, href)?;
    let parsed = Url::parse(&url).ok()?;
    (matches_url(&parsed) == Some(kind) && parsed.host_str() == base.host_str()).then_some(url)
}

/// The entry of an issue as the system's month index lists it (`path`, resolved against the
/// index's URL): its day and its URL, when it is a read.do page (版) on the index's host and port
/// whose `idate` is of the paper `newspaper_id`. Anything else (another host, another scheme,
/// another method, an article, another paper's issue) is `None`.
pub fn listed_issue(index: &Url, path: &str, newspaper_id: u32) -> Option<(NaiveDate, String)> {
    let url = read_do_link(index, path, DocKind::Page)?;
    let parsed = Url::parse(&url).ok()?;
    if parsed.port_or_known_default() != index.port_or_known_default()
        || READ_DO.value(&parsed, "iid").is_none()
    {
        return None;
    }
    let idate = READ_DO.value(&parsed, "idate")?;
    let (paper, _) = idate.split_once('_')?;
    (paper.parse::<u32>().ok()? == newspaper_id).then_some((date_of(&parsed)?, url))
}

/// [`read_do_link`] of the same issue as `base`, when both name one (`iid`): a page links
/// other issues' articles in its "往期" boxes.
fn same_issue_link(base: &Url, href: &str, kind: DocKind) -> Option<String> {
    let url = read_do_link(base, href, kind)?;
    let parsed = Url::parse(&url).ok()?;
    match (READ_DO.value(base, "iid"), READ_DO.value(&parsed, "iid")) {
        (Some(here), Some(there)) if here != there => None,
        _ => Some(url),
    }
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let own = READ_DO.own_url(url);
    let pages = page_list(&doc, url);
    let (page_no, page_name) = label::of_page(&pages, &own, || printed_label(&doc));
    let Scan {
        url: image_url,
        map_size,
    } = scan_of(doc.select(&MAP_IMAGE), url);
    PageRecord {
        date: date_of(url),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url),
        image_url,
        map_size,
        pdf_url: first_href(doc.select(&LEFT_TITLE_LINKS), url, is_pdf),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own,
    }
}

fn is_pdf(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    path.trim().to_ascii_lowercase().ends_with(".pdf")
}

/// The issue's 版 in list order, each once (at most [`crate::html::MAX_PAGES_PER_ISSUE`]).
fn page_list(doc: &Html, url: &Url) -> Vec<PageRef> {
    let page_of = |link: ElementRef<'_>| {
        let href = link.value().attr("href")?;
        same_issue_link(url, href, DocKind::Page)
    };
    pages_in_order(doc.select(&PAGE_LINKS), page_of, split_page_label)
}

/// The 版 label `div.leftTitle` prints: its text outside its links (the PDF link's `PDF下载`).
fn printed_label(doc: &Html) -> Label {
    let texts = doc.select(&LEFT_TITLE).map(|left| {
        let mut text = String::new();
        for child in left.children() {
            if let Some(words) = child.value().as_text() {
                text.push_str(words);
            } else if let Some(el) = ElementRef::wrap(child)
                && !el.value().name().eq_ignore_ascii_case("a")
            {
                text.push_str(&element_text(el));
            }
            text.push(' ');
        }
        text
    });
    label::first_numbered(texts)
}

/// The title list first (its order is the page's), then what only the image map links.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let title = |link: ElementRef<'_>| {
        link.value()
            .attr("title")
            .and_then(non_empty)
            .or_else(|| link_text(link))
    };
    PageArticles::new(|href| same_issue_link(url, href, DocKind::Article))
        .listed_by(doc.select(&LIST_ARTICLES), &["href"], title)
        .mapped(doc.select(&MAP_AREAS))
        .into_vec()
}

/// The read.do page the first link whose text holds `label` (上一期, 下一期) names, if any.
fn issue_link(doc: &Html, url: &Url, label: &str) -> Option<String> {
    doc.select(&ANCHORS)
        .filter(|a| element_text(*a).contains(label))
        .find_map(|a| read_do_link(url, a.value().attr("href")?, DocKind::Page))
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let first = |selector: &scraper::Selector| {
        doc.select(selector)
            .find_map(|el| non_empty(&text_with_breaks(el)))
    };
    let titles = Titles {
        pretitle: None,
        title: first(&TITLE),
        subtitle: first(&TITLE2),
    };
    let paragraphs = doc
        .select(&CONTENT)
        .next()
        .map(|content| paragraphs_of(&content.inner_html()))
        .unwrap_or_default();
    let images = doc
        .select(&ARTICLE_IMAGE)
        .next()
        .map(|root| article::images(root, url, |_, _| true, |_| None))
        .unwrap_or_default();
    // `article::record` writes the URL without its query, which here names the article.
    let mut record = article::record(
        url,
        date_of(url),
        printed_label(&doc),
        titles,
        Body::with_byline(None, paragraphs),
        images,
    );
    record.url = READ_DO.own_url(url);
    record
}
