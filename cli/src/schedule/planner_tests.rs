//! The planner's rules over a fake clock: every instant is written out, nothing reads the time.

use super::*;

const SITE: &str = "sample";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn policy() -> Policy {
    Policy {
        absent_recheck_days: 1,
        partial_backoff: TimeDelta::minutes(60),
        partial_max_replays: 2,
        lookback_days: 3,
        stuck_after: TimeDelta::hours(6),
    }
}

fn issue(date: &str, state: IssueState, updated: &str) -> IssueHistory {
    IssueHistory {
        issue_date: day(date),
        state,
        updated_at: at(updated),
    }
}

fn planned(date: &str, slot: &str, reason: Reason) -> PlanRow {
    PlanRow {
        site: SITE.into(),
        issue_date: day(date),
        slot_at: at(slot),
        reason: reason.as_str().into(),
        planned_at: at(slot),
        sent_at: Some(at(slot)),
    }
}

fn run(slot: &str, history: &History) -> SitePlan {
    plan(
        at(slot),
        TimeZone::default(),
        Schedule::Daily,
        &policy(),
        history,
    )
}

// 2024-03-10 06:30 in Shanghai.
const SLOT: &str = "2024-03-09T22:30:00Z";

#[test]
fn without_a_complete_issue_the_window_is_the_lookback_up_to_the_papers_today() {
    let plan = run(SLOT, &History::default());
    assert_eq!(
        (plan.from, plan.today),
        (day("2024-03-07"), day("2024-03-10"))
    );
    let dates: Vec<_> = plan.enqueue.iter().map(|(d, _)| d.to_string()).collect();
    assert_eq!(
        dates,
        ["2024-03-07", "2024-03-08", "2024-03-09", "2024-03-10"]
    );
    assert!(plan.enqueue.iter().all(|(_, r)| *r == Reason::New));
}

#[test]
fn from_the_newest_complete_issue_to_today_in_flight_and_done_left_alone() {
    let history = History {
        newest_complete: Some(day("2024-02-20")),
        issues: vec![
            issue("2024-02-20", IssueState::Complete, "2024-02-20T01:00:00Z"),
            issue("2024-02-21", IssueState::Queued, "2024-03-09T22:00:00Z"),
            issue("2024-02-22", IssueState::Parsing, "2024-03-09T22:00:00Z"),
            issue("2024-02-24", IssueState::Complete, "2024-03-09T22:00:00Z"),
        ],
        plans: Vec::new(),
    };
    let plan = run(SLOT, &history);
    assert_eq!(plan.from, day("2024-02-21"));
    let dates: Vec<NaiveDate> = plan.enqueue.iter().map(|(d, _)| *d).collect();
    assert_eq!(dates.first(), Some(&day("2024-02-23")));
    assert!(!dates.contains(&day("2024-02-24")));
    assert_eq!(dates.last(), Some(&day("2024-03-10")));
    // 2024-02-23 and 2024-02-25 … 2024-03-10 (a leap year: 29 February is a day too).
    assert_eq!(dates.len(), 1 + 15);
}

#[test]
fn a_weekly_paper_is_asked_only_on_its_day() {
    let plan = plan(
        at(SLOT),
        TimeZone::default(),
        Schedule::Weekly(chrono::Weekday::Fri),
        &policy(),
        &History::default(),
    );
    assert_eq!(plan.enqueue, vec![(day("2024-03-08"), Reason::New)]);
}

