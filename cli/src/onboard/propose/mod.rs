//! A `layout = "selectors"` profile proposed from one page (版) of a paper whose system no
//! family knows, and one of its articles: best effort, for a person to review.
//!
//! From the page: its links on its host that name the date in their path. Those shaped
//! like the page's own URL (`urls::generalise`) are the pages; of the others, the
//! largest group of one shape whose link texts have a title's length are the articles. The two
//! shapes are the `page_url` and `article_url` regexes, and the elements that hold each group
//! give `page_list` and `article_list` (`css`), with the image map's areas where they link
//! articles. From the first article: the title (the heading that prints the link's text, else
//! `h1`, else an element whose id or class says "title"), the body (the element holding the
//! most paragraph text), its pictures, and the 引题, 副题, byline, date and 版 label where an id
//! or class names them plainly.
//!
//! What must stay true: a proposal is a [`Selectors`] table like any other, checked as a profile
//! load checks it before anything is crawled with it; when a page offers no pages or articles
//! to propose from, the reason says what was looked for, and nothing is guessed.

mod css;
mod urls;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use epaper_common::sites::Selectors;
use epaper_parser::text::{block_text, element_text, fold_spaces};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::onboard::derive::first_date;

/// A link text of a title's length, in characters: longer than a 版 label's name or "更多",
/// shorter than a paragraph.
const TITLE_CHARS: std::ops::RangeInclusive<usize> = 4..=80;

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid constant selector")
}

/// A link of the page to a document of the issue.
struct Link<'a> {
    el: ElementRef<'a>,
    url: String,
    /// The regex of its URL's path (`urls::generalise`).
    shape: String,
    text: String,
}

/// What the page gives: the two kinds of document, how its lists are found, and the first
/// article, whose markup gives the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePart {
    pub page_url: String,
    pub article_url: String,
    pub page_list: String,
    pub article_list: String,
    /// The first article's URL and the title its link prints.
    pub first_article: (String, String),
    pub page_label: Option<String>,
    pub scan: Option<String>,
    pub pdf: Option<String>,
}

/// The links of `doc` (the page at `page`, of `date`) on the page's host whose path names the
/// date, downloads left out, in document order.
fn dated_links<'a>(doc: &'a Html, page: &Url, date: NaiveDate) -> Vec<Link<'a>> {
    let anchors = selector("a[href]");
    doc.select(&anchors)
        .filter_map(|el| {
            let url = epaper_parser::html::absolute(page, el.value().attr("href")?)?;
            let parsed = Url::parse(&url).ok()?;
            let path = parsed.path();
            let ours = parsed.host_str() == page.host_str()
                && !urls::is_download(path)
                && first_date(path) == Some(date);
            ours.then(|| Link {
                el,
                shape: urls::generalise(path, date),
                url,
                text: fold_spaces(&element_text(el)),
            })
        })
        .collect()
}

/// The articles among `links`: of the links not shaped like a page, with a title's length of
/// text, the largest group of one shape (the first in the document on a tie).
fn article_links<'a, 'b>(links: &'b [Link<'a>], page_shape: &str) -> Vec<&'b Link<'a>> {
    let mut groups: BTreeMap<&str, Vec<&Link<'a>>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let titled = links.iter().filter(|link| {
        link.shape != page_shape && TITLE_CHARS.contains(&link.text.chars().count())
    });
    for link in titled {
        let group = groups.entry(link.shape.as_str()).or_default();
        if group.is_empty() {
            order.push(link.shape.as_str());
        }
        group.push(link);
    }
    // The largest group; of equals, the first in the document.
    let most = order.iter().map(|shape| groups[shape].len()).max();
    let best = order
        .iter()
        .find(|shape| Some(groups[**shape].len()) == most)
        .copied();
    best.and_then(|shape| groups.remove(shape))
        .unwrap_or_default()
}

/// Whether an image map of the page links an article (an `area` shaped like `article_shape`).
fn maps_articles(doc: &Html, page: &Url, date: NaiveDate, article_shape: &str) -> bool {
    doc.select(&selector("map area[href]")).any(|area| {
        let url = area
            .value()
            .attr("href")
            .and_then(|href| epaper_parser::html::absolute(page, href))
            .and_then(|url| Url::parse(&url).ok());
        url.is_some_and(|url| urls::generalise(url.path(), date) == article_shape)
    })
}

/// The element's own text, without its descendants'.
fn own_text(el: ElementRef<'_>) -> String {
    let text: String = el
        .children()
        .filter_map(|child| child.value().as_text().map(|t| t.to_string()))
        .collect();
    fold_spaces(&text)
}

