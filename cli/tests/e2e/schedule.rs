//! `epaper schedule`: one scheduler acts among several (the PostgreSQL advisory lock), a slot
//! run again or a crash resolved sends nothing twice, and, left alone with the services and a
//! sample site whose issues appear over time, it archives each new issue without a command.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use epaper::schedule::{Config, FakeClock, Lead, Scheduler};
use epaper_common::config::ScheduleSettings;
use epaper_common::error::StageError;
use epaper_common::messages::Message;
use epaper_common::sites::Sites;
use epaper_common::transport::Outbox;
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use epaper_indexer::{IssueState, Store};

use crate::support::*;

/// An outbox that keeps what it is sent: (site, date) of every crawl request.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, NaiveDate)>>>);

impl Outbox for Recorder {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        if let Message::CrawlIssue(issue) = message {
            self.0.lock().unwrap().push((issue.site, issue.date));
        }
        Ok(())
    }
}

impl Recorder {
    fn sent(&self) -> Vec<(String, NaiveDate)> {
        self.0.lock().unwrap().clone()
    }
}

fn config(base_url: &str) -> Config {
    let settings = ScheduleSettings {
        sites: vec!["sample".into()],
        times: vec!["06:30".into(), "09:00".into(), "14:00".into()],
        site_times: BTreeMap::new(),
        base_urls: BTreeMap::from([("sample".to_string(), base_url.to_string())]),
        absent_recheck_days: 1,
        partial_backoff_minutes: 60,
        partial_max_replays: 3,
        lookback_days: 3,
        stuck_after_minutes: 360,
    };
    let sites = Sites::load(&Default::default()).unwrap();
    Config::from_settings(&settings, &sites).unwrap()
}

