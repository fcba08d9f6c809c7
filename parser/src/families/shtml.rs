//! The "shtml" e-paper systems: several vendors share the path `/shtml/<code>/YYYYMMDD/`, with
//! pages (版) `v01.shtml`, `vA1.shtml`, `index.shtml`, `vlist.shtml` and articles
//! `<digits>.shtml` in the same directory. 华商报, 每日经济新闻 and 智慧生活报 run the x-publish
//! skin (`div.pageNav` / `div.titleNav` lists, `div#paperPage` scan, `h1` title, body
//! `div#content_div` or `div#art`); 山西日报 and its sister papers the sxrb skin (`ul.conRList` /
//! `ul.conMItemList`, `h2.detConTit`, `div.details`, `div.detPic`); 四川法制报 and others the
//! "f-20" article (`div.f-14` 引题, `div.f-20` title, body `div.f-14.height-25`); 金融投资报 and
//! 家庭与生活报 the scol skins (`div#scrollDiv`, `td.info3`, `div#copytext`). See section 3 of
//! `../shared/article-markers.md`.
//!
//! It needs a module of its own because its links are often JavaScript:
//! `<a href="javascript:;" onclick="gourl('vA2.shtml','_top')">` or
//! `onclick="window.open('123.shtml','_self')"`. Only a plain quoted relative or http(s) URL is
//! read out of such a call (no escapes, no other scheme); anything else links nowhere.
//!
//! Invariants: every URL in a record is absolute, http(s), without query or fragment; a page's
//! articles are `<digits>.shtml` documents of the page's own `/shtml/<code>/YYYYMMDD/`
//! directory on its host; the date is the URL's (no crawler found one printed); every text
//! field is trimmed and an empty one is `None`. No code found an author, a 副题 or an article's
//! 版 label in this system: the author is the byline the body prints, the 版 is the entry of
//! the 版 list an article keeps beside its text that is marked current (`li.on`, `li.cur`), and
//! the 副题 stays `None`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord, PageRef};
use scraper::{CaseSensitivity, ElementRef, Html, Selector};
use url::Url;

use super::{Family, kind_by_markers, kind_by_path};
use crate::article::{self, Titles};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, absolute, issue_article, own_url, pages_in_order, push_article,
};
use crate::label::{self, Label, split_page_label};
use crate::regions::{Scan, push_mapped, scan_of};
use crate::text::{block_text, element_text, non_empty};

pub const FAMILY: Family = Family {
    name: "shtml",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin: super::no_skins,
};

// Page: the 版 lists of the x-publish, sxrb, scol and scol-old skins, then their title lists.
selector!(
    PAGE_LIST,
    "div.pageNav ul li a, ul.conRList li a, div#scrollDiv a, td.info3"
);
selector!(
    TITLE_LIST,
    "div.titleNav ul li a, ul.conMItemList li a, dl.Rcon dd a, td.info1, td.info2"
);
// Elements that link, by `href` or by script: anchors, map areas and the scol-old skin's cells.
selector!(LINKING, "a, area, td[onclick]");
selector!(ANCHORS, "a");
selector!(SCAN, "div#paperPage img, img#imgPage, img[usemap]");

// Article.
selector!(F14_OR_F20, "div.f-14, div.f-20");
selector!(DET_PIC, "div.detPic");
selector!(PICTURE_SCOPE, "div#art, div#NewsPic");
// In priority order: the sxrb heading, the f-20 title, then the x-publish `h1` of the article
// column before any other `h1` (a logo may be one).
static TITLES: LazyLock<[Selector; 4]> = LazyLock::new(|| {
    ["h2.detConTit", "div.f-20", "div#art h1", "h1"]
        .map(|css| Selector::parse(css).expect("valid selector"))
});
static BODIES: LazyLock<[Selector; 6]> = LazyLock::new(|| {
    [
        "div#content_div",
        "div.details",
        "div.f-14.height-25",
        "td#DivDisplay",
        "div#copytext",
        "div#art",
    ]
    .map(|css| Selector::parse(css).expect("valid selector"))
});

regex!(
    PAGE_PATH,
    r"(?i)/shtml/[^/]+/\d{8}/(?:(?:v[a-z]?\d+|index|vlist)\.shtml)?$"
);
regex!(ARTICLE_PATH, r"(?i)/shtml/[^/]+/\d{8}/\d+\.shtml$");
// The issue's directory, paper code and date: a page's articles are in its own.
regex!(ISSUE_DIR, r"(?i)/shtml/[^/]+/(\d{4})(\d{2})(\d{2})/");
regex!(ARTICLE_FILE, r"(?i)/\d+\.shtml$");
regex!(PAGE_FILE_NO, r"(?i)/v([a-z]?\d+)\.shtml$");
/// The classes that mark the current entry of a 版 list.
const CURRENT: [&str; 4] = ["on", "cur", "current", "active"];

