//! Text clean-up shared by every layout: how a browser would show the text, trimmed.

use scraper::ElementRef;

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

/// The text of an element, its scripts and styles left out, cleaned.
pub fn element_text(element: ElementRef<'_>) -> String {
    let mut out = String::new();
    for node in element.descendants() {
        if let Some(text) = node.value().as_text() {
            let inside_script = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style"))
            });
            if !inside_script {
                out.push_str(text);
            }
        }
    }
    clean(&out)
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
