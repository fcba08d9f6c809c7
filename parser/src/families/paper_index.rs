//! The PaperIndex / "Articel" e-paper system (大众日报, 农村大众, 法治日报, 新华每日电讯, 半岛都市报,
//! 齐鲁晚报, 桂林日报 …; `../shared/families.md`, "PaperIndex / Articel"): the issue's directory
//! is `…/YYYYMMDD/` (usually under `content/`), its pages (版) are `PageNNxx.htm` and its articles
//! `ArticelNNNNNxx.htm` (sic), where `NN` is the 版 number (`01`, `A01`), the three digits after
//! it the article's place on the 版, and `xx` one or two letters that differ from paper to paper
//! (`TB`, `BC`, `JQ`). `PageArticleIndexXX.htm` lists the whole issue; it is read as a page
//! whose page list is every 版 and whose articles are every article. The 版 list has many
//! skins: the known ones are read by their markers, and where none is on the page (法治日报's
//! `a.atitle` table, `a.18`, `div.gebanlist_2`, `ul.gebanlist.showbox`, `ul.pc_ul`) every link
//! to a `PageNN…` page of the same issue directory is the list, in document order. The entry
//! `content/PaperIndex.htm` (and an issue's `IssueIndex.htm`) is only a meta refresh, no page
//! of this family: the crawler follows it as a redirect (`crate::refresh`, for every family).
//!
//! Invariants: every URL in a record is absolute, http(s) and has no query or fragment; a
//! page's articles are `Articel…` documents on the page's host under the page's date directory;
//! every text field is trimmed, and an empty one is `None`. The date is the URL's directory.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord, PageRef};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{Family, kind_by_markers};
use crate::article::{self, Body, Titles};
use crate::html::{first_href, issue_article, issue_link, own_url, pages_in_order, target};
use crate::label::{self, Label, split_page_label};
use crate::regions::{PageArticles, Scan, link_text, scan_of};
use crate::text::{block_text, clean, element_text, non_empty};

pub const FAMILY: Family = Family {
    name: "paper-index",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin,
};

