//! The service binaries and the operator commands around them: status, readiness, ports,
//! flags, and `epaper parse`.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use epaper_common::broker::Broker;
use epaper_indexer::Store;
use epaper_indexer::testing::{FreshDatabase, random_suffix};

use crate::support::*;

/// The JSON of `epaper status --json`.
pub(crate) fn status_json(env: &HashMap<&str, String>) -> serde_json::Value {
    let out = run_ok(
        Command::new(bin("epaper"))
            .args(["status", "--json"])
            .envs(env),
    );
    serde_json::from_str(&out).unwrap_or_else(|error| panic!("{error}: {out}"))
}

pub(crate) fn queue_in<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    status["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == name)
        .unwrap_or_else(|| panic!("no queue {name} in {status}"))
}

/// `epaper status` reads true backlogs from the management API: a consumer holding two
/// deliveries unacked shows as 2 unacked, 1 ready, 1 consumer. Without the API it falls back to
/// passive declares and says it cannot see unacked messages.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn status_shows_unacked_messages_through_the_management_api() {
    let db = FreshDatabase::create().await;
    let prefix = format!("test_{}", random_suffix());
    let mut env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", db.url.clone()),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
    ]);
    run_ok(Command::new(bin("epaper")).arg("migrate").envs(&env));
    let store = Store::connect(&db.url, 1).await.unwrap();
    let date: chrono::NaiveDate = "2024-03-05".parse().unwrap();
    store.mark_queued("sample", date).await.unwrap();
    let settings = settings_from(&env);
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let publisher = broker.publisher().await.unwrap();
    let crawl = format!("{prefix}.crawl");
    for k in 0..3 {
        publisher
            .publish_raw(&crawl, format!("held {k}").as_bytes(), Default::default())
            .await
            .unwrap();
    }

    // A consumer that takes two deliveries and never acks them.
    use futures_util::StreamExt;
    let connection =
        lapin::Connection::connect(&amqp_url(), lapin::ConnectionProperties::default())
            .await
            .unwrap();
    let channel = connection.create_channel().await.unwrap();
    channel
        .basic_qos(2, lapin::options::BasicQosOptions::default())
        .await
        .unwrap();
    let mut consumer = channel
        .basic_consume(
            crawl.as_str().into(),
            "holder".into(),
            lapin::options::BasicConsumeOptions::default(),
            lapin::types::FieldTable::default(),
        )
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(consumer.next().await.unwrap().unwrap());
    }

    // The management API refreshes its numbers every few seconds.
    let deadline = Instant::now() + Duration::from_secs(40);
    let counts = |status: &serde_json::Value| {
        let q = queue_in(status, &crawl);
        (
            q["ready"].as_u64(),
            q["unacked"].as_u64(),
            q["consumers"].as_u64(),
        )
    };
    let mut status = status_json(&env);
    while counts(&status) != (Some(1), Some(2), Some(1)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        status = status_json(&env);
    }
    assert_eq!(counts(&status), (Some(1), Some(2), Some(1)), "{status}");
    assert_eq!(status["source"], "management_api", "{status}");
    assert_eq!(queue_in(&status, &crawl)["unacked_known"], true);
    assert_eq!(queue_in(&status, &crawl)["dead_letters"], 0);
    assert!(
        queue_in(&status, &crawl)["publish_rate"].is_f64(),
        "{status}"
    );
    // Contract 2: every queue has its four keys; issue states per site.
    for q in status["queues"].as_array().unwrap() {
        for key in ["name", "ready", "unacked", "consumers"] {
            assert!(!q[key].is_null(), "{key} missing in {q}");
        }
    }
    assert_eq!(status["issues"]["sample"]["queued"], 1, "{status}");
    assert_eq!(status["oldest_unfinished"]["site"], "sample", "{status}");
    assert_eq!(
        status["oldest_unfinished"]["date"], "2024-03-05",
        "{status}"
    );
    assert_eq!(status["oldest_unfinished"]["state"], "queued", "{status}");

    // The text form names the API without its password.
    let text = run_ok(Command::new(bin("epaper")).arg("status").envs(&env));
    assert!(text.contains("management API"), "{text}");
    assert!(text.contains("guest:***@127.0.0.1:15672"), "{text}");
    assert!(!text.contains("guest:guest"), "{text}");
    assert!(
        text.contains("oldest unfinished: sample 2024-03-05 (queued"),
        "{text}"
    );

    // Without the API: passive declares, which see ready messages and consumers only.
    env.insert(
        "EPAPER__AMQP__MANAGEMENT_URL",
        "http://guest:hunter2@127.0.0.1:1".into(),
    );
    let status = status_json(&env);
    assert_eq!(status["source"], "passive_declare", "{status}");
    let q = queue_in(&status, &crawl);
    assert_eq!(
        (q["ready"].as_u64(), q["consumers"].as_u64()),
        (Some(1), Some(1)),
        "{status}"
    );
    assert_eq!(q["unacked_known"], false, "{status}");
    assert!(
        status["cannot_see"]
            .as_array()
            .unwrap()
            .contains(&"unacked".into()),
        "{status}"
    );
    assert!(!status.to_string().contains("hunter2"), "{status}");

    drop(held);
    let _ = connection.close(200, "bye".into()).await;
    store.close().await;
    broker.delete_topology().await.unwrap();
    broker.close().await;
    db.drop_it().await;
}

/// A TCP relay to PostgreSQL that can be cut: the indexer's database "stops answering".
pub(crate) struct CuttableRelay {
    port: u16,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl CuttableRelay {
    async fn start(upstream: &'static str) -> CuttableRelay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let registry = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                registry.lock().unwrap().push(relay);
            }
        });
        tasks.lock().unwrap().push(accept);
        CuttableRelay { port, tasks }
    }

    /// Stops accepting and closes every relayed connection.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

