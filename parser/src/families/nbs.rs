//! The 人民日报 / 光明日报 "nbs/nw" layout (人民日报 used it until its `pc/layout` site of
//! 2024-12): one 版 is `html/YYYY-MM/DD/nbs.D110000renmrb_NN.htm` (光明日报:
//! `nbs.D110000gmrb_NN.htm`), its articles are `nw.D110000renmrb_YYYYMMDD_K-NN.htm` in the same
//! directory. See section 1B and ground truth 5 of `../shared/real-pages/NOTES.md` for the real
//! page this follows.
//!
//! It needs a module of its own because the page's title list has no text in its markup: every
//! title is a JavaScript string, `<script>document.write(view("标题<br>续  "))</script>`, which the
//! browser shortens to 20 characters. The full titles come from those strings and from a hidden
//! block (`div#mp_nw.…`) that repeats them as plain text.
//!
//! Invariants: every URL in a record is absolute and has no query or fragment; a page's articles
//! are `nw.…htm` documents on the page's host under the page's date directory, each once, in the
//! order of the title list; a `<br>` inside a title becomes one space; every text field is trimmed
//! (ASCII space, NBSP, U+3000) and an empty one is `None`, never `""`. Previous and next issue
//! are only JavaScript (`goPrePeriod()`) here, so they stay `None` unless a real link appears.

use std::collections::HashMap;

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, PageRecord, PageRef};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{Family, kind_by_markers, kind_by_path};
use crate::article::{self, Body, Titles};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, first_href, issue_article, issue_link, own_url, page_refs,
    paragraphs_without_captions, push_article, target,
};
use crate::label::{self, Label};
use crate::regions::{Scan, push_mapped, scan_of};
use crate::text::{element_text, non_empty, text_with_breaks};

pub const FAMILY: Family = Family {
    name: "nbs",
    matches_url,
    detect,
    parse_page,
    parse_article,
    skin: super::no_skins,
};

// Page.
selector!(PAGE_LIST_LINKS, "div#pageList a#pageLink");
selector!(ANY_PAGE_LINKS, "a#pageLink, a#pagelink, a#PageLink");
selector!(TITLE_LIST_LINKS, "div#titleList a[href]");
selector!(HIDDEN_TITLES, "div[id^=\"mp_nw\"]");
selector!(MAP_AREAS, "map area[href]");
selector!(MAP_IMAGE, "img[usemap]");
selector!(ANCHORS, "a[href]");
selector!(SCRIPTS, "script");
selector!(ISSUE_DATE, "div#riqi_");
// The 版 label printed on the document: `div.list_l div.l_t` holds only `01版:要闻`;
// `div.ban_t li` starts with it but goes on with the PDF and 上一版/下一版 links.
selector!(LIST_LABEL, "div.list_l div.l_t");
selector!(BAN_T_ITEM, "div.ban_t li");
selector!(BAN_T_PDF, "div.ban_t a[href]");

// Article.
selector!(TEXT_C, "div.text_c");
selector!(H1, "h1");
selector!(H2, "h2");
selector!(H3, "h3");
selector!(H4, "h4");
selector!(LAI, "div.lai");
selector!(LAI_SPANS, "div.lai span");
selector!(OZOOM, "#ozoom");
selector!(C_C, "div.c_c");

regex!(PAGE_URL, r"(?i)/nbs\.D\d+[a-z]+_([a-z]?\d+)\.html?$");
regex!(
    ARTICLE_URL,
    r"(?i)/nw\.D\d+[a-z]+_(\d{4})(\d{2})(\d{2})_\d+-([a-z]?\d+)\.html?$"
);
// An article link as the page writes it: relative, `nw.D110000renmrb_20171016_2-01.htm`.
regex!(ARTICLE_HREF, r"(?i)(?:^|/)nw\.[^/?#]+\.html?(?:[?#].*)?$");
regex!(URL_DATE, r"/(\d{4})-(\d{2})/(\d{2})/");
// The argument of `view("…")` (or `view('…')`) in a title-list script.
regex!(
    VIEW_ARG,
    r#"(?s)view\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)"#
);
// `（ 2017年10月16日   01 版）` in the article's `div.lai`.
regex!(LAI_PAGE_NO, r"([A-Za-z]?\d+)\s*版");
regex!(AUTHOR_PREFIX, r"^\s*作者\s*[:：]\s*");

/// Which kind of document a URL names in this layout, if any.
pub fn matches_url(url: &Url) -> Option<DocKind> {
    kind_by_path(url, &PAGE_URL, &ARTICLE_URL)
}

/// Recognises a document of this layout by its markup: the `nbs.D110000…` and `nw.D110000…`
/// links, and an article by its `div.text_c`.
pub fn detect(html: &str) -> Option<DocKind> {
    kind_by_markers(html, &["nw.D110000", "nbs.D110000"], &["text_c"])
}

/// An article of this page: an `nw.…htm` link on the page's host and, when the page's URL has
/// the issue date, under that date. Footers elsewhere in the family link other papers' indexes.
fn article_url(page: &Url, href: &str) -> Option<String> {
    if !ARTICLE_HREF.is_match(href.trim()) {
        return None;
    }
    issue_article(page, href, &URL_DATE)
}

