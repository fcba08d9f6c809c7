//! The index stage: parsed documents and issue manifests in, idempotent rows out.
//!
//! Architecture invariant: the indexer is the only stage that writes the archive, and it acks a
//! message only after the transaction holding its effect has committed.

pub mod media;
pub mod search;
pub mod store;
pub mod testing;
pub mod tsvector;

use epaper_common::config::{Settings, SizeCaps};
use epaper_common::error::StageError;
use epaper_common::messages::{Message, Stage};
use epaper_common::transport::{Handler, Outbox};

pub use store::PageRegions;
pub use store::{
    ExportFilter, ExportedArticle, IssueHistory, IssueRow, IssueState, Item, LeaderLock, MediaRow,
    PlanRow, SearchHit, SearchQuery, Store, StoreError, StoredPage,
};

pub struct IndexStage {
    store: Store,
    max_batch: usize,
    media: Option<media::MediaStore>,
    /// Media inflate up to the crawler's cap for their kind, never further.
    caps: SizeCaps,
}

impl IndexStage {
    /// `max_batch` bounds the messages committed in one transaction.
    pub fn new(store: Store, max_batch: usize) -> Self {
        IndexStage {
            store,
            max_batch: max_batch.max(1),
            media: None,
            caps: Settings::default_size_caps(),
        }
    }

    /// The crawler's size caps (`crawler.max_*_bytes`) of this deployment, when they are not
    /// the defaults.
    pub fn with_size_caps(mut self, caps: SizeCaps) -> Self {
        self.caps = caps;
        self
    }

    /// Keeps fetched media in `media`; without one, media messages are dead-lettered (kept in
    /// the broker, not dropped) with a reason that names the missing setting.
    pub fn with_media(mut self, media: media::MediaStore) -> Self {
        self.media = Some(media);
        self
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
    async fn ready(&self) -> Result<(), String> {
        self.store
            .ping()
            .await
            .map_err(|error| format!("the archive database does not answer: {error}"))
    }

    async fn handle<O: Outbox>(&self, message: Message, _out: &O) -> Result<(), StageError> {
        match message {
            Message::Manifest(manifest) => self
                .store
                .apply_manifest(&manifest)
                .await
                .map_err(stage_error),
            Message::Parsed(parsed) => self
                .store
                .store_document(&parsed.fetched, &parsed.record)
                .await
                .map_err(stage_error),
            Message::Media(medium) => {
                let Some(media) = &self.media else {
                    return Err(StageError::permanent(anyhow::anyhow!(
                        "no media store: set media.dir (EPAPER__MEDIA__DIR) on the indexer"
                    )));
                };
                let bytes = medium
                    .fetched
                    .inflate(self.caps)
                    .map_err(StageError::permanent)?;
                let stored = media.put(&bytes).await.map_err(StageError::retryable)?;
                self.store
                    .store_media(&medium.fetched, &medium.owner_url, &stored)
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
            other => Err(StageError::wrong_message(
                "the index stage takes parsed documents, manifests and reports",
                &other,
            )),
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
        // Reports, crawl starts and media are handled one at a time after the batch.
        let mut others = Vec::new();
        for message in &messages {
            items.push(match message {
                Message::CrawlStarted(_) | Message::Failed(_) | Message::Media(_) => {
                    others.push(message.clone());
                    continue;
                }
                Message::Manifest(manifest) => Item::Manifest(manifest),
                Message::Parsed(parsed) => Item::document(&parsed.fetched, &parsed.record),
                other => {
                    return Err(StageError::wrong_message(
                        "the index stage takes parsed documents and manifests",
                        other,
                    ));
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