// The page list: `li.banci` (大众日报 and most), `div.banmianlist_box` (半岛都市报), and the
// `h4` of each block of the whole-issue index (`div.linkto`; 新华每日电讯 `div.listdaohang`),
// whose `a.pdf` is the 版's PDF, not a page.
selector!(
    PAGE_LINKS,
    "li.banci a[href], div.banmianlist_box a[href], div.linkto h4 a[href]:not(.pdf), \
     div.listdaohang h4 a[href]:not(.pdf)"
);
// The 版 label a page or article prints for itself: `span.banci-A01`.
selector!(PRINTED_LABEL, r#"span[class^="banci-"]"#);
// The title lists: `ul#newslist` (most), `div.bd_newslist` (半岛都市报), the `a.atitle` links
// of 法治日报's table (its 版 list has the same class; those are pages, no articles).
selector!(
    TITLE_LISTS,
    "ul#newslist li a[href], div.bd_newslist a[href], a.atitle[href]"
);
// Hotspots over the page image (半岛都市报, 潍坊晚报): the title in `neirong`, the article in
// `href`, or in `alt` where the href is a script.
selector!(HOTSPOTS, "div#mylink a.overlink");
selector!(AREAS, "area[href]");
selector!(ANCHORS, "a[href]");
selector!(INDEX_BLOCKS, "div.linkto, div.listdaohang");
selector!(INDEX_ARTICLES, "ul li a");
selector!(SCAN, "img[usemap], div#mylink img");
selector!(NEIRONG_PRETITLE, "div.neirong h3, div.duneirong h3");
selector!(NEIRONG_TITLE, "div.neirong h2, div.duneirong h2");
selector!(NEIRONG_SUBTITLE, "div.neirong h4, div.duneirong h4");
selector!(ID_PRETITLE, "#suptitle");
selector!(ID_TITLE, "#title");
selector!(ID_SUBTITLE, "#subtitle");
/// The title where neither style has one, in the order tried: 大众日报's dzwww template
/// (`div#news-header h1`), 鲁中晨报 (`span#contenttitle`), 南方农村报 (`div.news_title`),
/// 法治日报 (`span[align=center] strong`).
static OTHER_TITLES: std::sync::LazyLock<[Selector; 4]> = std::sync::LazyLock::new(|| {
    [
        "div#news-header h1",
        "span#contenttitle",
        "div.news_title",
        r#"span[align="center"] strong"#,
    ]
    .map(|css| Selector::parse(css).expect("valid selector"))
});
selector!(IMAGE_LISTS, "span#imagelist, div.imagelist, #imagelist");

/// The body, in the order tried: `span#contenttext` (most), `div.contenttext` / `div#contenttext`
/// (潍坊晚报, 生活日报, 天山建设报), `span#oldcontenttext` (法治日报), `div#ozoom` (半岛都市报).
static BODIES: std::sync::LazyLock<[Selector; 4]> = std::sync::LazyLock::new(|| {
    [
        "span#contenttext, div#contenttext",
        "div.contenttext",
        "span#oldcontenttext",
        "div#ozoom",
    ]
    .map(|css| Selector::parse(css).expect("valid selector"))
});

regex!(
    PAGE_PATH,
    r"(?i)/\d{8}/Page[A-Za-z]?\d+[A-Za-z]{1,2}\.html?$"
);
regex!(
    INDEX_PATH,
    r"(?i)/\d{8}/PageArticleIndex[A-Za-z]{1,2}\.html?$"
);
regex!(
    ARTICLE_PATH,
    r"(?i)/\d{8}/Articel([A-Za-z]?\d{2})\d{3}[A-Za-z]{1,2}\.html?$"
);
regex!(ISSUE_DIR, r"/\d{8}/");
regex!(URL_DATE, r"/(\d{4})(\d{2})(\d{2})/");
// `头版 [A01]`: 半岛都市报's labels end in the 版 number in brackets.
regex!(
    BRACKET_LABEL,
    r"^(.*?)\s*[\[［]\s*([A-Za-z]*\d+)\s*[\]］]\s*$"
);

/// Which kind of document a URL names in this system: pages and the whole-issue index are
/// pages, `Articel…` documents articles.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    let path = url.path();
    if PAGE_PATH.is_match(path) || INDEX_PATH.is_match(path) {
        Some(DocKind::Page)
    } else if ARTICLE_PATH.is_match(path) {
        Some(DocKind::Article)
    } else {
        None
    }
}

/// Recognises a document of this system by its markup: the `Articel` links every page and
/// index has (a misspelling no other system shares), the page-list blocks of its variants, and
/// the article body's `contenttext`, which marks an article.
pub fn detect(html: &str) -> Option<DocKind> {
    kind_by_markers(
        html,
        &[
            "Articel",
            "contenttext",
            "banmianlist_box",
            "listdaohang",
            "PageArticleIndex",
        ],
        &["contenttext"],
    )
}

selector!(BANMIANLIST, "div.banmianlist_box");
selector!(BANCI_LIST, "li.banci");
selector!(ATITLE, "a.atitle");

/// The family's `skin`: the variant of the page `html`, by its page list: 半岛都市报's
/// `banmianlist_box`, the whole-issue index `PageArticleIndex` (`div.linkto`, 新华每日电讯's
/// `div.listdaohang`), the common `li.banci` list (`banci`), 法治日报's `atitle` table, else
/// `unmarked` (a list read by its links alone).
fn skin(html: &str) -> Option<&'static str> {
    let doc = Html::parse_document(html);
    let has = |selector: &Selector| doc.select(selector).next().is_some();
    let name = if has(&BANMIANLIST) {
        "banmianlist_box"
    } else if has(&INDEX_BLOCKS) {
        "PageArticleIndex"
    } else if has(&BANCI_LIST) {
        "banci"
    } else if has(&ATITLE) {
        "atitle"
    } else {
        "unmarked"
    };
    Some(name)
}

fn date_of(url: &Url) -> Option<NaiveDate> {
    crate::date::captured(&URL_DATE, url.path())
}

