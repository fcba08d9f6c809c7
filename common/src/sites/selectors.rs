//! `layout = "selectors"`: a paper of a one-off e-paper system describes its own URLs and markup
//! in a `[selectors]` table (two regexes, CSS selectors for the rest), so it is archived from
//! one TOML file, with no family of its own in the parser.
//!
//! What must stay true: a profile that loads has selectors that compile, each of at most
//! [`MAX_PATTERN_BYTES`], compiled the one way the parser compiles them ([`css`], [`regex`]);
//! and selectors are present exactly when the layout is `selectors`, in the current era and in
//! each earlier one. A selector that cannot stay linear on a hostile page (`:has()`, which
//! matches each element against its descendants) is refused here, not found slow later.

use scraper::selector::ToCss;
use serde::Deserialize;

use super::{Layout, Profile};

/// The longest regex or CSS selector a profile may give: real ones are a few dozen bytes.
pub const MAX_PATTERN_BYTES: usize = 512;

/// The most memory one compiled URL regex may take: the `regex` crate's default, set here so
/// the check at load and the parser's compile agree whatever the crate's default becomes.
/// Unicode classes are large (`\w{1,32}` is over 1 MiB); only a pathological repetition
/// reaches this.
const REGEX_SIZE_LIMIT: usize = 10 << 20;

/// How a paper's own system names its documents and prints its fields. The two `*_url` keys are
/// regexes matched against a document's absolute URL (without query or fragment); the others
/// are CSS selectors; each optional key left out is a field the system does not print.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    /// The URL of a page (版); it is tried before `article_url`.
    pub page_url: String,
    /// The URL of an article.
    pub article_url: String,
    /// The links (`a` elements) to every page of the issue, in issue order; their text is the
    /// 版 label (`01版：要闻`). Only those whose target matches `page_url` are kept.
    pub page_list: String,
    /// The links to the articles of a page, in the paper's order; their text is the title.
    /// Only those whose target matches `article_url` are kept.
    pub article_list: String,
    /// The article's title (the first element that has text).
    pub title: String,
    #[serde(default)]
    pub pretitle: Option<String>,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The byline (`本报记者 王明`: the names are read from it).
    #[serde(default)]
    pub author: Option<String>,
    /// Where the issue date is printed (`2024年3月4日`, `2024-03-04`); else the URL's date.
    #[serde(default)]
    pub date: Option<String>,
    /// The container of the body's paragraphs: its `p` elements, else its lines.
    pub body: String,
    /// The article's pictures (`img` elements), captioned by their `figure`'s `figcaption`
    /// or the table they are set in.
    #[serde(default)]
    pub images: Option<String>,
    /// The 版 label a page or article prints for itself (`第01版：要闻`).
    #[serde(default)]
    pub page_label: Option<String>,
    /// The page's scan (`img` elements; the first whose `src` resolves).
    #[serde(default)]
    pub scan: Option<String>,
    /// The link to the page's PDF (the first whose `href` resolves).
    #[serde(default)]
    pub pdf: Option<String>,
}

