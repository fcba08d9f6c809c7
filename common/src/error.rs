//! Error kinds named after what the caller does next. A stage handler returns a [`StageError`];
//! the transport retries a [`StageError::Retryable`] later and dead-letters a
//! [`StageError::Permanent`] at once, so nothing is dropped silently and nothing loops forever.

use std::fmt;

#[derive(Debug)]
pub enum StageError {
    /// The same input may succeed later: a timeout, a 5xx, a broker or database outage.
    Retryable(anyhow::Error),
    /// The input can never succeed: a document of no known layout, a message of another schema.
    Permanent(anyhow::Error),
}

impl StageError {
    pub fn retryable(error: impl Into<anyhow::Error>) -> Self {
        StageError::Retryable(error.into())
    }

    pub fn permanent(error: impl Into<anyhow::Error>) -> Self {
        StageError::Permanent(error.into())
    }

    /// A message of a type this stage does not handle: permanent, since no retry changes its
    /// type. `takes` says what the stage does take ("the crawl stage takes crawl requests").
    pub fn wrong_message(takes: &str, message: &crate::messages::Message) -> Self {
        StageError::permanent(anyhow::anyhow!("{takes}, not {}", message.describe()))
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, StageError::Retryable(_))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            StageError::Retryable(_) => "retryable",
            StageError::Permanent(_) => "permanent",
        }
    }
}

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageError::Retryable(error) => write!(f, "retryable: {error:#}"),
            StageError::Permanent(error) => write!(f, "permanent: {error:#}"),
        }
    }
}

impl std::error::Error for StageError {}