/// The first element of `doc` outside links that prints a 版 label with a number
/// (`第02版：要闻`) as its own text.
fn label_element(doc: &Html) -> Option<ElementRef<'_>> {
    let all = selector("body *");
    doc.select(&all).find(|el| {
        let in_link = std::iter::once(**el)
            .chain(el.ancestors())
            .filter_map(ElementRef::wrap)
            .any(|e| e.value().name().eq_ignore_ascii_case("a"));
        let text = own_text(*el);
        !in_link
            && text.contains('版')
            && text.chars().count() <= 30
            && epaper_parser::label::first_numbered([text]).0.is_some()
    })
}

/// The page's part of the proposal, or why none can be made.
pub fn page_part(html: &str, page: &Url) -> Result<PagePart, String> {
    let date =
        first_date(page.path()).ok_or_else(|| format!("{page} names no issue date in its path"))?;
    let doc = Html::parse_document(html);
    let links = dated_links(&doc, page, date);
    let page_shape = urls::generalise(page.path(), date);
    let pages: Vec<ElementRef<'_>> = links
        .iter()
        .filter(|link| link.shape == page_shape)
        .map(|link| link.el)
        .collect();
    if pages.is_empty() {
        return Err(format!(
            "no link on the page to a page (版) of {date} shaped like {page_shape}"
        ));
    }
    let articles = article_links(&links, &page_shape);
    let Some(first) = articles.first() else {
        return Err(format!(
            "no links on the page to articles of {date}: links on its host with the date in \
             their path and a title's length of text"
        ));
    };
    let article_els: Vec<ElementRef<'_>> = articles.iter().map(|link| link.el).collect();
    let list = |els: &[ElementRef<'_>]| {
        css::links_under(&doc, els).ok_or_else(|| "the links share no element".to_string())
    };
    let scan = doc
        .select(&selector("img[usemap]"))
        .next()
        .map(|img| css::naming(&doc, img));
    let pdf = doc
        .select(&selector("a[href]"))
        .find(|a| {
            a.value()
                .attr("href")
                .is_some_and(|href| href.trim().to_ascii_lowercase().ends_with(".pdf"))
        })
        .map(|a| css::naming(&doc, a));
    let mut article_list = list(&article_els)?;
    if maps_articles(&doc, page, date, &first.shape) {
        // The image map's areas mark where each article is on the scan (its regions).
        article_list.push_str(", map area");
    }
    Ok(PagePart {
        page_url: page_shape.clone(),
        article_url: first.shape.clone(),
        page_list: list(&pages)?,
        article_list,
        first_article: (first.url.clone(), first.text.clone()),
        page_label: label_element(&doc).map(|el| css::naming(&doc, el)),
        scan,
        pdf,
    })
}

/// Whether the id or class of `el` names one of `words` (lowercase) and none of `unless`.
fn named(el: ElementRef<'_>, words: &[&str], unless: &[&str]) -> bool {
    let names = el
        .value()
        .id()
        .into_iter()
        .chain(el.value().classes())
        .map(str::to_ascii_lowercase);
    let mut found = false;
    for name in names {
        if unless.iter().any(|word| name.contains(word)) {
            return false;
        }
        found |= words.iter().any(|word| name.contains(word));
    }
    found
}

const PRETITLE: [&str; 5] = ["pretitle", "pre-title", "intro", "kicker", "yinti"];
const SUBTITLE: [&str; 5] = ["subtitle", "sub-title", "deck", "futi", "fubiao"];
const AUTHOR: [&str; 4] = ["author", "byline", "zuozhe", "writer"];

/// The article's title element: one that prints `hint` (the link's text on the page), the
/// innermost such; else the first `h1`, else the first element whose id or class says
/// "title", else the first `h2`.
fn title_element<'a>(doc: &'a Html, hint: &str) -> Option<ElementRef<'a>> {
    let all = selector("body *");
    let not_pre_or_sub: Vec<&str> = PRETITLE.iter().chain(&SUBTITLE).copied().collect();
    let is_heading = |el: &ElementRef<'_>| {
        matches!(el.value().name(), "h1" | "h2" | "h3") || named(*el, &["title"], &not_pre_or_sub)
    };
    let text_of = |el: &ElementRef<'_>| block_text(*el).map(|text| fold_spaces(&text));
    let headings: Vec<ElementRef<'a>> = doc
        .select(&all)
        .filter(is_heading)
        .filter(|el| text_of(el).is_some_and(|t| t.chars().count() <= 120))
        .collect();
    let hint = fold_spaces(hint);
    headings
        .iter()
        .rev()
        .find(|el| text_of(el).as_deref() == Some(hint.as_str()))
        .or_else(|| headings.iter().find(|el| el.value().name() == "h1"))
        .or_else(|| {
            headings
                .iter()
                .find(|el| named(**el, &["title"], &not_pre_or_sub))
        })
        .or_else(|| headings.iter().find(|el| el.value().name() == "h2"))
        .copied()
}

