//! Text clean-up shared by every layout: how a browser would show the text, trimmed.

use scraper::node::Element;
use scraper::{CaseSensitivity, ElementRef};

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}'
}

/// Trims ASCII space, NBSP and U+3000 at both ends and folds each run of ASCII white space that
/// holds a line break or a tab (source formatting inside a paragraph) into one space. Runs of
/// plain spaces typed into the text stay as they are: 人民日报 prints some titles with a double
/// space (`发展的事  看准了就坚持干`), and the archive keeps the text exact.
pub fn clean(text: &str) -> String {
    let trimmed = text.trim_matches(is_blank);
    let mut out = String::with_capacity(trimmed.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.contains(['\n', '\r', '\t', '\x0c']) {
            out.push(' ');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in trimmed.chars() {
        if c.is_ascii_whitespace() {
            run.push(c);
        } else {
            if !run.is_empty() {
                flush(&mut run, &mut out);
            }
            out.push(c);
        }
    }
    out
}

/// Every run of blanks folded into one ASCII space: for lists of names, where the spacing is
/// layout, not text.
pub fn fold_spaces(text: &str) -> String {
    text.split(is_blank)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `Some(cleaned)` unless nothing is left after cleaning.
pub fn non_empty(text: &str) -> Option<String> {
    let cleaned = clean(text);
    (!cleaned.is_empty()).then_some(cleaned)
}

/// The text nodes under `element` in document order, without those that have an ancestor
/// `hidden` accepts, and a space for each element `breaks` accepts: the one walk behind each way
/// of reading an element's text below.
fn gather(
    element: ElementRef<'_>,
    hidden: impl Fn(&Element) -> bool,
    breaks: impl Fn(&Element) -> bool,
) -> String {
    let mut out = String::new();
    for node in element.descendants() {
        if let Some(text) = node.value().as_text() {
            let inside_hidden = node
                .ancestors()
                .any(|a| a.value().as_element().is_some_and(&hidden));
            if !inside_hidden {
                out.push_str(text);
            }
        } else if node.value().as_element().is_some_and(&breaks) {
            out.push(' ');
        }
    }
    out
}

fn script_or_style(element: &Element) -> bool {
    matches!(element.name(), "script" | "style")
}

fn none(_: &Element) -> bool {
    false
}

/// The text of an element, its scripts and styles left out, cleaned.
pub fn element_text(element: ElementRef<'_>) -> String {
    clean(&gather(element, script_or_style, none))
}

/// Text as a browser shows it, with `<br>` as a space: titles break lines with `<br>`
/// (`座谈会<br>征求…`), and the two halves are one title.
pub fn text_with_breaks(element: ElementRef<'_>) -> String {
    clean(&gather(element, script_or_style, |e| {
        e.name().eq_ignore_ascii_case("br")
    }))
}

/// The text of a heading or caption as a reader sees it: a `<br>` or a `<p>` inside (副题 in two
/// `<p>`s, a caption's credit line) separates words rather than gluing them together.
pub fn block_text(element: ElementRef<'_>) -> Option<String> {
    non_empty(&gather(element, none, |e| {
        matches!(e.name(), "br" | "p" | "div")
    }))
}

/// The text of `element` without the descendants that carry `class`.
pub fn text_without_class(element: ElementRef<'_>, class: &str) -> String {
    let has_class = |e: &Element| e.has_class(class, CaseSensitivity::AsciiCaseInsensitive);
    clean(&gather(element, has_class, none))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_wide_and_nonbreaking_space_and_folds_line_breaks() {
        assert_eq!(clean("\u{3000}\u{3000}正文\r\n  续行\u{a0} "), "正文 续行");
        assert_eq!(non_empty("\u{a0}\u{3000} "), None);
        assert_eq!(
            clean(" 发展的事  看准了\n    就坚持干 "),
            "发展的事  看准了 就坚持干"
        );
    }
}
