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

/// About `width` characters of the first paragraph that holds a query term, with the first
/// occurrence of each term marked 【like this】.
pub fn snippet(title: &str, paragraphs: &[String], terms: &[String], width: usize) -> String {
    let holder = paragraphs
        .iter()
        .find(|p| terms.iter().any(|t| p.to_lowercase().contains(t.as_str())))
        .map(String::as_str)
        .or(paragraphs.first().map(String::as_str))
        .unwrap_or(title);
    let chars: Vec<char> = holder.chars().collect();
    let lower = holder.to_lowercase();
    let first_hit = terms
        .iter()
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0);
    let start = first_hit.saturating_sub(width / 3);
    let end = (start + width).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    for term in terms {
        if let Some(pos) = text.find(term.as_str()) {
            text.replace_range(pos..pos + term.len(), &format!("【{term}】"));
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
}
