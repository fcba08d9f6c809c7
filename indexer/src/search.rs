//! Chinese word segmentation for full-text search.
//!
//! Chinese has no spaces between words, so neither PostgreSQL's 'simple' configuration nor
//! SQLite's unicode61 tokenizer can find 社会工作 in a sentence. At index time every article is
//! segmented with jieba (search mode: whole words and the shorter words inside them) into
//! space-separated words; queries are segmented the same way and every query word must match.
//! Both stores index the same segmented text, so they answer alike.

use std::sync::LazyLock;

use epaper_common::messages::ArticleRecord;
use jieba_rs::Jieba;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// CJK Unified Ideographs: every one is alphabetic and has no case, so the checks below can
/// answer for them without Unicode table look-ups, which were a third of `segment`'s time.
fn is_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn is_word(token: &str) -> bool {
    token
        .chars()
        .any(|c| c.is_ascii_alphanumeric() || is_ideograph(c) || c.is_alphanumeric())
}

/// Appends `token` lowercased, exactly as `str::to_lowercase` would.
fn push_lowercase(out: &mut String, token: &str) {
    if token.chars().all(|c| c.is_ascii() || is_ideograph(c)) {
        out.extend(token.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&token.to_lowercase());
    }
}

/// What full-text search sees of an article.
pub fn searchable_text(article: &ArticleRecord) -> String {
    let mut text = String::new();
    for value in [
        &article.pretitle,
        &article.title,
        &article.subtitle,
        &article.author,
    ]
    .into_iter()
    .flatten()
    {
        text.push_str(value);
        text.push('\n');
    }
    for paragraph in &article.paragraphs {
        text.push_str(paragraph);
        text.push('\n');
    }
    for caption in article
        .images
        .iter()
        .filter_map(|image| image.caption.as_ref())
    {
        text.push_str(caption);
        text.push('\n');
    }
    text
}

/// The words of `text`, lowercased, separated by single spaces.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for token in JIEBA.cut_for_search(text, true) {
        let token = token.word;
        if is_word(token) {
            if !out.is_empty() {
                out.push(' ');
            }
            push_lowercase(&mut out, token);
        }
    }
    out
}

/// The words a query asks for: each must occur in a hit. Only letters and digits survive, so a
/// term can never carry query syntax into either store.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for token in JIEBA.cut(query, true) {
        let token = token.word;
        let term: String = token
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        if !term.is_empty() && !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

/// `chars` lowercased as `str::to_lowercase` would, with, for every byte of the lowered text,
/// the index in `chars` of the character it came from. Lowercasing changes lengths (`İ` is two
/// bytes and becomes three), so a position found in the lowered text is mapped back through
/// this table, never used on the original text.
fn lowercase_with_origin(chars: &[char]) -> (String, Vec<usize>) {
    let mut lower = String::with_capacity(chars.len());
    let mut origin = Vec::with_capacity(chars.len());
    for (index, c) in chars.iter().enumerate() {
        lower.extend(c.to_lowercase());
        origin.resize(lower.len(), index);
    }
    (lower, origin)
}

/// The characters `term` covers at its first case-insensitive occurrence in the text that
/// `lower` and `origin` describe, as a range of character indices.
fn find_term(lower: &str, origin: &[usize], term: &str) -> Option<(usize, usize)> {
    if term.is_empty() {
        return None;
    }
    let byte = lower.find(term)?;
    Some((origin[byte], origin[byte + term.len() - 1] + 1))
}

