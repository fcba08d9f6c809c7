//! Secrets stay secret: the database and broker passwords given in `EPAPER__DATABASE__URL` and
//! `EPAPER__AMQP__URL` appear in no log line and no `epaper status` output, neither when the
//! connection works nor when it fails (where error messages name the URL).
//!
//! Every `epaper` command that opens the database or the broker is also run against an
//! unreachable database and a broker password RabbitMQ refuses, each URL carrying a password of
//! its own in the user info and in a `?password=` parameter: the command must fail, say what it
//! could not open, and print neither password.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 with trust auth (which accepts any password, so a URL
//! with a password connects) and RabbitMQ on 127.0.0.1:5672.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use epaper_indexer::testing::{FreshDatabase, random_suffix};

const DB_PASSWORD: &str = "Pg-s3cret-9f1c";
const AMQP_PASSWORD: &str = "Mq-s3cret-7d2e";

fn bin(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_epaper")).parent().unwrap();
    dir.join(name)
}

/// The database URL of `db` with a password in it (trust auth ignores it).
fn with_password(db: &FreshDatabase) -> String {
    let url = db
        .url
        .replacen("://postgres@", &format!("://postgres:{DB_PASSWORD}@"), 1);
    assert!(url.contains(DB_PASSWORD), "unexpected test URL {}", db.url);
    url
}

