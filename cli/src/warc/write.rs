//! Writing WARC/1.1 records, each its own gzip member (so that a reader can seek to any record
//! and a damaged member loses one record, not the file).
//!
//! What must stay true: a field is written only when its name is a token and its value one line
//! of text; anything else is an error, never a silent rewrite, so no value from a hostile site
//! can add a field or end the header early.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use epaper_common::messages::{is_field_value, is_token};
use flate2::Compression;
use flate2::write::GzEncoder;

use super::{record_id, sha1_digest};

/// The named fields of one record, apart from those the writer computes (`WARC-Record-ID`,
/// the digests, `Content-Length`).
#[derive(Debug, Clone)]
pub struct RecordHead<'a> {
    /// `warcinfo`, `response`, `resource`, ...
    pub warc_type: &'a str,
    pub target_uri: Option<&'a str>,
    pub date: DateTime<Utc>,
    pub content_type: &'a str,
    /// More fields, in order (`WARC-Filename`, the `epaper-*` fields).
    pub fields: Vec<(&'a str, String)>,
}

/// `WARC-Date` as WARC/1.1 writes it: UTC with microseconds.
pub fn warc_date(date: DateTime<Utc>) -> String {
    date.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A WARC file being written to `out`.
pub struct WarcWriter<W: Write> {
    out: W,
    n_records: u64,
}

impl<W: Write> WarcWriter<W> {
    pub fn new(out: W) -> Self {
        WarcWriter { out, n_records: 0 }
    }

    /// Writes one record as a gzip member. The block is `http_head` then `payload`; the block
    /// digest covers both, and a payload digest is written for `response` and `resource`
    /// records (of the payload alone).
    pub fn write(&mut self, head: &RecordHead, http_head: &[u8], payload: &[u8]) -> io::Result<()> {
        let block_digest = {
            use sha1::{Digest, Sha1};
            let mut hasher = Sha1::new();
            hasher.update(http_head);
            hasher.update(payload);
            format!("sha1:{}", super::base32(&hasher.finalize()))
        };
        let mut fields: Vec<(&str, String)> = vec![
            ("WARC-Type", head.warc_type.to_string()),
            ("WARC-Record-ID", record_id()),
            ("WARC-Date", warc_date(head.date)),
        ];
        if let Some(uri) = head.target_uri {
            if uri.chars().any(char::is_whitespace) {
                return Err(refused("WARC-Target-URI", uri));
            }
            fields.push(("WARC-Target-URI", uri.to_string()));
        }
        fields.push(("WARC-Block-Digest", block_digest));
        if matches!(head.warc_type, "response" | "resource") {
            fields.push(("WARC-Payload-Digest", sha1_digest(payload)));
        }
        fields.push(("Content-Type", head.content_type.to_string()));
        fields.extend(head.fields.iter().cloned());
        let length = http_head.len() + payload.len();
        fields.push(("Content-Length", length.to_string()));

        // The whole header is checked before a byte of the record is written.
        let mut header = b"WARC/1.1\r\n".to_vec();
        for (name, value) in &fields {
            if !is_token(name) || !is_field_value(value) {
                return Err(refused(name, value));
            }
            write!(header, "{name}: {value}\r\n")?;
        }
        header.extend_from_slice(b"\r\n");
        let mut member = GzEncoder::new(&mut self.out, Compression::default());
        member.write_all(&header)?;
        member.write_all(http_head)?;
        member.write_all(payload)?;
        member.write_all(b"\r\n\r\n")?;
        member.finish()?;
        self.n_records += 1;
        Ok(())
    }

    pub fn n_records(&self) -> u64 {
        self.n_records
    }

    /// Flushes and hands back the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn refused(name: &str, value: &str) -> io::Error {
    let shown: String = value.chars().take(80).collect();
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("refusing to write the WARC field {name:?} = {shown:?}: not one line of text"),
    )
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn head(fields: Vec<(&'static str, String)>) -> RecordHead<'static> {
        RecordHead {
            warc_type: "response",
            target_uri: Some("http://paper.test/a.htm"),
            date: DateTime::parse_from_rfc3339("2024-01-02T03:04:05.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            content_type: "application/http;msgtype=response",
            fields,
        }
    }

    #[test]
    fn each_record_is_a_gzip_member_of_its_own() {
        let mut writer = WarcWriter::new(Vec::new());
        let http = b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n";
        writer.write(&head(Vec::new()), http, b"<p>a</p>").unwrap();
        writer.write(&head(Vec::new()), http, b"<p>b</p>").unwrap();
        let bytes = writer.finish().unwrap();
        // The first member alone decodes to one whole record.
        let mut first = flate2::bufread::GzDecoder::new(&bytes[..]);
        let mut text = String::new();
        first.read_to_string(&mut text).unwrap();
        assert!(
            text.starts_with("WARC/1.1\r\nWARC-Type: response\r\n"),
            "{text}"
        );
        assert!(text.ends_with("<p>a</p>\r\n\r\n"), "{text}");
        assert!(
            text.contains("WARC-Date: 2024-01-02T03:04:05.123456Z\r\n"),
            "{text}"
        );
        assert!(
            text.contains(&format!("Content-Length: {}\r\n", http.len() + 8)),
            "{text}"
        );
        let payload_digest = sha1_digest(b"<p>a</p>");
        assert!(
            text.contains(&format!("WARC-Payload-Digest: {payload_digest}\r\n")),
            "{text}"
        );
        let block = [&http[..], b"<p>a</p>"].concat();
        let block_digest = sha1_digest(&block);
        assert!(
            text.contains(&format!("WARC-Block-Digest: {block_digest}\r\n")),
            "{text}"
        );
        // And the rest is the second member.
        let rest = first.into_inner();
        let mut second = String::new();
        flate2::bufread::GzDecoder::new(rest)
            .read_to_string(&mut second)
            .unwrap();
        assert!(second.ends_with("<p>b</p>\r\n\r\n"), "{second}");
    }

    #[test]
    fn values_that_would_split_a_field_are_refused() {
        let mut writer = WarcWriter::new(Vec::new());
        let evil = head(vec![("epaper-Site", "a\r\nWARC-Type: revisit".into())]);
        let error = writer.write(&evil, b"", b"").unwrap_err();
        assert!(error.to_string().contains("epaper-Site"), "{error}");
        let mut uri = head(Vec::new());
        uri.target_uri = Some("http://paper.test/a b");
        assert!(writer.write(&uri, b"", b"").is_err());
        let bad_name = head(vec![("bad name", "v".into())]);
        assert!(writer.write(&bad_name, b"", b"").is_err());
        assert_eq!(writer.n_records(), 0);
        assert!(
            writer.finish().unwrap().is_empty(),
            "nothing of a refused record is written"
        );
    }
}
