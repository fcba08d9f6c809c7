//! `epaper schedule`: keeps the configured papers current without anyone enqueueing.
//!
//! At each of a site's times of day (its slots, `slots.rs`) the leader runs a pass: the
//! planner (`planner.rs`, a pure function of the slot and the site's history) decides which
//! issues to enqueue and why, each decision is recorded in `schedule_plan` (insert if absent,
//! keyed by site, issue date and slot) before its request is sent through
//! [`crate::enqueue::enqueue_issues`], and marked sent once the broker confirmed it.
//!
//! What must stay true:
//! - one scheduler acts at a time: the leader holds a PostgreSQL advisory lock on a connection
//!   of its own ([`LeaderLock`]), checked before every pass and taken again when lost; a
//!   standby only waits. SQLite (embedded) is one process by design: its lock is always held.
//! - a restart never enqueues twice: a slot run again finds its rows and plans nothing new; a
//!   row left unsent by a crash is resolved by [`Scheduler::recover`] before the next pass: its
//!   issue marked at or after the row was planned means the request went out (it is marked only
//!   after the broker confirmed it), so the row is closed without a send; otherwise it is sent.
//!   The one window left is a crash after the broker confirmed and before the issue was marked:
//!   then the issue is sent again, which costs a second, idempotent crawl of one issue.

pub mod config;
pub mod planner;
pub mod slots;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use epaper_common::transport::Outbox;
use epaper_indexer::{IssueState, LeaderLock, Store};
use indicatif::ProgressBar;
use serde::Serialize;

pub use config::Config;
use config::SiteEntry;
use planner::{History, Reason};

use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::plan::crawl_request;

/// The advisory lock key of the scheduler: "epaper.schedule" in ASCII, folded into an i64.
pub const LEADER_KEY: i64 = 0x6570_6170_6572_5343;

/// Where the time comes from: the system's, or a test's.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test moves it.
pub struct FakeClock(Mutex<DateTime<Utc>>);

impl FakeClock {
    pub fn at(now: DateTime<Utc>) -> FakeClock {
        FakeClock(Mutex::new(now))
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = now;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// An issue a pass sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub site: String,
    pub date: NaiveDate,
    pub reason: Reason,
}

/// An issue a pass meant to send and could not (it is sent by a later pass).
#[derive(Debug, Clone, Serialize)]
pub struct Unsent {
    pub site: String,
    pub date: NaiveDate,
    pub error: String,
}

/// An issue left to the operator: `failed`, or `partial` after its last replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reported {
    pub site: String,
    pub date: NaiveDate,
    pub state: IssueState,
}

/// What one pass did, for the log, `--once` and its `--json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassSummary {
    pub sent: Vec<Sent>,
    /// Rows a crash had left unsent, closed (already sent) or sent now.
    pub recovered: usize,
    pub unsent: Vec<Unsent>,
    pub reported: Vec<Reported>,
}

impl PassSummary {
    /// Whether it left anything undone: a request not sent, an issue reported.
    pub fn incomplete(&self) -> bool {
        !self.unsent.is_empty() || !self.reported.is_empty()
    }

    /// The one-line summary.
    pub fn line(&self) -> String {
        format!(
            "{} issue{} enqueued, {} not sent, {} reported (failed, or partial after the last replay)",
            self.sent.len(),
            if self.sent.len() == 1 { "" } else { "s" },
            self.unsent.len(),
            self.reported.len()
        )
    }
}

pub struct Scheduler<O> {
    store: Store,
    outbox: O,
    config: Config,
    clock: Arc<dyn Clock>,
}