/// The issue date of the date directory, else of an article's file name.
fn date_in_url(url: &Url) -> Option<NaiveDate> {
    let path = url.path();
    crate::date::captured(&URL_DATE, path).or_else(|| crate::date::captured(&ARTICLE_URL, path))
}

/// Undoes the escapes a JavaScript string literal may carry (`\"`, `\\`, `\n`, `\uXXXX`).
fn js_unescape(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len());
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'r' | 't') => out.push(' '),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(decoded) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(decoded);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The title a title-list anchor writes with `document.write(view("…"))`. The string is HTML
/// (the browser parses what `document.write` writes), so it is parsed as such: `<br>` becomes a
/// space and entities are decoded.
fn scripted_title(anchor: ElementRef<'_>) -> Option<String> {
    anchor.select(&SCRIPTS).find_map(|script| {
        let code: String = script.text().collect();
        let caps = VIEW_ARG.captures(&code)?;
        let literal = caps.get(1).or_else(|| caps.get(2))?.as_str();
        let fragment = Html::parse_fragment(&js_unescape(literal));
        non_empty(&text_with_breaks(fragment.root_element()))
    })
}

/// Titles of the hidden `<!-------文章显示标题开始------>` block, by article URL.
fn hidden_titles(doc: &Html, page: &Url) -> Vec<(String, String)> {
    let mut titles = Vec::new();
    for div in doc.select(&HIDDEN_TITLES) {
        let href = div
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|el| el.value().name().eq_ignore_ascii_case("a"))
            .and_then(|a| a.value().attr("href").map(str::to_string))
            // `id=mp_nw.D110000renmrb_20171016_2-01` names the document without `.htm`.
            .or_else(|| {
                div.value()
                    .id()
                    .and_then(|id| id.strip_prefix("mp_"))
                    .map(|name| format!("{name}.htm"))
            });
        let Some(url) = href.and_then(|href| article_url(page, &href)) else {
            continue;
        };
        if let Some(title) = non_empty(&text_with_breaks(div)) {
            titles.push((url, title));
        }
    }
    titles
}

fn page_list(doc: &Html, base: &Url) -> Vec<PageRef> {
    let mut links: Vec<ElementRef<'_>> = doc.select(&PAGE_LIST_LINKS).collect();
    if links.is_empty() {
        links = doc.select(&ANY_PAGE_LINKS).collect();
    }
    page_refs(links, base)
}

/// The 版 label printed on the document (`01版:要闻`), from `div.list_l div.l_t` or the first
/// line of `div.ban_t li` (its own text before the PDF link, without the link texts).
fn printed_label(doc: &Html) -> Label {
    let from_list = doc.select(&LIST_LABEL).map(element_text);
    let from_ban_t = doc.select(&BAN_T_ITEM).map(|li| {
        li.children()
            .find_map(|child| child.value().as_text().and_then(|t| non_empty(t)))
            .unwrap_or_default()
    });
    label::first_numbered(from_list.chain(from_ban_t))
}

fn is_pdf(href: &str) -> bool {
    href.trim().to_ascii_lowercase().ends_with(".pdf")
}

/// This 版's PDF: the one in `div.ban_t`, else the one beside this page's entry in the page
/// list (the list links every 版's PDF, so "the first PDF on the page" would be wrong on 02 …).
fn page_pdf(doc: &Html, url: &Url, own: &str) -> Option<String> {
    if let Some(pdf) = first_href(doc.select(&BAN_T_PDF), url, is_pdf) {
        return Some(pdf);
    }
    let own_link = doc
        .select(&ANY_PAGE_LINKS)
        .find(|a| target(*a, url).is_some_and(|u| u == own))?;
    // `div.right_title1 > (div.right_title-name > a#pageLink) + (div.right_title-pdf > a)`.
    let row = own_link.ancestors().filter_map(ElementRef::wrap).nth(1)?;
    first_href(row.select(&ANCHORS), url, is_pdf)
}

pub fn parse_page(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let own = own_url(url);
    let pages = page_list(&doc, url);
    let (page_no, page_name) = label::of_page(&pages, &own, || printed_label(&doc));
    let page_no = page_no.or_else(|| {
        PAGE_URL
            .captures(url.path())
            .map(|caps| caps[1].to_string())
    });
    let date = date_in_url(url).or_else(|| {
        doc.select(&ISSUE_DATE)
            .find_map(|el| crate::date::in_text(&element_text(el)))
    });
    let Scan {
        url: image_url,
        map_size,
    } = scan_of(doc.select(&MAP_IMAGE), url);
    PageRecord {
        pdf_url: page_pdf(&doc, url, &own),
        url: own,
        date,
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url),
        image_url,
        map_size,
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
    }
}

