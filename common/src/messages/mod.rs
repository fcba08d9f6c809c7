//! The wire messages between the stages, in one place and versioned.
//!
//! Every message travels as an [`Envelope`]: `{"v": 1, "type": "...", ...}` in JSON. A consumer
//! that meets another `v` or an unknown `type` dead-letters the message as permanent instead of
//! guessing. Raw documents travel deflate-compressed and base64-encoded inside the JSON, so the
//! parser needs no network and the indexer can archive the exact bytes that were served.
//!
//! The parsed records ([`Record`]) are the shape of contract 1 (`epaper parse`), so the JSON a
//! user sees from `epaper parse` is exactly what the indexer receives.
//!
//! This file holds the envelope and the [`Message`] enum; the payloads live by concern in
//! `issues` (crawl requests, manifests, failure reports), `documents` (fetched documents and
//! their compressed bytes) and `records` (contract 1), all re-exported here.

mod documents;
mod http;
mod issues;
mod records;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use documents::{CompressedBytes, DocKind, FetchedDocument, FetchedMedia, ParsedDocument};
pub use http::{HttpHead, is_field_value, is_token};
pub use issues::{
    CrawlIssue, Direction, FailureReport, FetchFailure, Follow, IssueManifest, IssueRef, Validator,
};
pub use records::{
    ArticleRecord, ArticleRef, Image, MAX_MAP_SIDE, MAX_REGION_POINTS, MAX_REGIONS, MapSize,
    PageRecord, PageRef, Record, Region, Shape,
};

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

#[cfg(test)]
mod tests {
    use super::documents::tests::fetched;
    use super::*;

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
    fn messages_from_before_the_http_head_still_decode() {
        let mut value: serde_json::Value =
            serde_json::from_slice(&Message::Fetched(fetched()).encode()).unwrap();
        assert!(value.get("http").is_none(), "no head, no field: {value}");
        let with_head = Message::Fetched(FetchedDocument {
            http: Some(HttpHead::keep(
                "HTTP/1.1",
                "OK",
                [("content-type", &b"text/html"[..])],
            )),
            ..fetched()
        });
        assert_eq!(Message::decode(&with_head.encode()).unwrap(), with_head);
        value.as_object_mut().unwrap().remove("http");
        let Message::Fetched(old) = Message::decode(&serde_json::to_vec(&value).unwrap()).unwrap()
        else {
            unreachable!()
        };
        assert_eq!(old.http, None);
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
}