async fn migrated(url: &str) -> Store {
    let store = Store::connect(url, 2).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn scheduler(store: &Store, outbox: &Recorder, clock: &Arc<FakeClock>) -> Scheduler<Recorder> {
    Scheduler::new(
        store.clone(),
        outbox.clone(),
        config("http://127.0.0.1:1/"),
        clock.clone(),
    )
}

/// Two schedulers on one database: one takes the lead, the other stands by, and takes over
/// when the leader's connection is lost. Even two passes of one slot run at once (as if both
/// acted) send each issue once.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn of_two_schedulers_one_acts_and_the_other_takes_over() {
    let db = FreshDatabase::create().await;
    let (first, second) = (migrated(&db.url).await, migrated(&db.url).await);
    let (mut lead_a, mut lead_b) = (Lead::new(), Lead::new());
    let (a, b) = tokio::join!(lead_a.hold(&first), lead_b.hold(&second));
    assert!(a ^ b, "exactly one leads: {a} {b}");
    let (mut leader, mut standby, standby_store) = if a {
        (lead_a, lead_b, &second)
    } else {
        (lead_b, lead_a, &first)
    };
    assert!(!standby.hold(standby_store).await, "the lock is still held");

    // Both pass the same slot at once: the plan table lets each issue through once.
    let clock = Arc::new(FakeClock::at(Utc::now()));
    let (one, two) = (Recorder::default(), Recorder::default());
    let (s1, s2) = (
        scheduler(&first, &one, &clock),
        scheduler(&second, &two, &clock),
    );
    let (mut done1, mut done2) = (HashMap::new(), HashMap::new());
    let (r1, r2) = tokio::join!(s1.pass(&mut done1), s2.pass(&mut done2));
    let n = r1.unwrap().sent.len() + r2.unwrap().sent.len();
    let mut all = one.sent();
    all.extend(two.sent());
    let unique: std::collections::BTreeSet<_> = all.iter().cloned().collect();
    assert_eq!(all.len(), unique.len(), "an issue was sent twice: {all:?}");
    assert_eq!((n, all.len()), (4, 4), "lookback 3 days and today: {all:?}");

    // The leader's connection dies (a network cut): the server drops its lock, the standby
    // takes it, and the old leader now stands by.
    let admin = Store::connect(&db.url, 1).await.unwrap();
    let Store::Postgres(pool) = &admin else {
        unreachable!()
    };
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(killed, vec![true]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !standby.hold(standby_store).await {
        assert!(Instant::now() < deadline, "the standby never took the lead");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let old_store = if a { &first } else { &second };
    assert!(!leader.hold(old_store).await, "two leaders at once");
    standby.release().await;
    leader.release().await;
    for store in [first, second, admin] {
        store.close().await;
    }
    db.drop_it().await;
}

/// A restart runs the latest slot again and sends nothing it sent; a crash between a plan row
/// and its send is resolved by the next pass: sent once if it had not gone out, closed without
/// a send if its issue was marked (it had).
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn a_restart_or_a_crash_never_enqueues_twice() {
    let db = FreshDatabase::create().await;
    let store = migrated(&db.url).await;
    let now = Utc::now();
    let clock = Arc::new(FakeClock::at(now));
    let outbox = Recorder::default();
    let first = scheduler(&store, &outbox, &clock)
        .pass(&mut HashMap::new())
        .await
        .unwrap();
    assert_eq!(first.sent.len(), 4, "{first:?}");
    // The restarted process: a new scheduler, the same slot.
    let again = scheduler(&store, &outbox, &clock)
        .lead_pass(&mut HashMap::new())
        .await
        .unwrap();
    assert_eq!((again.sent.len(), outbox.sent().len()), (0, 4), "{again:?}");

    // Crashes in the next slot, staged by hand on two days of the window: for one the row was
    // written and nothing sent; for the other the request went out and the issue was marked,
    // but the row was never closed.
    // 17 h on is past at least one of the times (06:30, 09:00, 14:00 are at most 16.5 h apart).
    let slot: DateTime<Utc> = now + chrono::TimeDelta::hours(17);
    clock.set(slot);
    let sent = outbox.sent();
    let (unsent_day, marked_day) = (sent[0].1, sent[1].1);
    let next_slot = {
        let config = config("http://127.0.0.1:1/");
        let entry = &config.sites[0];
        entry.times.latest(entry.profile.timezone, slot)
    };
    for day in [unsent_day, marked_day] {
        // Absent now: due for nothing but a re-check, which the planner would not plan for
        // days this old; only recovery can send them.
        sqlx_set_state(&store, day, IssueState::Absent).await;
        assert!(
            store
                .claim_plan("sample", day, next_slot, "new")
                .await
                .unwrap()
        );
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    store.mark_requeued("sample", marked_day).await.unwrap();
    let before = outbox.sent().len();
    let resumed = scheduler(&store, &outbox, &clock)
        .lead_pass(&mut HashMap::new())
        .await
        .unwrap();
    let resent: Vec<_> = outbox.sent()[before..].iter().map(|(_, d)| *d).collect();
    assert_eq!(resumed.recovered, 2, "{resumed:?}");
    assert_eq!(
        resent.iter().filter(|d| **d == unsent_day).count(),
        1,
        "{resent:?}"
    );
    assert!(!resent.contains(&marked_day), "sent twice: {resent:?}");
    assert!(store.unsent_plans().await.unwrap().is_empty());
    store.close().await;
    db.drop_it().await;
}

/// Sets an issue's state as the indexer would, with `updated_at` an hour back.
async fn sqlx_set_state(store: &Store, date: NaiveDate, state: IssueState) {
    let Store::Postgres(pool) = store else {
        unreachable!()
    };
    sqlx::query(
        "UPDATE issues SET state = $1, updated_at = now() - interval '1 hour'
         WHERE site = 'sample' AND issue_date = $2",
    )
    .bind(state)
    .bind(date)
    .execute(pool)
    .await
    .unwrap();
}

/// Times of day in Shanghai every `step` from now on, `HH:MM:SS`, comma-separated.
fn times_from_now(step: Duration, n: usize) -> String {
    let zone = epaper_common::sites::TimeZone::default().offset();
    (1..=n)
        .map(|k| {
            let at = Utc::now() + chrono::TimeDelta::from_std(step * k as u32).unwrap();
            at.with_timezone(&zone).format("%H:%M:%S").to_string()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The "done when" of issue 18: the services and `epaper schedule` left alone with a sample
/// site that publishes a new issue every few seconds archive each one, with no command; a
/// `--once` beside the running service finds the lead taken and does nothing.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn a_stack_left_alone_archives_each_new_issue() {
    let site = SampleSite::start_publishing(3, 10);
    let db = FreshDatabase::create().await;
    let prefix = format!("test_{}", random_suffix());
    let logs = std::env::temp_dir().join(format!("epaper-e2e-{prefix}"));
    std::fs::create_dir_all(&logs).unwrap();
    let env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", db.url.clone()),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__SERVICE__SHUTDOWN_GRACE_SECS", "5".into()),
        ("EPAPER__SERVICE__HTTP_ADDR", "127.0.0.1:0".into()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
        ("EPAPER__SCHEDULE__SITES", "sample".into()),
        ("EPAPER__SCHEDULE__BASE_URLS__SAMPLE", site.base_url.clone()),
        (
            "EPAPER__SCHEDULE__TIMES",
            times_from_now(Duration::from_secs(3), 30),
        ),
    ]);
    run_ok(Command::new(bin("epaper")).arg("migrate").envs(&env));
    let mut children: Vec<KillOnDrop> = ["epaper-crawler", "epaper-parser", "epaper-indexer"]
        .iter()
        .map(|name| KillOnDrop(spawn_service(name, &env, &logs.join(format!("{name}.log")))))
        .collect();
    let schedule_log = logs.join("schedule.log");
    let mut scheduler = KillOnDrop(
        Command::new(bin("epaper"))
            .arg("schedule")
            .envs(&env)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&schedule_log).unwrap())
            .spawn()
            .unwrap(),
    );

    // The three issues are published 0, 10 and 20 s after the site started.
    let store = Store::connect(&db.url, 1).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut complete = Vec::new();
    while complete.len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        complete = store
            .issue_list(Some("sample"))
            .await
            .unwrap()
            .into_iter()
            .filter(|i| i.state == IssueState::Complete)
            .map(|i| i.date.to_string())
            .collect();
    }
    let (dates, want) = site.manifest().await;
    complete.sort();
    assert_eq!(
        complete,
        dates,
        "{}",
        std::fs::read_to_string(&schedule_log).unwrap()
    );
    // An issue is complete once its documents are counted in; the export may trail it by a
    // moment, as in the pipeline test.
    let mut rows = export_all(&db.url).await;
    while rows.len() < want.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rows = export_all(&db.url).await;
    }
    assert_same_set(&rows, &want);

    // The scheduler's metrics: what it enqueued and why, when it last ran, the site's lag.
    let addr = http_addr_in(&schedule_log);
    let (status, metrics) = get_status_text(format!("http://{addr}/metrics")).await;
    assert_eq!(status, 200);
    for needle in [
        "epaper_schedule_enqueued_total{site=\"sample\",reason=\"new\"}",
        "epaper_schedule_enqueued_total{site=\"sample\",reason=\"absent_recheck\"}",
        "epaper_schedule_last_run_timestamp_seconds",
        "epaper_schedule_lag_seconds{site=\"sample\"}",
    ] {
        assert!(metrics.contains(needle), "{needle} missing:\n{metrics}");
    }
    assert_eq!(
        get_status_text(format!("http://{addr}/readyz")).await.0,
        200
    );

    // Beside a running service, `--once` finds the lead taken: nothing done, exit 0.
    let once = Command::new(bin("epaper"))
        .args(["schedule", "--once", "--json"])
        .envs(&env)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&once.stdout);
    assert_eq!(once.status.code(), Some(0), "{stdout}");
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["leader"], false, "{summary}");

    assert!(
        terminate(&mut scheduler.0).success(),
        "a clean stop exits 0"
    );
    for child in &mut children {
        terminate(&mut child.0);
    }
    store.close().await;
    db.drop_it().await;
    delete_queues(&prefix).await;
}

