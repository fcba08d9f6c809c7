//! The state of an issue, and its one mapping to the `issues.state` column.
//!
//! Every query binds an [`IssueState`] instead of spelling a state in SQL or in Rust string
//! literals, so the set of states and their stored names are written down here only. A stored
//! name this code does not know fails the read (a decode error naming the value) instead of
//! passing as some other state.

use std::fmt;

use serde::{Deserialize, Serialize};
use sqlx::Database;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;

/// Where an issue stands (see ARCHITECTURE.md for how it is derived).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    /// Put into the flow (`epaper enqueue`, `run`, `replay`); nothing fetched yet.
    Queued,
    /// The crawler took it up.
    Crawling,
    /// Documents are arriving, or the manifest is missing.
    Parsing,
    /// Everything the manifest names is stored.
    Complete,
    /// Everything that could be fetched is stored; some fetches failed.
    Partial,
    /// The crawl of the issue itself gave up.
    Failed,
    /// There is no issue that day (the entry page was a 404 or a "no issue" notice).
    Absent,
}

impl IssueState {
    pub const ALL: [IssueState; 7] = [
        IssueState::Queued,
        IssueState::Crawling,
        IssueState::Parsing,
        IssueState::Complete,
        IssueState::Partial,
        IssueState::Failed,
        IssueState::Absent,
    ];

    /// The states an issue leaves only when it is sent through the flow again.
    pub const FINISHED: [IssueState; 4] = [
        IssueState::Complete,
        IssueState::Partial,
        IssueState::Failed,
        IssueState::Absent,
    ];

    /// The name stored in `issues.state` and shown to operators.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueState::Queued => "queued",
            IssueState::Crawling => "crawling",
            IssueState::Parsing => "parsing",
            IssueState::Complete => "complete",
            IssueState::Partial => "partial",
            IssueState::Failed => "failed",
            IssueState::Absent => "absent",
        }
    }
}

impl fmt::Display for IssueState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown issue state {0:?} (one of queued, crawling, parsing, complete, partial, failed, absent)"
)]
pub struct UnknownIssueState(pub String);

impl std::str::FromStr for IssueState {
    type Err = UnknownIssueState;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        IssueState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| UnknownIssueState(text.to_string()))
    }
}

// Stored as text on both backends, through `as_str` and `FromStr` above.
impl<DB: Database> sqlx::Type<DB> for IssueState
where
    str: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <str as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <str as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: Database> sqlx::Encode<'q, DB> for IssueState
where
    &'static str: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&'static str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
    }
}

impl<'r, DB: Database> sqlx::Decode<'r, DB> for IssueState
where
    &'r str: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<&'r str as sqlx::Decode<'r, DB>>::decode(value)?.parse()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_name() {
        for state in IssueState::ALL {
            assert_eq!(state.as_str().parse::<IssueState>(), Ok(state));
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{state}\"")
            );
        }
        assert!("done".parse::<IssueState>().is_err());
    }
}
