//! The parse stage: parsing on the blocking pool under a deadline, inflating under the
//! crawler's cap.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use epaper_common::error::StageError;
use epaper_common::messages::{CompressedBytes, DocKind, FetchedDocument, Message};
use epaper_common::transport::{Handler, Outbox};
use epaper_parser::service::ParseStage;

#[derive(Default)]
struct Counting(AtomicUsize);
impl Outbox for Counting {
    async fn send(&self, _message: Message) -> Result<(), StageError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn fetched(url: &str, html: &str) -> Message {
    Message::Fetched(FetchedDocument {
        site: "sample".into(),
        issue_date: NaiveDate::from_ymd_opt(2023, 3, 22).unwrap(),
        kind: DocKind::Page,
        url: url.into(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        etag: None,
        last_modified: None,
        fetched_at: chrono::Utc::now(),
        body: CompressedBytes::compress(html.as_bytes()),
        http: None,
    })
}

/// A document that takes longer than the deadline (a 7 MB page under 1 ms) is a permanent
/// failure that says so, and nothing is sent on; an ordinary page under the default deadline
/// is parsed and sent.
#[tokio::test]
async fn a_parse_over_its_deadline_fails_permanently_with_the_reason() {
    let (url, html) = crate::hostile::link_flood(50_000).swap_remove(0);
    let out = Counting::default();
    let slow = ParseStage::new(
        epaper_common::config::Settings::default_size_caps(),
        Duration::from_millis(1),
    );
    match slow.handle(fetched(url, &html), &out).await {
        Err(StageError::Permanent(error)) => {
            assert_eq!(error.to_string(), "parse exceeded its 1ms deadline")
        }
        other => panic!("an overrun was not a permanent failure: {other:?}"),
    }
    assert_eq!(out.0.load(Ordering::SeqCst), 0);

    let ordinary = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/node_2.htm"),
    )
    .unwrap();
    ParseStage::default()
        .handle(fetched(url, &ordinary), &out)
        .await
        .unwrap();
    assert_eq!(out.0.load(Ordering::SeqCst), 1);
}

/// The configured deadline is the one the stage keeps: `parser.parse_timeout_ms`.
#[test]
fn the_deadline_comes_from_the_configuration() {
    let settings = epaper_common::config::Settings::load_with_env(
        None,
        [(
            "EPAPER__PARSER__PARSE_TIMEOUT_MS".to_string(),
            "250".to_string(),
        )],
    )
    .unwrap();
    assert_eq!(settings.parser.parse_timeout_ms, 250);
    let defaults = epaper_common::config::Settings::load_with_env(None, []).unwrap();
    assert_eq!(defaults.parser.parse_timeout_ms, 10_000);
    let stage = ParseStage::from_settings(&settings);
    assert_eq!(stage.deadline(), Duration::from_millis(250));
}

/// A fetched document whose body inflates past the crawler's cap for documents (a decompression
/// bomb: 16 MiB of spaces in a few KiB on the wire) is refused as a permanent error without
/// being parsed or sent on; one of exactly the cap is parsed.
#[tokio::test]
async fn a_decompression_bomb_is_refused_permanently() {
    use epaper_common::error::StageError;
    use epaper_common::messages::{CompressedBytes, DocKind, FetchedDocument, Message};
    use epaper_common::transport::{Handler, Outbox};
    use epaper_parser::service::ParseStage;

    struct Nowhere(std::sync::atomic::AtomicUsize);
    impl Outbox for Nowhere {
        async fn send(&self, _message: Message) -> Result<(), StageError> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }
    }
    let fetched = |n_bytes: u64| {
        let mut raw = b"<html><body>".to_vec();
        raw.resize(n_bytes as usize, b' ');
        Message::Fetched(FetchedDocument {
            site: "sample".into(),
            issue_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            kind: DocKind::Article,
            url: "http://127.0.0.1:1/html/2024-03/01/content_1.htm".into(),
            status: 200,
            content_type: Some("text/html".into()),
            etag: None,
            last_modified: None,
            fetched_at: chrono::Utc::now(),
            body: CompressedBytes::compress(&raw),
            http: None,
        })
    };
    let caps = epaper_common::config::Settings::load_with_env(None, Vec::new())
        .unwrap()
        .crawler
        .size_caps();
    assert_eq!(caps.html, 16 * 1024 * 1024, "the default crawl cap");
    let stage = ParseStage::new(caps, epaper_parser::service::DEFAULT_PARSE_TIMEOUT);
    let bomb = fetched(caps.html + 1);
    let Message::Fetched(doc) = &bomb else {
        unreachable!()
    };
    assert!(doc.body.compressed().len() < 1024 * 1024);
    let out = Nowhere(Default::default());
    match stage.handle(bomb, &out).await {
        Err(StageError::Permanent(error)) => {
            assert!(error.to_string().contains("inflates past"), "{error:#}")
        }
        other => panic!("a bomb was not refused permanently: {other:?}"),
    }
    assert_eq!(out.0.load(std::sync::atomic::Ordering::SeqCst), 0);
    // Just under: an article padded to exactly the crawler's cap is inflated, parsed and sent.
    let mut article = include_bytes!("../fixtures/founder_new/rmrb_article.html").to_vec();
    article.resize(caps.html as usize, b' ');
    let Message::Fetched(doc) = fetched(1) else {
        unreachable!()
    };
    let under = Message::Fetched(FetchedDocument {
        url: "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html".into(),
        body: CompressedBytes::compress(&article),
        ..doc
    });
    stage.handle(under, &out).await.unwrap();
    assert_eq!(out.0.load(std::sync::atomic::Ordering::SeqCst), 1);
}
