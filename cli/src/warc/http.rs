//! The HTTP message inside a WARC `response` record: written from the archived status line and
//! headers (or rebuilt from the stored fields for documents archived before headers were kept),
//! and read back from records of any crawler, with caps on the head and on what a
//! `Content-Encoding` may inflate to.

use std::io::Read;

use epaper_common::messages::{FetchedDocument, HttpHead, is_field_value, is_token};

/// The most bytes of status line and headers read from a record.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines read from a record.
pub const MAX_HEADERS: usize = 256;

/// Headers that describe how the bytes travelled, not the bytes archived: the HTTP client
/// removed the chunked framing, so the stored bytes are no longer chunked.
const TRAVEL_HEADERS: [&str; 4] = ["transfer-encoding", "connection", "keep-alive", "trailer"];

/// The status line and headers of a document's `response` record, and whether they were
/// synthesized (the document was archived before the crawler kept its response's head).
pub fn head_of(doc: &FetchedDocument, payload_len: usize) -> (Vec<u8>, bool) {
    if let Some(head) = &doc.http {
        return (kept_head(doc.status, head), false);
    }
    let mut headers = Vec::new();
    let stored = [
        ("Content-Type", &doc.content_type),
        ("ETag", &doc.etag),
        ("Last-Modified", &doc.last_modified),
    ];
    for (name, value) in stored {
        if let Some(value) = value.as_ref().filter(|v| is_field_value(v)) {
            headers.push((name.to_string(), value.clone()));
        }
    }
    headers.push(("Content-Length".to_string(), payload_len.to_string()));
    let reason = http_reason(doc.status);
    (
        status_and_headers("HTTP/1.1", doc.status, &reason, headers),
        true,
    )
}

