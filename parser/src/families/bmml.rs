//! The "bmml" e-paper system (hosts `*.joyhua.cn` and others: 新安晚报, 滨州日报, 安徽科技报,
//! 陕西农村报, 贵州法治报, 西南商报): `/<code>/YYYYMMDD/html/index.htm` shows every 版 of the
//! issue (版面目录, `div.bmml_con_div`), `page_N.htm` is one 版 with its title list (版面导航,
//! `a.bmdh_con_a` in `div.bmdh_con_div`), and an article (版面内容, `div.bmnr_con`) is
//! `content_N.htm`, `index_content_N.htm`, `page_N_content_N.htm` or
//! `content_YYYYMMDDNNN.htm`. See section 4 of `../shared/article-markers.md`.
//!
//! A module of its own because nothing of its markup is Founder's. The classic Founder skin
//! with `table#bmdhTable` also says `bmdh`, so this family is told apart by its URL first (the
//! `YYYYMMDD/html/` directory, which no classic `html/YYYY-MM/DD/` URL has) and by markers
//! that skin never carries (`bmml_con`, `bmml-tit`, `bmdh_con_a`, `bmnr_con`), never by `bmdh`.
//!
//! Invariants: every URL in a record is absolute, http(s), without query or fragment; a page's
//! articles are article files of the page's own `<code>/YYYYMMDD/html/` directory on its host;
//! the date is the URL's (no crawler found one printed); a page's PDF is the one beside its own
//! entry of the 版 list (the list carries every 版's PDF); every text field is trimmed and an
//! empty one is `None`. No code found an author or an article's 版 label in this system: the
//! author is the byline the body prints; the 版 of a `page_N_content_M.htm` article is the
//! entry for `page_N.htm` in the 版 list the article keeps, else the printed `div.b_bot`.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord};
use scraper::{CaseSensitivity, ElementRef, Html, Selector};
use url::Url;

use super::{Family, kind_by_markers, kind_by_path};
use crate::article::{self, Titles};
use crate::html::{first_href, first_src, issue_article, issue_link, own_url, page_refs, target};
use crate::label::{self, Label};
use crate::regions::{Scan, listed_then_mapped, scan_of};
use crate::text::{block_text, element_text};

pub const FAMILY: Family = Family {
    name: "bmml",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin: super::no_skins,
};

// Page. The 版 list: a name link (with a thumbnail link beside it), or `a.bmml-tit` with its
// `a.pdf`; 甘肃科技报's `div#banmiandh` list.
selector!(
    PAGE_LIST,
    "div.bmml_con_div a.bmml_con_div_name, div.bmml_con_div a.bmml-tit, \
     div#banmiandh div.bmdh-list ul li a.text"
);
selector!(ENTRY_PIC, "a.bmml_con_div_pic img");
selector!(
    TITLE_LIST,
    "div.bmdh_con_div a.bmdh_con_a, div.paper-title-list p a, div.paper-item p a"
);
selector!(AREAS, "map area[href]");
selector!(SCAN, "img[usemap]");
selector!(ANCHORS, "a[href]");
selector!(DOWNLOAD_PDF, "div.download_pdf a[href]");
// 天门日报 prints the 版 label under its page.
selector!(PAGE_LABEL, "div.b_bot");

// Article.
selector!(ARTICLE, "div.bmnr_con");
selector!(YINTI, "div.bmnr_con_yinti");
selector!(BIAOTI, "div.bmnr_con_biaoti");
selector!(FUTI, "div.bmnr_con_futi");
selector!(BODY, "div.bmnr_con_con div#zoom, div#zoom, div#numb");

regex!(PAGE_PATH, r"(?i)/\d{8}/html/(?:index|page_\d+)\.html?$");
regex!(
    ARTICLE_PATH,
    r"(?i)/\d{8}/html/(?:index_|page_\d+_)?content_\d+\.html?$"
);
// The issue's directory, with the paper's code when the path has one: a host serves many
// papers, and a page's articles are in its own paper's issue.
regex!(ISSUE_DIR, r"(?:/[^/]+)?/(\d{4})(\d{2})(\d{2})/html/");
regex!(
    ARTICLE_FILE,
    r"(?i)/(?:index_|page_\d+_)?content_\d+\.html?$"
);
// The page an article file names: `page_N_content_M.htm` is on `page_N.htm`.
regex!(ARTICLE_PAGE, r"(?i)/page_(\d+)_content_\d+\.(html?)$");

