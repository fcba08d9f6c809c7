//! HTML helpers every layout family shares: resolving links, finding the issue links by their
//! label, and reading body paragraphs.

use std::sync::LazyLock;

use epaper_common::messages::PageRef;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::text::{element_text, non_empty};

static ANCHORS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("valid selector"));
static LINE_BREAK: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?i)<br\s*/?>").expect("valid regex"));
static PARAGRAPHS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("p").expect("valid selector"));

/// Resolves `href` against `base`, dropping the query (`?div=-1`) and fragment. `#` and
/// `javascript:` links (the JS-only 上一期/下一期 of some layouts) resolve to nothing.
pub fn absolute(base: &Url, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty()
        || href.starts_with('#')
        || href.to_ascii_lowercase().starts_with("javascript:")
    {
        return None;
    }
    let mut url = base.join(href).ok()?;
    url.set_query(None);
    url.set_fragment(None);
    Some(url.to_string())
}

/// The target of the first link whose text holds `label` (上一期, 下一期), if it has a real one.
pub fn issue_link(doc: &Html, base: &Url, label: &str) -> Option<String> {
    doc.select(&ANCHORS)
        .filter(|a| element_text(*a).contains(label))
        .find_map(|a| a.value().attr("href").and_then(|href| absolute(base, href)))
}

/// Leaf paragraphs of a body fragment: an outer `<P>` wrapping inner `<p>`s is not a paragraph
/// of its own. Without any `<p>`, lines separated by `<br>`.
pub fn paragraphs_of(fragment: &str) -> Vec<String> {
    let body = Html::parse_fragment(fragment);
    let leaves: Vec<String> = body
        .select(&PARAGRAPHS)
        .filter(|p| p.select(&PARAGRAPHS).nth(1).is_none())
        .filter_map(|p| non_empty(&element_text(p)))
        .collect();
    if !leaves.is_empty() {
        return leaves;
    }
    fragment
        .split('\n')
        .flat_map(|line| LINE_BREAK.split(line))
        .filter_map(|chunk| non_empty(&element_text(Html::parse_fragment(chunk).root_element())))
        .collect()
}

/// The issue's pages from its page-list links, in order, each URL once, labels split into
/// number and name.
pub fn page_refs<'a>(links: impl IntoIterator<Item = ElementRef<'a>>, base: &Url) -> Vec<PageRef> {
    let mut pages: Vec<PageRef> = Vec::new();
    for link in links {
        let Some(url) = link
            .value()
            .attr("href")
            .and_then(|href| absolute(base, href))
        else {
            continue;
        };
        if pages.iter().any(|page| page.url == url) {
            continue;
        }
        let (page_no, page_name) = crate::classic::split_page_label(&element_text(link));
        pages.push(PageRef {
            page_no,
            page_name,
            url,
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_without_paragraphs_is_split_at_every_spelling_of_br() {
        assert_eq!(
            paragraphs_of(
                "\u{3000}\u{3000}第一段<BR>\u{3000}\u{3000}第二段<br/>第三段<Br />&nbsp;<br>"
            ),
            ["第一段", "第二段", "第三段"]
        );
    }

    #[test]
    fn an_outer_p_wrapping_inner_ps_is_not_a_paragraph_of_its_own() {
        assert_eq!(
            paragraphs_of("<P><p>&nbsp;&nbsp;&nbsp;&nbsp;甲</p><p></p><p>乙</p></P>"),
            ["甲", "乙"]
        );
    }
}
