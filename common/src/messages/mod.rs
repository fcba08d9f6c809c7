//! The wire messages between the stages, in one place and versioned.
//!
//! Every message travels as an [`Envelope`]: `{"v": 1, "type": "...", ...}` in JSON. A consumer
//! that meets another `v` or an unknown `type` dead-letters the message as permanent instead of
//! guessing. Raw documents travel deflate-compressed and base64-encoded inside the JSON, so the
//! parser needs no network and the indexer can archive the exact bytes that were served.
//!
//! The parsed records ([`Record`]) are the shape of contract 1 (`epaper parse`), so the JSON a
//! user sees from `epaper parse` is exactly what the indexer receives.

use std::io::{Read, Write};

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The version this build writes and accepts.
pub const WIRE_VERSION: u32 = 1;

/// The three stages; each owns one work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Crawl,
    Parse,
    Index,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Crawl, Stage::Parse, Stage::Index];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Crawl => "crawl",
            Stage::Parse => "parse",
            Stage::Index => "index",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u32,
    #[serde(flatten)]
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "a message is built once and moved, never stored in bulk; boxing buys nothing"
)]
pub enum Message {
    /// Crawl one issue: site and date. Goes to the crawl queue.
    CrawlIssue(CrawlIssue),
    /// One fetched page or article, raw. Goes to the parse queue.
    Fetched(FetchedDocument),
    /// What the crawler found in an issue and what it failed to fetch. Goes to the index queue.
    Manifest(IssueManifest),
    /// One parsed page or article with its raw source. Goes to the index queue.
    Parsed(ParsedDocument),
    /// A fetched page scan, PDF or article image. Goes to the index queue, which keeps the bytes
    /// in the media store.
    Media(FetchedMedia),
    /// The crawler has begun an issue. Goes to the index queue (issue state `crawling`).
    CrawlStarted(IssueRef),
    /// A message was dead-lettered. Goes to the index queue, so that every dead letter is also
    /// a row in the `failures` table.
    Failed(FailureReport),
}

impl Message {
    /// The stage whose queue consumes this message.
    pub fn stage(&self) -> Stage {
        match self {
            Message::CrawlIssue(_) => Stage::Crawl,
            Message::Fetched(_) => Stage::Parse,
            Message::Manifest(_)
            | Message::Media(_)
            | Message::Parsed(_)
            | Message::CrawlStarted(_)
            | Message::Failed(_) => Stage::Index,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Out<'a> {
            v: u32,
            #[serde(flatten)]
            message: &'a Message,
        }
        serde_json::to_vec(&Out {
            v: WIRE_VERSION,
            message: self,
        })
        .expect("messages always serialize")
    }

    /// Decodes a message; a version or shape this build does not know is an error the caller
    /// must treat as permanent.
    pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
        #[derive(Deserialize)]
        struct Version {
            v: u32,
        }
        let version: Version = serde_json::from_slice(bytes).map_err(DecodeError::Malformed)?;
        if version.v != WIRE_VERSION {
            return Err(DecodeError::Version(version.v));
        }
        let envelope: Envelope = serde_json::from_slice(bytes).map_err(DecodeError::Malformed)?;
        Ok(envelope.message)
    }

    /// A short label for logs: site, date and URL where the message has them.
    pub fn describe(&self) -> String {
        match self {
            Message::CrawlIssue(m) => format!("crawl {} {}", m.site, m.date),
            Message::Fetched(m) => format!("fetched {}", m.url),
            Message::Manifest(m) => format!("manifest {} {}", m.site, m.date),
            Message::Parsed(m) => format!("parsed {}", m.fetched.url),
            Message::Media(m) => format!("{} {}", m.fetched.kind.as_str(), m.fetched.url),
            Message::CrawlStarted(m) => format!("crawl started {} {}", m.site, m.date),
            Message::Failed(m) => format!("failed {} {} {}", m.stage.as_str(), m.site, m.url),
        }
    }

    /// Site, issue date and URL (empty for a whole issue) of the work this message carries.
    pub fn identity(&self) -> (String, NaiveDate, String) {
        match self {
            Message::CrawlIssue(m) => (m.site.clone(), m.date, String::new()),
            Message::Fetched(m) => (m.site.clone(), m.issue_date, m.url.clone()),
            Message::Manifest(m) => (m.site.clone(), m.date, String::new()),
            Message::Parsed(m) => (
                m.fetched.site.clone(),
                m.fetched.issue_date,
                m.fetched.url.clone(),
            ),
            Message::Media(m) => (
                m.fetched.site.clone(),
                m.fetched.issue_date,
                m.fetched.url.clone(),
            ),
            Message::CrawlStarted(m) => (m.site.clone(), m.date, String::new()),
            Message::Failed(m) => (m.site.clone(), m.date, m.url.clone()),
        }
    }

    /// The report to send when this message is dead-lettered; `None` for a report itself, so
    /// that a failing report can never breed more reports.
    pub fn failure_report(&self, stage: Stage, kind: &str, reason: &str) -> Option<Message> {
        if matches!(self, Message::Failed(_)) {
            return None;
        }
        let (site, date, url) = self.identity();
        Some(Message::Failed(FailureReport {
            site,
            date,
            url,
            stage,
            kind: kind.to_string(),
            reason: reason.to_string(),
        }))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("wire version {0} is not {WIRE_VERSION}")]
    Version(u32),
    #[error("malformed message: {0}")]
    Malformed(serde_json::Error),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlIssue {
    pub site: String,
    /// The site's base URL when the profile has none (the sample site) or it is overridden.
    pub base_url: Option<String>,
    pub date: NaiveDate,
    /// Documents of the issue the archive already holds, with their validators: the crawler
    /// asks for them conditionally, and a 304 means the stored copy stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<Validator>,
    /// Discovery by the paper's own 上一期 / 下一期 links: once this issue is crawled, the
    /// crawler asks for the issue its link names (or, on a date without an issue, the next
    /// day), as long as the date stays within the bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<Follow>,
}

