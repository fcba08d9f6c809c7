//! Bylines printed inside the body, for pages whose metadata leaves `<author>` empty.
//!
//! Papers print the byline in one of a few shapes (NOTES.md §2):
//! - a paragraph of its own before or after the text: `■ 本报记者 王明 李华`, `记者 王明`,
//!   `（记者 王明）`, `作者：王明`. Such a paragraph is the byline, not body text, and leaves the
//!   body.
//! - a paragraph that names no person: `□ 本报评论员` (the paper's commentator) first, or a
//!   closing credit `（据新华社北京6月17日电）` last, whose agency is the byline.
//! - inside the first paragraph: a dateline `本报北京3月5日电（记者 王明）…` or
//!   `据新华社拉萨电（记者 格桑边觉）`, or a credit line `顶端新闻·河南商报记者马俊峰/文受访者供图`.
//!   The paragraph is text the paper printed, so it stays; only the names are read from it.
//!
//! Names are checked for the shape of names (two to eight Han characters or a `·` name each), so
//! an opening sentence like `记者从教育部获悉，…` is never mistaken for a byline.

// A paragraph that is only a byline.
regex!(
    STANDALONE,
    r"^[■●□◆]?\s*[（(]?\s*(?:本报记者|本报特约记者|特约记者|本报通讯员|通讯员|记者|\p{Han}{0,8}?全媒体?记者|作者\s*[:：]|文\s*[:：/])\s*(.+?)\s*[）)]?$"
);
// A byline paragraph that names a desk, not a person: `□ 本报评论员`, `本报特约评论员`.
regex!(COMMENTATOR, r"^[■●□◆]?\s*(\p{Han}{0,6}评论员)$");
// A closing credit: `（据新华社北京6月17日电）`, `（据中新社电）`.
regex!(
    AGENCY_CREDIT,
    r"^[（(]\s*据\s*(\p{Han}{1,8}?社)[^（）()]{0,40}?电\s*[）)]$"
);
// `（记者 X）` in a dateline near the start of the first paragraph.
regex!(
    DATELINE,
    r"[（(]\s*(?:本报|新华社|中新社)?(?:特约)?记者\s*([^）)]{2,40}?)\s*[）)]"
);
// `…记者马俊峰/文…`, the credit line of 河南商报 and others.
regex!(CREDIT, r"记者\s*([^/／]{2,40}?)\s*[/／]\s*文");
regex!(
    NAME,
    r"^(?:\p{Han}{2,4}|\p{Han}+[·・]\p{Han}+(?:[·・]\p{Han}+)*)$"
);

/// The names in `text` joined by one space, if every part looks like a name.
fn names(text: &str) -> Option<String> {
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '\u{3000}' | '\u{a0}'))
        .filter(|part| !part.is_empty())
        .collect();
    // Column headings that read like `记者` + a name.
    const NOT_NAMES: [&str; 7] = ["手记", "观察", "调查", "札记", "点评", "追踪", "体验"];
    let plausible = |part: &&str| NAME.is_match(part) && !NOT_NAMES.contains(part);
    (!parts.is_empty() && parts.len() <= 8 && parts.iter().all(plausible)).then(|| parts.join(" "))
}

/// What the body says about its byline.
#[derive(Debug, PartialEq, Eq)]
pub struct Byline {
    /// The names, one space between them.
    pub author: String,
    /// The index of a paragraph that is only the byline and so leaves the body.
    pub paragraph: Option<usize>,
}

/// The byline printed in `paragraphs`: a byline paragraph first or last, else a dateline or
/// credit in the first paragraph.
pub fn find(paragraphs: &[String]) -> Option<Byline> {
    let standalone = |index: usize| {
        let paragraph = paragraphs.get(index)?;
        let named = || names(&STANDALONE.captures(paragraph)?[1]);
        let desk = || {
            [&COMMENTATOR, &AGENCY_CREDIT]
                .into_iter()
                .find_map(|pattern| Some(pattern.captures(paragraph)?[1].to_string()))
        };
        named().or_else(desk).map(|author| Byline {
            author,
            paragraph: Some(index),
        })
    };
    let first = paragraphs.first()?;
    let head: String = first.chars().take(80).collect();
    standalone(0)
        .or_else(|| (paragraphs.len() > 1).then(|| standalone(paragraphs.len() - 1))?)
        .or_else(|| {
            [&DATELINE, &CREDIT].into_iter().find_map(|pattern| {
                let caps = pattern.captures(&head)?;
                names(&caps[1]).map(|author| Byline {
                    author,
                    paragraph: None,
                })
            })
        })
}

/// The names of a line that is only a byline (`本报记者 王明 李华`, `作者：王明`) or only names
/// (`王明 李华`): for layouts that print the byline in an element of its own, which may also
/// hold a source (`来源：…`), which is no byline.
pub fn of_line(line: &str) -> Option<String> {
    let line = crate::text::clean(line);
    STANDALONE
        .captures(&line)
        .and_then(|caps| names(&caps[1]))
        .or_else(|| names(&line))
}

