//! Bytes to text, the way a browser would and not the way the HTTP client guesses.
//!
//! Order: a byte-order mark; the charset the HTTP header declared; a `<meta>` charset in the
//! first 4 KiB; then detection with chardetng. GB2312 and GBK are decoded as GB18030, their
//! superset, because papers that declare GB2312 routinely use GBK characters. A declared charset
//! that does not decode cleanly while detection finds one that does loses to detection: Chinese
//! e-papers often declare one charset and serve another.

use encoding_rs::{Encoding, GB18030, UTF_8};
use regex::bytes::Regex;
use std::sync::LazyLock;

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)"#).expect("valid regex")
});

/// The decoded text and the name of the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Maps a label to an encoding, widening the GB family to GB18030.
fn lookup(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    if encoding == encoding_rs::GBK || label.trim().eq_ignore_ascii_case("gb2312") {
        return Some(GB18030);
    }
    Some(encoding)
}

/// The charset parameter of a `Content-Type` header value, if any.
pub fn charset_from_content_type(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    })
}

pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
        };
    }
    let head = &bytes[..bytes.len().min(4096)];
    let declared = http_charset.and_then(lookup).or_else(|| {
        META_CHARSET
            .captures(head)
            .and_then(|caps| std::str::from_utf8(&caps[1]).ok().and_then(lookup))
    });
    if let Some(encoding) = declared {
        let (text, _, had_errors) = encoding.decode(bytes);
        if !had_errors {
            return Decoded {
                text: text.into_owned(),
                encoding: encoding.name(),
            };
        }
    }
    // Nothing declared, or the declaration is wrong: detect. Valid UTF-8 is taken as UTF-8.
    if std::str::from_utf8(bytes).is_ok() {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: UTF_8.name(),
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let mut encoding = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if encoding == encoding_rs::GBK {
        encoding = GB18030;
    }
    let (text, _, _) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "<html><body><p>社会工作者协会召开年会，讨论公益项目的透明度与评估方法。</p></body></html>";

    fn gbk(text: &str) -> Vec<u8> {
        GB18030.encode(text).0.into_owned()
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(TEXT.as_bytes());
        let decoded = decode(&bytes, Some("gbk"));
        assert_eq!(decoded.text, TEXT);
        assert_eq!(decoded.encoding, "UTF-8");
    }

    #[test]
    fn gbk_without_any_declaration_is_detected() {
        let decoded = decode(&gbk(TEXT), None);
        assert_eq!(decoded.text, TEXT);
        assert_eq!(decoded.encoding, "gb18030");
    }

    #[test]
    fn gbk_declared_as_utf8_is_detected() {
        let page = TEXT.replace("<html>", "<html><meta charset=\"utf-8\">");
        let decoded = decode(&gbk(&page), Some("utf-8"));
        assert_eq!(decoded.text, page);
    }

    #[test]
    fn gb2312_meta_is_read_as_gb18030() {
        // 镕 is in GBK but not in GB2312: a strict GB2312 decoder would lose it.
        let page = format!(
            "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"></head>{}朱镕基</html>",
            TEXT
        );
        let decoded = decode(&gbk(&page), None);
        assert_eq!(decoded.text, page);
        assert_eq!(decoded.encoding, "gb18030");
    }

    #[test]
    fn content_type_charset_is_parsed() {
        assert_eq!(
            charset_from_content_type("text/html; charset=\"GBK\""),
            Some("GBK")
        );
        assert_eq!(charset_from_content_type("text/html"), None);
    }
}