/// The element holding the most paragraph text: the text of its `p` children and its own.
fn body_element(doc: &Html) -> Option<ElementRef<'_>> {
    let all = selector("body *");
    let score = |el: &ElementRef<'_>| {
        let paragraphs: usize = el
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|child| child.value().name() == "p")
            .map(|p| element_text(p).chars().count())
            .sum();
        paragraphs + own_text(*el).chars().count()
    };
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    for el in doc.select(&all) {
        let here = score(&el);
        if here > best.map_or(0, |(score, _)| score) {
            best = Some((here, el));
        }
    }
    best.map(|(_, el)| el)
}

/// The first element in `scope` (other than the title and body) whose id or class names one
/// of `words`, with some short text.
fn field_element<'a>(
    scope: ElementRef<'a>,
    words: &[&str],
    unless: &[&str],
    taken: &[ElementRef<'a>],
) -> Option<ElementRef<'a>> {
    scope.descendants().filter_map(ElementRef::wrap).find(|el| {
        !taken.iter().any(|t| t.id() == el.id())
            && named(*el, words, unless)
            && block_text(*el).is_some_and(|text| text.chars().count() <= 80)
    })
}

/// The element that prints the date (`2024-03-04`, `2024年3月4日`): a `time`, or one
/// whose id or class says "date" or "time".
fn date_element<'a>(scope: ElementRef<'a>, date: NaiveDate) -> Option<ElementRef<'a>> {
    let written = [
        "%Y-%m-%d",
        "%Y年%m月%d日",
        "%Y年%-m月%-d日",
        "%Y/%m/%d",
        "%Y.%m.%d",
    ]
    .map(|format| date.format(format).to_string());
    scope.descendants().filter_map(ElementRef::wrap).find(|el| {
        let dated = el.value().name() == "time" || named(*el, &["date", "time"], &[]);
        let text = element_text(*el);
        dated && text.chars().count() <= 60 && written.iter().any(|w| text.contains(w))
    })
}

/// `first, second` when both are there and differ: a selector list for a field a page and an
/// article print in two ways.
fn either(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}, {b}")),
        (a, b) => a.or(b),
    }
}

/// The whole table: the page's part and what the first article (at `url`, markup `html`)
/// gives. An article without a title or a body to find is no ground for a proposal.
pub fn selectors(part: PagePart, html: &str, url: &Url) -> Result<Selectors, String> {
    let date = first_date(url.path());
    let doc = Html::parse_document(html);
    let title = title_element(&doc, &part.first_article.1)
        .ok_or_else(|| format!("{url}: no heading (h1, h2, an id or class with \"title\")"))?;
    let body = body_element(&doc).ok_or_else(|| format!("{url}: no element holds text"))?;
    // The block that holds title and body: where the article's other fields are printed.
    let story = css::common_ancestor(&[title, body])
        .filter(|el| !matches!(el.value().name(), "html" | "body"))
        .unwrap_or_else(|| doc.root_element());
    let taken = [title, body];
    let name = |el: ElementRef<'_>| css::naming(&doc, el);
    let body_css = name(body);
    let images = if body.select(&selector("img")).next().is_some() {
        Some(format!("{body_css} img"))
    } else if story.id() != doc.root_element().id()
        && story.select(&selector("img")).next().is_some()
    {
        Some(format!("{} img", name(story)))
    } else {
        None
    };
    Ok(Selectors {
        page_url: part.page_url,
        article_url: part.article_url,
        page_list: part.page_list,
        article_list: part.article_list,
        title: name(title),
        pretitle: field_element(story, &PRETITLE, &[], &taken).map(name),
        subtitle: field_element(story, &SUBTITLE, &[], &taken).map(name),
        author: field_element(story, &AUTHOR, &[], &taken).map(name),
        date: date.and_then(|date| date_element(doc.root_element(), date).map(name)),
        body: body_css,
        images,
        page_label: either(part.page_label, label_element(&doc).map(name)),
        scan: part.scan,
        pdf: part.pdf,
    })
}

#[cfg(test)]
mod tests;
