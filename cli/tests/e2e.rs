//! End-to-end tests: the real `epaper`, `epaper-crawler`, `epaper-parser` and `epaper-indexer`
//! binaries against the sample site, a fresh PostgreSQL database and randomly named RabbitMQ
//! queues. Nothing here is mocked.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 (trust auth; override the admin URL with
//! `EPAPER_TEST_PG_ADMIN`) and RabbitMQ on 127.0.0.1:5672 (`EPAPER_TEST_AMQP`).

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use epaper_indexer::{ExportFilter, ExportedArticle, IssueState, Store};

fn bin(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_epaper"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; `cargo test --workspace` builds every service binary",
        path.display()
    );
    path
}

fn amqp_url() -> String {
    std::env::var("EPAPER_TEST_AMQP")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// `epaper sample-site` as a child process; killed on drop.
struct SampleSite {
    child: Child,
    base_url: String,
}

impl SampleSite {
    fn start(n_issues: usize, faults: &str) -> SampleSite {
        let mut child = Command::new(bin("epaper"))
            .args([
                "sample-site",
                "--addr",
                "127.0.0.1:0",
                "--issues",
                &n_issues.to_string(),
                "--faults",
                faults,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base_url = line.trim().to_string();
        assert!(
            base_url.starts_with("http://127.0.0.1:"),
            "first line was {line:?}"
        );
        SampleSite { child, base_url }
    }

    /// Article URLs by issue date, from `/manifest.json`.
    async fn manifest(&self) -> (Vec<String>, BTreeSet<String>) {
        let body = reqwest::get(format!("{}manifest.json", self.base_url))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let manifest: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let issues = manifest["issues"].as_array().unwrap();
        let dates = issues
            .iter()
            .map(|i| i["date"].as_str().unwrap().to_string())
            .collect();
        let urls = issues
            .iter()
            .flat_map(|i| i["pages"].as_array().unwrap().iter())
            .flat_map(|p| p["articles"].as_array().unwrap().iter())
            .map(|u| u.as_str().unwrap().to_string())
            .collect();
        (dates, urls)
    }
}

impl Drop for SampleSite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn export_all(db_url: &str) -> Vec<ExportedArticle> {
    let store = Store::connect(db_url, 1).await.unwrap();
    let mut rows = Vec::new();
    store
        .export(&ExportFilter::default(), |a| {
            rows.push(a);
            Ok(())
        })
        .await
        .unwrap();
    store.close().await;
    rows
}

/// Checks one stored article field for field against what the generator wrote.
fn assert_matches_generator(rows: &[ExportedArticle], base_url: &str) {
    let paper = epaper::sample::paper(2);
    let issue = &paper.issues[1];
    let page = &issue.pages[1];
    let article = page
        .articles
        .iter()
        .find(|a| a.pretitle.is_some() || a.subtitle.is_some())
        .unwrap_or(&page.articles[0]);
    let url = format!("{base_url}{}", issue.article_url(article));
    let row = rows
        .iter()
        .find(|r| r.url == url)
        .unwrap_or_else(|| panic!("{url} not stored"));
    assert_eq!(row.site, "sample");
    assert_eq!(row.date, issue.date);
    assert_eq!(row.page_no.as_deref(), Some(page.page_no.as_str()));
    assert_eq!(row.page_name.as_deref(), Some(page.page_name.as_str()));
    assert_eq!(row.title.as_deref(), Some(article.title.as_str()));
    assert_eq!(row.pretitle, article.pretitle);
    assert_eq!(row.subtitle, article.subtitle);
    assert_eq!(row.author.as_deref(), Some(article.author.as_str()));
    assert_eq!(row.paragraphs, article.paragraphs);
    assert_eq!(row.images.len(), article.images.len());
    for (stored, truth) in row.images.iter().zip(&article.images) {
        assert_eq!(stored.url, format!("{base_url}{}", truth.file));
        assert_eq!(stored.caption.as_deref(), Some(truth.caption.as_str()));
    }
}

/// The relevance set: queries over the sample paper's text (two-character words, names, place
/// names, multi-word queries) with their expected hits computed from the generator: exactly the
/// articles whose text holds every word of the query.
const RELEVANCE_QUERIES: [&str; 22] = [
    "社会工作",
    "志愿者",
    "公益",
    "老年食堂",
    "透明",
    "垃圾分类",
    "青川县",
    "大学生",
    "评估",
    "石桥村",
    "阅览室",
    "基金会",
    "支教",
    "血压",
    "台账",
    "家乡",
    "服务点",
    "信息公开",
    "人才队伍",
    "志愿者 大学生",
    "林晓川",
    "社区 透明",
];

async fn assert_search_relevance(db_url: &str, n_issues: usize, base_url: &str) {
    let paper = epaper::sample::paper(n_issues);
    let mut texts: Vec<(String, String)> = Vec::new();
    for issue in &paper.issues {
        for page in &issue.pages {
            for article in &page.articles {
                let mut text = vec![article.title.clone(), article.author.clone()];
                text.extend(article.pretitle.clone());
                text.extend(article.subtitle.clone());
                text.extend(article.paragraphs.iter().cloned());
                text.extend(article.images.iter().map(|i| i.caption.clone()));
                texts.push((
                    format!("{base_url}{}", issue.article_url(article)),
                    text.join("\n"),
                ));
            }
        }
    }
    let store = Store::connect(db_url, 1).await.unwrap();
    for query in RELEVANCE_QUERIES {
        let want: BTreeSet<&str> = texts
            .iter()
            .filter(|(_, text)| query.split(' ').all(|word| text.contains(word)))
            .map(|(url, _)| url.as_str())
            .collect();
        assert!(
            !want.is_empty(),
            "{query:?} has no expected hit; the set must test something"
        );
        let hits = store
            .search(&epaper_indexer::SearchQuery {
                text: query.to_string(),
                filter: ExportFilter::default(),
                limit: 1000,
            })
            .await
            .unwrap();
        let got: BTreeSet<&str> = hits.iter().map(|h| h.url.as_str()).collect();
        assert_eq!(got, want, "{} search for {query:?}", store.backend());
        assert!(
            hits.windows(2).all(|w| w[0].rank >= w[1].rank),
            "{query:?} hits not ranked"
        );
    }
    store.close().await;
}

fn assert_same_set(rows: &[ExportedArticle], want: &BTreeSet<String>) {
    let got: Vec<&str> = rows.iter().map(|r| r.url.as_str()).collect();
    let unique: BTreeSet<String> = got.iter().map(|s| s.to_string()).collect();
    assert_eq!(got.len(), unique.len(), "duplicates stored");
    assert_eq!(&unique, want, "stored set differs from the manifest");
    assert!(
        rows.iter()
            .all(|r| r.title.is_some() && !r.paragraphs.is_empty())
    );
}

/// The address a service logged as `http listening` (JSON logs), waiting for the line.
fn http_addr_in(log: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("http listening")) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            return value["addr"].as_str().unwrap().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "{} logs no http address:\n{text}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every running service answers `/healthz` and `/readyz`, and its `/metrics` counts the work
/// it did under the documented names.
async fn assert_service_endpoints(logs: &Path, names: &[&str], prefix: &str) {
    let mut n_indexers_worked = 0;
    for (k, name) in names.iter().enumerate() {
        let addr = http_addr_in(&logs.join(format!("{name}-{k}.log")));
        let get = |path: &str| {
            let url = format!("http://{addr}{path}");
            async move {
                let response = reqwest::get(&url).await.unwrap();
                let status = response.status().as_u16();
                (
                    status,
                    String::from_utf8(response.bytes().await.unwrap().to_vec()).unwrap(),
                )
            }
        };
        assert_eq!(get("/healthz").await.0, 200, "{name} /healthz");
        assert_eq!(
            get("/readyz").await,
            (200, "ready\n".to_string()),
            "{name} /readyz"
        );
        let (status, metrics) = get("/metrics").await;
        assert_eq!(status, 200, "{name} /metrics");
        let stage = match *name {
            "epaper-crawler" => "crawl",
            "epaper-parser" => "parse",
            _ => "index",
        };
        let ok = format!("epaper_messages_total{{stage=\"{stage}\",outcome=\"ok\"}}");
        let handled = format!("epaper_handler_seconds_bucket{{stage=\"{stage}\"");
        // Either indexer may have lost every race for messages, not both.
        if name == &"epaper-indexer" && metrics.contains(&ok) {
            n_indexers_worked += 1;
        }
        if name != &"epaper-indexer" || metrics.contains(&ok) {
            assert!(metrics.contains(&ok), "{name}: no {ok} in\n{metrics}");
            assert!(
                metrics.contains(&handled),
                "{name}: no {handled} in\n{metrics}"
            );
        }
        // The backlog gauges of the stage's queues, set when the service starts.
        for gauge in [
            format!("epaper_queue_ready{{queue=\"{prefix}.{stage}\"}}"),
            format!("epaper_queue_consumers{{queue=\"{prefix}.{stage}\"}}"),
            format!("epaper_dead_letters{{queue=\"{prefix}.{stage}.dlq\"}}"),
        ] {
            assert!(metrics.contains(&gauge), "{name}: no {gauge} in\n{metrics}");
        }
        if stage == "crawl" {
            for family in [
                "epaper_fetches_total{status=\"200\"}",
                "epaper_fetch_bytes_total",
                "epaper_fetch_seconds_bucket",
                "epaper_politeness_wait_seconds_bucket",
            ] {
                assert!(
                    metrics.contains(family),
                    "{name}: no {family} in\n{metrics}"
                );
            }
        }
    }
    assert!(
        n_indexers_worked > 0,
        "no indexer counted a handled message"
    );
}

fn run_ok(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "service did not stop within 30 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn services_store_every_manifest_article_exactly_once_in_postgres() {
    let site = SampleSite::start(2, "none");
    let (dates, want) = site.manifest().await;
    let db = FreshDatabase::create().await;
    let prefix = format!("test_{}", random_suffix());
    let logs = std::env::temp_dir().join(format!("epaper-e2e-{prefix}"));
    std::fs::create_dir_all(&logs).unwrap();
    let env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", db.url.clone()),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__SERVICE__SHUTDOWN_GRACE_SECS", "10".into()),
        ("EPAPER__SERVICE__HTTP_ADDR", "127.0.0.1:0".into()),
        ("EPAPER__TELEMETRY__FORMAT", "json".into()),
        ("EPAPER__CRAWLER__FETCH_MEDIA", "true".into()),
        (
            "EPAPER__MEDIA__DIR",
            logs.join("media").display().to_string(),
        ),
    ]);

    run_ok(Command::new(bin("epaper")).arg("migrate").envs(&env));
    // Two indexers race on the same queue: the archive must come out the same.
    let names = [
        "epaper-crawler",
        "epaper-parser",
        "epaper-indexer",
        "epaper-indexer",
    ];
    let mut services: Vec<(String, Child)> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let log = std::fs::File::create(logs.join(format!("{name}-{k}.log"))).unwrap();
            let child = Command::new(bin(name))
                .envs(&env)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap();
            (name.to_string(), child)
        })
        .collect();
    let out = run_ok(
        Command::new(bin("epaper"))
            .args([
                "enqueue",
                "--site",
                "sample",
                "--base-url",
                &site.base_url,
                "--from",
                &dates[0],
                "--to",
                &dates[1],
                // One request; the crawler finds the second issue by the first one's 下一期
                // link and queues it itself (plain ranges: chaos.sh, smoke.sh, contract checks).
                "--follow",
                "next",
            ])
            .envs(&env),
    );
    assert!(
        out.contains(&format!(
            "1 issue of sample enqueued ({}); the crawler follows its 下一期 (next issue) links to {}",
            dates[0], dates[1]
        )),
        "{out}"
    );

    let deadline = Instant::now() + Duration::from_secs(90);
    let mut rows = export_all(&db.url).await;
    while rows.len() < want.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rows = export_all(&db.url).await;
    }
    assert_same_set(&rows, &want);
    assert_matches_generator(&rows, &site.base_url);
    assert_search_relevance(&db.url, 2, &site.base_url).await;

    // Both issues reach `complete` once their manifests and every document are in.
    let store = Store::connect(&db.url, 1).await.unwrap();
    let mut states = store.issue_states().await.unwrap();
    while states != vec![("sample".to_string(), IssueState::Complete, 2)]
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(300)).await;
        states = store.issue_states().await.unwrap();
    }
    assert_eq!(
        states,
        vec![("sample".to_string(), IssueState::Complete, 2)]
    );
    assert_service_endpoints(&logs, &names, &prefix).await;
    // Two indexers shared one media directory: each scan, PDF and image is there once,
    // byte-exact, and recorded in PostgreSQL.
    let served = served_media(&site.base_url, 2).await;
    assert_media_kept(&logs.join("media"), &db.url, &served).await;
    // The archive as it stands once both issues are complete, media included (the article set
    // above can be whole before the last scan is stored).
    let rows = export_all(&db.url).await;

    // A poison message goes to the dead-letter queue; the parser keeps running.
    let mut settings =
        Settings::load_with_env(None, env.iter().map(|(k, v)| (k.to_string(), v.clone()))).unwrap();
    settings.amqp.queue_prefix = prefix.clone();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let publisher = broker.publisher().await.unwrap();
    publisher
        .publish_raw(
            &format!("{prefix}.parse"),
            b"{not a message",
            Default::default(),
        )
        .await
        .unwrap();
    let dlq = format!("{prefix}.parse.dlq");
    let mut dead = broker.queue_counts(&dlq).await.unwrap().0;
    while dead == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        dead = broker.queue_counts(&dlq).await.unwrap().0;
    }
    assert_eq!(dead, 1, "the poison message was not dead-lettered");

    // A document that cannot be parsed is dead-lettered with its reason and becomes a row in
    // the failures table.
    let junk_url = format!("{}about.html", site.base_url);
    let junk =
        epaper_common::messages::Message::Fetched(epaper_common::messages::FetchedDocument {
            site: "sample".into(),
            issue_date: dates[0].parse().unwrap(),
            kind: epaper_common::messages::DocKind::Article,
            url: junk_url.clone(),
            status: 200,
            content_type: Some("text/html".into()),
            etag: None,
            last_modified: None,
            fetched_at: chrono::Utc::now(),
            body: epaper_common::messages::CompressedBytes::compress(
                b"<html><body>about us</body></html>",
            ),
        });
    publisher.publish(&junk).await.unwrap();
    let mut failures = Vec::new();
    while failures.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        failures = store.failures(&ExportFilter::default()).await.unwrap();
    }
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(
        (failures[0].url.as_str(), failures[0].stage.as_str()),
        (junk_url.as_str(), "parse")
    );
    assert!(
        failures[0].reason.contains("neither a page nor an article"),
        "{:?}",
        failures[0]
    );
    assert_eq!(broker.queue_counts(&dlq).await.unwrap().0, 2);

    // Dead letters can be replayed: counted first, then moved back to the work queue (where
    // these two fail again, so they come back to the dead-letter queue).
    let epaper = |args: &[&str]| run_ok(Command::new(bin("epaper")).args(args).envs(&env));
    let out = epaper(&["replay", "--stage", "parse", "--dry-run"]);
    assert!(out.contains("2 dead letters"), "{out}");
    let out = epaper(&["replay", "--stage", "parse"]);
    assert!(out.contains("2 dead letters moved"), "{out}");
    let mut dead = 0;
    while dead < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        dead = broker.queue_counts(&dlq).await.unwrap().0;
    }
    assert_eq!(dead, 2, "replayed dead letters did not come back");

    // Replaying a complete issue re-crawls it and changes nothing: same rows, still complete.
    let replay_first = [
        "replay", "--state", "complete", "--from", &dates[0], "--to", &dates[0],
    ];
    let out = epaper(&[&replay_first[..], &["--dry-run"]].concat());
    assert!(
        out.contains("1 issues (complete) would be replayed"),
        "{out}"
    );
    let out = epaper(&[&replay_first[..], &["--base-url", &site.base_url]].concat());
    assert!(out.contains("1 issues (complete) sent back"), "{out}");
    let mut ready = 1;
    while ready > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        ready = 0;
        for stage in ["crawl", "parse", "index"] {
            ready += broker
                .queue_counts(&format!("{prefix}.{stage}"))
                .await
                .unwrap()
                .0;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let again = export_all(&db.url).await;
    assert_eq!(again, rows, "a re-crawl changed the archive");

    for (name, child) in &mut services {
        let status = terminate(child);
        assert!(
            status.success(),
            "{name} exited with {status} after SIGTERM; logs in {}",
            logs.display()
        );
    }
    store.close().await;
    broker.delete_topology().await.unwrap();
    broker.close().await;
    db.drop_it().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_run_stores_the_same_set_in_sqlite() {
    let site = SampleSite::start(2, "none");
    let (dates, want) = site.manifest().await;
    let db_path = std::env::temp_dir().join(format!("epaper-e2e-{}.db", random_suffix()));
    let db_url = format!("sqlite://{}", db_path.display());
    let out = run_ok(Command::new(bin("epaper")).args([
        "run",
        "--site",
        "sample",
        "--base-url",
        &site.base_url,
        "--from",
        &dates[0],
        "--to",
        &dates[1],
        "--db",
        &db_url,
    ]));
    assert!(out.contains("sample: 2 complete"), "{out}");
    let rows = export_all(&db_url).await;
    assert_same_set(&rows, &want);
    assert_matches_generator(&rows, &site.base_url);
    assert_search_relevance(&db_url, 2, &site.base_url).await;

    // The CLI export prints the same articles, one JSON object a line (contract 5).
    let jsonl =
        run_ok(Command::new(bin("epaper")).args(["export", "--db", &db_url, "--format", "jsonl"]));
    let exported: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(exported.len(), want.len());
    for key in ["site", "date", "page_no", "url", "title", "paragraphs"] {
        assert!(
            exported.iter().all(|row| row.get(key).is_some()),
            "export lacks {key}"
        );
    }
    let _ = std::fs::remove_file(&db_path);
}

/// Every page scan, PDF and article image the site serves, as `/manifest.json` lists them, with
/// their bytes. The manifest's lists are checked against the generated paper first.
async fn served_media(base_url: &str, n_issues: usize) -> Vec<(String, Vec<u8>)> {
    let manifest = reqwest::get(format!("{base_url}manifest.json"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let mut urls = Vec::new();
    for page in manifest["issues"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["pages"].as_array().unwrap())
    {
        urls.push(page["image_url"].as_str().unwrap().to_string());
        urls.push(page["pdf_url"].as_str().unwrap().to_string());
        urls.extend(
            page["images"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string()),
        );
    }
    let paper = epaper::sample::paper(n_issues);
    let generated: usize = paper
        .issues
        .iter()
        .flat_map(|i| &i.pages)
        .map(|p| 2 + p.articles.iter().map(|a| a.images.len()).sum::<usize>())
        .sum();
    assert_eq!(
        urls.len(),
        generated,
        "the manifest lists every medium the paper has"
    );
    assert!(
        urls.len() > 2 * paper.issues.len() * paper.issues[0].pages.len(),
        "some articles have images"
    );
    let mut media = Vec::new();
    for url in urls {
        let bytes = reqwest::get(&url)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        media.push((url, bytes));
    }
    media
}

/// Each medium is stored once, byte-exact, at `<dir>/<aa>/<sha256>`, and recorded in the archive.
async fn assert_media_kept(dir: &Path, db_url: &str, served: &[(String, Vec<u8>)]) {
    use sha2::Digest;
    let store = Store::connect(db_url, 1).await.unwrap();
    let recorded = store.media(&ExportFilter::default()).await.unwrap();
    store.close().await;
    assert_eq!(recorded.len(), served.len(), "one media row per URL");
    for (url, bytes) in served {
        let sha = format!("{:x}", sha2::Sha256::digest(bytes));
        let path = dir.join(&sha[..2]).join(&sha);
        assert_eq!(
            &std::fs::read(&path).unwrap_or_default(),
            bytes,
            "{url} not kept byte-exact"
        );
        assert!(
            recorded.iter().any(|(u, _, _, s)| u == url && *s == sha),
            "{url} not recorded"
        );
    }
    let n_files = std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    let distinct: BTreeSet<&Vec<u8>> = served.iter().map(|(_, b)| b).collect();
    assert_eq!(n_files, distinct.len(), "the same bytes are stored once");
}

/// `epaper export` gives each article the stored scan and PDF of its page and the stored copy
/// of each of its images, as paths under the media directory that hold the served bytes.
fn assert_export_names_stored_media(dir: &Path, db_url: &str, served: &[(String, Vec<u8>)]) {
    let out =
        run_ok(Command::new(bin("epaper")).args(["export", "--db", db_url, "--format", "jsonl"]));
    let served: std::collections::HashMap<&str, &Vec<u8>> =
        served.iter().map(|(u, b)| (u.as_str(), b)).collect();
    let check = |medium: &serde_json::Value, what: &str| {
        let url = medium["url"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no url in {medium}"));
        let path = medium["path"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no path in {medium}"));
        assert_eq!(
            std::fs::read(dir.join(path)).ok().as_ref(),
            served.get(url).copied(),
            "{what}: {path} does not hold the bytes served at {url}"
        );
    };
    let (mut n_articles, mut n_images) = (0, 0);
    for line in out.lines() {
        let article: serde_json::Value = serde_json::from_str(line).unwrap();
        let url = article["url"].as_str().unwrap();
        check(&article["page_scan"], &format!("{url} page_scan"));
        check(&article["page_pdf"], &format!("{url} page_pdf"));
        for image in article["images"].as_array().unwrap() {
            check(&image["stored"], &format!("{url} image"));
            n_images += 1;
        }
        n_articles += 1;
    }
    assert!(
        n_articles > 0 && n_images > 0,
        "{n_articles} articles, {n_images} images"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_run_keeps_every_scan_pdf_and_image_content_addressed() {
    let site = SampleSite::start(2, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let db_path = std::env::temp_dir().join(format!("epaper-e2e-{suffix}.db"));
    let media_dir = std::env::temp_dir().join(format!("epaper-media-{suffix}"));
    let db_url = format!("sqlite://{}", db_path.display());
    let run = |media: &Path| {
        run_ok(
            Command::new(bin("epaper"))
                .args([
                    "run",
                    "--site",
                    "sample",
                    "--base-url",
                    &site.base_url,
                    "--from",
                    &dates[0],
                    "--to",
                    &dates[1],
                    "--db",
                    &db_url,
                    "--media-dir",
                ])
                .arg(media),
        )
    };
    let out = run(&media_dir);
    assert!(out.contains("sample: 2 complete"), "{out}");
    let served = served_media(&site.base_url, 2).await;
    assert_media_kept(&media_dir, &db_url, &served).await;
    assert_export_names_stored_media(&media_dir, &db_url, &served);
    // Again: nothing new is written.
    run(&media_dir);
    assert_media_kept(&media_dir, &db_url, &served).await;
    let _ = std::fs::remove_file(&db_path);
    let _ = std::fs::remove_dir_all(&media_dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_run_recovers_from_transient_site_faults() {
    let site = SampleSite::start(2, "transient");
    let (dates, want) = site.manifest().await;
    let db_path = std::env::temp_dir().join(format!("epaper-e2e-{}.db", random_suffix()));
    let db_url = format!("sqlite://{}", db_path.display());
    run_ok(Command::new(bin("epaper")).args([
        "run",
        "--site",
        "sample",
        "--base-url",
        &site.base_url,
        "--from",
        &dates[0],
        "--to",
        &dates[1],
        "--db",
        &db_url,
    ]));
    assert_same_set(&export_all(&db_url).await, &want);
    let _ = std::fs::remove_file(&db_path);
}

#[test]
fn parse_prints_contract_json_and_refuses_unknown_layouts() {
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

// ---------------------------------------------------------------------------------------------
// The web console in a real browser: Debian's chromium, driven over WebDriver (chromedriver)
// ---------------------------------------------------------------------------------------------

/// A child process killed when the test ends, also when it fails half-way.
struct KillOnDrop(Child);

/// Starts `epaper console` (the given command, on a free port) and returns it, killed on drop,
/// with the base URL it prints first.
fn start_console(command: &mut Command) -> (KillOnDrop, String) {
    start_console_logging(command, Stdio::null())
}

/// As [`start_console`], with its log (stderr) going to `log`.
fn start_console_logging(command: &mut Command, log: Stdio) -> (KillOnDrop, String) {
    let mut console = KillOnDrop(
        command
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(console.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "first line was {line:?}"
    );
    (console, url)
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A WebDriver session on a headless chromium; the driver is killed on drop.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
}

impl Browser {
    async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is not installed: apt-get install chromium chromium-driver (.ci/run does)");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not answer");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1600"]
            }
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            http,
        };
        let created = browser.call("POST", "/session", capabilities).await;
        browser.session = created["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        browser
    }

    async fn call(&self, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let request = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self
                .http
                .post(&url)
                .header("content-type", "application/json")
                .body(body.to_string()),
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        let value: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value["value"].clone()
    }

    async fn open(&self, url: &str) {
        self.call("POST", "/url", serde_json::json!({ "url": url }))
            .await;
    }

    async fn find_all(&self, css: &str) -> Vec<String> {
        let found = self
            .call(
                "POST",
                "/elements",
                serde_json::json!({"using": "css selector", "value": css}),
            )
            .await;
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e.as_object()
                    .unwrap()
                    .values()
                    .next()
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    /// The first element matching `css`, waiting up to 10 s for the page to show it.
    async fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(first) = self.find_all(css).await.into_iter().next() {
                return first;
            }
            if Instant::now() > deadline {
                let url = self.call("GET", "/url", serde_json::Value::Null).await;
                let source = self.call("GET", "/source", serde_json::Value::Null).await;
                let source = source.as_str().unwrap_or_default();
                let tail: String = source
                    .chars()
                    .rev()
                    .take(1500)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!("no element matches {css} on {url}: …{tail}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn text(&self, element: &str) -> String {
        self.call(
            "GET",
            &format!("/element/{element}/text"),
            serde_json::Value::Null,
        )
        .await
        .as_str()
        .unwrap()
        .to_string()
    }

    async fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.call(
            "GET",
            &format!("/element/{element}/attribute/{name}"),
            serde_json::Value::Null,
        )
        .await
        .as_str()
        .map(str::to_string)
    }

    async fn click(&self, element: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            serde_json::json!({}),
        )
        .await;
    }

    async fn type_into(&self, element: &str, text: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            serde_json::json!({ "text": text }),
        )
        .await;
    }

    /// The value `script` (a function body) returns in the page.
    async fn execute(&self, script: &str) -> serde_json::Value {
        self.call(
            "POST",
            "/execute/sync",
            serde_json::json!({ "script": script, "args": [] }),
        )
        .await
    }

    async fn screenshot(&self, path: &Path) {
        use base64::Engine as _;
        let png = self
            .call("GET", "/screenshot", serde_json::Value::Null)
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The console over a populated PostgreSQL archive, in a real browser: the calendar shows each
/// complete issue, search finds an article and opens it, the reader shows the stored scans, and
/// the replay button sends the issue back to the crawl queue.
#[tokio::test(flavor = "multi_thread")]
async fn console_in_a_browser_shows_the_archive_and_replays_an_issue() {
    let site = SampleSite::start(2, "none");
    let (dates, _) = site.manifest().await;
    let db = FreshDatabase::create().await;
    let suffix = random_suffix();
    let media_dir = std::env::temp_dir().join(format!("epaper-console-media-{suffix}"));
    run_ok(
        Command::new(bin("epaper"))
            .args(["run", "--site", "sample", "--base-url", &site.base_url])
            .args([
                "--from",
                &dates[0],
                "--to",
                &dates[1],
                "--db",
                &db.url,
                "--media-dir",
            ])
            .arg(&media_dir),
    );
    let articles = export_all(&db.url).await;
    let prefix = format!("console-{suffix}");

    let (console, url) = start_console(
        Command::new(bin("epaper"))
            .args(["console", "--db", &db.url, "--media-dir"])
            .arg(&media_dir)
            .args(["--base-url", &site.base_url])
            .env("EPAPER__AMQP__URL", amqp_url())
            .env("EPAPER__AMQP__QUEUE_PREFIX", &prefix),
    );

    let browser = Browser::start().await;
    // The calendar: one green cell per complete issue, on the right days.
    browser.open(&url).await;
    let mut days = Vec::new();
    for cell in browser.find_all("td.complete").await {
        days.push(browser.attribute(&cell, "data-date").await.unwrap());
    }
    days.sort();
    assert_eq!(days, dates);

    // Search for the first article's title, open the hit, read its body.
    let first = &articles[0];
    let title = first.title.clone().unwrap();
    let search_box = browser.find("#search-box").await;
    browser.type_into(&search_box, &title).await;
    browser.click(&browser.find("#search-button").await).await;
    let count = browser.text(&browser.find("#hit-count").await).await;
    assert_ne!(count, "0 hits", "searching for {title}");
    let mut opened = false;
    for hit in browser.find_all("a.hit-title").await {
        if browser.text(&hit).await == title {
            browser.click(&hit).await;
            opened = true;
            break;
        }
    }
    assert!(opened, "{title} is among the hits");
    let body = browser.text(&browser.find("#article-body").await).await;
    assert!(body.contains(&first.paragraphs[0]), "{body}");

    // The reader: every page with its stored scan, served by the console.
    browser
        .open(&format!("{url}issue/sample/{}", dates[0]))
        .await;
    let scans = browser.find_all("img.scan").await;
    assert_eq!(scans.len(), 4, "one scan per page");
    let src = browser.attribute(&scans[0], "src").await.unwrap();
    assert!(src.contains("/media/"), "{src}");
    let scan = reqwest::get(format!("{}{}", url.trim_end_matches('/'), src))
        .await
        .unwrap();
    assert_eq!(scan.headers()["content-type"], "image/png");
    assert_eq!(scan.headers()["x-content-type-options"], "nosniff");
    let length: usize = scan.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(scan.bytes().await.unwrap().len(), length, "streamed whole");
    browser
        .screenshot(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/console-reader.png"))
        .await;

    // Replay: the issue goes back to the crawl queue and shows as queued.
    browser.click(&browser.find("button.replay").await).await;
    // The page after the POST is the one with the flash; wait for it, not the old page's state.
    let flash = browser.find("#flash").await;
    assert!(browser.text(&flash).await.contains("sent back"));
    assert_eq!(
        browser.text(&browser.find("#issue-state").await).await,
        "queued"
    );
    let store = Store::connect(&db.url, 1).await.unwrap();
    let day = chrono::NaiveDate::parse_from_str(&dates[0], "%Y-%m-%d").unwrap();
    assert_eq!(
        store
            .issue_state("sample", day)
            .await
            .unwrap()
            .map(IssueState::as_str),
        Some("queued")
    );
    store.close().await;
    let mut settings =
        Settings::load_with_env(None, [("EPAPER__AMQP__URL".to_string(), amqp_url())]).unwrap();
    settings.amqp.queue_prefix = prefix.clone();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let crawl = broker.topology.work_queue(epaper_common::Stage::Crawl);
    let (ready, _) = broker.queue_counts(&crawl).await.unwrap();
    assert_eq!(ready, 1, "the replayed issue waits in {crawl}");
    broker.delete_topology().await.unwrap();
    broker.close().await;

    browser.call("DELETE", "", serde_json::Value::Null).await;
    drop(browser);
    drop(console);
    let _ = std::fs::remove_dir_all(&media_dir);
}

/// The JSON of `epaper status --json`.
fn status_json(env: &HashMap<&str, String>) -> serde_json::Value {
    let out = run_ok(
        Command::new(bin("epaper"))
            .args(["status", "--json"])
            .envs(env),
    );
    serde_json::from_str(&out).unwrap_or_else(|error| panic!("{error}: {out}"))
}

fn queue_in<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
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
async fn status_shows_unacked_messages_through_the_management_api() {
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
    let settings =
        Settings::load_with_env(None, env.iter().map(|(k, v)| (k.to_string(), v.clone()))).unwrap();
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
struct CuttableRelay {
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
async fn indexer_is_unready_while_its_database_does_not_answer() {
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
    let mut indexer = Command::new(bin("epaper-indexer"))
        .envs(&env)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let addr = http_addr_in(&log);
    let get = |path: &str| {
        let url = format!("http://{addr}{path}");
        async move {
            let response = reqwest::get(&url).await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
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
    let settings =
        Settings::load_with_env(None, env.iter().map(|(k, v)| (k.to_string(), v.clone()))).unwrap();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    broker.delete_topology().await.unwrap();
    broker.close().await;
    db.drop_it().await;
}

/// A service whose HTTP port is taken logs why and goes on with its work: metrics never stop
/// the pipeline.
#[tokio::test(flavor = "multi_thread")]
async fn a_service_whose_http_port_is_taken_still_handles_messages() {
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
    let settings =
        Settings::load_with_env(None, env.iter().map(|(k, v)| (k.to_string(), v.clone()))).unwrap();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    broker.declare_topology().await.unwrap();
    let log = logs.join("epaper-parser-0.log");
    let mut parser = Command::new(bin("epaper-parser"))
        .envs(&env)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();

    // A poison message: the parser handles it by dead-lettering it.
    broker
        .publisher()
        .await
        .unwrap()
        .publish_raw(
            &format!("{prefix}.parse"),
            b"{not a message",
            Default::default(),
        )
        .await
        .unwrap();
    let dlq = format!("{prefix}.parse.dlq");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut dead = broker.queue_counts(&dlq).await.unwrap().0;
    while dead == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        dead = broker.queue_counts(&dlq).await.unwrap().0;
    }
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

/// The console over an embedded SQLite archive, without a broker: calendar, reader with the
/// stored scan, search, an article, failures; replay says it needs the services.
#[tokio::test(flavor = "multi_thread")]
async fn console_serves_an_embedded_sqlite_archive_without_a_broker() {
    use sha2::Digest;
    let site = SampleSite::start(2, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let db_path = std::env::temp_dir().join(format!("epaper-console-{suffix}.db"));
    let db_url = format!("sqlite://{}", db_path.display());
    let media_dir = std::env::temp_dir().join(format!("epaper-console-sqlite-media-{suffix}"));
    run_ok(
        Command::new(bin("epaper"))
            .args(["run", "--site", "sample", "--base-url", &site.base_url])
            .args(["--from", &dates[0], "--to", &dates[1], "--db", &db_url])
            .arg("--media-dir")
            .arg(&media_dir),
    );
    let articles = export_all(&db_url).await;
    assert!(!articles.is_empty());

    let (console, url) = start_console(
        Command::new(bin("epaper"))
            .args(["console", "--no-broker", "--db", &db_url, "--media-dir"])
            .arg(&media_dir),
    );
    let url = url.trim_end_matches('/').to_string();
    let get = async |path: &str| {
        let response = reqwest::get(format!("{url}{path}")).await.unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    };
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();

    // The calendar: both issues complete, no backlog panel without a broker.
    let (status, home) = get("/").await;
    let home = text(home);
    assert_eq!(status, 200);
    for date in &dates[..2] {
        assert!(
            home.contains(&format!("<td class=\"complete\" data-date=\"{date}\"")),
            "{date} is not shown complete"
        );
    }
    assert!(
        home.contains("--no-broker"),
        "the page says why backlogs are missing"
    );

    // The reader: the issue's articles and its pages' stored scans, served from the media store.
    let (status, reader) = get(&format!("/issue/sample/{}", dates[0])).await;
    let reader = text(reader);
    assert_eq!(status, 200);
    let first = articles
        .iter()
        .find(|a| a.date.to_string() == dates[0])
        .unwrap();
    assert!(reader.contains(first.title.as_deref().unwrap()));
    let scan = reader
        .split("/media/")
        .nth(1)
        .and_then(|rest| rest.split(['\'', '"']).next())
        .expect("the reader links a stored scan");
    let (status, bytes) = get(&format!("/media/{scan}")).await;
    assert_eq!(status, 200);
    let sha = scan.rsplit('/').next().unwrap();
    assert_eq!(format!("{:x}", sha2::Sha256::digest(&bytes)), sha);

    // Search finds the article by its title; the article page shows its paragraphs.
    let title = first.title.clone().unwrap();
    let query: String = url::form_urlencoded::byte_serialize(title.as_bytes()).collect();
    let (status, hits) = get(&format!("/search?q={query}")).await;
    let hits = text(hits);
    assert_eq!(status, 200);
    assert!(
        hits.contains(&title) && !hits.contains("<p id=\"hit-count\">0 hits"),
        "{hits}"
    );
    let link: String = url::form_urlencoded::byte_serialize(first.url.as_bytes()).collect();
    let (status, page) = get(&format!("/article?url={link}")).await;
    let page = text(page);
    assert_eq!(status, 200);
    assert!(page.contains(&first.paragraphs[0]), "{page}");
    let (status, _) = get("/article?url=http%3A%2F%2Fnowhere.example%2F").await;
    assert_eq!(status, 404);

    let (status, _) = get("/failures").await;
    assert_eq!(status, 200);
    // Replay needs the services: a clear refusal, nothing marked queued.
    let response = reqwest::Client::new()
        .post(format!("{url}/replay"))
        .header("origin", &url)
        .form(&[("site", "sample"), ("date", dates[0].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("replay needs the services")
    );
    let store = Store::connect(&db_url, 1).await.unwrap();
    assert_eq!(
        store.issue_states().await.unwrap(),
        vec![("sample".to_string(), IssueState::Complete, 2)]
    );
    store.close().await;
    drop(console);
    let _ = std::fs::remove_file(&db_path);
    let _ = std::fs::remove_dir_all(&media_dir);
}

/// A path that tries to close the replay button's `id` attribute and add a handler: before
/// attributes were quoted, `autofocus` focused the button and the handler ran.
const REFLECTED: &str = "/issue/x%20autofocus%20onfocus=window.pwned=1;x=1/2024-03-04";

/// The console against what a hostile page, browser or stored record can send it: reflected
/// markup, a stored `java&#9;script:` PDF link, cross-site POSTs, another Host, an issue dated
/// +262142-12-31, an internal error. Each must be refused or made harmless, and the legitimate
/// replay must still work.
#[tokio::test(flavor = "multi_thread")]
async fn console_holds_against_hostile_requests_and_records() {
    let site = SampleSite::start(1, "none");
    let (dates, _) = site.manifest().await;
    let day = &dates[0];
    let db = FreshDatabase::create().await;
    run_ok(
        Command::new(bin("epaper"))
            .args(["run", "--site", "sample", "--base-url", &site.base_url])
            .args(["--from", day, "--to", day, "--db", &db.url]),
    );
    // Hostile records: a PDF link the parser once let through, a scan with a script URL, and
    // the last date chrono can represent.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let first_page: String = sqlx::query_scalar("SELECT url FROM pages ORDER BY page_idx LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE pages SET pdf_url = $1, image_url = $2 WHERE url = $3")
        .bind("java\tscript:window.pwned=2")
        .bind("javascript:window.pwned=3")
        .bind(&first_page)
        .execute(&pool)
        .await
        .unwrap();
    let store = Store::connect(&db.url, 1).await.unwrap();
    store
        .mark_requeued("sample", chrono::NaiveDate::MAX)
        .await
        .unwrap();
    let prefix = format!("console-hostile-{}", random_suffix());
    let log_path = std::env::temp_dir().join(format!("{prefix}.log"));
    let (console, url) = start_console_logging(
        Command::new(bin("epaper"))
            .args(["console", "--db", &db.url, "--base-url", &site.base_url])
            .env("EPAPER__AMQP__URL", amqp_url())
            .env("EPAPER__AMQP__QUEUE_PREFIX", &prefix)
            .env("EPAPER__TELEMETRY__FORMAT", "text"),
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    );
    let url = url.trim_end_matches('/').to_string();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = async |path: &str| {
        let response = http.get(format!("{url}{path}")).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    };

    // The home page shows the calendar with the far-future row in it, and every response
    // carries the security headers.
    let (status, headers, home) = get("/").await;
    assert_eq!(status, 200, "{home}");
    assert!(home.contains(&format!("data-date=\"{day}\"")), "{home}");
    assert!(home.contains("data-date=\"+262142-12-31\""), "{home}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(
        !home.contains("<style") && !home.contains("style="),
        "no inline style"
    );
    let (status, headers, css) = get("/style.css").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    assert!(css.contains("table.cal"));

    // Reflected markup: refused, and nothing of it comes back.
    let (status, headers, body) = get(REFLECTED).await;
    assert_eq!(status, 404);
    assert!(
        !body.contains("onfocus") && !body.contains("autofocus"),
        "{body}"
    );
    assert_eq!(headers["x-frame-options"], "DENY");

    // The stored script URLs are shown as text, never as a link or an image.
    let (status, _, reader) = get(&format!("/issue/sample/{day}")).await;
    assert_eq!(status, 200);
    let lower = reader.to_lowercase();
    assert!(
        !lower.contains("href=\"java") && !lower.contains("src=\"java"),
        "{reader}"
    );
    assert!(reader.contains("not a web link"), "{reader}");
    assert!(
        reader.contains("href=\"http"),
        "the other pages' PDFs are still links"
    );

    // Another Host (a DNS-rebinding page) is refused.
    let response = http
        .get(format!("{url}/"))
        .header("host", "rebound.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 421);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(!response.text().await.unwrap().contains(day));

    // Cross-site POSTs: refused before anything is published or stored.
    let replay = async |headers: &[(&str, &str)], site: &str, date: &str| {
        let mut request = http
            .post(format!("{url}/replay"))
            .form(&[("site", site), ("date", date)]);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let own = url.as_str();
    for headers in [
        vec![
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        vec![("origin", own), ("sec-fetch-site", "cross-site")],
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![],
    ] {
        let (status, _) = replay(&headers, "sample", day).await;
        assert_eq!(status, 403, "{headers:?}");
    }
    // Same-origin, but a site without a profile or a date out of range: 400.
    let same = [("origin", own), ("sec-fetch-site", "same-origin")];
    for (site, date) in [
        ("sample", "+262142-12-31"),
        ("sample", "1899-12-31"),
        ("no-such-paper", day.as_str()),
        ("x autofocus onfocus=alert(1)", day.as_str()),
    ] {
        let (status, _) = replay(&same, site, date).await;
        assert_eq!(status, 400, "{site} {date}");
    }
    let mut settings =
        Settings::load_with_env(None, [("EPAPER__AMQP__URL".to_string(), amqp_url())]).unwrap();
    settings.amqp.queue_prefix = prefix.clone();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let crawl = broker.topology.work_queue(epaper_common::Stage::Crawl);
    assert_eq!(
        broker.queue_counts(&crawl).await.unwrap().0,
        0,
        "nothing published"
    );
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    assert_eq!(
        store.issue_state("sample", date).await.unwrap(),
        Some(IssueState::Complete),
        "no row changed"
    );
    // The console's own form still replays.
    let (status, _) = replay(&same, "sample", day).await;
    assert_eq!(status, 303);
    assert_eq!(broker.queue_counts(&crawl).await.unwrap().0, 1);
    broker.delete_topology().await.unwrap();
    broker.close().await;

    // In a browser: the reflected handler and the stored links run nothing.
    let browser = Browser::start().await;
    browser.open(&format!("{url}{REFLECTED}")).await;
    browser.open(&format!("{url}/issue/sample/{day}")).await;
    for link in browser.find_all("a").await {
        let href = browser.attribute(&link, "href").await.unwrap_or_default();
        assert!(!href.to_lowercase().starts_with("javascript"), "{href}");
    }
    browser.open(&format!("{url}{REFLECTED}")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ran = browser
        .execute("return window.pwned === undefined ? null : window.pwned")
        .await;
    assert_eq!(ran, serde_json::Value::Null, "an injected handler ran");
    browser.call("DELETE", "", serde_json::Value::Null).await;
    drop(browser);

    // An internal error: a reference on the page, the detail only in the log.
    sqlx::query("ALTER TABLE pages RENAME TO pages_hidden")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _, body) = get(&format!("/issue/sample/{day}")).await;
    assert_eq!(status, 500);
    assert!(
        !body.contains("does not exist") && !body.contains("relation"),
        "{body}"
    );
    let reference = body
        .split("<code id=\"reference\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a reference on the error page")
        .to_string();
    drop(console);
    let log = std::fs::read_to_string(&log_path).unwrap();
    let line = log
        .lines()
        .find(|line| line.contains(&reference))
        .unwrap_or_else(|| panic!("reference {reference} not in the log:\n{log}"));
    assert!(line.contains("does not exist"), "{line}");
    store.close().await;
    pool.close().await;
    let _ = std::fs::remove_file(&log_path);
    db.drop_it().await;
}

/// Beyond loopback the console needs a token; with one, every request must carry it.
#[tokio::test(flavor = "multi_thread")]
async fn console_needs_credentials_beyond_loopback() {
    let suffix = random_suffix();
    let db_path = std::env::temp_dir().join(format!("epaper-console-auth-{suffix}.db"));
    let db_url = format!("sqlite://{}", db_path.display());
    let mut refused = KillOnDrop(
        Command::new(bin("epaper"))
            .args([
                "console",
                "--no-broker",
                "--db",
                &db_url,
                "--addr",
                "0.0.0.0:0",
            ])
            .env_remove("EPAPER__CONSOLE__TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // A console that does not refuse serves forever: give it 30 s to exit.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = refused.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "it started on 0.0.0.0 without credentials"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut refused.0.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without credentials"),
        "{stderr}"
    );

    let token = format!("token-{suffix}-0123456789");
    let mut console = KillOnDrop(
        Command::new(bin("epaper"))
            .args([
                "console",
                "--no-broker",
                "--db",
                &db_url,
                "--addr",
                "0.0.0.0:0",
            ])
            .env("EPAPER__CONSOLE__TOKEN", &token)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(console.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("http://0.0.0.0:")
        .unwrap_or_else(|| panic!("first line was {line:?}"))
        .trim_end_matches('/');
    let url = format!("http://127.0.0.1:{port}/");
    let http = reqwest::Client::new();
    let status =
        async |request: reqwest::RequestBuilder| request.send().await.unwrap().status().as_u16();
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(status(http.get(&url).bearer_auth(&token)).await, 200);
    assert_eq!(
        status(http.get(&url).basic_auth("epaper", Some(&token))).await,
        200
    );
    assert_eq!(
        status(http.get(&url).bearer_auth(format!("{token}x"))).await,
        401
    );
    assert_eq!(
        status(http.get(&url).basic_auth("root", Some(&token))).await,
        401
    );
    drop(console);
    let _ = std::fs::remove_file(&db_path);
}

#[test]
fn service_binaries_name_themselves_and_refuse_unknown_flags() {
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
