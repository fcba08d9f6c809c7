//! What the tests share: the local site ([`site`]), the paper it serves ([`paper`]), an outbox
//! that records what the stage sends, and ways to run the stage and read what it sent.

mod paper;
mod site;

pub use paper::*;
pub use site::*;

use std::sync::Mutex;
use std::time::Duration;

use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::error::StageError;
use epaper_common::messages::{CrawlIssue, DocKind, FetchedDocument, IssueManifest, Message};
use epaper_common::transport::{Handler, Outbox};
use epaper_crawler::CrawlStage;

// ---------------------------------------------------------------------------------------------
// The recording outbox

/// Keeps what the stage sends, in order.
#[derive(Default)]
pub struct Recorder {
    messages: Mutex<Vec<Message>>,
}

impl Outbox for Recorder {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        self.messages.lock().unwrap().push(message);
        Ok(())
    }
}

impl Recorder {
    pub fn take(&self) -> Vec<Message> {
        std::mem::take(&mut *self.messages.lock().unwrap())
    }

    /// What came after the crawl-started notice, which must come first, before any fetch
    /// result, so that the issue shows as `crawling` while it is read.
    pub fn take_after_start(&self) -> Vec<Message> {
        let mut messages = self.take();
        assert!(
            matches!(messages.first(), Some(Message::CrawlStarted(_))),
            "the first message announces the crawl: {messages:?}"
        );
        messages.remove(0);
        messages
    }
}

// ---------------------------------------------------------------------------------------------
// Running the stage

pub fn settings(env: &[(&str, &str)]) -> Settings {
    Settings::load_with_env(
        None,
        env.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

pub fn stage(settings: &Settings) -> CrawlStage {
    CrawlStage::new(settings.crawler.clone()).with_base_backoff(Duration::from_millis(10))
}

pub fn crawl_request(site: &str, server: &Server, date: NaiveDate) -> Message {
    Message::CrawlIssue(CrawlIssue {
        site: site.to_string(),
        base_url: Some(format!("{}/", server.base)),
        date,
        known: Vec::new(),
        follow: None,
    })
}

/// Crawls the sample site's issue of 2024-03-04 and returns what the stage sent.
/// Handles the crawl request for `site`'s issue of `date` on `server` with `settings`: what the
/// stage returned, and the outbox holding what it sent.
pub async fn handle_request(
    settings: &Settings,
    site: &str,
    server: &Server,
    date: NaiveDate,
) -> (Result<(), StageError>, Recorder) {
    let out = Recorder::default();
    let result = stage(settings)
        .handle(crawl_request(site, server, date), &out)
        .await;
    (result, out)
}

pub async fn crawl(stage: &CrawlStage, server: &Server) -> Vec<Message> {
    let out = Recorder::default();
    stage
        .handle(crawl_request("sample", server, issue_date()), &out)
        .await
        .expect("the crawl succeeds");
    out.take_after_start()
}

/// Serves the issue with `changes` and crawls it under the default settings: the server, for
/// what it was asked, and what the stage sent.
pub async fn crawl_issue_with(
    changes: impl IntoIterator<Item = (&'static str, Reply)>,
) -> (Server, Vec<FetchedDocument>, IssueManifest) {
    let server = Server::start("127.0.0.1", issue_with(changes)).await;
    let (fetched, manifest) = split(crawl(&stage(&settings(&[])), &server).await);
    (server, fetched, manifest)
}

#[track_caller]
pub fn assert_no_failures(manifest: &IssueManifest) {
    assert!(
        manifest.failures.is_empty(),
        "failures: {:?}",
        manifest.failures
    );
}

/// Splits the output into the fetched documents and the manifest, checking that exactly one
/// manifest was sent and that it came last.
pub fn split(messages: Vec<Message>) -> (Vec<FetchedDocument>, IssueManifest) {
    let mut fetched = Vec::new();
    let mut manifests = Vec::new();
    let n = messages.len();
    for (i, message) in messages.into_iter().enumerate() {
        match message {
            Message::Fetched(doc) => fetched.push(doc),
            Message::Manifest(manifest) => {
                assert_eq!(i, n - 1, "the manifest is the last message");
                manifests.push(manifest);
            }
            other => panic!("unexpected message {}", other.describe()),
        }
    }
    assert_eq!(manifests.len(), 1, "exactly one manifest");
    (fetched, manifests.pop().unwrap())
}

pub fn urls_of(fetched: &[FetchedDocument], kind: DocKind) -> Vec<String> {
    let mut urls: Vec<String> = fetched
        .iter()
        .filter(|doc| doc.kind == kind)
        .map(|doc| doc.url.clone())
        .collect();
    urls.sort();
    urls
}

pub fn body_of(fetched: &[FetchedDocument], url: &str) -> Vec<u8> {
    let doc = fetched
        .iter()
        .find(|doc| doc.url == url)
        .unwrap_or_else(|| panic!("{url} was not fetched"));
    doc.body.decompress(1 << 20).unwrap()
}

pub fn article_urls(server: &Server, numbers: &[u32]) -> Vec<String> {
    numbers
        .iter()
        .map(|n| server.url(&format!("content_{n}.htm")))
        .collect()
}

pub fn sorted(mut urls: Vec<String>) -> Vec<String> {
    urls.sort();
    urls
}

pub fn permanent_error(result: Result<(), StageError>) -> String {
    match result {
        Err(StageError::Permanent(error)) => format!("{error:#}"),
        other => panic!("expected a permanent error, got {other:?}"),
    }
}
