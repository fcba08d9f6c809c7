//! A page that is only a meta refresh (`<meta http-equiv="refresh" content="0; url=…">` and
//! nothing to read or click): some papers' entry pages (PaperIndex's `content/PaperIndex.htm`,
//! an issue's `IssueIndex.htm`) send the reader on this way instead of by an HTTP redirect.
//! [`refresh_target`] names where such a page leads, so the crawler can follow it as it
//! follows a redirect.
//!
//! What must stay true: only a page with no text and no link of its own is a refresh page (a
//! news page that reloads itself every few minutes is a page, not a redirect); the target is
//! an absolute http(s) URL resolved against the page's own URL, as [`crate::html::absolute`]
//! makes every URL; whether to follow it (same origin, how many hops, loops) is the
//! crawler's decision, not the parser's.

use scraper::Html;
use url::Url;

use crate::html::absolute;
use crate::text::{element_text, non_empty};

selector!(REFRESH, r#"meta[http-equiv]"#);
selector!(LINKS, "a[href], area[href], iframe[src], frame[src]");
selector!(BODY, "body");

// `0; url=next.htm`, `0;URL='next.htm'`, `3, url = "next.htm"`: a delay, then the URL.
regex!(
    CONTENT,
    r#"(?is)^\s*\d+(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(?:"([^"]*)"|'([^']*)'|(.*?))\s*$"#
);

/// Where the document at `url` sends the reader, when it is only a meta refresh: the first
/// `refresh` meta with a URL, resolved to an absolute http(s) URL. `None` for any other page,
/// for a refresh without a URL (a reload), and for a target of another scheme.
pub fn refresh_target(url: &str, bytes: &[u8], content_type: Option<&str>) -> Option<String> {
    let base = Url::parse(url).ok()?;
    let decoded = crate::decode::decode(
        bytes,
        content_type.and_then(crate::decode::charset_from_content_type),
    );
    // Scripts, styles and comments are no text of the page (nor do they hold a meta).
    let doc = crate::html::article_document(&decoded.text);
    let content = doc.select(&REFRESH).find_map(|meta| {
        let equiv = meta.value().attr("http-equiv")?;
        equiv
            .trim()
            .eq_ignore_ascii_case("refresh")
            .then(|| meta.value().attr("content"))
            .flatten()
    })?;
    if !is_only_a_refresh(&doc) {
        return None;
    }
    let caps = CONTENT.captures(content)?;
    let target = (1..=3).find_map(|at| caps.get(at))?.as_str().trim();
    if target.is_empty() {
        return None;
    }
    absolute(&base, target)
}

/// Whether the page has nothing of its own to read or follow: no text in its body (scripts and
/// styles aside) and no link.
fn is_only_a_refresh(doc: &Html) -> bool {
    if doc.select(&LINKS).next().is_some() {
        return false;
    }
    doc.select(&BODY)
        .next()
        .is_none_or(|body| non_empty(&element_text(body)).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(html: &str) -> Option<String> {
        refresh_target("http://paper.example/a/b/index.htm", html.as_bytes(), None)
    }

    #[test]
    fn the_content_forms_papers_write_are_read() {
        let page = |content: &str| {
            format!(
                "<html><head><meta http-equiv=\"Refresh\" content=\"{content}\"></head>\
                 <body></body></html>"
            )
        };
        let want = Some("http://paper.example/a/c/next.htm".to_string());
        for content in [
            "0; url=../c/next.htm",
            "0;URL=../c/next.htm",
            "0; URL='../c/next.htm'",
            "3, url = ../c/next.htm",
            "0;../c/next.htm",
        ] {
            assert_eq!(target(&page(content)), want, "{content}");
        }
        for content in [
            "300",
            "0; url=",
            "0; url=javascript:alert(1)",
            "0; url=file:///etc/passwd",
        ] {
            assert_eq!(target(&page(content)), None, "{content}");
        }
    }

    #[test]
    fn a_page_with_text_or_links_is_no_refresh_page() {
        let head = "<html><head><meta http-equiv=\"refresh\" content=\"0; url=next.htm\"></head>";
        assert_eq!(
            target(&format!(
                "{head}<body><script>var x = 1;</script>\n</body></html>"
            )),
            Some("http://paper.example/a/b/next.htm".to_string())
        );
        assert_eq!(target(&format!("{head}<body>今日无报</body></html>")), None);
        assert_eq!(
            target(&format!("{head}<body><a href=\"x.htm\"></a></body></html>")),
            None
        );
        assert_eq!(target("<html><body>no refresh</body></html>"), None);
    }
}