impl Selectors {
    /// Every CSS key with its text, present or not.
    fn css_keys(&self) -> [(&'static str, Option<&str>); 12] {
        [
            ("page_list", Some(self.page_list.as_str())),
            ("article_list", Some(self.article_list.as_str())),
            ("title", Some(self.title.as_str())),
            ("pretitle", self.pretitle.as_deref()),
            ("subtitle", self.subtitle.as_deref()),
            ("author", self.author.as_deref()),
            ("date", self.date.as_deref()),
            ("body", Some(self.body.as_str())),
            ("images", self.images.as_deref()),
            ("page_label", self.page_label.as_deref()),
            ("scan", self.scan.as_deref()),
            ("pdf", self.pdf.as_deref()),
        ]
    }

    /// Whether every regex and CSS selector compiles; the error names the first key that does
    /// not, and says why.
    pub fn check(&self) -> Result<(), String> {
        regex("page_url", &self.page_url)?;
        regex("article_url", &self.article_url)?;
        for (key, text) in self.css_keys() {
            if let Some(text) = text {
                css(key, text)?;
            }
        }
        Ok(())
    }
}

fn within_cap(key: &str, text: &str) -> Result<(), String> {
    if text.len() > MAX_PATTERN_BYTES {
        return Err(format!(
            "selectors.{key} is {} bytes, over the {MAX_PATTERN_BYTES} a pattern may have",
            text.len()
        ));
    }
    Ok(())
}

/// The CSS selector of `key` (`title`, `body`, …), as the parser matches it.
pub fn css(key: &str, text: &str) -> Result<scraper::Selector, String> {
    within_cap(key, text)?;
    let selector = scraper::Selector::parse(text)
        .map_err(|error| format!("selectors.{key} {text:?} is not a CSS selector: {error}"))?;
    // Judged on the parsed selector, so no spelling (escapes, case) slips past.
    if selector
        .to_css_string()
        .to_ascii_lowercase()
        .contains(":has(")
    {
        return Err(format!(
            "selectors.{key} {text:?}: :has() is refused, as it matches each element against \
             its descendants, quadratic on a hostile page"
        ));
    }
    Ok(selector)
}

/// The URL regex of `key` (`page_url`, `article_url`), as the parser matches it.
pub fn regex(key: &str, text: &str) -> Result<regex::Regex, String> {
    within_cap(key, text)?;
    regex::RegexBuilder::new(text)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|error| format!("selectors.{key} {text:?} is not a regex: {error}"))
}