#[test]
fn an_absent_issue_is_checked_again_on_its_day_and_the_next_then_final() {
    let history = |updated: &str| History {
        newest_complete: Some(day("2024-03-08")),
        issues: vec![
            issue("2024-03-08", IssueState::Complete, "2024-03-08T01:00:00Z"),
            issue("2024-03-09", IssueState::Absent, updated),
        ],
        plans: Vec::new(),
    };
    // On its own day (the 9th, Shanghai), at the 14:00 slot, after an absent check at 06:30.
    let own_day = run("2024-03-09T06:00:00Z", &history("2024-03-08T22:31:00Z"));
    assert!(
        own_day
            .enqueue
            .contains(&(day("2024-03-09"), Reason::AbsentRecheck))
    );
    // The next day, still.
    let next_day = run(SLOT, &history("2024-03-09T06:01:00Z"));
    assert!(
        next_day
            .enqueue
            .contains(&(day("2024-03-09"), Reason::AbsentRecheck))
    );
    // Two days later it is final: no issue that day.
    let later = run("2024-03-10T22:30:00Z", &history("2024-03-09T22:31:00Z"));
    assert!(
        !later.enqueue.iter().any(|(d, _)| *d == day("2024-03-09")),
        "{later:?}"
    );
    // Checked after the slot began (a late pass): not again in this slot.
    let just_checked = run(SLOT, &history("2024-03-09T22:31:00Z"));
    assert!(
        !just_checked
            .enqueue
            .iter()
            .any(|(d, _)| *d == day("2024-03-09"))
    );
}

#[test]
fn a_partial_issue_is_replayed_after_a_doubling_back_off_a_bounded_number_of_times() {
    let partial = issue("2024-03-09", IssueState::Partial, "2024-03-09T21:00:00Z");
    let history = |plans: Vec<PlanRow>, updated: &str| History {
        newest_complete: Some(day("2024-03-08")),
        issues: vec![IssueHistory {
            updated_at: at(updated),
            ..partial.clone()
        }],
        plans,
    };
    let replayed = |plan: &SitePlan| {
        plan.enqueue
            .contains(&(day("2024-03-09"), Reason::PartialReplay))
    };
    // Partial since 21:00 UTC, slot at 22:30: 90 min > 60 min of back-off.
    assert!(replayed(&run(
        SLOT,
        &history(Vec::new(), "2024-03-09T21:00:00Z")
    )));
    // Partial since 22:00: only 30 min, wait.
    assert!(!replayed(&run(
        SLOT,
        &history(Vec::new(), "2024-03-09T22:00:00Z")
    )));
    // Replayed once: the back-off is 120 min now.
    let once = vec![planned(
        "2024-03-09",
        "2024-03-09T06:00:00Z",
        Reason::PartialReplay,
    )];
    assert!(!replayed(&run(
        SLOT,
        &history(once.clone(), "2024-03-09T21:00:00Z")
    )));
    assert!(replayed(&run(SLOT, &history(once, "2024-03-09T20:00:00Z"))));
    // Replayed twice (the maximum): reported, not replayed, however long ago.
    let twice = vec![
        planned("2024-03-09", "2024-03-09T01:00:00Z", Reason::PartialReplay),
        planned("2024-03-09", "2024-03-09T06:00:00Z", Reason::PartialReplay),
    ];
    let exhausted = run(SLOT, &history(twice, "2024-03-01T00:00:00Z"));
    assert!(!replayed(&exhausted));
    assert_eq!(
        exhausted.reported,
        vec![Reported {
            date: day("2024-03-09"),
            state: IssueState::Partial
        }]
    );
}

#[test]
fn an_issue_on_its_way_for_too_long_is_sent_again_a_bounded_number_of_times() {
    let history = |state: IssueState, updated: &str, plans: Vec<PlanRow>| History {
        newest_complete: Some(day("2024-03-08")),
        issues: vec![issue("2024-03-09", state, updated)],
        plans,
    };
    let resent = |plan: &SitePlan| {
        plan.enqueue
            .contains(&(day("2024-03-09"), Reason::StuckResend))
    };
    // Unchanged since 10:00 UTC, slot at 22:30: 12.5 h > 6 h, whatever the in-flight state.
    for state in [
        IssueState::Queued,
        IssueState::Crawling,
        IssueState::Parsing,
    ] {
        let plan = run(SLOT, &history(state, "2024-03-09T10:00:00Z", Vec::new()));
        assert!(resent(&plan), "{state:?}: {plan:?}");
        assert!(plan.reported.is_empty());
    }
    // Changed 2.5 h ago: on its way, left alone.
    let moving = run(
        SLOT,
        &history(IssueState::Parsing, "2024-03-09T20:00:00Z", Vec::new()),
    );
    assert!(!resent(&moving) && moving.reported.is_empty(), "{moving:?}");
    // Sent again twice (the maximum) and still stuck: reported, not sent a third time.
    let twice = vec![
        planned("2024-03-09", "2024-03-08T22:30:00Z", Reason::StuckResend),
        planned("2024-03-09", "2024-03-09T06:00:00Z", Reason::StuckResend),
    ];
    let exhausted = run(
        SLOT,
        &history(IssueState::Queued, "2024-03-09T06:00:00Z", twice),
    );
    assert!(!resent(&exhausted));
    assert_eq!(
        exhausted.reported,
        vec![Reported {
            date: day("2024-03-09"),
            state: IssueState::Queued
        }]
    );
}