fn good_amqp() -> String {
    std::env::var("EPAPER_TEST_AMQP")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// Whether a finished command succeeded, and what it printed (stdout, then stderr).
fn success_and_text(out: std::process::Output) -> (bool, String) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Runs `command` to its end (or kills it after `run_for`), returning stdout and stderr.
fn output_of(command: &mut Command, run_for: Option<Duration>) -> (bool, String) {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(run_for) = run_for {
        std::thread::sleep(run_for);
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
    }
    success_and_text(child.wait_with_output().unwrap())
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [DB_PASSWORD, AMQP_PASSWORD] {
        assert!(
            !text.contains(secret),
            "{what} printed the password {secret}:\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn passwords_never_appear_in_logs_or_status() {
    let db = FreshDatabase::create().await;
    let db_url = with_password(&db);
    let prefix = format!("test_secrets_{}", random_suffix());
    let env = |amqp: &str, db: &str| {
        vec![
            ("EPAPER__DATABASE__URL".to_string(), db.to_string()),
            ("EPAPER__AMQP__URL".to_string(), amqp.to_string()),
            ("EPAPER__AMQP__QUEUE_PREFIX".to_string(), prefix.clone()),
            (
                "EPAPER__SERVICE__HTTP_ADDR".to_string(),
                "127.0.0.1:0".into(),
            ),
            // The most verbose logging: every dependency's debug lines too.
            ("RUST_LOG".to_string(), "debug".to_string()),
        ]
    };
    let good = env(&good_amqp(), &db_url);

    // Working connections: migrate, a service running a while, status (text and JSON).
    let (ok, text) = output_of(
        Command::new(bin("epaper"))
            .arg("migrate")
            .envs(good.clone()),
        None,
    );
    assert!(ok, "migrate failed:\n{text}");
    assert_no_secret("epaper migrate", &text);
    let (_, text) = output_of(
        Command::new(bin("epaper-indexer")).envs(good.clone()),
        Some(Duration::from_secs(3)),
    );
    assert!(
        text.contains("consuming"),
        "the indexer did not start:\n{text}"
    );
    assert_no_secret("epaper-indexer", &text);
    for args in [&["status"][..], &["status", "--json"][..]] {
        let (ok, text) = output_of(
            Command::new(bin("epaper")).args(args).envs(good.clone()),
            None,
        );
        assert!(ok, "{args:?} failed:\n{text}");
        assert!(text.contains(&prefix), "{args:?} shows no queues:\n{text}");
        assert_no_secret("epaper status", &text);
    }

    // Failing connections: a broker password RabbitMQ refuses, and a database that is not
    // there. The errors name the URLs, redacted.
    let bad_amqp = format!("amqp://guest:{AMQP_PASSWORD}@127.0.0.1:5672/%2f");
    let missing_db = format!("postgresql://postgres:{DB_PASSWORD}@127.0.0.1:1/nowhere");
    for (what, vars) in [
        ("bad broker password", env(&bad_amqp, &db_url)),
        ("unreachable database", env(&good_amqp(), &missing_db)),
    ] {
        for name in ["epaper-crawler", "epaper-parser", "epaper-indexer"] {
            let (ok, text) = output_of(
                Command::new(bin(name)).envs(vars.clone()),
                Some(Duration::from_secs(2)),
            );
            if what == "bad broker password" || name == "epaper-indexer" {
                assert!(!ok, "{name} with a {what} exited 0:\n{text}");
            }
            assert_no_secret(&format!("{name} with a {what}"), &text);
        }
        // `status` reports what it can reach; whatever it prints, no password.
        let (_, text) = output_of(Command::new(bin("epaper")).arg("status").envs(vars), None);
        assert!(text.contains("***"), "no redacted URL in:\n{text}");
        assert_no_secret(&format!("epaper status with a {what}"), &text);
    }

    let settings = epaper_common::config::Settings::load_with_env(None, good).unwrap();
    let broker = epaper_common::broker::Broker::connect(&settings.amqp)
        .await
        .unwrap();
    broker.delete_topology().await.unwrap();
    broker.close().await;
    db.drop_it().await;
}

/// Runs `command` to its end, killing it after `limit` (a command that could connect might
/// serve forever), and returns whether it succeeded and what it printed.
fn bounded_output(command: &mut Command, limit: Duration) -> (bool, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    success_and_text(child.wait_with_output().unwrap())
}

/// What a case sets up: which connection is the broken one.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Broken {
    /// PostgreSQL on a port nobody listens on.
    Database,
    /// RabbitMQ with a password it refuses.
    Broker,
}

#[test]
fn every_command_that_cannot_connect_fails_without_printing_a_password() {
    let dir = std::env::temp_dir().join(format!("epaper-secrets-{}", random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}", dir.join("archive.db").display());
    let day = ["--from", "2024-03-04", "--to", "2024-03-04"];
    let sample = ["--site", "sample", "--base-url", "http://127.0.0.1:1"];
    // A crawl command over one day of the sample site, and one from its last issue on.
    let one_day = |command: &'static str| [&[command][..], &sample, &day].concat();
    let incremental = |command: &'static str| [&[command, "--incremental"][..], &sample].concat();
    // (name, arguments before the --db flag, whether it takes --db, which connection fails)
    let cases: Vec<(&str, Vec<&str>, bool, Broken)> = vec![
        (
            "console-db",
            vec!["console", "--no-broker", "--addr", "127.0.0.1:0"],
            true,
            Broken::Database,
        ),
        (
            "console-broker",
            vec!["console", "--addr", "127.0.0.1:0"],
            false,
            Broken::Broker,
        ),
        ("run", one_day("run"), true, Broken::Database),
        (
            "run-incremental",
            incremental("run"),
            true,
            Broken::Database,
        ),
        ("enqueue", one_day("enqueue"), false, Broken::Broker),
        (
            "enqueue-incremental",
            incremental("enqueue"),
            false,
            Broken::Database,
        ),
        (
            "replay-stage",
            vec!["replay", "--stage", "crawl"],
            false,
            Broken::Broker,
        ),
        (
            "replay-state-broker",
            vec!["replay", "--state", "failed"],
            false,
            Broken::Broker,
        ),
        (
            "replay-state-db",
            vec!["replay", "--state", "failed"],
            false,
            Broken::Database,
        ),
        ("status", vec!["status"], false, Broken::Broker),
        ("export", vec!["export"], true, Broken::Database),
        ("export-config", vec!["export"], false, Broken::Database),
        ("search", vec!["search", "新闻"], true, Broken::Database),
        ("migrate-db", vec!["migrate"], false, Broken::Database),
        ("migrate-broker", vec!["migrate"], false, Broken::Broker),
        ("reparse", vec!["reparse"], true, Broken::Database),
        // sqlx logs the value of a connect parameter it does not know: refused before.
        ("export-sslpassword", vec!["export"], true, Broken::Database),
    ];
    let mut failures = Vec::new();
    for (name, args, takes_db, broken) in cases {
        // A password of its own for every case and every place, so a leak names its source.
        let user_pw = format!("Us3r-{name}-{}", random_suffix());
        let query_pw = format!("Qu3ry-{name}-{}", random_suffix());
        let (db, amqp) = match broken {
            Broken::Database if name.ends_with("sslpassword") => (
                format!(
                    "postgresql://postgres:{user_pw}@127.0.0.1:1/nowhere?sslpassword={query_pw}"
                ),
                good_amqp(),
            ),
            Broken::Database => (
                format!("postgresql://postgres:{user_pw}@127.0.0.1:1/nowhere?password={query_pw}"),
                good_amqp(),
            ),
            Broken::Broker => (
                sqlite.clone(),
                format!("amqp://guest:{user_pw}@127.0.0.1:5672/%2f?password={query_pw}"),
            ),
        };
        let mut command = Command::new(bin("epaper"));
        command
            .args(&args)
            .env("EPAPER__AMQP__URL", &amqp)
            .env(
                "EPAPER__AMQP__QUEUE_PREFIX",
                format!("test_secrets_{}", random_suffix()),
            )
            .env("RUST_LOG", "debug");
        if takes_db {
            command.args(["--db", &db]);
        } else {
            command.env("EPAPER__DATABASE__URL", &db);
        }
        let (ok, text) = bounded_output(&mut command, Duration::from_secs(30));
        let leaked: Vec<&str> = [&user_pw, &query_pw]
            .into_iter()
            .filter(|pw| text.contains(pw.as_str()))
            .map(|pw| pw.as_str())
            .collect();
        let what = match broken {
            Broken::Database => "cannot open the archive postgresql://postgres:***@127.0.0.1:1",
            Broken::Broker => "cannot connect to RabbitMQ at amqp://guest:***@127.0.0.1:5672",
        };
        if ok || !leaked.is_empty() || !text.contains(what) || !text.contains("password=***") {
            failures.push(format!(
                "{name} ({broken:?}): exit ok {ok}, leaked {leaked:?}, wanted {what:?}:\n{text}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}
