//! The archive behind one interface, on PostgreSQL (services) or SQLite (the embedded mode).
//!
//! Both backends run the same SQL text, written to the common subset (`$n` placeholders,
//! `ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM`); the [`on_pool!`] and [`on_tx!`]
//! macros expand one body for each backend, so the two cannot drift apart. Where they must
//! differ (row locks, string aggregates, JSON arrays, full-text search) the difference is
//! spelled out at the call. The longer statements live in `sql/*.sql` next to this file.
//!
//! Invariants:
//! - every write is an idempotent upsert keyed by URL (articles, pages, raw documents) or by
//!   (site, date) (issues), so a redelivered or replayed message leaves the same rows;
//! - an unchanged document (same content hash) writes nothing;
//! - an issue's state is recomputed in the same transaction as every write to it, under a lock
//!   on the issue row (PostgreSQL) or the database write lock (SQLite), so two indexers racing
//!   on one issue still leave the right state;
//! - a stored value this code cannot read (an unknown state or kind, corrupt JSON) is an error
//!   naming the row, never read as some default.
//!
//! The files: `writes.rs` (batches, media, failures), `batch.rs` (a batch turned into rows),
//! `issues.rs` (issue state), `state.rs` (the [`IssueState`] type), `schedule.rs` (the
//! scheduler's plan and the history it reads), `reads.rs` (export, pages, raw documents,
//! search), `browse.rs` (issues page by page, a page's article references), `validators.rs`
//! (what a conditional re-crawl sends), `rows.rs`
//! (the types rows are read into).

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Expands `$body` once per backend with `$pool` bound to the concrete pool.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            Store::Postgres($pool) => $body,
            Store::Sqlite($pool) => $body,
        }
    };
}

/// Expands `$body` once per backend with `$conn` bound to the transaction's connection.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
            Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

mod batch;
mod browse;
mod issues;
mod reads;
mod rows;
mod schedule;
mod state;
mod validators;
mod writes;

pub use batch::Item;
pub use browse::{IssueFilter, PageRefs};
pub use issues::{IssueRow, UnfinishedIssue};
pub use reads::PageRegions;
pub use reads::{
    ExportError, ExportFilter, ExportedArticle, ExportedImage, Failure, MediaRow, SearchHit,
    SearchQuery, StoredMedium, StoredPage,
};
pub use schedule::{IssueHistory, LeaderLock, PlanRow};
pub use state::{IssueState, UnknownIssueState};

static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// A transaction on either backend, for the steps of a write.
enum Tx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Tx {
    async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Postgres(tx) => tx.commit().await,
            Tx::Sqlite(tx) => tx.commit().await,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with postgres://, postgresql:// or sqlite://")]
    UnknownScheme,
    #[error(
        "database URL parameter {0} is not supported (only `password` may carry a secret: the \
         driver would log the value of a parameter it does not know)"
    )]
    SecretParameter(String),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value this code cannot read: the row is named so it can be found and mended.
    #[error("corrupt row in {table} ({key}): {reason}")]
    Corrupt {
        table: &'static str,
        key: String,
        reason: String,
    },
}

/// sqlx logs the name and value of a PostgreSQL connection parameter it does not know (at
/// `warn`), so a credential-like parameter it does not take (libpq's `sslpassword`, a `token`
/// …) would be printed in clear: refused, by name only. `password` and the key file's path
/// (`sslkey`) are parameters sqlx knows.
fn refuse_unknown_secret_parameters(url: &str) -> Result<(), StoreError> {
    const KNOWN: [&str; 3] = ["password", "sslkey", "ssl-key"];
    let Some((_, query)) = url.split_once('?') else {
        return Ok(());
    };
    for (name, _) in url::form_urlencoded::parse(query.as_bytes()) {
        if !KNOWN.contains(&name.as_ref()) && epaper_common::config::is_secret_param(&name) {
            return Err(StoreError::SecretParameter(name.into_owned()));
        }
    }
    Ok(())
}

impl StoreError {
    /// Connection trouble and lock timeouts pass; bad data does not.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Sqlx(sqlx::Error::Database(db)) => {
                // PostgreSQL classes 22 (data) and 23 (constraints) will fail again.
                !db.code()
                    .is_some_and(|code| code.starts_with("22") || code.starts_with("23"))
            }
            StoreError::Sqlx(
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Protocol(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed,
            ) => true,
            _ => false,
        }
    }

    fn corrupt(table: &'static str, key: &str, reason: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt {
            table,
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl Store {
    /// Connects by URL scheme: `postgres://`/`postgresql://` or `sqlite://PATH` (created if
    /// missing).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        refuse_unknown_secret_parameters(url)?;
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(std::time::Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Store::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections.max(1))
                .connect_with(options)
                .await?;
            Ok(Store::Sqlite(pool))
        } else {
            Err(StoreError::UnknownScheme)
        }
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Postgres(pool) => PG_MIGRATOR.run(pool).await?,
            Store::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Postgres(_) => "postgres",
            Store::Sqlite(_) => "sqlite",
        }
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// One round trip to the database (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }

    async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Store::Postgres(pool) => Tx::Postgres(pool.begin().await?),
            Store::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
        })
    }
}