/// `schedule --once` for cron: one pass, a summary line and JSON, exit 3 when it reports an
/// issue (here one that failed, which it never replays) and 0 when a pass finds nothing to do.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn once_reports_a_failed_issue_with_exit_3_and_a_json_summary() {
    let db = FreshDatabase::create().await;
    let prefix = format!("test_{}", random_suffix());
    let env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", db.url.clone()),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
        ("EPAPER__SCHEDULE__SITES", "sample".into()),
        (
            "EPAPER__SCHEDULE__BASE_URLS__SAMPLE",
            "http://127.0.0.1:1/".into(),
        ),
        ("EPAPER__SCHEDULE__LOOKBACK_DAYS", "2".into()),
    ]);
    run_ok(Command::new(bin("epaper")).arg("migrate").envs(&env));
    let store = Store::connect(&db.url, 1).await.unwrap();
    let today = epaper_common::sites::TimeZone::default().today(Utc::now());
    let yesterday = today.pred_opt().unwrap();
    store.mark_failed("sample", yesterday).await.unwrap();
    let once = || {
        Command::new(bin("epaper"))
            .args(["schedule", "--once", "--json"])
            .envs(&env)
            .output()
            .unwrap()
    };
    let out = once();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["leader"], true, "{summary}");
    assert_eq!(summary["exit"], 3, "{summary}");
    // The two days before today and today, less the failed one, which is reported instead.
    assert_eq!(summary["sent"].as_array().unwrap().len(), 2, "{summary}");
    assert_eq!(
        summary["reported"][0]["date"],
        yesterday.to_string(),
        "{summary}"
    );
    assert_eq!(summary["reported"][0]["state"], "failed", "{summary}");
    assert!(
        stdout.starts_with("2 issues enqueued, 0 not sent, 1 reported"),
        "{stdout}"
    );
    assert_eq!(
        store.issue_state("sample", yesterday).await.unwrap(),
        Some(IssueState::Failed),
        "a failed issue is not replayed"
    );

    // Run again in the same slot (cron twice): nothing sent twice; the report stands.
    let again = once();
    let stdout = String::from_utf8_lossy(&again.stdout);
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["sent"].as_array().unwrap().len(), 0, "{summary}");
    assert_eq!(again.status.code(), Some(3), "{stdout}");

    // Once the operator has dealt with it, the pass is clean: exit 0.
    sqlx_set_state(&store, yesterday, IssueState::Complete).await;
    let clean = once();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    store.close().await;
    db.drop_it().await;
    delete_queues(&prefix).await;
}

