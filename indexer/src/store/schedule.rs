//! What the scheduler reads of a site's history and records of its own plan (`schedule_plan`,
//! migration 0008).
//!
//! The plan is idempotent per (site, issue date, slot): [`Store::claim_plan`] inserts a row if
//! absent and says whether this call inserted it; only then is the request sent, and
//! [`Store::plan_sent`] records that the broker confirmed it. A row left unsent (a crash between
//! the two) is found by [`Store::unsent_plans`] and resolved by the scheduler that takes the lead.

use chrono::{DateTime, NaiveDate, Utc};

use super::{IssueState, Store, StoreError};

/// An issue of a site as the scheduler weighs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IssueHistory {
    pub issue_date: NaiveDate,
    pub state: IssueState,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
}

/// One row of `schedule_plan`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanRow {
    pub site: String,
    pub issue_date: NaiveDate,
    pub slot_at: DateTime<Utc>,
    pub reason: String,
    pub planned_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The date of the newest `complete` issue of `site`.
    pub async fn newest_complete(&self, site: &str) -> Result<Option<NaiveDate>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT issue_date FROM issues WHERE site = $1 AND state = $2
                 ORDER BY issue_date DESC LIMIT 1",
            )
            .bind(site)
            .bind(IssueState::Complete)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The issues of `site` dated `from` or later, oldest first.
    pub async fn issue_history(
        &self,
        site: &str,
        from: NaiveDate,
    ) -> Result<Vec<IssueHistory>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT issue_date, state, updated_at FROM issues
                 WHERE site = $1 AND issue_date >= $2 ORDER BY issue_date",
            )
            .bind(site)
            .bind(from)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The plan rows of `site` for issues dated `from` or later, oldest first.
    pub async fn plan_history(
        &self,
        site: &str,
        from: NaiveDate,
    ) -> Result<Vec<PlanRow>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT site, issue_date, slot_at, reason, planned_at, sent_at FROM schedule_plan
                 WHERE site = $1 AND issue_date >= $2 ORDER BY issue_date, slot_at",
            )
            .bind(site)
            .bind(from)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Records that the issue is to be enqueued in `slot`, if no row says so yet: `true` when
    /// this call inserted the row (and so must send), `false` when it was already there.
    pub async fn claim_plan(
        &self,
        site: &str,
        date: NaiveDate,
        slot: DateTime<Utc>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        // Wall-clock time, as `issues.updated_at` is: the two are compared when a crash is
        // resolved ([`Store::unsent_plans`]).
        let now = Utc::now();
        let inserted = on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO schedule_plan (site, issue_date, slot_at, reason, planned_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (site, issue_date, slot_at) DO NOTHING",
            )
            .bind(site)
            .bind(date)
            .bind(slot)
            .bind(reason)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// Records that the request of a plan row was sent (confirmed by the broker).
    pub async fn plan_sent(
        &self,
        site: &str,
        date: NaiveDate,
        slot: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE schedule_plan SET sent_at = $4
                 WHERE site = $1 AND issue_date = $2 AND slot_at = $3 AND sent_at IS NULL",
            )
            .bind(site)
            .bind(date)
            .bind(slot)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Every plan row whose request is not known to be sent, oldest first. Its issue's
    /// `updated_at` at or after the row's `planned_at` says the request went out (the issue is
    /// marked after the broker confirmed it); before it, or no issue at all, says it did not.
    pub async fn unsent_plans(&self) -> Result<Vec<PlanRow>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT site, issue_date, slot_at, reason, planned_at, sent_at FROM schedule_plan
                 WHERE sent_at IS NULL ORDER BY planned_at, site, issue_date",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// When the issue's state last changed, if the archive knows it.
    pub async fn issue_updated_at(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT updated_at FROM issues WHERE site = $1 AND issue_date = $2")
                .bind(site)
                .bind(date)
                .fetch_optional(pool)
                .await?
        }))
    }
}

/// The right to act as the one scheduler: a PostgreSQL session-level advisory lock, held on a
/// connection of its own (outside the pool) for as long as that connection lives. When the
/// connection is lost the server releases the lock and another replica may take it, so the
/// holder checks [`LeaderLock::alive`] before every pass. On SQLite (the embedded mode, one
/// process by design) there is nobody to exclude: the lock is always granted.
pub enum LeaderLock {
    Postgres(sqlx::PgConnection),
    Single,
}

impl Store {
    /// Takes the advisory lock `key` if no other session holds it: `None` when one does.
    pub async fn try_leader_lock(&self, key: i64) -> Result<Option<LeaderLock>, StoreError> {
        use sqlx::Connection;
        match self {
            Store::Sqlite(_) => Ok(Some(LeaderLock::Single)),
            Store::Postgres(pool) => {
                let mut conn = pool.acquire().await?.detach();
                let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(key)
                    .fetch_one(&mut conn)
                    .await?;
                if taken {
                    Ok(Some(LeaderLock::Postgres(conn)))
                } else {
                    let _ = conn.close().await;
                    Ok(None)
                }
            }
        }
    }
}

impl LeaderLock {
    /// Whether the lock is still held: its connection answers.
    pub async fn alive(&mut self) -> Result<(), StoreError> {
        match self {
            LeaderLock::Single => Ok(()),
            LeaderLock::Postgres(conn) => {
                sqlx::query("SELECT 1").execute(&mut *conn).await?;
                Ok(())
            }
        }
    }

    /// Gives the lock up (a clean shutdown), so a standby takes over at once.
    pub async fn release(self, key: i64) {
        use sqlx::Connection;
        if let LeaderLock::Postgres(mut conn) = self {
            let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(key)
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
        }
    }
}
