//! The status line and headers a document was served with, kept so that the raw archive can be
//! written out as WARC `response` records with the site's own headers.
//!
//! What must stay true: only the response's headers are kept, never the crawler's own request
//! headers; cookies and anything credential-like are dropped by name; at most
//! [`HttpHead::MAX_HEADERS`] headers and [`HttpHead::MAX_BYTES`] bytes of names and values are
//! kept (a hostile server could send megabytes of headers); every kept name is an HTTP token
//! and every value is printable text without CR or LF, so that writing them back out cannot
//! split a header or a record.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpHead {
    /// The protocol of the status line: `HTTP/1.1`, `HTTP/1.0`, `HTTP/2.0`.
    pub version: String,
    /// The reason phrase of the status line as served (`OK`, or the server's own wording).
    pub reason: String,
    /// The kept headers in the order they were served, names as the HTTP client gives them
    /// (lowercase).
    pub headers: Vec<(String, String)>,
}

/// Header names that carry or set a credential, dropped whatever their value.
const DROPPED: [&str; 6] = [
    "set-cookie",
    "set-cookie2",
    "cookie",
    "authorization",
    "proxy-authorization",
    "proxy-authenticate",
];

/// Parts of a header name that make it credential-like (`x-api-key`, `x-auth-token`, ...).
const CREDENTIAL_LIKE: [&str; 9] = [
    "auth",
    "token",
    "secret",
    "passw",
    "credential",
    "session",
    "api-key",
    "apikey",
    "signature",
];

impl HttpHead {
    /// The most headers kept of one response.
    pub const MAX_HEADERS: usize = 64;
    /// The most bytes of header names and values kept of one response.
    pub const MAX_BYTES: usize = 16 * 1024;

    /// The head to archive from a response's status line and headers: credential-like and
    /// malformed headers dropped, then the first headers up to the caps.
    pub fn keep<'a>(
        version: &str,
        reason: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> HttpHead {
        let mut kept = Vec::new();
        let mut n_bytes = 0;
        for (name, value) in headers {
            if kept.len() == Self::MAX_HEADERS {
                break;
            }
            let Ok(value) = std::str::from_utf8(value) else {
                continue;
            };
            if !Self::may_keep(name) || !is_field_value(value) {
                continue;
            }
            n_bytes += name.len() + value.len();
            if n_bytes > Self::MAX_BYTES {
                break;
            }
            kept.push((name.to_string(), value.to_string()));
        }
        let reason = if is_field_value(reason) { reason } else { "" };
        HttpHead {
            version: version.to_string(),
            reason: reason.chars().take(256).collect(),
            headers: kept,
        }
    }

    /// Whether a header of this name may be archived: a token, not a cookie, not
    /// credential-like.
    pub fn may_keep(name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        is_token(name)
            && !DROPPED.contains(&lower.as_str())
            && !CREDENTIAL_LIKE.iter().any(|part| lower.contains(part))
    }
}

/// An HTTP token (RFC 9110 `tchar`s), as a header name must be.
pub fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A header value that can be written back out as one line: no control characters but tab.
pub fn is_field_value(text: &str) -> bool {
    text.chars().all(|c| c == '\t' || !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(headers: &[(&str, &str)]) -> HttpHead {
        HttpHead::keep(
            "HTTP/1.1",
            "OK",
            headers.iter().map(|(n, v)| (*n, v.as_bytes())),
        )
    }

    #[test]
    fn cookies_and_credential_like_headers_are_dropped() {
        let kept = head(&[
            ("content-type", "text/html"),
            ("set-cookie", "sid=1"),
            ("Set-Cookie", "sid=2"),
            ("x-auth-token", "abc"),
            ("x-api-key", "k"),
            ("www-authenticate", "Basic"),
            ("x-session-id", "s"),
            ("etag", "\"1\""),
        ]);
        let names: Vec<&str> = kept.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["content-type", "etag"], "{kept:?}");
    }

    #[test]
    fn headers_are_capped_by_count_and_bytes() {
        let many: Vec<(String, String)> =
            (0..100).map(|i| (format!("x-{i}"), "v".into())).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(head(&many).headers.len(), HttpHead::MAX_HEADERS);
        let big = "v".repeat(6_000);
        let kept = head(&[("a", &big), ("b", &big), ("c", &big), ("d", "small")]);
        let names: Vec<&str> = kept.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"], "the third would pass 16 KiB");
    }

    #[test]
    fn malformed_names_values_and_reasons_are_not_kept() {
        let kept = HttpHead::keep(
            "HTTP/1.1",
            "OK\r\nX-Evil: 1",
            [
                ("bad name", &b"v"[..]),
                ("x-split", &b"a\r\nx-evil: 1"[..]),
                ("x-latin1", &b"caf\xe9"[..]),
                ("x-fine", &b"a\tb"[..]),
            ],
        );
        assert_eq!(kept.reason, "");
        assert_eq!(kept.headers, [("x-fine".to_string(), "a\tb".to_string())]);
    }
}