/// `enqueue` and `replay --state` tell "could not run" (1) from "some requests not sent" (3):
/// with no queue to route to (the topology never declared), the broker refuses the first
/// request, and the summary names every issue not sent.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn enqueue_and_replay_exit_3_naming_what_was_not_sent() {
    let db = FreshDatabase::create().await;
    let prefix = format!("test_{}", random_suffix());
    let mut env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", db.url.clone()),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
    ]);
    let store = migrated(&db.url).await;
    let enqueue = |env: &HashMap<&str, String>| {
        Command::new(bin("epaper"))
            .args([
                "enqueue",
                "--site",
                "sample",
                "--base-url",
                "http://127.0.0.1:1/",
            ])
            .args(["--from", "2024-03-04", "--to", "2024-03-05", "--json"])
            .envs(env)
            .output()
            .unwrap()
    };
    let out = enqueue(&env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.starts_with("0 of 2 issues enqueued; 2 not sent"),
        "{stdout}"
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["enqueued"], 0, "{summary}");
    assert_eq!(summary["exit"], 3, "{summary}");
    assert_eq!(summary["not_sent"][1]["date"], "2024-03-05", "{summary}");
    let date: NaiveDate = "2024-03-04".parse().unwrap();
    assert_eq!(store.issue_state("sample", date).await.unwrap(), None);

    store.mark_failed("sample", date).await.unwrap();
    let replay = Command::new(bin("epaper"))
        .args(["replay", "--state", "failed", "--json"])
        .envs(&env)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&replay.stdout);
    assert_eq!(replay.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("\"not_sent\":[{\"date\":\"2024-03-04\""),
        "{stdout}"
    );
    assert_eq!(
        store.issue_state("sample", date).await.unwrap(),
        Some(IssueState::Failed),
        "an issue not sent is not marked"
    );

    // With the queues declared, the same enqueue sends both: exit 0.
    run_ok(Command::new(bin("epaper")).arg("migrate").envs(&env));
    let out = enqueue(&env);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"enqueued\":2"), "{stdout}");

    // A broker that cannot be reached: it could not run at all, exit 1.
    env.insert(
        "EPAPER__AMQP__URL",
        "amqp://guest:guest@127.0.0.1:1/%2f".into(),
    );
    assert_eq!(enqueue(&env).status.code(), Some(1));
    store.close().await;
    db.drop_it().await;
    delete_queues(&prefix).await;
}