// The first argument of `gourl('…', '_top')` or `window.open("…", '_self')`.
regex!(
    SCRIPTED_URL,
    r#"(?i)\b(?:gourl|window\.open)\s*\(\s*(?:'([^'\\]*)'|"([^"\\]*)")"#
);

/// Which kind of document `url` names in this layout, if any: the page files and the issue
/// directory itself (which serves the first 版), and the numbered articles.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_PATH, &ARTICLE_PATH)
}

/// Recognises a document of this layout by its markup: `.shtml` links and one of the skins'
/// lists or headings; an article by its body or heading.
pub fn detect(html: &str) -> Option<DocKind> {
    if !html.contains(".shtml") {
        return None;
    }
    kind_by_markers(
        html,
        &[
            "pageNav",
            "titleNav",
            "paperPage",
            "conRList",
            "conMItemList",
            "detConTit",
            "scrollDiv",
            "gourl(",
        ],
        &["content_div", "detConTit", "height-25", "copytext"],
    )
}

/// The URL a script link names, if it is a plain relative or http(s) URL: no escapes, no
/// blanks, no quotes or angle brackets, and no scheme but http(s).
fn scripted_url(code: &str) -> Option<&str> {
    let caps = SCRIPTED_URL.captures(code)?;
    let literal = caps.get(1).or_else(|| caps.get(2))?.as_str();
    let plain = !literal.is_empty()
        && !literal
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`'));
    let lower = literal.to_ascii_lowercase();
    let scheme_ok = match literal.find(':') {
        None => true,
        Some(_) => lower.starts_with("http://") || lower.starts_with("https://"),
    };
    (plain && scheme_ok).then_some(literal)
}

/// Where an element may link, in the order tried: its `href`, then the URL of a `gourl(…)` or
/// `window.open(…)` in its `onclick` or in a `javascript:` href.
fn link_candidates<'a>(element: ElementRef<'a>) -> impl Iterator<Item = &'a str> {
    let attr = move |name: &str| element.value().attr(name);
    let scripted = [attr("onclick"), attr("href")]
        .into_iter()
        .flatten()
        .filter_map(scripted_url);
    attr("href").into_iter().chain(scripted)
}

/// Where an element links: the first of its candidates that resolves.
fn link_target(element: ElementRef<'_>, base: &Url) -> Option<String> {
    link_candidates(element).find_map(|link| absolute(base, link))
}

/// The issue's pages from the 版 list, in order, each URL once, labels split.
fn page_list(doc: &Html, base: &Url) -> Vec<PageRef> {
    pages_in_order(
        doc.select(&PAGE_LIST),
        |link| link_target(link, base),
        split_page_label,
    )
}

/// Whether a 版 list entry is marked as the current one, on the link or on its parent item.
fn is_current(link: ElementRef<'_>) -> bool {
    let parent = link.parent().and_then(ElementRef::wrap);
    std::iter::once(link).chain(parent).any(|el| {
        CURRENT.iter().any(|class| {
            el.value()
                .has_class(class, CaseSensitivity::AsciiCaseInsensitive)
        })
    })
}

/// The label of the 版 list's current entry: the 版 of the document that carries the list.
fn current_label(doc: &Html) -> Label {
    label::first_numbered(
        doc.select(&PAGE_LIST)
            .filter(|link| is_current(*link))
            .map(element_text),
    )
}

/// `url` as an article of the page at `page`: a `<digits>.shtml` of the page's issue directory.
fn article_of(page: &Url, url: &str) -> Option<String> {
    let article = issue_article(page, url, &ISSUE_DIR)?;
    let path = Url::parse(&article).ok()?;
    ARTICLE_FILE.is_match(path.path()).then_some(article)
}

/// The title list first (its order is the paper's and it has the titles), then every other
/// link, script link or map area to an article of this issue.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    for element in doc.select(&TITLE_LIST).chain(doc.select(&LINKING)) {
        let Some(article) = link_target(element, url).and_then(|to| article_of(url, &to)) else {
            continue;
        };
        if element.value().name().eq_ignore_ascii_case("area") {
            push_mapped(&mut articles, article, None, element);
            continue;
        }
        // The text is read once per article, not again for each later link to it.
        if articles
            .get_mut(&article)
            .is_none_or(|seen| seen.title.is_none())
        {
            push_article(&mut articles, article, non_empty(&element_text(element)));
        }
    }
    articles.into_vec()
}

/// The target of the first anchor whose text holds `label` (上一期, 下一期) and that links
/// somewhere, by `href` or by script.
fn issue_link(doc: &Html, base: &Url, label: &str) -> Option<String> {
    doc.select(&ANCHORS).find_map(|anchor| {
        let to = link_target(anchor, base)?;
        element_text(anchor).contains(label).then_some(to)
    })
}

/// This 版's PDF: the first link, plain or scripted, to a `.pdf` (judged before resolving, so
/// that a page of many links resolves only its PDFs).
fn page_pdf(doc: &Html, base: &Url) -> Option<String> {
    let is_pdf = |link: &&str| {
        let path = link.split(['?', '#']).next().unwrap_or_default();
        path.trim().to_ascii_lowercase().ends_with(".pdf")
    };
    doc.select(&LINKING).find_map(|el| {
        link_candidates(el)
            .filter(is_pdf)
            .find_map(|link| absolute(base, link))
    })
}

fn date_of(url: &Url) -> Option<NaiveDate> {
    crate::date::captured(&ISSUE_DIR, url.path())
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let pages = page_list(&doc, url);
    let own = own_url(url);
    // A page missing from its own list may still mark its entry current, and says its number
    // in its file name (`vA2.shtml`).
    let (page_no, page_name) = label::of_page(&pages, &own, || match current_label(&doc) {
        label @ (Some(_), _) => label,
        _ => (
            PAGE_FILE_NO.captures(url.path()).map(|c| c[1].to_string()),
            None,
        ),
    });
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
        pdf_url: page_pdf(&doc, url),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own,
    }
}

/// 引题 and title: the title by the skins' headings in priority order; the 引题 is the f-20
/// skin's `div.f-14` before its `div.f-20` (the body is `div.f-14.height-25`, not a 引题).
fn titles_of(doc: &Html) -> Titles {
    let title = TITLES
        .iter()
        .find_map(|selector| doc.select(selector).find_map(block_text));
    // A `div.f-14` counts only when a `div.f-20` follows it: elsewhere it is a font class.
    let mut candidate = None;
    let mut pretitle = None;
    for div in doc.select(&F14_OR_F20) {
        let class = |name: &str| {
            div.value()
                .has_class(name, CaseSensitivity::AsciiCaseInsensitive)
        };
        if class("f-20") {
            pretitle = candidate;
            break;
        }
        if candidate.is_none() && !class("height-25") {
            candidate = block_text(div);
        }
    }
    Titles {
        pretitle,
        title,
        subtitle: None,
    }
}

/// The `div.detPic` a picture of the sxrb skin is set in.
fn det_pic_of(img: ElementRef<'_>) -> Option<ElementRef<'_>> {
    img.ancestors().filter_map(ElementRef::wrap).find(|el| {
        el.value()
            .has_class("detPic", CaseSensitivity::AsciiCaseInsensitive)
    })
}

fn is_template_image(src: &str) -> bool {
    src.to_ascii_lowercase().ends_with(".gif")
}

/// The article's pictures: each sxrb `div.detPic` with its text as the caption; else those of
/// the x-publish column `div#art` (or `div#NewsPic`), else the body's (`body_pictures`), each
/// captioned by the table it is set in. Template `.gif` rules and icons stay out.
fn pictures(doc: &Html, body_pictures: Vec<Image>, url: &Url) -> Vec<Image> {
    if doc.select(&DET_PIC).next().is_some() {
        return article::images(
            doc.root_element(),
            url,
            |img, src| !is_template_image(src) && det_pic_of(img).is_some(),
            |img| det_pic_of(img).and_then(block_text),
        );
    }
    match doc.select(&PICTURE_SCOPE).next() {
        Some(scope) => article::pictures_apart(scope, url, |src| !is_template_image(src)),
        None => body_pictures,
    }
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let container = BODIES
        .iter()
        .find_map(|selector| doc.select(selector).next());
    // Older skins set the whole page in a layout table: the body is read apart from it.
    let (body, body_pictures) = article::body_apart(container, url, |src| !is_template_image(src));
    let images = pictures(&doc, body_pictures, url);
    let label = current_label(&doc);
    article::record(url, date_of(url), label, titles_of(&doc), body, images)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_or_web_urls_are_read_out_of_scripts() {
        assert_eq!(scripted_url("gourl('vA2.shtml','_top')"), Some("vA2.shtml"));
        assert_eq!(
            scripted_url(r#"window.open("../20250617/v01.shtml", '_self')"#),
            Some("../20250617/v01.shtml")
        );
        assert_eq!(
            scripted_url("window.open('HTTPS://x.cn/a.pdf')"),
            Some("HTTPS://x.cn/a.pdf")
        );
        for code in [
            "gourl('javascript:alert(1)')",
            "gourl('java\tscript:alert(1)')",
            r"gourl('\x6aavascript:alert(1)')",
            "gourl('data:text/html,x')",
            "gourl(' 1.shtml')",
            "gourl(url)",
            "gourl('')",
            "alert('1.shtml')",
        ] {
            assert_eq!(scripted_url(code), None, "{code}");
        }
    }
}