impl<O: Outbox> Scheduler<O> {
    pub fn new(store: Store, outbox: O, config: Config, clock: Arc<dyn Clock>) -> Scheduler<O> {
        Scheduler {
            store,
            outbox,
            config,
            clock,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What the leader runs at each wake: [`Scheduler::recover`], then [`Scheduler::pass`].
    /// Only the lock holder may call it: recovery sends rows another acting scheduler may be
    /// about to send.
    pub async fn lead_pass(
        &self,
        done: &mut HashMap<String, DateTime<Utc>>,
    ) -> anyhow::Result<PassSummary> {
        let mut unsent = Vec::new();
        let recovered = self.recover(&mut unsent).await?;
        let mut summary = self.pass(done).await?;
        summary.recovered = recovered;
        unsent.append(&mut summary.unsent);
        summary.unsent = unsent;
        Ok(summary)
    }

    /// One pass over every site at the latest slot at or before now; `done` holds the slot each
    /// site last ran in this process, and a site whose slot it already ran is skipped. Two
    /// passes of one slot at once send each issue once (the plan table's insert if absent).
    pub async fn pass(
        &self,
        done: &mut HashMap<String, DateTime<Utc>>,
    ) -> anyhow::Result<PassSummary> {
        let mut summary = PassSummary::default();
        let now = self.clock.now();
        for entry in &self.config.sites {
            let slot = entry.times.latest(entry.profile.timezone, now);
            if done.get(&entry.profile.id) == Some(&slot) {
                continue;
            }
            self.site_pass(entry, slot, &mut summary).await?;
            done.insert(entry.profile.id.clone(), slot);
        }
        metrics::gauge!("epaper_schedule_last_run_timestamp_seconds").set(now.timestamp() as f64);
        self.refresh_lag().await;
        Ok(summary)
    }

    /// The pass of one site at `slot`: plan, then claim, send and close each decision.
    async fn site_pass(
        &self,
        entry: &SiteEntry,
        slot: DateTime<Utc>,
        summary: &mut PassSummary,
    ) -> anyhow::Result<()> {
        let site = entry.profile.id.as_str();
        let history = self.history(entry, slot).await?;
        let plan = planner::plan(
            slot,
            entry.profile.timezone,
            entry.profile.schedule,
            &self.config.policy,
            &history,
        );
        tracing::info!(site, %slot, from = %plan.from, today = %plan.today,
            n_planned = plan.enqueue.len(), n_reported = plan.reported.len(), "schedule pass");
        for (date, reason) in plan.enqueue {
            if !self
                .store
                .claim_plan(site, date, slot, reason.as_str())
                .await?
            {
                continue;
            }
            match self.send(entry, date, reason).await {
                Ok(()) => {
                    self.store.plan_sent(site, date, slot).await?;
                    metrics::counter!("epaper_schedule_enqueued_total",
                        "site" => site.to_string(), "reason" => reason.as_str())
                    .increment(1);
                    summary.sent.push(Sent {
                        site: site.to_string(),
                        date,
                        reason,
                    });
                }
                Err(error) => {
                    tracing::warn!(site, issue_date = %date, error = %format!("{error:#}"), "not sent; a later pass sends it");
                    summary.unsent.push(Unsent {
                        site: site.to_string(),
                        date,
                        error: format!("{error:#}"),
                    });
                }
            }
        }
        for reported in plan.reported {
            tracing::warn!(site, issue_date = %reported.date, state = %reported.state,
                "issue left to the operator (`epaper replay --state {}`)", reported.state);
            summary.reported.push(Reported {
                site: site.to_string(),
                date: reported.date,
                state: reported.state,
            });
        }
        Ok(())
    }

    /// What the archive says of `entry`'s site, for the window of a pass at `at`.
    async fn history(&self, entry: &SiteEntry, at: DateTime<Utc>) -> anyhow::Result<History> {
        let site = entry.profile.id.as_str();
        let newest_complete = self.store.newest_complete(site).await?;
        let today = entry.profile.timezone.today(at);
        let lookback = today
            .checked_sub_days(chrono::Days::new(self.config.policy.lookback_days.into()))
            .unwrap_or(today);
        let from = newest_complete.map_or(lookback, |d| d.min(lookback));
        Ok(History {
            newest_complete,
            issues: self.store.issue_history(site, from).await?,
            plans: self.store.plan_history(site, from).await?,
        })
    }

    /// Sends one crawl request and marks its issue, the one way every command does.
    async fn send(&self, entry: &SiteEntry, date: NaiveDate, reason: Reason) -> anyhow::Result<()> {
        let plan = Plan {
            issues: vec![crawl_request(
                &entry.profile.id,
                entry.base_url.as_deref(),
                date,
                None,
            )],
            conditional: true,
            // A first crawl leaves an issue already further along as it is; a re-check or a
            // replay puts it back to queued whatever it was.
            mark: match reason {
                Reason::New => Mark::Queued,
                Reason::AbsentRecheck | Reason::PartialReplay | Reason::StuckResend => {
                    Mark::Requeued
                }
            },
        };
        enqueue_issues(
            Archive::Required(&self.store),
            &self.outbox,
            &plan,
            &ProgressBar::hidden(),
        )
        .await
    }

    /// Resolves the plan rows a crash (or a refused send) left unsent: closed without a send
    /// when their issue was marked since they were planned, sent otherwise. Rows still unsent
    /// go to `unsent`; returns how many were resolved.
    pub async fn recover(&self, unsent: &mut Vec<Unsent>) -> anyhow::Result<usize> {
        let mut resolved = 0;
        for row in self.store.unsent_plans().await? {
            let Some(entry) = self.config.sites.iter().find(|e| e.profile.id == row.site) else {
                continue;
            };
            let marked = self
                .store
                .issue_updated_at(&row.site, row.issue_date)
                .await?;
            let went_out = marked.is_some_and(|at| at >= row.planned_at);
            let reason = Reason::parse(&row.reason);
            if !went_out && let Err(error) = self.send(entry, row.issue_date, reason).await {
                unsent.push(Unsent {
                    site: row.site.clone(),
                    date: row.issue_date,
                    error: format!("{error:#}"),
                });
                continue;
            }
            self.store
                .plan_sent(&row.site, row.issue_date, row.slot_at)
                .await?;
            tracing::info!(site = %row.site, issue_date = %row.issue_date, resent = !went_out, "unsent plan row resolved");
            resolved += 1;
        }
        Ok(resolved)
    }

    /// Sets `epaper_schedule_lag_seconds{site}` from the archive as it is now.
    pub async fn refresh_lag(&self) {
        let now = self.clock.now();
        for entry in &self.config.sites {
            let site = entry.profile.id.clone();
            match self.history(entry, now).await {
                Ok(history) => {
                    let lag = planner::lag(
                        now,
                        entry.profile.timezone,
                        entry.profile.schedule,
                        &self.config.policy,
                        &history,
                    );
                    metrics::gauge!("epaper_schedule_lag_seconds", "site" => site)
                        .set(lag.num_seconds() as f64);
                }
                Err(error) => {
                    tracing::warn!(site, error = %format!("{error:#}"), "cannot read the lag")
                }
            }
        }
    }

    /// The next instant a site's slot falls, at most `cap` from now.
    pub fn next_wake(&self, cap: Duration) -> Duration {
        let now = self.clock.now();
        self.config
            .sites
            .iter()
            .map(|e| e.times.next(e.profile.timezone, now) - now)
            .filter_map(|delta| delta.to_std().ok())
            .min()
            .map_or(cap, |d| d.min(cap))
    }
}

/// The lead, as a service holds it: taken when free, checked before each pass, dropped when
/// its connection is lost.
pub struct Lead {
    lock: Option<LeaderLock>,
}

impl Lead {
    pub fn new() -> Lead {
        Lead { lock: None }
    }

    /// Whether this process leads now, taking the lock if it is free.
    pub async fn hold(&mut self, store: &Store) -> bool {
        if let Some(lock) = &mut self.lock
            && let Err(error) = lock.alive().await
        {
            tracing::warn!(%error, "lost the scheduler lock with its connection; trying to take it again");
            self.lock = None;
        }
        if self.lock.is_none() {
            match store.try_leader_lock(LEADER_KEY).await {
                Ok(Some(lock)) => {
                    tracing::info!("leading: this scheduler acts");
                    self.lock = Some(lock);
                }
                Ok(None) => tracing::debug!("standing by: another scheduler acts"),
                Err(error) => tracing::warn!(%error, "cannot take the scheduler lock"),
            }
        }
        metrics::gauge!("epaper_schedule_leader").set(if self.lock.is_some() { 1.0 } else { 0.0 });
        self.lock.is_some()
    }

    pub async fn release(self) {
        if let Some(lock) = self.lock {
            lock.release(LEADER_KEY).await;
        }
    }
}

impl Default for Lead {
    fn default() -> Lead {
        Lead::new()
    }
}