/// About `width` characters of the first paragraph that holds a query term, with the first
/// occurrence of each term marked 【like this】 (case-insensitively; the text keeps its case).
pub fn snippet(title: &str, paragraphs: &[String], terms: &[String], width: usize) -> String {
    let holder = paragraphs
        .iter()
        .find(|p| terms.iter().any(|t| p.to_lowercase().contains(t.as_str())))
        .map(String::as_str)
        .or(paragraphs.first().map(String::as_str))
        .unwrap_or(title);
    let chars: Vec<char> = holder.chars().collect();
    let (lower, origin) = lowercase_with_origin(&chars);
    let first_hit = terms
        .iter()
        .filter_map(|t| find_term(&lower, &origin, t))
        .map(|(start, _)| start)
        .min()
        .unwrap_or(0);
    let start = first_hit.saturating_sub(width / 3);
    let end = (start + width).min(chars.len());
    let window = &chars[start..end];
    let (lower, origin) = lowercase_with_origin(window);
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (from, to) in terms.iter().filter_map(|t| find_term(&lower, &origin, t)) {
        if !marks.iter().any(|&(f, t)| from < t && f < to) {
            marks.push((from, to));
        }
    }
    let mut text = String::with_capacity(window.len() * 4);
    for (index, c) in window.iter().enumerate() {
        if marks.iter().any(|&(from, _)| from == index) {
            text.push('【');
        }
        text.push(*c);
        if marks.iter().any(|&(_, to)| to == index + 1) {
            text.push('】');
        }
    }
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < chars.len() { "…" } else { "" };
    format!("{prefix}{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_compound_words_and_their_parts() {
        let words = segment("北京社会工作者协会举办交流会。");
        let words: Vec<&str> = words.split(' ').collect();
        assert!(words.contains(&"社会"), "{words:?}");
        assert!(words.contains(&"工作"), "{words:?}");
        assert!(words.contains(&"北京"), "{words:?}");
        assert!(!words.contains(&"。"));
    }

    #[test]
    fn the_ideograph_shortcuts_agree_with_the_unicode_tables() {
        for c in ('\u{4e00}'..='\u{9fff}').chain(['A', 'z', '9', '_', 'Σ', 'É', '１', '。']) {
            let token = c.to_string();
            assert_eq!(is_word(&token), c.is_alphanumeric(), "{c:?}");
            let mut lowered = String::new();
            push_lowercase(&mut lowered, &token);
            assert_eq!(lowered, token.to_lowercase(), "{c:?}");
        }
        let mut lowered = String::new();
        push_lowercase(&mut lowered, "ΟΔΟΣ北京GDP");
        assert_eq!(lowered, "ΟΔΟΣ北京GDP".to_lowercase());
    }

    #[test]
    fn query_terms_drop_syntax_and_repeats() {
        assert_eq!(
            query_terms("社会 工作 \"OR\" 社会*"),
            vec!["社会", "工作", "or"]
        );
    }

    #[test]
    fn snippet_marks_the_terms() {
        let paragraphs = vec![
            "第一段没有。".to_string(),
            "这里谈到社会工作的发展。".to_string(),
        ];
        let terms = vec!["社会".to_string()];
        assert_eq!(
            snippet("标题", &paragraphs, &terms, 40),
            "这里谈到【社会】工作的发展。"
        );
    }

    #[test]
    fn snippet_maps_lowercased_positions_back_to_the_text() {
        // `İ` lowercases to two characters (three bytes for two): a byte position found in the
        // lowered text is past the end of the original; slicing with it panicked.
        let paragraph = format!("{}Word here", "İ".repeat(100));
        let terms = query_terms("word");
        let text = snippet("t", &[paragraph], &terms, 20);
        assert!(text.contains("【Word】"), "{text}");
        assert!(text.starts_with('…'), "{text}");
    }

    #[test]
    fn snippet_marks_case_insensitively_keeping_the_case() {
        let paragraphs = vec!["The GDP of Beijing grew.".to_string()];
        let terms = query_terms("gdp beijing");
        assert_eq!(
            snippet("t", &paragraphs, &terms, 40),
            "The 【GDP】 of 【Beijing】 grew."
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// No text, query or width makes a snippet panic, and a snippet is never longer than
        /// its window plus the marks and ellipses.
        #[test]
        fn snippet_never_panics(
            paragraphs in proptest::collection::vec("\\PC{0,80}", 0..4),
            query in "\\PC{0,12}",
            width in 0usize..60,
        ) {
            let terms = query_terms(&query);
            let text = snippet("title", &paragraphs, &terms, width);
            let limit = width + 2 * terms.len() + 2;
            proptest::prop_assert!(text.chars().count() <= limit, "{text}");
        }

        /// A word after characters whose lowercase is longer or shorter (`İ`, the Kelvin and
        /// Ohm signs, `ẞ`), where byte positions drift: found, marked, no panic.
        #[test]
        fn snippet_finds_words_after_length_changing_characters(
            prefix in "[İKΩẞΣa ]{0,150}",
            word in "[a-zA-Z]{1,8}",
            suffix in "\\PC{0,30}",
            width in 0usize..60,
        ) {
            let paragraph = format!("{prefix} {word} {suffix}");
            let terms = query_terms(&word);
            let text = snippet("title", &[paragraph], &terms, width);
            if width > 2 * word.chars().count() + 2 {
                proptest::prop_assert!(text.contains('【'), "{text}");
            }
        }
    }
}
