//! The index stage: parsed documents and issue manifests in, idempotent rows out.
//!
//! Architecture invariant: the indexer is the only stage that writes the archive, and it acks a
//! message only after the transaction holding its effect has committed.

pub mod search;
pub mod store;
pub mod testing;

use epaper_common::error::StageError;
use epaper_common::messages::{Message, Record, Stage};
use epaper_common::transport::{Handler, Outbox};

pub use store::{ExportFilter, ExportedArticle, Item, SearchHit, SearchQuery, Store, StoreError};

pub struct IndexStage {
    store: Store,
    max_batch: usize,
}

impl IndexStage {
    /// `max_batch` bounds the messages committed in one transaction.
    pub fn new(store: Store, max_batch: usize) -> Self {
        IndexStage {
            store,
            max_batch: max_batch.max(1),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

fn stage_error(error: StoreError) -> StageError {
    if error.is_retryable() {
        StageError::retryable(error)
    } else {
        StageError::permanent(error)
    }
}

impl Handler for IndexStage {
    async fn handle<O: Outbox>(&self, message: Message, _out: &O) -> Result<(), StageError> {
        match message {
            Message::Manifest(manifest) => self
                .store
                .apply_manifest(&manifest)
                .await
                .map_err(stage_error),
            Message::Parsed(parsed) => {
                let (page, article) = match &parsed.record {
                    Record::Page(page) => (Some(page), None),
                    Record::Article(article) => (None, Some(article)),
                };
                self.store
                    .store_document(&parsed.fetched, page, article)
                    .await
                    .map_err(stage_error)
            }
            Message::CrawlStarted(issue) => self
                .store
                .mark_crawling(&issue.site, issue.date)
                .await
                .map_err(stage_error),
            Message::Failed(report) => {
                self.store
                    .record_failure(
                        &report.site,
                        report.date,
                        &report.url,
                        report.stage.as_str(),
                        &report.kind,
                        &report.reason,
                    )
                    .await
                    .map_err(stage_error)?;
                // The crawl of a whole issue gave up: the issue failed.
                if report.stage == Stage::Crawl && report.url.is_empty() {
                    self.store
                        .mark_failed(&report.site, report.date)
                        .await
                        .map_err(stage_error)?;
                }
                Ok(())
            }
            other => Err(StageError::permanent(anyhow::anyhow!(
                "the index stage takes parsed documents, manifests and reports, not {}",
                other.describe()
            ))),
        }
    }

    fn max_batch(&self) -> usize {
        self.max_batch
    }

    /// One transaction for the whole batch: the measured difference between about 1,400 and
    /// several thousand articles a second on PostgreSQL.
    async fn handle_batch<O: Outbox>(
        &self,
        messages: Vec<Message>,
        out: &O,
    ) -> Result<(), StageError> {
        let mut items = Vec::with_capacity(messages.len());
        // Reports and crawl starts are rare and row-at-a-time; they follow the batch.
        let mut others = Vec::new();
        for message in &messages {
            items.push(match message {
                Message::CrawlStarted(_) | Message::Failed(_) => {
                    others.push(message.clone());
                    continue;
                }
                Message::Manifest(manifest) => Item::Manifest(manifest),
                Message::Parsed(parsed) => {
                    let (page, article) = match &parsed.record {
                        Record::Page(page) => (Some(page), None),
                        Record::Article(article) => (None, Some(article)),
                    };
                    Item::Document {
                        fetched: &parsed.fetched,
                        page,
                        article,
                    }
                }
                other => {
                    return Err(StageError::permanent(anyhow::anyhow!(
                        "the index stage takes parsed documents and manifests, not {}",
                        other.describe()
                    )));
                }
            });
        }
        self.store.apply(&items).await.map_err(stage_error)?;
        for message in others {
            self.handle(message, out).await?;
        }
        Ok(())
    }
}
