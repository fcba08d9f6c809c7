//! The parse stage as a [`Handler`]: a fetched document in, a parsed document out.

use epaper_common::error::StageError;
use epaper_common::messages::{Message, ParsedDocument};
use epaper_common::transport::{Handler, Outbox};

/// Raw documents inflate to at most this many bytes; more is refused as a decompression bomb.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Default, Clone)]
pub struct ParseStage;

impl Handler for ParseStage {
    async fn handle<O: Outbox>(&self, message: Message, out: &O) -> Result<(), StageError> {
        let Message::Fetched(fetched) = message else {
            return Err(StageError::permanent(anyhow::anyhow!(
                "the parse stage takes fetched documents, not {}",
                message.describe()
            )));
        };
        let raw = fetched
            .body
            .decompress(MAX_DOCUMENT_BYTES)
            .map_err(StageError::permanent)?;
        let record = crate::parse(&fetched.url, &raw, fetched.content_type.as_deref())
            .map_err(StageError::permanent)?;
        tracing::debug!(url = %fetched.url, "parsed");
        out.send(Message::Parsed(ParsedDocument { fetched, record }))
            .await
    }
}
