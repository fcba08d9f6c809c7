//! The parse stage as a [`Handler`]: a fetched document in, a parsed document out.
//!
//! Parsing is CPU work on bytes a hostile site chose, so it runs on tokio's blocking pool, not on
//! the runtime's worker threads (which also drive the broker connection and the health
//! endpoint), and under a deadline: a document that takes longer fails permanently and is
//! dead-lettered with the reason instead of stalling the consumer. A blocking thread cannot be
//! stopped; the one that overran finishes its (linear-time) parse in the background and its
//! result is dropped.

use std::time::Duration;

use epaper_common::config::ParserSettings;
use epaper_common::error::StageError;
use epaper_common::messages::{Message, ParsedDocument, Record};
use epaper_common::transport::{Handler, Outbox};

use crate::html::{MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE};

/// Raw documents inflate to at most this many bytes; more is refused as a decompression bomb.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The deadline when none is configured (`parser.parse_timeout_ms` in `config/default.toml`).
pub const DEFAULT_PARSE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct ParseStage {
    deadline: Duration,
}

impl Default for ParseStage {
    fn default() -> Self {
        ParseStage::new(DEFAULT_PARSE_TIMEOUT)
    }
}

impl ParseStage {
    /// A stage that gives each document at most `deadline` (inflating and parsing it).
    pub fn new(deadline: Duration) -> Self {
        ParseStage { deadline }
    }

    pub fn from_settings(settings: &ParserSettings) -> Self {
        ParseStage::new(Duration::from_millis(settings.parse_timeout_ms))
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }
}

impl Handler for ParseStage {
    async fn handle<O: Outbox>(&self, message: Message, out: &O) -> Result<(), StageError> {
        let Message::Fetched(fetched) = message else {
            return Err(StageError::permanent(anyhow::anyhow!(
                "the parse stage takes fetched documents, not {}",
                message.describe()
            )));
        };
        let url = fetched.url.clone();
        let work = tokio::task::spawn_blocking(move || {
            let record = fetched
                .body
                .decompress(MAX_DOCUMENT_BYTES)
                .map_err(StageError::permanent)
                .and_then(|raw| {
                    crate::parse(&fetched.url, &raw, fetched.content_type.as_deref())
                        .map_err(StageError::permanent)
                });
            (fetched, record)
        });
        let (fetched, record) = match tokio::time::timeout(self.deadline, work).await {
            Ok(Ok(done)) => done,
            Ok(Err(join_error)) => {
                return Err(StageError::permanent(anyhow::anyhow!(
                    "parsing {url} failed: {join_error}"
                )));
            }
            Err(_elapsed) => {
                return Err(StageError::permanent(anyhow::anyhow!(
                    "parse exceeded its {:?} deadline",
                    self.deadline
                )));
            }
        };
        let record = record?;
        warn_if_capped(&url, &record);
        tracing::debug!(%url, "parsed");
        out.send(Message::Parsed(ParsedDocument { fetched, record }))
            .await
    }
}

/// A page whose article or page list is full had links past the cap, which the parser dropped;
/// the record has no field for that, so the log says it.
fn warn_if_capped(url: &str, record: &Record) {
    if let Record::Page(page) = record
        && (page.articles.len() >= MAX_ARTICLES_PER_PAGE || page.pages.len() >= MAX_PAGES_PER_ISSUE)
    {
        tracing::warn!(
            %url,
            articles = page.articles.len(),
            pages = page.pages.len(),
            "page lists reached their cap ({MAX_ARTICLES_PER_PAGE} articles, \
             {MAX_PAGES_PER_ISSUE} pages); links past it were dropped"
        );
    }
}
