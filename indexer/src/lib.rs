//! The index stage: parsed documents and issue manifests in, idempotent rows out.
//!
//! Architecture invariant: the indexer is the only stage that writes the archive, and it acks a
//! message only after the transaction holding its effect has committed.

pub mod search;
pub mod store;
pub mod testing;

use epaper_common::error::StageError;
use epaper_common::messages::{Message, Record};
use epaper_common::transport::{Handler, Outbox};

pub use store::{ExportFilter, ExportedArticle, SearchHit, SearchQuery, Store, StoreError};

pub struct IndexStage {
    store: Store,
}

impl IndexStage {
    pub fn new(store: Store) -> Self {
        IndexStage { store }
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
            other => Err(StageError::permanent(anyhow::anyhow!(
                "the index stage takes parsed documents and manifests, not {}",
                other.describe()
            ))),
        }
    }
}
