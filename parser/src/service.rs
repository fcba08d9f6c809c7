//! The parse stage as a [`Handler`]: a fetched document in, a parsed document out.
//!
//! Parsing is CPU work on bytes a hostile site chose, so it runs on tokio's blocking pool, not on
//! the runtime's worker threads (which also drive the broker connection and the health
//! endpoint), and under a deadline: a document that takes longer fails permanently and is
//! dead-lettered with the reason instead of stalling the consumer. A blocking thread cannot be
//! stopped; the one that overran finishes its (linear-time) parse in the background and its
//! result is dropped.

use std::sync::Arc;
use std::time::Duration;

use epaper_common::config::{Settings, SizeCaps};
use epaper_common::error::StageError;
use epaper_common::messages::{Message, ParsedDocument, Record};
use epaper_common::sites::Sites;
use epaper_common::transport::{Handler, Outbox};

use crate::html::{MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE};

/// The deadline when none is configured (`parser.parse_timeout_ms` in `config/default.toml`).
pub const DEFAULT_PARSE_TIMEOUT: Duration = Duration::from_secs(10);

/// Raw documents inflate to at most the crawler's cap for their kind (`crawler.max_body_bytes`
/// for pages and articles): more is refused as a decompression bomb. A document of a site whose
/// profile has the `selectors` layout is read with its era's `[selectors]`; any other, and a
/// document of a site the stage's profiles do not know, by family detection.
#[derive(Debug, Clone)]
pub struct ParseStage {
    caps: SizeCaps,
    deadline: Duration,
    sites: Arc<Sites>,
}

impl Default for ParseStage {
    fn default() -> Self {
        ParseStage::new(Settings::default_size_caps(), DEFAULT_PARSE_TIMEOUT)
    }
}

impl ParseStage {
    /// A stage that inflates each document up to `caps` and gives it at most `deadline`
    /// (inflating and parsing it).
    pub fn new(caps: SizeCaps, deadline: Duration) -> Self {
        ParseStage {
            caps,
            deadline,
            sites: Arc::new(Sites::bundled()),
        }
    }

    /// Reads documents by the profiles of `sites` (those of `sites.dir` with the bundled ones)
    /// instead of the bundled profiles alone.
    pub fn with_sites(mut self, sites: Sites) -> Self {
        self.sites = Arc::new(sites);
        self
    }

    /// The caps of `crawler.max_*_bytes` and the deadline of `parser.parse_timeout_ms`.
    pub fn from_settings(settings: &Settings) -> Self {
        ParseStage::new(
            settings.crawler.size_caps(),
            Duration::from_millis(settings.parser.parse_timeout_ms),
        )
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }
}

/// Why work given to [`with_deadline`] brought no result.
#[derive(Debug)]
pub enum Overrun {
    /// The work panicked (the join error says how).
    Panicked(tokio::task::JoinError),
    /// The deadline passed first; the thread runs on to the end of its parse, unwaited for.
    TimedOut,
}

/// Runs parsing `work` on tokio's blocking pool and waits for it at most `deadline`. Both the
/// parse stage and the crawler (reading a page's links) parse hostile bytes this way; each says
/// in its own words which setting the deadline came from.
pub async fn with_deadline<T: Send + 'static>(
    deadline: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Overrun> {
    match tokio::time::timeout(deadline, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(join_error)) => Err(Overrun::Panicked(join_error)),
        Err(_elapsed) => Err(Overrun::TimedOut),
    }
}

impl Handler for ParseStage {
    async fn handle<O: Outbox>(&self, message: Message, out: &O) -> Result<(), StageError> {
        let Message::Fetched(fetched) = message else {
            return Err(StageError::wrong_message(
                "the parse stage takes fetched documents",
                &message,
            ));
        };
        let url = fetched.url.clone();
        let caps = self.caps;
        let sites = self.sites.clone();
        let work = move || {
            let custom = sites.selectors(&fetched.site, fetched.issue_date);
            let record = fetched
                .inflate(caps)
                .map_err(StageError::permanent)
                .and_then(|raw| {
                    let content_type = fetched.content_type.as_deref();
                    crate::parse_with(&fetched.url, &raw, content_type, custom)
                        .map_err(StageError::permanent)
                });
            (fetched, record)
        };
        let (fetched, record) = match with_deadline(self.deadline, work).await {
            Ok(done) => done,
            Err(Overrun::Panicked(join_error)) => {
                return Err(StageError::permanent(anyhow::anyhow!(
                    "parsing {url} failed: {join_error}"
                )));
            }
            Err(Overrun::TimedOut) => {
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
