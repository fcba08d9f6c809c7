//! Issue state: marking issues as they enter and leave the flow, and reading their states.
//!
//! The indexer derives the state after every write (`writes.rs`); the functions here are the
//! transitions no stored document makes: queued, requeued, crawling, failed.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::reads::ExportFilter;
use super::{IssueState, Store, StoreError};

/// An issue as the console's calendar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IssueRow {
    pub site: String,
    #[sqlx(rename = "issue_date")]
    pub date: NaiveDate,
    pub state: IssueState,
    pub n_pages_expected: Option<i64>,
    pub n_articles_expected: Option<i64>,
}

/// The issue that has waited longest without finishing (for `epaper status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnfinishedIssue {
    pub site: String,
    #[sqlx(rename = "issue_date")]
    pub date: NaiveDate,
    pub state: IssueState,
    /// When its state last changed (a document stored, a manifest in).
    #[sqlx(rename = "updated_at")]
    pub since: DateTime<Utc>,
}

const ISSUES_IN_STATES: &str = include_str!("sql/issues_in_states.sql");
// The one difference between the backends: how the JSON array of states becomes rows.
static PG_ISSUES_IN_STATES: LazyLock<String> = LazyLock::new(|| {
    ISSUES_IN_STATES.replace(
        "{states}",
        "SELECT jsonb_array_elements_text($4::text::jsonb)",
    )
});
static SQLITE_ISSUES_IN_STATES: LazyLock<String> =
    LazyLock::new(|| ISSUES_IN_STATES.replace("{states}", "SELECT value FROM json_each($4)"));

impl Store {
    /// Marks issues as queued when they are put into the flow; an issue already further along
    /// keeps its state.
    pub async fn mark_queued(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        self.mark(
            "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site, issue_date) DO NOTHING",
            site,
            date,
            IssueState::Queued,
            &[],
        )
        .await
    }

    /// Puts an issue back to `queued` for a replay, whatever state it was in.
    pub async fn mark_requeued(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        self.mark(
            "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site, issue_date) DO UPDATE SET state = EXCLUDED.state,
                updated_at = EXCLUDED.updated_at",
            site,
            date,
            IssueState::Queued,
            &[],
        )
        .await
    }

    /// Marks an issue as being crawled, unless it is already further along (only a queued or
    /// a failed issue starts crawling).
    pub async fn mark_crawling(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        self.mark(
            "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site, issue_date) DO UPDATE SET state = EXCLUDED.state,
                updated_at = EXCLUDED.updated_at
             WHERE issues.state IN ($5, $6)",
            site,
            date,
            IssueState::Crawling,
            &[IssueState::Queued, IssueState::Failed],
        )
        .await
    }

    /// Marks an issue whose crawl gave up as `failed`, unless its manifest already arrived.
    pub async fn mark_failed(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        self.mark(
            "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site, issue_date) DO UPDATE SET state = EXCLUDED.state,
                updated_at = EXCLUDED.updated_at
             WHERE issues.n_pages_expected IS NULL AND issues.state <> $5",
            site,
            date,
            IssueState::Failed,
            &[IssueState::Absent],
        )
        .await
    }

    /// Runs one of the marking statements: `$1` site, `$2` date, `$3` state, `$4` now, and
    /// from `$5` on the states its condition names.
    async fn mark(
        &self,
        sql: &'static str,
        site: &str,
        date: NaiveDate,
        state: IssueState,
        condition: &[IssueState],
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut query = sqlx::query(sql).bind(site).bind(date).bind(state).bind(now);
            for state in condition {
                query = query.bind(*state);
            }
            query.execute(pool).await?;
            Ok(())
        })
    }

    /// The state of one issue, if the archive knows it.
    pub async fn issue_state(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Option<IssueState>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT state FROM issues WHERE site = $1 AND issue_date = $2")
                .bind(site)
                .bind(date)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Whether the archive holds the issue with documents but no manifest: nothing yet says
    /// how many pages and articles it has, so it stays `parsing` until one comes. An issue the
    /// crawler accounted for, or found absent, does not wait.
    pub async fn awaits_manifest(&self, site: &str, date: NaiveDate) -> Result<bool, StoreError> {
        let n: i64 = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM issues WHERE site = $1 AND issue_date = $2
                   AND n_pages_expected IS NULL AND state <> $3",
            )
            .bind(site)
            .bind(date)
            .bind(IssueState::Absent)
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }

    /// Issue counts by site and state.
    pub async fn issue_states(&self) -> Result<Vec<(String, IssueState, i64)>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT site, state, COUNT(*) AS n FROM issues
                 GROUP BY site, state ORDER BY site, state",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every issue of `site` (or of every site), newest first.
    pub async fn issue_list(&self, site: Option<&str>) -> Result<Vec<IssueRow>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT site, issue_date, state, n_pages_expected, n_articles_expected
                 FROM issues WHERE ($1 IS NULL OR site = $1) ORDER BY site, issue_date DESC",
            )
            .bind(site)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Issues in any of `states` (and matching the filter), oldest first: what `epaper replay`
    /// sends back to the crawler.
    pub async fn issues_in_states(
        &self,
        filter: &ExportFilter,
        states: &[IssueState],
    ) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        let states = serde_json::to_string(states).expect("states serialize");
        let sql = match self {
            Store::Postgres(_) => PG_ISSUES_IN_STATES.as_str(),
            Store::Sqlite(_) => SQLITE_ISSUES_IN_STATES.as_str(),
        };
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(sql)
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .bind(&states)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The date of the newest issue of `site` the archive holds (complete or partial): where
    /// an incremental crawl starts.
    pub async fn last_issue_date(&self, site: &str) -> Result<Option<NaiveDate>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT issue_date FROM issues WHERE site = $1 AND state IN ($2, $3)
                 ORDER BY issue_date DESC LIMIT 1",
            )
            .bind(site)
            .bind(IssueState::Complete)
            .bind(IssueState::Partial)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The queued, crawling or parsing issue whose state changed longest ago: where work is
    /// stuck, if anywhere.
    pub async fn oldest_unfinished(&self) -> Result<Option<UnfinishedIssue>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT site, issue_date, state, updated_at FROM issues
                 WHERE state IN ($1, $2, $3)
                 ORDER BY updated_at, issue_date, site LIMIT 1",
            )
            .bind(IssueState::Queued)
            .bind(IssueState::Crawling)
            .bind(IssueState::Parsing)
            .fetch_optional(pool)
            .await?
        }))
    }
}