/// Fills `author` from the body when it is empty, and takes a byline paragraph out of the body
/// either way.
pub fn apply(author: &mut Option<String>, paragraphs: &mut Vec<String>) {
    let Some(byline) = find(paragraphs) else {
        return;
    };
    if author.is_none() {
        *author = Some(byline.author);
    }
    if let Some(index) = byline.paragraph {
        paragraphs.remove(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(paragraphs: &[&str]) -> Vec<String> {
        paragraphs.iter().map(|p| p.to_string()).collect()
    }

    fn author_and_body(paragraphs: &[&str]) -> (Option<String>, Vec<String>) {
        let mut author = None;
        let mut body = body(paragraphs);
        apply(&mut author, &mut body);
        (author, body)
    }

    #[test]
    fn a_leading_byline_paragraph_names_the_author_and_leaves_the_body() {
        for line in [
            "■ 本报记者 林晓雨 周北辰",
            "本报记者　林晓雨　周北辰",
            "记者 林晓雨 周北辰",
            "（记者 林晓雨、周北辰）",
            "作者：林晓雨 周北辰",
        ] {
            let (author, body) = author_and_body(&[line, "正文第一段。"]);
            assert_eq!(author.as_deref(), Some("林晓雨 周北辰"), "{line}");
            assert_eq!(body, ["正文第一段。"], "{line}");
        }
    }

    #[test]
    fn a_trailing_byline_paragraph_names_the_author_and_leaves_the_body() {
        let (author, body) =
            author_and_body(&["正文第一段。", "正文第二段。", "（记者 阿依古丽·买买提）"]);
        assert_eq!(author.as_deref(), Some("阿依古丽·买买提"));
        assert_eq!(body, ["正文第一段。", "正文第二段。"]);
    }

    #[test]
    fn a_commentator_or_an_agency_credit_paragraph_is_the_byline_and_leaves_the_body() {
        for (paragraphs, author, rest) in [
            (
                ["□ 本报评论员", "正文第一段。", "正文第二段。"],
                "本报评论员",
                ["正文第一段。", "正文第二段。"],
            ),
            (
                ["□ 江城日报全媒记者 林一帆", "正文第一段。", "正文第二段。"],
                "林一帆",
                ["正文第一段。", "正文第二段。"],
            ),
            (
                ["正文第一段。", "正文第二段。", "（据新华社北京6月17日电）"],
                "新华社",
                ["正文第一段。", "正文第二段。"],
            ),
        ] {
            let (found, body) = author_and_body(&paragraphs);
            assert_eq!(found.as_deref(), Some(author), "{paragraphs:?}");
            assert_eq!(body, rest, "{paragraphs:?}");
        }
    }

    #[test]
    fn a_dateline_or_credit_names_the_author_and_stays_in_the_body() {
        for (first, name) in [
            (
                "本报杭州3月5日电（记者 沈一舟）春茶开采的第一周，……",
                "沈一舟",
            ),
            (
                "据新华社拉萨电（记者 次仁多吉）高原上的第一批游客……",
                "次仁多吉",
            ),
            ("晨光新闻·城市商报记者冯远山/文受访者供图", "冯远山"),
        ] {
            let (author, body) = author_and_body(&[first, "下一段。"]);
            assert_eq!(author.as_deref(), Some(name), "{first}");
            assert_eq!(body, [first, "下一段。"], "{first}");
        }
    }

    #[test]
    fn an_opening_sentence_about_a_reporter_is_not_a_byline() {
        for first in [
            "记者从省教育厅获悉，今年秋季学期起全省推行课后服务。",
            "记者近日走访多家商场发现，以旧换新活动人气很旺",
            "作者：这是一段很长的介绍文字，并不是署名。",
            "记者手记",
        ] {
            let (author, body) = author_and_body(&[first, "下一段。"]);
            assert_eq!(author, None, "{first}");
            assert_eq!(body.len(), 2, "{first}");
        }
    }

    #[test]
    fn a_byline_line_gives_its_names_and_a_source_line_none() {
        assert_eq!(
            of_line(" 本报记者 林晓雨 周北辰 ").as_deref(),
            Some("林晓雨 周北辰")
        );
        assert_eq!(of_line("林晓雨").as_deref(), Some("林晓雨"));
        assert_eq!(of_line("来源：北京日报客户端"), None);
        assert_eq!(of_line(""), None);
    }

    #[test]
    fn the_metadata_author_is_kept_and_the_byline_paragraph_still_leaves() {
        let mut author = Some("林晓雨".to_string());
        let mut body = body(&["■ 本报记者 林晓雨", "正文。"]);
        apply(&mut author, &mut body);
        assert_eq!(author.as_deref(), Some("林晓雨"));
        assert_eq!(body, ["正文。"]);
    }
}