/// A 版 label in any of this system's spellings: `第01版：要闻`, `A01版：要闻`, `头版 [A01]`.
fn split_label(text: &str) -> Label {
    let text = clean(text);
    match BRACKET_LABEL.captures(&text) {
        Some(caps) => (non_empty(&caps[2]), non_empty(&caps[1])),
        None => split_page_label(&text),
    }
}

/// The issue's pages in list order, each once: the known 版 lists, else every link to a 版
/// of the issue ([`linked_pages`]).
fn page_list(doc: &Html, base: &Url) -> Vec<PageRef> {
    let listed = pages_in_order(
        doc.select(&PAGE_LINKS),
        |link| target(link, base),
        split_label,
    );
    if listed.is_empty() {
        linked_pages(doc, base)
    } else {
        listed
    }
}

/// Link texts that step through the 版 rather than list them: each names a 版 that the list
/// names too, by the wrong label.
const PAGE_STEPS: [&str; 4] = ["上一版", "下一版", "上一期", "下一期"];

/// The 版 list of a skin no marker names (法治日报's `a.atitle` table, 伊犁日报's `a.18`,
/// 吐鲁番日报's `div.gebanlist_2`, 潍坊晚报's `ul.gebanlist.showbox`, 南方农村报's `ul.pc_ul`):
/// every link to a `PageNN…` page in the page's own issue directory, in document order, each
/// page once, with the first label that names its number (a thumbnail links a 版 without
/// text). Stepping links (下一版) are left out; PDFs and the whole-issue index are no 版.
fn linked_pages(doc: &Html, base: &Url) -> Vec<PageRef> {
    let listing = doc.select(&ANCHORS).filter(|link| {
        let text = element_text(*link);
        !PAGE_STEPS.iter().any(|step| text.contains(step))
    });
    pages_in_order(listing, |link| issue_page(base, link), split_label)
}

/// Where `link` points when that is a 版 (`PageNN…`) in the same directory as `base`, on its host.
fn issue_page(base: &Url, link: ElementRef<'_>) -> Option<String> {
    let url = target(link, base)?;
    let page = Url::parse(&url).ok()?;
    let dir = |url: &Url| url.path().rsplit_once('/').map(|(dir, _)| dir.to_string());
    let same_issue = page.host_str() == base.host_str() && dir(&page) == dir(base);
    (same_issue && PAGE_PATH.is_match(page.path())).then_some(url)
}

/// The label the document prints for its own 版.
fn printed_label(doc: &Html) -> Label {
    doc.select(&PRINTED_LABEL)
        .map(|el| split_label(&element_text(el)))
        .find(|(no, _)| no.is_some())
        .unwrap_or((None, None))
}

/// `href` on the page at `base` as an article of the page's issue.
fn issue_articel(base: &Url, href: &str) -> Option<String> {
    let url = issue_article(base, href, &ISSUE_DIR)?;
    let path = Url::parse(&url).ok()?.path().to_string();
    ARTICLE_PATH.is_match(&path).then_some(url)
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let pages = page_list(&doc, url);
    let own_url = own_url(url);
    if doc.select(&INDEX_BLOCKS).next().is_some() {
        return index_record(&doc, url, own_url, pages);
    }
    let (page_no, page_name) = label::of_page(&pages, &own_url, || printed_label(&doc));
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
        pdf_url: pdf_url(&doc, url, &own_url),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own_url,
    }
}

fn is_pdf(link: ElementRef<'_>) -> bool {
    link.value()
        .attr("href")
        .is_some_and(|href| href.trim().to_ascii_lowercase().ends_with(".pdf"))
}

/// The 版's PDF: where the 版 list gives every 版 its PDF in a table row (法治日报: the 版's
/// link, then its PDF in the next cell), the one in the row that links this page; else the
/// first PDF link.
fn pdf_url(doc: &Html, url: &Url, own_url: &str) -> Option<String> {
    let links_here = |row: ElementRef<'_>| {
        row.select(&ANCHORS)
            .any(|link| target(link, url).as_deref() == Some(own_url))
    };
    let own_row = doc
        .select(&ANCHORS)
        .filter(|link| is_pdf(*link))
        .find(|link| {
            link.ancestors()
                .filter_map(ElementRef::wrap)
                .find(|el| el.value().name().eq_ignore_ascii_case("tr"))
                .is_some_and(links_here)
        });
    match own_row {
        Some(link) => target(link, url),
        None => first_href(doc.select(&ANCHORS), url, |href| {
            href.trim().to_ascii_lowercase().ends_with(".pdf")
        }),
    }
}