/// Selectors where the layout is `selectors`, and only there, in every era, each compiling.
pub(super) fn check_profile(profile: &Profile) -> Result<(), String> {
    let current = std::iter::once((
        String::new(),
        profile.layout,
        &profile.selectors,
        "selectors",
    ));
    let eras = profile.eras.iter().map(|era| {
        let place = format!("era until {}: ", era.until);
        (place, era.layout, &era.selectors, "eras.selectors")
    });
    for (place, layout, selectors, table) in current.chain(eras) {
        match (layout, selectors) {
            (Layout::Selectors, None) => {
                return Err(format!(
                    "{place}layout \"selectors\" needs a [{table}] table describing the system"
                ));
            }
            (Layout::Selectors, Some(selectors)) => {
                selectors
                    .check()
                    .map_err(|error| format!("{place}{error}"))?;
            }
            (other, Some(_)) => {
                return Err(format!(
                    "{place}a [{table}] table is read only with layout = \"selectors\", not {:?}",
                    other.name()
                ));
            }
            (_, None) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse;

    const PAPER: &str = r#"
        id = "one-off"
        name = "某报"
        layout = "selectors"
        schedule = "daily"
        base_url = "https://paper.example.cn"
        entry = "{base}/epaper/{yyyy}/{mm}/{dd}/page-01.html"
        [selectors]
        page_url = '/epaper/\d{4}/\d{2}/\d{2}/page-\d+\.html$'
        article_url = '/epaper/\d{4}/\d{2}/\d{2}/art-\d+\.html$'
        page_list = "nav.sheets a"
        article_list = "ul.stories a"
        title = "h1.story-title"
        body = "div.story-body"
        images = "figure img"
    "#;

    #[test]
    fn a_selectors_profile_loads_with_its_table() {
        let profile = parse(PAPER).unwrap();
        let selectors = profile.selectors.as_ref().unwrap();
        assert_eq!(selectors.title, "h1.story-title");
        assert_eq!(selectors.images.as_deref(), Some("figure img"));
        assert_eq!(selectors.pretitle, None);
        let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
        assert_eq!(profile.edition(date).selectors, Some(selectors));
    }

    #[test]
    fn a_selectors_layout_without_its_table_is_refused() {
        let bare = PAPER.split("[selectors]").next().unwrap();
        let error = parse(bare).unwrap_err();
        assert!(
            error.contains("layout \"selectors\" needs a [selectors] table"),
            "{error}"
        );
    }

    #[test]
    fn a_table_for_another_layout_is_refused() {
        let other = PAPER.replace("layout = \"selectors\"", "layout = \"founder-new\"");
        let error = parse(&other).unwrap_err();
        assert!(
            error.contains(
                "[selectors] table is read only with layout = \"selectors\", not \"founder-new\""
            ),
            "{error}"
        );
    }

    #[test]
    fn a_required_key_left_out_is_named() {
        let error = parse(&PAPER.replace("title = \"h1.story-title\"", "")).unwrap_err();
        assert!(error.contains("title"), "{error}");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let error = parse(&format!("{PAPER}\n        headline = \"h1\"\n")).unwrap_err();
        assert!(error.contains("headline"), "{error}");
    }

    #[test]
    fn a_selector_that_does_not_parse_is_named_with_the_reason() {
        let error = parse(&PAPER.replace("div.story-body", "div[")).unwrap_err();
        assert!(
            error.starts_with("selectors.body \"div[\" is not a CSS selector: "),
            "{error}"
        );
    }

    #[test]
    fn a_regex_that_does_not_compile_is_named_with_the_reason() {
        let error = parse(&PAPER.replace(r"/art-\d+", r"/art-(\d+")).unwrap_err();
        assert!(
            error.starts_with("selectors.article_url ") && error.contains("is not a regex: "),
            "{error}"
        );
        assert!(error.contains("unclosed group"), "{error}");
    }

    #[test]
    fn a_regex_too_large_to_compile_is_refused() {
        let error =
            parse(&PAPER.replace(r"\d{4}/\d{2}/\d{2}/page", r"(\w{1000}){1000}")).unwrap_err();
        assert!(error.starts_with("selectors.page_url "), "{error}");
        assert!(error.contains("size limit"), "{error}");
        // Counted repetition of the size real URLs need stays well within it.
        let real = r"^https?://[^/]{1,64}/\w{1,32}/\d{4}-\d{2}/\d{2}/[^/]{1,64}\.html?$";
        assert!(super::regex("page_url", real).is_ok());
    }

    #[test]
    fn a_pattern_over_512_bytes_is_refused() {
        let long = format!("div{}", ".x".repeat(300));
        let error = parse(&PAPER.replace("div.story-body", &long)).unwrap_err();
        assert_eq!(
            error,
            "selectors.body is 603 bytes, over the 512 a pattern may have"
        );
        let long = format!("/art-{}", "a".repeat(600));
        let error = parse(&PAPER.replace(r"/art-", &long)).unwrap_err();
        assert!(error.starts_with("selectors.article_url is "), "{error}");
    }

    #[test]
    fn a_has_selector_is_refused_however_it_is_spelled() {
        for spelling in ["div:has(p)", "div:HAS(p)", r"div:h\61s(p)"] {
            let text = PAPER.replace("\"div.story-body\"", &format!("'{spelling}'"));
            let error = parse(&text).unwrap_err();
            assert!(
                error.starts_with("selectors.body ") && error.contains(":has() is refused"),
                "{spelling}: {error}"
            );
        }
    }

    #[test]
    fn an_era_of_the_selectors_layout_carries_its_own_table() {
        let current = PAPER
            .replace("layout = \"selectors\"", "layout = \"founder-new\"")
            .replace("page-01.html", "node_01.html");
        let (current, table) = current.split_once("[selectors]").unwrap();
        let era = "[[eras]]\nuntil = \"2019-12-31\"\nlayout = \"selectors\"\n\
                   entry = \"{base}/epaper/{yyyy}/{mm}/{dd}/page-01.html\"\n";
        let text = format!("{current}{era}[eras.selectors]{table}");
        let profile = parse(&text).unwrap();
        let old = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        let new = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert_eq!(profile.edition(old).layout, Layout::Selectors);
        assert_eq!(
            profile.edition(old).selectors,
            profile.eras[0].selectors.as_ref()
        );
        assert!(profile.edition(old).selectors.is_some());
        assert_eq!(profile.edition(new).selectors, None);
        let error = parse(&format!("{current}{era}")).unwrap_err();
        assert_eq!(
            error,
            "era until 2019-12-31: layout \"selectors\" needs a [eras.selectors] table \
             describing the system"
        );
    }

    use super::Layout;
}
