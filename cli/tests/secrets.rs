//! Secrets stay secret: the database and broker passwords given in `EPAPER__DATABASE__URL` and
//! `EPAPER__AMQP__URL` appear in no log line and no `epaper status` output, neither when the
//! connection works nor when it fails (where error messages name the URL).
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
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
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
