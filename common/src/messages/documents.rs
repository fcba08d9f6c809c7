//! The documents a crawl fetches, as they travel: raw bytes deflate-compressed and base64-encoded
//! inside the JSON, so the parser needs no network and the indexer can archive the exact bytes
//! that were served. Inflating stops at the crawler's cap for the document's kind.

use std::io::{Read, Write};

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{HttpHead, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Page,
    Article,
    /// A page's scan (the printed page as an image).
    Scan,
    /// A page's PDF.
    Pdf,
    /// A photograph or graphic of an article.
    Image,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Page => "page",
            DocKind::Article => "article",
            DocKind::Scan => "scan",
            DocKind::Pdf => "pdf",
            DocKind::Image => "image",
        }
    }

    pub fn parse(text: &str) -> Option<DocKind> {
        [
            DocKind::Page,
            DocKind::Article,
            DocKind::Scan,
            DocKind::Pdf,
            DocKind::Image,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }

    /// Media are archived as bytes; only pages and articles are parsed.
    pub fn is_media(self) -> bool {
        matches!(self, DocKind::Scan | DocKind::Pdf | DocKind::Image)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchedDocument {
    pub site: String,
    pub issue_date: NaiveDate,
    pub kind: DocKind,
    /// The URL the document was served from, after redirects.
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub body: CompressedBytes,
    /// The status line and the response headers as served, as far as they are kept
    /// ([`HttpHead::keep`]); `None` in messages and rows from before they were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpHead>,
}

impl FetchedDocument {
    /// The raw bytes, inflated up to the crawler's cap for this kind of document: no honest
    /// message holds more, so more is refused as a decompression bomb.
    pub fn inflate(&self, caps: crate::config::SizeCaps) -> std::io::Result<Vec<u8>> {
        self.body.decompress(caps.of(self.kind))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchedMedia {
    pub fetched: FetchedDocument,
    /// The page or article the medium belongs to.
    pub owner_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedDocument {
    pub fetched: FetchedDocument,
    pub record: Record,
}

/// Bytes kept deflate-compressed, serialized as base64.
#[derive(Clone, PartialEq, Eq)]
pub struct CompressedBytes(Vec<u8>);

impl CompressedBytes {
    pub fn compress(raw: &[u8]) -> Self {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder
            .write_all(raw)
            .expect("writing to a Vec cannot fail");
        CompressedBytes(encoder.finish().expect("writing to a Vec cannot fail"))
    }

    /// The compressed form, as stored in the raw archive.
    pub fn from_compressed(compressed: Vec<u8>) -> Self {
        CompressedBytes(compressed)
    }

    pub fn compressed(&self) -> &[u8] {
        &self.0
    }

    /// Inflates at most `limit` bytes; more is an error (a decompression bomb).
    pub fn decompress(&self, limit: u64) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(&self.0[..])
            .take(limit + 1)
            .read_to_end(&mut out)?;
        if out.len() as u64 > limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("document inflates past {limit} bytes"),
            ));
        }
        Ok(out)
    }
}

impl std::fmt::Debug for CompressedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CompressedBytes({} bytes)", self.0.len())
    }
}

impl Serialize for CompressedBytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for CompressedBytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(CompressedBytes)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::messages::Message;

    pub(in crate::messages) fn fetched() -> FetchedDocument {
        FetchedDocument {
            site: "sample".into(),
            issue_date: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            kind: DocKind::Article,
            url: "http://127.0.0.1:1/html/2024-01/02/content_1.htm".into(),
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            etag: None,
            last_modified: None,
            fetched_at: Utc::now(),
            body: CompressedBytes::compress("<p>正文</p>".as_bytes()),
            http: None,
        }
    }

    /// Caps of different sizes per kind, so that a mix-up shows.
    fn caps() -> crate::config::SizeCaps {
        crate::config::SizeCaps {
            html: 40_000,
            scan: 60_000,
            pdf: 200_000,
            image: 20_000,
        }
    }

    /// Bytes deflate cannot shrink (a xorshift sequence).
    fn incompressible(n: usize) -> Vec<u8> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn documents_inflate_up_to_the_crawl_cap_of_their_kind() {
        let caps = caps();
        for kind in [
            DocKind::Page,
            DocKind::Article,
            DocKind::Scan,
            DocKind::Pdf,
            DocKind::Image,
        ] {
            let cap = caps.of(kind) as usize;
            let doc = |n: usize| FetchedDocument {
                kind,
                body: CompressedBytes::compress(&vec![b' '; n]),
                ..fetched()
            };
            assert_eq!(doc(cap).inflate(caps).unwrap().len(), cap, "{kind:?}");
            let error = doc(cap + 1).inflate(caps).unwrap_err();
            assert!(error.to_string().contains("inflates past"), "{kind:?}");
        }
    }

    #[test]
    fn the_largest_legal_message_fits_under_the_delivery_limit() {
        let caps = caps();
        let limit = caps.max_message_bytes();
        for kind in [
            DocKind::Article,
            DocKind::Scan,
            DocKind::Pdf,
            DocKind::Image,
        ] {
            let doc = FetchedDocument {
                kind,
                url: format!("http://paper.test/{}", "x".repeat(2000)),
                body: CompressedBytes::compress(&incompressible(caps.of(kind) as usize)),
                ..fetched()
            };
            let n = Message::Fetched(doc).encode().len() as u64;
            assert!(n <= limit, "{kind:?}: {n} > {limit}");
        }
        // And not much more: the headroom, the PDF cap in base64, a little slack.
        assert!(limit < crate::config::MESSAGE_HEADROOM + caps.pdf * 4 / 3 + 1_000);
    }

    #[test]
    fn decompression_is_capped() {
        let body = CompressedBytes::compress(&vec![b'a'; 10_000]);
        assert!(body.decompress(9_999).is_err());
        assert_eq!(body.decompress(10_000).unwrap().len(), 10_000);
    }
}
