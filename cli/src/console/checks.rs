//! What a request may name and what a page may link to. Every site and date a request names is
//! checked here before it reaches the store or the broker, and every URL from the archive
//! becomes a link or an image only when it is a web URL; anything else is shown as text.

use chrono::{Days, NaiveDate, Utc};
use maud::{Markup, html};

use super::Console;

/// Escapes a query-string or path value.
pub(super) fn query_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `text` as a URL a link or an image may use: only `http` and `https`, in the URL parser's
/// normalised form (so `java&#9;script:`, which the parser turns into `javascript:`, and every
/// other scheme stay text).
pub(super) fn web_url(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// A link to `url` when it is a web URL, else the URL as text.
pub(super) fn link_or_text(url: &str, class: &str, label: &str) -> Markup {
    html! {
        @if let Some(href) = web_url(url) {
            a class=(class) href=(href) { (label) }
        } @else {
            span class=(class) { (label) " (not a web link: " code { (url) } ")" }
        }
    }
}

/// A site id as the profiles spell them: lowercase ASCII letters, digits, `-` and `_`.
pub(super) fn site_shaped(site: &str) -> bool {
    (1..=64).contains(&site.len())
        && site
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A site a request may name: shaped like an id, and a known profile or (`in_archive`) one the
/// archive holds issues of.
pub(super) fn valid_site(console: &Console, site: &str, in_archive: bool) -> bool {
    site_shaped(site) && (in_archive || console.sites.get(site).is_ok())
}

/// An issue date a request may name: `YYYY-MM-DD` from 1900-01-01 to a year from today. Dates
/// outside are refused before they reach the store, the broker or a calendar.
pub(super) fn valid_date(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let oldest = NaiveDate::from_ymd_opt(1900, 1, 1)?;
    let newest = Utc::now().date_naive().checked_add_days(Days::new(366))?;
    (oldest..=newest).contains(&date).then_some(date)
}

/// Where a medium is shown from: the console's media store when it holds the bytes, else the
/// source URL, when that is a web URL.
pub(super) fn media_link(
    console: &Console,
    sha256: Option<&str>,
    source: Option<&str>,
) -> Option<String> {
    match (sha256, &console.media) {
        (Some(sha), Some(_)) if is_sha256(sha) => Some(format!("/media/{}/{sha}", &sha[..2])),
        _ => source.and_then(web_url),
    }
}

pub(super) fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            web_url("http://a.example/x.pdf").as_deref(),
            Some("http://a.example/x.pdf")
        );
        assert_eq!(
            web_url(" HTTPS://A.example").as_deref(),
            Some("https://a.example/")
        );
        for bad in [
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            "JAVASCRIPT:x",
            "data:text/html,x",
            "/relative",
            "vbscript:x",
        ] {
            assert_eq!(web_url(bad), None, "{bad:?}");
        }
        let markup = link_or_text("java\tscript:alert(1)", "pdf", "PDF").into_string();
        assert!(!markup.contains("href"), "{markup}");
    }

    #[test]
    fn sites_and_dates_are_checked() {
        assert!(site_shaped("rmrb-nbs") && site_shaped("sample_2"));
        for bad in [
            "",
            "x autofocus onfocus=alert(1)",
            "Rmrb",
            "a/b",
            "a".repeat(65).as_str(),
        ] {
            assert!(!site_shaped(bad), "{bad:?}");
        }
        assert!(valid_date("2024-03-04").is_some());
        for bad in [
            "+262142-12-31",
            "1899-12-31",
            "2024-02-30",
            "20240304",
            "9999-01-01",
        ] {
            assert!(valid_date(bad).is_none(), "{bad:?}");
        }
    }
}