/// Title list first (its order is the page's), then the hidden block and the image map for
/// whatever the list lacks. A video item is two anchors with one href: an icon, then the title.
fn page_articles(doc: &Html, url: &Url) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    let article_of = |el: ElementRef<'_>| el.value().attr("href").and_then(|h| article_url(url, h));
    for anchor in doc.select(&TITLE_LIST_LINKS) {
        let Some(article) = article_of(anchor) else {
            continue;
        };
        let title = scripted_title(anchor).or_else(|| non_empty(&element_text(anchor)));
        push_article(&mut articles, article, title);
    }
    let hidden = hidden_titles(doc, url);
    for (article, title) in &hidden {
        push_article(&mut articles, article.clone(), Some(title.clone()));
    }
    for area in doc.select(&MAP_AREAS) {
        if let Some(article) = article_of(area) {
            push_mapped(&mut articles, article, None, area);
        }
    }
    let mut articles = articles.into_vec();
    prefer_longer_hidden_titles(&mut articles, &hidden);
    articles
}

/// Both sources carry the whole title; should a template ever shorten one of them, the longer
/// is the full one.
fn prefer_longer_hidden_titles(articles: &mut [ArticleRef], hidden: &[(String, String)]) {
    // The first hidden title of each URL, found by one lookup each below.
    let mut hidden_by_url: HashMap<&str, &str> = HashMap::new();
    for (article, title) in hidden {
        hidden_by_url.entry(article).or_insert(title);
    }
    for article in articles {
        if let Some(plain) = hidden_by_url.get(article.url.as_str())
            && article
                .title
                .as_ref()
                .is_none_or(|t| plain.chars().count() > t.chars().count())
        {
            article.title = Some(plain.to_string());
        }
    }
}

fn first_heading(scope: ElementRef<'_>, selector: &Selector) -> Option<String> {
    scope
        .select(selector)
        .find_map(|h| non_empty(&text_with_breaks(h)))
}

pub fn parse_article(html: &str, url: &Url) -> ArticleRecord {
    let doc = crate::html::article_document(html);
    let text_c = doc.select(&TEXT_C).next();
    let scope = text_c.unwrap_or_else(|| doc.root_element());
    // `div.text_c`: h3 = 引题, h1 = title, h2 = 副题, h4 = byline (人民日报).
    let titles = Titles {
        pretitle: first_heading(scope, &H3),
        title: first_heading(scope, &H1),
        subtitle: first_heading(scope, &H2),
    };
    let body = Body::with_byline(author_of(&doc, scope), body_paragraphs(html, scope));
    // Images of the article only: `div.text_c`, not the 版 thumbnail in the left column.
    let image_root = text_c
        .or_else(|| doc.select(&OZOOM).next())
        .unwrap_or_else(|| doc.root_element());
    let images = article::images(
        image_root,
        url,
        |_, src| !src.contains("/tplimg/"),
        article::table_caption,
    );
    let lai = doc.select(&LAI).next().map(element_text);
    let date = date_in_url(url).or_else(|| lai.as_deref().and_then(crate::date::in_text));
    let label = article_label(&doc, url, lai.as_deref());
    article::record(url, date, label, titles, body, images)
}

/// The byline of `h4`; 光明日报 has no h4, its byline is `<div class="lai"><span>作者：…</span>`.
fn author_of(doc: &Html, scope: ElementRef<'_>) -> Option<String> {
    first_heading(scope, &H4)
        .map(|a| AUTHOR_PREFIX.replace(&a, "").into_owned())
        .and_then(|a| non_empty(&a))
        .or_else(|| {
            doc.select(&LAI_SPANS).find_map(|span| {
                let text = element_text(span);
                AUTHOR_PREFIX
                    .find(&text)
                    .and_then(|m| non_empty(&text[m.end()..]))
            })
        })
}

/// The body: the enpcontent block when the template keeps it, else `#ozoom`, else `div.c_c`.
fn body_paragraphs(html: &str, scope: ElementRef<'_>) -> Vec<String> {
    let enpcontent = crate::html::enpcontent(html).map(Html::parse_fragment);
    let paragraphs = enpcontent
        .as_ref()
        .map(|fragment| paragraphs_without_captions(fragment.root_element()))
        .unwrap_or_default();
    if !paragraphs.is_empty() {
        return paragraphs;
    }
    scope
        .select(&OZOOM)
        .next()
        .or_else(|| scope.select(&C_C).next())
        .map(paragraphs_without_captions)
        .unwrap_or_default()
}

/// The 版 of an article: the printed label, else the number in the source line (`div.lai`),
/// else the one in the file name.
fn article_label(doc: &Html, url: &Url, lai: Option<&str>) -> Label {
    let (page_no, page_name) = printed_label(doc);
    let page_no = page_no
        .or_else(|| {
            lai.and_then(|text| LAI_PAGE_NO.captures(text))
                .map(|caps| caps[1].to_string())
        })
        .or_else(|| {
            ARTICLE_URL
                .captures(url.path())
                .map(|caps| caps[4].to_string())
        });
    (page_no, page_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_strings_are_unescaped() {
        assert_eq!(js_unescape(r#"他说\"好\"\u4e2d\\"#), "他说\"好\"中\\");
    }
}