/// The whole-issue index: every 版 and every article of the issue, in the index's order. It
/// is no 版 of its own, so it has no label, scan or PDF (the PDFs it links are the 版's).
fn index_record(doc: &Html, url: &Url, own_url: String, pages: Vec<PageRef>) -> PageRecord {
    // The article is in `daoxiang` (伊犁垦区报, 齐鲁晚报), `title` (生活日报) or `href`.
    let links = doc
        .select(&INDEX_BLOCKS)
        .flat_map(|block| block.select(&INDEX_ARTICLES));
    let articles = PageArticles::new(|href| issue_articel(url, href))
        .listed_by(links, &["daoxiang", "title", "href"], link_text)
        .into_vec();
    PageRecord {
        date: date_of(url),
        page_no: None,
        page_name: None,
        pages,
        articles,
        image_url: None,
        map_size: None,
        pdf_url: None,
        prev_issue_url: issue_link(doc, url, "上一期"),
        next_issue_url: issue_link(doc, url, "下一期"),
        url: own_url,
    }
}

/// The 版's articles: the title lists first (their order is the paper's and they have the
/// titles), then the hotspots over the page image, the image map, and any other link to an
/// article of the issue.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let neirong = |hotspot: ElementRef<'_>| hotspot.value().attr("neirong").and_then(non_empty);
    PageArticles::new(|href| issue_articel(url, href))
        .listed(doc.select(&TITLE_LISTS))
        .mapped_by(doc.select(&HOTSPOTS), &["href", "alt"], neirong)
        .mapped(doc.select(&AREAS))
        .listed(doc.select(&ANCHORS))
        .into_vec()
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let props = crate::properties::Properties::read(html);
    let first = |selectors: &[&Selector]| {
        selectors
            .iter()
            .find_map(|selector| doc.select(selector).find_map(block_text))
    };
    let other_titles: Vec<&Selector> = OTHER_TITLES.iter().collect();
    let titles = Titles {
        pretitle: first(&[&NEIRONG_PRETITLE, &ID_PRETITLE]),
        title: first(&[&NEIRONG_TITLE, &ID_TITLE]).or_else(|| first(&other_titles)),
        subtitle: first(&[&NEIRONG_SUBTITLE, &ID_SUBTITLE]),
    }
    .or_metadata(&props, &doc);
    let container = BODIES
        .iter()
        .find_map(|selector| doc.select(selector).next());
    // No author field in this system: the byline is what the body prints. (大众日报's
    // `div.infor` names the page's editor and the source, neither of them the author.)
    let body = Body::with_byline(None, article::paragraphs(html, container));
    let images = match doc.select(&IMAGE_LISTS).next().or(container) {
        Some(root) => article::images(
            root,
            url,
            |_, src| !src.to_ascii_lowercase().ends_with(".gif"),
            article::table_caption,
        ),
        None => Vec::new(),
    };
    let label = article_label(&doc, url);
    article::record(url, date_of(url), label, titles, body, images)
}

/// The 版 the article prints, else the number its URL carries (`Articel` + `A03` + …), named
/// from the page list when the article repeats it.
fn article_label(doc: &Html, url: &Url) -> Label {
    let printed = printed_label(doc);
    if printed.0.is_some() {
        return printed;
    }
    let Some(page_no) = ARTICLE_PATH
        .captures(url.path())
        .map(|caps| caps[1].to_string())
    else {
        return printed;
    };
    let page_name = page_list(doc, url)
        .into_iter()
        .find(|page| page.page_no.as_deref() == Some(page_no.as_str()))
        .and_then(|page| page.page_name);
    (Some(page_no), page_name)
}
