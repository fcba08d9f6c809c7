//! A document's URL generalised to the regular expression of every document of its kind: the
//! issue's date becomes the form it is written in (`\d{4}/\d{2}/\d{2}`), every other run of
//! digits `\d+`, and the rest stays literal. Two links of one kind (two 版, two articles) give
//! the same expression, which is how a proposal tells pages from articles.

use chrono::NaiveDate;

use crate::onboard::derive::FORMS;

/// Characters a regex reads as syntax outside a class; everything else is literal.
const META: &str = r"\.+*?()|[]{}^$";

/// The regex of `path` (a URL's path), `date` generalised to its written form, anchored at the
/// end. The result matches `path` itself and the same path on any other day.
pub fn generalise(path: &str, date: NaiveDate) -> String {
    let bytes = path.as_bytes();
    let mut out = String::new();
    let mut at = 0;
    while at < path.len() {
        let starts_run = bytes[at].is_ascii_digit() && (at == 0 || !bytes[at - 1].is_ascii_digit());
        if starts_run && let Some((written, form)) = date_at(path, at, date) {
            out.push_str(&form);
            at += written;
            continue;
        }
        let c = path[at..].chars().next().expect("inside the path");
        if c.is_ascii_digit() {
            let run = path[at..].bytes().take_while(u8::is_ascii_digit).count();
            out.push_str(r"\d+");
            at += run;
            continue;
        }
        if META.contains(c) {
            out.push('\\');
        }
        out.push(c);
        at += c.len_utf8();
    }
    out.push('$');
    out
}

/// The length and regex form of `date` written at `at` in one of [`FORMS`], standing alone (no
/// digit right after it).
fn date_at(path: &str, at: usize, date: NaiveDate) -> Option<(usize, String)> {
    FORMS.iter().find_map(|(format, _)| {
        let written = date.format(format).to_string();
        let follows = path.as_bytes().get(at + written.len());
        let alone = !follows.is_some_and(u8::is_ascii_digit);
        (path[at..].starts_with(&written) && alone).then(|| (written.len(), as_pattern(&written)))
    })
}

/// `2024-03/04` as `\d{4}-\d{2}/\d{2}`: each run of digits by its width, separators literal.
fn as_pattern(written: &str) -> String {
    let mut out = String::new();
    let mut digits = 0;
    for c in written.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits += 1;
            continue;
        }
        if digits > 0 {
            out.push_str(&format!(r"\d{{{digits}}}"));
            digits = 0;
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// Whether `path` ends in a file that is no HTML document (a PDF, a picture, an archive): such
/// links are neither pages nor articles.
pub fn is_download(path: &str) -> bool {
    const DOWNLOADS: [&str; 9] = [
        ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".zip", ".rar", ".doc", ".mp4",
    ];
    let lower = path.to_ascii_lowercase();
    DOWNLOADS.iter().any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 4).unwrap()
    }

    #[test]
    fn the_date_becomes_its_form_and_other_digits_a_run() {
        let cases = [
            (
                "/epaper/2024/03/04/page-02.html",
                r"/epaper/\d{4}/\d{2}/\d{2}/page-\d+\.html$",
            ),
            (
                "/epaper/2024/03/04/art-1043.html",
                r"/epaper/\d{4}/\d{2}/\d{2}/art-\d+\.html$",
            ),
            (
                "/paper/html/2024-03/04/content_7781.htm",
                r"/paper/html/\d{4}-\d{2}/\d{2}/content_\d+\.htm$",
            ),
            (
                "/news/20240304/A01/story(3).shtml",
                r"/news/\d{8}/A\d+/story\(\d+\)\.shtml$",
            ),
            (
                "/d/2024-03-04/p+1.html",
                r"/d/\d{4}-\d{2}-\d{2}/p\+\d+\.html$",
            ),
            // A run of digits longer than a date is no date.
            ("/a/202403041/b.html", r"/a/\d+/b\.html$"),
            // Another day's date is digits like any others.
            ("/a/2024/03/05/b.html", r"/a/\d+/\d+/\d+/b\.html$"),
        ];
        for (path, want) in cases {
            assert_eq!(generalise(path, day()), want, "{path}");
        }
    }

    #[test]
    fn a_generalised_path_matches_itself_and_its_siblings_on_other_days() {
        let pattern = generalise("/epaper/2024/03/04/page-02.html", day());
        let regex = epaper_common::sites::regex("page_url", &pattern).unwrap();
        for url in [
            "http://127.0.0.1:8080/epaper/2024/03/04/page-02.html",
            "http://127.0.0.1:8080/epaper/2024/03/04/page-11.html",
            "http://127.0.0.1:8080/epaper/2025/12/31/page-01.html",
        ] {
            assert!(regex.is_match(url), "{pattern} {url}");
        }
        for url in [
            "http://127.0.0.1:8080/epaper/2024/03/04/art-2.html",
            "http://127.0.0.1:8080/epaper/2024/03/04/page-02.html.bak",
            "http://127.0.0.1:8080/epaper/2024/03/04/page-02.pdf",
        ] {
            assert!(!regex.is_match(url), "{pattern} {url}");
        }
    }

    #[test]
    fn downloads_are_told_from_documents() {
        assert!(is_download("/epaper/2024/03/04/page-02.PDF"));
        assert!(is_download("/img/a.jpg"));
        assert!(!is_download("/epaper/2024/03/04/page-02.html"));
        assert!(!is_download("/read.do"));
    }
}