/// Which kind of document `url` names in this layout, if any.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_PATH, &ARTICLE_PATH)
}

/// Recognises a document of this layout by its markup: the 版 list, the title list or the
/// article block; an article by its block. `bmdh` alone is the classic skin's table.
pub fn detect(html: &str) -> Option<DocKind> {
    kind_by_markers(
        html,
        &["bmml_con_div", "bmml-tit", "bmdh_con_a", "bmnr_con"],
        &["bmnr_con"],
    )
}

fn date_of(url: &Url) -> Option<NaiveDate> {
    crate::date::captured(&ISSUE_DIR, url.path())
}

fn is_pdf(href: &str) -> bool {
    href.trim().to_ascii_lowercase().ends_with(".pdf")
}

/// The `div.bmml_con_div` of this page's own entry in the 版 list: the one around the first
/// list link to this page.
fn own_entry<'a>(doc: &'a Html, base: &Url, own: &str) -> Option<ElementRef<'a>> {
    let link = doc
        .select(&PAGE_LIST)
        .find(|link| target(*link, base).is_some_and(|to| to == own))?;
    link.ancestors().filter_map(ElementRef::wrap).find(|el| {
        el.value()
            .has_class("bmml_con_div", CaseSensitivity::AsciiCaseInsensitive)
    })
}

/// The page's scan: the picture of its image map (with the size its map is in), else its
/// thumbnail in the 版 list, which no map is drawn over.
fn page_scan(doc: &Html, base: &Url, own: Option<ElementRef<'_>>) -> Scan {
    let mapped = scan_of(doc.select(&SCAN), base);
    if mapped.url.is_some() {
        return mapped;
    }
    Scan {
        url: own.and_then(|entry| first_src(entry.select(&ENTRY_PIC), base)),
        map_size: None,
    }
}

/// The page's PDF: the one in its own entry of the 版 list (`a.bmml-tit` + `a.pdf`), else
/// 民主协商报's `div.download_pdf`. The first PDF of the page would be the first 版's.
fn page_pdf(doc: &Html, base: &Url, own: Option<ElementRef<'_>>) -> Option<String> {
    own.and_then(|entry| first_href(entry.select(&ANCHORS), base, is_pdf))
        .or_else(|| first_href(doc.select(&DOWNLOAD_PDF), base, is_pdf))
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let pages = page_refs(doc.select(&PAGE_LIST), url);
    let own = own_url(url);
    let (page_no, page_name) = label::of_page(&pages, &own, || {
        label::first_numbered(doc.select(&PAGE_LABEL).map(element_text))
    });
    let entry = own_entry(&doc, url, &own);
    let Scan {
        url: image_url,
        map_size,
    } = page_scan(&doc, url, entry);
    PageRecord {
        date: date_of(url),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url),
        image_url,
        map_size,
        pdf_url: page_pdf(&doc, url, entry),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own,
    }
}

/// `href` as an article of the page at `page`: an article file of the page's issue.
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

fn heading(scope: ElementRef<'_>, selector: &Selector) -> Option<String> {
    scope.select(selector).find_map(block_text)
}

fn is_template_image(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.ends_with(".gif") || lower.contains("/images/template/")
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let scope = doc
        .select(&ARTICLE)
        .next()
        .unwrap_or_else(|| doc.root_element());
    let titles = Titles {
        pretitle: heading(scope, &YINTI),
        title: heading(scope, &BIAOTI),
        subtitle: heading(scope, &FUTI),
    };
    let container = scope
        .select(&BODY)
        .next()
        .or_else(|| doc.select(&BODY).next());
    let (body, images) = article::body_apart(container, url, |src| !is_template_image(src));
    let label = article_label(&doc, url);
    article::record(url, date_of(url), label, titles, body, images)
}

/// The 版 of an article: the 版 list's entry for the page its file name names, else the label
/// printed on it.
fn article_label(doc: &Html, url: &Url) -> Label {
    let listed = ARTICLE_PAGE.captures(url.path()).and_then(|caps| {
        let page = url.join(&format!("page_{}.{}", &caps[1], &caps[2])).ok()?;
        let page = own_url(&page);
        page_refs(doc.select(&PAGE_LIST), url)
            .into_iter()
            .find(|entry| entry.url == page && entry.page_no.is_some())
            .map(|entry| (entry.page_no, entry.page_name))
    });
    listed.unwrap_or_else(|| label::first_numbered(doc.select(&PAGE_LABEL).map(element_text)))
}
