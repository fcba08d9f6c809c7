//! CSS selectors for elements a proposal found: an element is named by its tag and its id or
//! first class (`ul.stories`, `div#content`), qualified by the nearest ancestors that have one
//! until the selector's first match in the document is that element; a list of links by the
//! element that holds them all (`aside.sheets ol a`).
//!
//! What must stay true: every selector made here parses and is refused by nothing a profile
//! load checks (no `:has()`, short), since it goes into a profile as it is. Ids and classes
//! with digits are passed over: they are often a document's own number (`content_1043`), which
//! the next document does not share.

use scraper::{ElementRef, Html, Selector};

/// At most this many ancestors qualify a selector: enough to single out an element of a real
/// page, short enough for a reader to check.
const MAX_QUALIFIERS: usize = 3;

/// An id or class a selector can name as it is: letters, `-` and `_`, no digits (see above)
/// and nothing to escape.
fn nameable(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_')
}

/// `tag#id` or `tag.class` when the element has a nameable id or class.
fn identified(el: ElementRef<'_>) -> Option<String> {
    let tag = el.value().name().to_ascii_lowercase();
    if let Some(id) = el.value().id().filter(|id| nameable(id)) {
        return Some(format!("{tag}#{id}"));
    }
    // The first class as written (`classes()` has no order): the one a template names first
    // is usually what the element is, the rest its state (`clearfix`, `active`).
    let classes = el.value().attr("class")?;
    let class = classes
        .split_ascii_whitespace()
        .find(|class| nameable(class))?;
    Some(format!("{tag}.{class}"))
}

/// The element's own part of a selector: identified, else its tag.
fn own_part(el: ElementRef<'_>) -> String {
    identified(el).unwrap_or_else(|| el.value().name().to_ascii_lowercase())
}

/// The identified ancestors of `el`, nearest first.
fn identified_ancestors<'a>(el: ElementRef<'a>) -> impl Iterator<Item = String> + 'a {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .filter_map(identified)
}

/// Selectors for `el`, least qualified first: its own part, then with one, two, three
/// identified ancestors before it. An element with neither id nor class always gets one
/// ancestor, as a bare tag names every such element of the document.
fn candidates(el: ElementRef<'_>) -> Vec<String> {
    let own = own_part(el);
    let mut out = Vec::new();
    if identified(el).is_some() {
        out.push(own.clone());
    }
    let mut prefix = Vec::new();
    for ancestor in identified_ancestors(el).take(MAX_QUALIFIERS) {
        prefix.insert(0, ancestor);
        out.push(format!("{} {own}", prefix.join(" ")));
    }
    if out.is_empty() {
        out.push(own);
    }
    out
}

fn parse(text: &str) -> Option<Selector> {
    epaper_common::sites::css("proposal", text).ok()
}

/// A selector whose first match in `doc` is `el`: the least qualified of [`candidates`] that
/// is, else the most qualified.
pub fn naming(doc: &Html, el: ElementRef<'_>) -> String {
    let candidates = candidates(el);
    let first_is_el = |text: &String| {
        parse(text)
            .is_some_and(|selector| doc.select(&selector).next().map(|m| m.id()) == Some(el.id()))
    };
    candidates
        .iter()
        .find(|text| first_is_el(text))
        .or(candidates.last())
        .cloned()
        .expect("an element has at least its own part")
}

/// The nearest element that holds every one of `els` (an element holds itself).
pub fn common_ancestor<'a>(els: &[ElementRef<'a>]) -> Option<ElementRef<'a>> {
    let (first, rest) = els.split_first()?;
    let chain = |el: &ElementRef<'a>| {
        std::iter::once(**el)
            .chain(el.ancestors())
            .map(|node| node.id())
            .collect::<Vec<_>>()
    };
    let mut shared = chain(first);
    for el in rest {
        let theirs = chain(el);
        shared.retain(|id| theirs.contains(id));
    }
    let nearest = *shared.first()?;
    first
        .ancestors()
        .chain(std::iter::once(**first))
        .find(|node| node.id() == nearest)
        .and_then(ElementRef::wrap)
}

/// A selector for the links among `links` and their like: `a` under the element that holds
/// them all, named by its tag and id or class and qualified by its identified ancestors.
pub fn links_under(doc: &Html, links: &[ElementRef<'_>]) -> Option<String> {
    let holder = common_ancestor(links)?;
    if holder.value().name().eq_ignore_ascii_case("a") {
        // One link: the element it is in holds its like.
        let parent = holder.parent().and_then(ElementRef::wrap)?;
        return Some(format!("{} a", naming(doc, parent)));
    }
    Some(format!("{} a", naming(doc, holder)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body>
        <div id="top"><a href="/">首页</a></div>
        <aside class="sheets menu"><ol>
          <li><a href="p1.html">01版：要闻</a></li>
          <li><a href="p2.html">02版：本地</a></li>
        </ol></aside>
        <main><ul class="stories clearfix">
          <li><a id="story-a" href="a1.html">第一篇文章的标题</a></li>
          <li><a href="a2.html">第二篇文章的标题</a></li>
        </ul>
        <div class="content_1043"><h1>头条</h1></div>
        <section class="story"><h1 class="title">标题一</h1><p>正文</p></section>
        </main></body></html>"#;

    fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
        doc.select(&Selector::parse(css).unwrap()).collect()
    }

    #[test]
    fn links_are_named_by_the_element_that_holds_them_all() {
        let doc = Html::parse_document(PAGE);
        let sheets = select(&doc, "ol a");
        assert_eq!(
            links_under(&doc, &sheets).as_deref(),
            Some("aside.sheets ol a")
        );
        let stories = select(&doc, "ul a");
        assert_eq!(links_under(&doc, &stories).as_deref(), Some("ul.stories a"));
        // One link: named by the element it is in.
        assert_eq!(
            links_under(&doc, &stories[..1]).as_deref(),
            Some("ul.stories li a")
        );
    }

    #[test]
    fn an_element_is_qualified_until_its_selector_first_names_it() {
        let doc = Html::parse_document(PAGE);
        let titled = select(&doc, "h1.title")[0];
        assert_eq!(naming(&doc, titled), "h1.title");
        // The heading in the div whose class has digits: that class is passed over, and a
        // bare `h1` first names it.
        let other = select(&doc, "div h1")[0];
        let named = naming(&doc, other);
        assert_eq!(named, "h1", "{named}");
        // An element no candidate singles out (the second item) gets the most qualified one.
        let second = select(&doc, "ul li")[1];
        assert_eq!(naming(&doc, second), "ul.stories li");
        // Whatever it names, a selector parses as a profile's would.
        assert!(epaper_common::sites::css("title", &named).is_ok());
    }

    #[test]
    fn digits_and_escapes_are_not_named() {
        assert!(nameable("story-body"));
        assert!(nameable("news_list"));
        assert!(!nameable("content_1043"));
        assert!(!nameable("a:b"));
        assert!(!nameable("-x"));
        assert!(!nameable(""));
    }
}
