//! The parse stage as a [`Handler`]: a fetched document in, a parsed document out.

use epaper_common::config::SizeCaps;
use epaper_common::error::StageError;
use epaper_common::messages::{Message, ParsedDocument};
use epaper_common::transport::{Handler, Outbox};

/// Raw documents inflate to at most the crawler's cap for their kind (`crawler.max_body_bytes`
/// for pages and articles): more is refused as a decompression bomb.
#[derive(Debug, Clone)]
pub struct ParseStage {
    caps: SizeCaps,
}

impl ParseStage {
    pub fn new(caps: SizeCaps) -> Self {
        ParseStage { caps }
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
        let raw = fetched.inflate(self.caps).map_err(StageError::permanent)?;
        let record = crate::parse(&fetched.url, &raw, fetched.content_type.as_deref())
            .map_err(StageError::permanent)?;
        tracing::debug!(url = %fetched.url, "parsed");
        out.send(Message::Parsed(ParsedDocument { fetched, record }))
            .await
    }
}