/// Which of an issue's static links to follow, and how far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Follow {
    pub direction: Direction,
    /// The last date to reach: the earliest for `prev`, the latest for `next`.
    pub until: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// 上一期: back in time.
    Prev,
    /// 下一期: forward in time.
    Next,
}

impl Follow {
    /// Whether `date`, linked from the issue of `from`, is a step the right way within bounds.
    /// Requiring each step to move strictly in one direction is what ends every chain, even on
    /// a site whose links go in circles.
    pub fn allows(self, from: NaiveDate, date: NaiveDate) -> bool {
        match self.direction {
            Direction::Prev => date < from && date >= self.until,
            Direction::Next => date > from && date <= self.until,
        }
    }

    /// The day after (or before) `from`, for a date without an issue, when still in bounds.
    pub fn step(self, from: NaiveDate) -> Option<NaiveDate> {
        let date = match self.direction {
            Direction::Prev => from.pred_opt()?,
            Direction::Next => from.succ_opt()?,
        };
        self.allows(from, date).then_some(date)
    }
}

/// What the archive holds of one document: sent back as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRef {
    pub site: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureReport {
    pub site: String,
    pub date: NaiveDate,
    /// The document's URL, or empty when the whole issue failed (its crawl message).
    pub url: String,
    pub stage: Stage,
    /// `permanent`, or `retryable` when retries ran out.
    pub kind: String,
    pub reason: String,
}

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
}

impl FetchedDocument {
    /// The raw bytes, inflated up to the crawler's cap for this kind of document: no honest
    /// message holds more, so more is refused as a decompression bomb.
    pub fn inflate(&self, caps: crate::config::SizeCaps) -> std::io::Result<Vec<u8>> {
        self.body.decompress(caps.of(self.kind))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueManifest {
    pub site: String,
    pub date: NaiveDate,
    /// True when the site has no issue on this date (a 404 on the entry page).
    pub absent: bool,
    /// Every page of the issue, in issue order.
    pub pages: Vec<String>,
    /// Every article of the issue, once each, without `?div=` variants.
    pub articles: Vec<String>,
    pub failures: Vec<FetchFailure>,
    /// Every page scan, PDF and article image fetched or attempted, when media are crawled.
    #[serde(default)]
    pub media: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchFailure {
    pub url: String,
    pub kind: DocKind,
    pub reason: String,
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

/// A parsed document: contract 1 of the design brief, field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Record {
    Page(PageRecord),
    Article(ArticleRecord),
}

impl Record {
    pub fn url(&self) -> &str {
        match self {
            Record::Page(page) => &page.url,
            Record::Article(article) => &article.url,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    pub url: String,
    pub date: Option<NaiveDate>,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub pages: Vec<PageRef>,
    pub articles: Vec<ArticleRef>,
    pub image_url: Option<String>,
    pub pdf_url: Option<String>,
    pub prev_issue_url: Option<String>,
    pub next_issue_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRef {
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRef {
    pub title: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub url: String,
    pub date: Option<NaiveDate>,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub pretitle: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub paragraphs: Vec<String>,
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub caption: Option<String>,
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
mod tests {
    use super::*;

    fn fetched() -> FetchedDocument {
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
        }
    }

    #[test]
    fn round_trip_keeps_every_field_and_the_raw_bytes() {
        let message = Message::Fetched(fetched());
        let bytes = message.encode();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(r#"{"v":1,"type":"fetched""#), "{text}");
        let back = Message::decode(&bytes).unwrap();
        assert_eq!(back, message);
        let Message::Fetched(doc) = back else {
            unreachable!()
        };
        assert_eq!(
            doc.body.decompress(1 << 20).unwrap(),
            "<p>正文</p>".as_bytes()
        );
    }

    #[test]
    fn other_versions_and_garbage_are_refused() {
        let mut value: serde_json::Value =
            serde_json::from_slice(&Message::Fetched(fetched()).encode()).unwrap();
        value["v"] = 2.into();
        let bytes = serde_json::to_vec(&value).unwrap();
        assert!(matches!(
            Message::decode(&bytes),
            Err(DecodeError::Version(2))
        ));
        assert!(matches!(
            Message::decode(b"not json"),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            Message::decode(br#"{"v":1,"type":"nope"}"#),
            Err(DecodeError::Malformed(_))
        ));
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