#[test]
fn a_failed_issue_is_reported_and_never_replayed() {
    let history = History {
        newest_complete: Some(day("2024-03-10")),
        issues: vec![issue(
            "2024-03-08",
            IssueState::Failed,
            "2024-03-08T01:00:00Z",
        )],
        plans: Vec::new(),
    };
    let plan = run(SLOT, &history);
    assert!(
        !plan.enqueue.iter().any(|(d, _)| *d == day("2024-03-08")),
        "{plan:?}"
    );
    assert_eq!(
        plan.reported,
        vec![Reported {
            date: day("2024-03-08"),
            state: IssueState::Failed
        }]
    );
}

#[test]
fn a_slot_run_again_plans_nothing_it_planned_before() {
    let first = run(SLOT, &History::default());
    let plans: Vec<PlanRow> = first
        .enqueue
        .iter()
        .map(|(d, r)| planned(&d.to_string(), SLOT, *r))
        .collect();
    // A restart before any of them was even marked queued: the rows alone decide.
    let again = run(
        SLOT,
        &History {
            plans: plans.clone(),
            ..History::default()
        },
    );
    assert_eq!(again.enqueue, Vec::new());
    // The next slot may plan them again (they are still unknown to the archive).
    let next = run(
        "2024-03-10T01:00:00Z",
        &History {
            plans,
            ..History::default()
        },
    );
    assert_eq!(next.enqueue.len(), first.enqueue.len());
}

#[test]
fn today_is_the_papers_day_across_utc_midnight() {
    // 23:30 UTC on the 9th is 07:30 on the 10th in Shanghai but still the 9th in UTC.
    let slot = "2024-03-09T23:30:00Z";
    let shanghai = run(slot, &History::default());
    assert_eq!(shanghai.today, day("2024-03-10"));
    let utc = plan(
        at(slot),
        "+00:00".parse().unwrap(),
        Schedule::Daily,
        &policy(),
        &History::default(),
    );
    assert_eq!(utc.today, day("2024-03-09"));
    assert_eq!(utc.enqueue.last(), Some(&(day("2024-03-09"), Reason::New)));
}

#[test]
fn lag_runs_from_the_oldest_unsettled_day_of_the_paper() {
    let zone = TimeZone::default();
    let now = at("2024-03-10T04:00:00Z"); // 12:00 on the 10th in Shanghai.
    let settled = History {
        newest_complete: Some(day("2024-03-09")),
        issues: vec![
            issue("2024-03-06", IssueState::Absent, "2024-03-06T01:00:00Z"),
            issue("2024-03-07", IssueState::Complete, "2024-03-07T01:00:00Z"),
            issue("2024-03-08", IssueState::Complete, "2024-03-08T01:00:00Z"),
            issue("2024-03-09", IssueState::Complete, "2024-03-09T01:00:00Z"),
            issue("2024-03-10", IssueState::Complete, "2024-03-10T01:00:00Z"),
        ],
        plans: Vec::new(),
    };
    let lag_of = |h: &History| lag(now, zone, Schedule::Daily, &policy(), h);
    assert_eq!(lag_of(&settled), TimeDelta::zero());
    // Today's issue not in yet: 12 hours since the day began in Shanghai.
    let mut waiting = settled.clone();
    waiting.issues.pop();
    assert_eq!(lag_of(&waiting), TimeDelta::hours(12));
    // A failed issue two days ago keeps the site behind until someone acts.
    let mut failed = settled.clone();
    failed.issues[3].state = IssueState::Failed;
    assert_eq!(lag_of(&failed), TimeDelta::hours(36));
}