/// The status line and headers of a `response` record from a kept head.
pub fn kept_head(status: u16, head: &HttpHead) -> Vec<u8> {
    let headers = head
        .headers
        .iter()
        .filter(|(name, _)| !TRAVEL_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
        .cloned();
    status_and_headers(&head.version, status, &head.reason, headers)
}

fn status_and_headers(
    version: &str,
    status: u16,
    reason: &str,
    headers: impl IntoIterator<Item = (String, String)>,
) -> Vec<u8> {
    let mut out = format!("{version} {status} {reason}\r\n").into_bytes();
    for (name, value) in headers {
        // Both were checked when they were kept (`HttpHead::keep`), and again here: a row
        // written by hand into the archive is as hostile as a site.
        if is_token(&name) && is_field_value(&value) {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The standard reason phrase of a status code.
fn http_reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
        .to_string()
}

/// An HTTP response read from a record's block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub head: HttpHead,
    /// The bytes of the body, de-chunked and decoded from its `Content-Encoding`.
    pub body: Vec<u8>,
}

impl Response {
    /// The last value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head
            .headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the HTTP response of a `response` record's block: the status line and headers (capped
/// at [`MAX_HEAD_BYTES`] and [`MAX_HEADERS`]), then the body, de-chunked when it is chunked
/// and inflated (up to `max_body` bytes) when its `Content-Encoding` is gzip or deflate.
pub fn parse_response(block: &[u8], max_body: u64) -> Result<Response, String> {
    let end = find(block, b"\r\n\r\n")
        .map(|at| (at, at + 4))
        .or_else(|| find(block, b"\n\n").map(|at| (at, at + 2)))
        .ok_or("no end of the HTTP headers")?;
    if end.0 > MAX_HEAD_BYTES {
        return Err(format!("HTTP headers over {MAX_HEAD_BYTES} bytes"));
    }
    let head = std::str::from_utf8(&block[..end.0])
        .map_err(|_| "HTTP headers that are not UTF-8 text".to_string())?;
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/") {
        return Err(format!("no HTTP status line: {:?}", clip(status_line)));
    }
    let status: u16 = parts
        .next()
        .and_then(|code| code.parse().ok())
        .filter(|code| (100..600).contains(code))
        .ok_or_else(|| format!("no HTTP status code in {:?}", clip(status_line)))?;
    let reason = parts.next().unwrap_or_default();
    let mut raw = Vec::new();
    for line in lines {
        if raw.len() == MAX_HEADERS {
            return Err(format!("more than {MAX_HEADERS} HTTP headers"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("malformed HTTP header {:?}", clip(line)))?;
        raw.push((name.trim(), value.trim().as_bytes()));
    }
    let head = HttpHead::keep(version, reason, raw.iter().map(|(n, v)| (*n, *v)));
    let mut response = Response {
        status,
        head,
        body: Vec::new(),
    };
    let payload = &block[end.1..];
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let payload = match chunked {
        // As warcio does: a body that says it is chunked but does not parse as chunks is kept
        // as it is.
        true => dechunk(payload).unwrap_or_else(|| payload.to_vec()),
        false => payload.to_vec(),
    };
    response.body = decode(response.header("content-encoding"), payload, max_body)?;
    if (response.body.len() as u64) > max_body {
        return Err(format!("a body over {max_body} bytes"));
    }
    Ok(response)
}

/// The body without its `Content-Encoding`: gzip and deflate inflated up to `max` bytes; other
/// codings are refused, since the parser could not read them.
fn decode(coding: Option<&str>, body: Vec<u8>, max: u64) -> Result<Vec<u8>, String> {
    let coding = coding.unwrap_or("identity").trim().to_ascii_lowercase();
    let mut out = Vec::new();
    let read = match coding.as_str() {
        "" | "identity" => return Ok(body),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..])
            .take(max + 1)
            .read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(&body[..])
            .take(max + 1)
            .read_to_end(&mut out),
        other => return Err(format!("a body in the content coding {:?}", clip(other))),
    };
    read.map_err(|error| format!("a {coding} body that does not inflate: {error}"))?;
    if out.len() as u64 > max {
        return Err(format!("a {coding} body that inflates past {max} bytes"));
    }
    Ok(out)
}

/// A chunked body without its framing; `None` when it is not well-formed chunks.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        let chunk = data.get(..size)?;
        out.extend_from_slice(chunk);
        data = data.get(size..)?.strip_prefix(b"\r\n")?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn clip(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_response_is_read_with_its_head_and_body() {
        let block =
            b"HTTP/1.1 200 Fine\r\nContent-Type: text/html\r\nSet-Cookie: a=b\r\n\r\n<p>x</p>";
        let response = parse_response(block, 1000).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.head.reason, "Fine");
        assert_eq!(response.header("content-type"), Some("text/html"));
        assert_eq!(response.header("set-cookie"), None, "cookies are not kept");
        assert_eq!(response.body, b"<p>x</p>");
    }

    #[test]
    fn chunked_and_gzipped_bodies_are_undone() {
        let block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(block, 1000).unwrap().body, b"abcde");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&vec![b'a'; 5000]).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(gz.finish().unwrap());
        assert_eq!(parse_response(&block, 5000).unwrap().body.len(), 5000);
        let error = parse_response(&block, 4999).unwrap_err();
        assert!(error.contains("inflates past 4999"), "{error}");
    }

    #[test]
    fn hostile_heads_are_refused_with_a_reason() {
        let cases: [(&[u8], &str); 4] = [
            (
                b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "malformed HTTP header",
            ),
            (b"GET / HTTP/1.1\r\n\r\n", "no HTTP status line"),
            (b"HTTP/1.1 999 Odd\r\n\r\n", "no HTTP status code"),
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n",
                "no end of the HTTP headers",
            ),
        ];
        for (block, expected) in cases {
            let error = parse_response(block, 1000).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..300 {
            many.extend(format!("x-{i}: v\r\n").as_bytes());
        }
        many.extend(b"\r\n");
        assert!(
            parse_response(&many, 1000)
                .unwrap_err()
                .contains("more than 256")
        );
        let mut huge = b"HTTP/1.1 200 OK\r\nx: ".to_vec();
        huge.extend(vec![b'v'; MAX_HEAD_BYTES]);
        huge.extend(b"\r\n\r\n");
        assert!(
            parse_response(&huge, 1000)
                .unwrap_err()
                .contains("over 65536")
        );
    }
}