/// The indexer's `/readyz` answers 200 while its database answers and 503 with a reason once
/// it does not, while `/healthz` stays 200.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn indexer_is_unready_while_its_database_does_not_answer() {
    let db = FreshDatabase::create().await;
    let relay = CuttableRelay::start("127.0.0.1:5432").await;
    let relayed_url = format!("postgresql://postgres@127.0.0.1:{}/{}", relay.port, db.name);
    let prefix = format!("test_{}", random_suffix());
    let logs = std::env::temp_dir().join(format!("epaper-e2e-{prefix}"));
    std::fs::create_dir_all(&logs).unwrap();
    let env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", relayed_url),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__SERVICE__HTTP_ADDR", "127.0.0.1:0".into()),
        ("EPAPER__SERVICE__SHUTDOWN_GRACE_SECS", "5".into()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
    ]);
    let log = logs.join("epaper-indexer-0.log");
    let mut indexer = spawn_service("epaper-indexer", &env, &log);
    let addr = http_addr_in(&log);
    let get = |path: &str| get_status_text(format!("http://{addr}{path}"));
    assert_eq!(get("/readyz").await, (200, "ready\n".to_string()));
    assert_eq!(get("/healthz").await.0, 200);
    let metrics = get("/metrics").await;
    assert_eq!(metrics.0, 200);

    relay.cut();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut ready = get("/readyz").await;
    while ready.0 == 200 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        ready = get("/readyz").await;
    }
    assert_eq!(ready.0, 503, "{ready:?}");
    assert!(ready.1.starts_with("not ready: "), "{ready:?}");
    assert_eq!(
        get("/healthz").await.0,
        200,
        "liveness does not follow the database"
    );

    let status = terminate(&mut indexer);
    assert!(
        status.success(),
        "indexer exited with {status}; logs in {}",
        log.display()
    );
    let settings = settings_from(&env);
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    broker.delete_topology().await.unwrap();
    broker.close().await;
    db.drop_it().await;
}

/// A service whose HTTP port is taken logs why and goes on with its work: metrics never stop
/// the pipeline.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn a_service_whose_http_port_is_taken_still_handles_messages() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let prefix = format!("test_{}", random_suffix());
    let logs = std::env::temp_dir().join(format!("epaper-e2e-{prefix}"));
    std::fs::create_dir_all(&logs).unwrap();
    let env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        (
            "EPAPER__SERVICE__HTTP_ADDR",
            taken.local_addr().unwrap().to_string(),
        ),
        ("EPAPER__SERVICE__SHUTDOWN_GRACE_SECS", "5".into()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
    ]);
    let settings = settings_from(&env);
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    broker.declare_topology().await.unwrap();
    let log = logs.join("epaper-parser-0.log");
    let mut parser = spawn_service("epaper-parser", &env, &log);

    // A poison message: the parser handles it by dead-lettering it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let dead = dead_letter_a_poison_message(&broker, &prefix, deadline).await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        dead, 1,
        "the parser did not handle the message; log:\n{text}"
    );
    assert!(
        text.contains("cannot serve /metrics") && !text.contains("http listening"),
        "{text}"
    );

    let status = terminate(&mut parser);
    assert!(status.success(), "parser exited with {status}:\n{text}");
    drop(taken);
    broker.delete_topology().await.unwrap();
    broker.close().await;
}

#[test]
pub(crate) fn parse_prints_contract_json_and_refuses_unknown_layouts() {
    let paper = epaper::sample::paper(1);
    let issue = &paper.issues[0];
    let page = &issue.pages[0];
    let dir = std::env::temp_dir().join(format!("epaper-parse-{}", random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let page_file = dir.join("node_1.htm");
    std::fs::write(&page_file, epaper::sample::render::page_html(&paper, 0, 0)).unwrap();
    let base = "http://paper.example/";
    let url = format!("{base}{}", issue.page_url(page));
    let out = run_ok(
        Command::new(bin("epaper"))
            .args(["parse", "--url", &url])
            .arg(&page_file),
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["kind"], "page");
    assert_eq!(json["date"], issue.date.to_string());
    assert_eq!(json["page_no"], "01");
    assert_eq!(json["page_name"], page.page_name.as_str());
    assert_eq!(json["pages"].as_array().unwrap().len(), issue.pages.len());
    let articles: Vec<&str> = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["url"].as_str().unwrap())
        .collect();
    let want: Vec<String> = page
        .articles
        .iter()
        .map(|a| format!("{base}{}", issue.article_url(a)))
        .collect();
    assert_eq!(articles, want);
    assert_eq!(json["image_url"], format!("{base}{}", issue.scan_url(page)));
    assert_eq!(json["pdf_url"], format!("{base}{}", issue.pdf_url(page)));
    assert!(json["prev_issue_url"].is_null() && json["next_issue_url"].is_null());

    let junk = dir.join("about.html");
    std::fs::write(&junk, "<html><body><p>关于我们</p></body></html>").unwrap();
    let out = Command::new(bin("epaper"))
        .args(["parse", "--url", "http://paper.example/about.html"])
        .arg(&junk)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("neither a page nor an article"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
pub(crate) fn service_binaries_name_themselves_and_refuse_unknown_flags() {
    for name in ["epaper-crawler", "epaper-parser", "epaper-indexer"] {
        let out = run_ok(Command::new(bin(name)).arg("--version"));
        assert_eq!(out.trim(), format!("{name} {}", env!("CARGO_PKG_VERSION")));
        let status = Command::new(bin(name))
            .arg("--no-such-flag")
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(
            status.code(),
            Some(2),
            "{name}: a bad flag is a usage error"
        );
    }
}
