//! The planner: a pure function from (the slot, a site's history in the archive, the policy)
//! to the issues to enqueue now, each with its reason, and the issues to report. No clock, no
//! database, no broker: every rule of the schedule is here and tested here.
//!
//! The window of a pass is every publication day from the day after the newest complete issue
//! (or `lookback_days` before today, whichever is earlier) up to today, in the paper's time
//! zone. In it, an issue
//! - never seen is enqueued (`new`);
//! - `queued`, `crawling`, `parsing` is on its way, `complete` is done: left alone; but one
//!   on its way unchanged for `stuck_after` (its message lost: a purged queue, a broker that
//!   lost an unreplicated queue) is sent again (`stuck_resend`), at most `partial_max_replays`
//!   times, then reported;
//! - `absent` is enqueued again at each slot of its own day and of `absent_recheck_days` after
//!   it (`absent_recheck`: papers publish at different hours), then final;
//! - `partial` is replayed once `partial_backoff` has passed since it became partial, twice as
//!   long after each replay, at most `partial_max_replays` times (`partial_replay`), then
//!   reported;
//! - `failed` is reported, never replayed by the scheduler (`epaper replay` is the operator's).
//!
//! An issue already planned in this slot is not planned again: a pass run twice for one slot
//! (a restart, a second replica) plans nothing new for it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use epaper_common::sites::{Schedule, TimeZone};
use epaper_indexer::{IssueHistory, IssueState, PlanRow};
use serde::Serialize;

/// Why an issue is enqueued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    New,
    AbsentRecheck,
    PartialReplay,
    StuckResend,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::AbsentRecheck => "absent_recheck",
            Reason::PartialReplay => "partial_replay",
            Reason::StuckResend => "stuck_resend",
        }
    }

    /// The reason a plan row records, back (an unknown name is a first crawl).
    pub fn parse(name: &str) -> Reason {
        match name {
            "absent_recheck" => Reason::AbsentRecheck,
            "partial_replay" => Reason::PartialReplay,
            "stuck_resend" => Reason::StuckResend,
            _ => Reason::New,
        }
    }
}

/// The rules' numbers (`[schedule]` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub absent_recheck_days: u32,
    pub partial_backoff: TimeDelta,
    pub partial_max_replays: u32,
    pub lookback_days: u32,
    /// How long an issue may stay `queued`, `crawling` or `parsing` unchanged before it is sent
    /// again.
    pub stuck_after: TimeDelta,
}

/// What the archive says of one site.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub newest_complete: Option<NaiveDate>,
    /// Its issues of the window (later ones do no harm).
    pub issues: Vec<IssueHistory>,
    /// Its plan rows of the window.
    pub plans: Vec<PlanRow>,
}

/// An issue the pass leaves to the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reported {
    pub date: NaiveDate,
    pub state: IssueState,
}

/// The decisions of one pass over one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePlan {
    pub from: NaiveDate,
    pub today: NaiveDate,
    pub enqueue: Vec<(NaiveDate, Reason)>,
    pub reported: Vec<Reported>,
}

