//! `epaper-indexer`: consumes the index queue and writes the archive in PostgreSQL.

use std::sync::Arc;

use anyhow::Context;
use epaper_common::Stage;
use epaper_common::config::redact_url;
use epaper_indexer::media::MediaStore;
use epaper_indexer::{IndexStage, Store};
use secrecy::ExposeSecret;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    epaper_common::service::main(Stage::Index, |settings| async move {
        let url = &settings.database.url;
        let store = Store::connect(url.expose_secret(), settings.database.max_connections)
            .await
            .with_context(|| format!("connecting to {}", redact_url(url)))?;
        tracing::info!(database = %redact_url(url), backend = store.backend(), "connected to the archive");
        // A batch is at most what one consumer holds unacked.
        let mut stage = IndexStage::new(store, settings.amqp.prefetch as usize)
            .with_size_caps(settings.crawler.size_caps());
        if let Some(media) = MediaStore::from_settings(&settings.media)? {
            tracing::info!(store = %media.describe(), "keeping media");
            stage = stage.with_media(media);
        }
        Ok(Arc::new(stage))
    })
    .await
}