/// The plan of the pass at `slot` for a paper in `zone` that publishes on `publishes`.
pub fn plan(
    slot: DateTime<Utc>,
    zone: TimeZone,
    publishes: Schedule,
    policy: &Policy,
    history: &History,
) -> SitePlan {
    let today = zone.today(slot);
    let from = window_start(today, policy, history.newest_complete);
    let states: BTreeMap<NaiveDate, &IssueHistory> =
        history.issues.iter().map(|i| (i.issue_date, i)).collect();
    let planned_now: BTreeSet<NaiveDate> = history
        .plans
        .iter()
        .filter(|p| p.slot_at == slot)
        .map(|p| p.issue_date)
        .collect();
    let mut out = SitePlan {
        from,
        today,
        enqueue: Vec::new(),
        reported: Vec::new(),
    };
    for date in from.iter_days().take_while(|d| *d <= today) {
        if !publishes.publishes_on(date) || planned_now.contains(&date) {
            continue;
        }
        let Some(issue) = states.get(&date) else {
            out.enqueue.push((date, Reason::New));
            continue;
        };
        match issue.state {
            IssueState::Queued | IssueState::Crawling | IssueState::Parsing => {
                if slot >= issue.updated_at + policy.stuck_after {
                    if times_planned(history, date, Reason::StuckResend)
                        >= policy.partial_max_replays
                    {
                        out.reported.push(Reported {
                            date,
                            state: issue.state,
                        });
                    } else {
                        out.enqueue.push((date, Reason::StuckResend));
                    }
                }
            }
            IssueState::Complete => {}
            IssueState::Absent => {
                if absent_rechecked(date, today, issue, slot, policy) {
                    out.enqueue.push((date, Reason::AbsentRecheck));
                }
            }
            IssueState::Partial => {
                let replays = times_planned(history, date, Reason::PartialReplay);
                if replays >= policy.partial_max_replays {
                    out.reported.push(Reported {
                        date,
                        state: issue.state,
                    });
                } else if slot >= issue.updated_at + backoff(policy, replays) {
                    out.enqueue.push((date, Reason::PartialReplay));
                }
            }
            IssueState::Failed => out.reported.push(Reported {
                date,
                state: issue.state,
            }),
        }
    }
    out
}

/// The first day of the window: the day after the newest complete issue, or `lookback_days`
/// before today if that is earlier (or there is none).
fn window_start(
    today: NaiveDate,
    policy: &Policy,
    newest_complete: Option<NaiveDate>,
) -> NaiveDate {
    let lookback = today
        .checked_sub_days(Days::new(policy.lookback_days.into()))
        .unwrap_or(today);
    match newest_complete.and_then(|d| d.succ_opt()) {
        Some(after) => after.min(lookback),
        None => lookback,
    }
}

/// An absent issue is checked again on its own day and `absent_recheck_days` after, once per
/// slot, unless it became absent after the slot began (it was just checked).
fn absent_rechecked(
    date: NaiveDate,
    today: NaiveDate,
    issue: &IssueHistory,
    slot: DateTime<Utc>,
    policy: &Policy,
) -> bool {
    let last_day = date.checked_add_days(Days::new(policy.absent_recheck_days.into()));
    last_day.is_some_and(|last| today <= last) && issue.updated_at < slot
}

/// How many passes planned the issue of `date` for `reason`.
fn times_planned(history: &History, date: NaiveDate, reason: Reason) -> u32 {
    let n = history
        .plans
        .iter()
        .filter(|p| p.issue_date == date && p.reason == reason.as_str())
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How long after it became partial an issue replayed `replays` times waits: the back-off,
/// doubled per replay (capped at 2^16 times).
fn backoff(policy: &Policy, replays: u32) -> TimeDelta {
    policy.partial_backoff * 2i32.pow(replays.min(16))
}

/// How far `site` is behind its schedule at `now`: from the start of the oldest publication day
/// of the window whose issue is neither complete nor finally absent, in the paper's time zone;
/// zero when there is none.
pub fn lag(
    now: DateTime<Utc>,
    zone: TimeZone,
    publishes: Schedule,
    policy: &Policy,
    history: &History,
) -> TimeDelta {
    let today = zone.today(now);
    let from = window_start(today, policy, history.newest_complete);
    let states: BTreeMap<NaiveDate, &IssueHistory> =
        history.issues.iter().map(|i| (i.issue_date, i)).collect();
    let settled = |date: NaiveDate| match states.get(&date).map(|i| i.state) {
        Some(IssueState::Complete) => true,
        Some(IssueState::Absent) => date
            .checked_add_days(Days::new(policy.absent_recheck_days.into()))
            .is_some_and(|last| today > last),
        _ => false,
    };
    let oldest = from
        .iter_days()
        .take_while(|d| *d <= today)
        .find(|d| publishes.publishes_on(*d) && !settled(*d));
    let Some(day) = oldest else {
        return TimeDelta::zero();
    };
    let start = day
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(zone.offset()).single())
        .map(|local| local.with_timezone(&Utc));
    start.map_or(TimeDelta::zero(), |start| {
        (now - start).max(TimeDelta::zero())
    })
}

#[cfg(test)]
#[path = "planner_tests.rs"]
mod tests;
