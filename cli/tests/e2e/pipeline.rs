//! The whole pipeline, services and embedded, against the sample site's manifest.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use epaper_common::broker::Broker;
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use epaper_indexer::{ExportFilter, IssueState, Store};

use crate::media::{assert_media_kept, served_media};
use crate::support::*;

/// The relevance set: queries over the sample paper's text (two-character words, names, place
/// names, multi-word queries) with their expected hits computed from the generator: exactly the
/// articles whose text holds every word of the query.
pub(crate) const RELEVANCE_QUERIES: [&str; 22] = [
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

pub(crate) async fn assert_search_relevance(db_url: &str, n_issues: usize, base_url: &str) {
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

/// Every running service answers `/healthz` and `/readyz`, and its `/metrics` counts the work
/// it did under the documented names.
pub(crate) async fn assert_service_endpoints(logs: &Path, names: &[&str], prefix: &str) {
    let mut n_indexers_worked = 0;
    for (k, name) in names.iter().enumerate() {
        let addr = http_addr_in(&logs.join(format!("{name}-{k}.log")));
        let get = |path: &str| get_status_text(format!("http://{addr}{path}"));
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

#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn services_store_every_manifest_article_exactly_once_in_postgres() {
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
            let child = spawn_service(name, &env, &logs.join(format!("{name}-{k}.log")));
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
    let mut settings = settings_from(&env);
    settings.amqp.queue_prefix = prefix.clone();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let publisher = broker.publisher().await.unwrap();
    let dead = dead_letter_a_poison_message(&broker, &prefix, deadline).await;
    let dlq = format!("{prefix}.parse.dlq");
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
            http: None,
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
pub(crate) async fn embedded_run_stores_the_same_set_in_sqlite() {
    let site = SampleSite::start(2, "none");
    let (dates, want) = site.manifest().await;
    let (db_path, db_url) = temp_sqlite(&format!("epaper-e2e-{}", random_suffix()));
    let out = run_ok(&mut site.run_command(&dates[0], &dates[1], &db_url));
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
    // CSV has the same articles, each row's last columns its regions and their space as JSONL
    // has them.
    let csv_text =
        run_ok(Command::new(bin("epaper")).args(["export", "--db", &db_url, "--format", "csv"]));
    assert_csv_regions_match(&csv_text, &exported);
    let _ = std::fs::remove_file(&db_path);
}

/// Every CSV row's `regions` column, read back as JSON, is the `regions` of the JSONL row of
/// its URL, and its last column, `regions_size`, that row's `regions_size` (empty for null);
/// some article has regions (the classic sample maps its articles on the scan), each such in
/// the space its page shows the scan at.
fn assert_csv_regions_match(csv_text: &str, jsonl: &[serde_json::Value]) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (url_at, regions_at, size_at) = (column("url"), column("regions"), column("regions_size"));
    assert_eq!(
        (regions_at, size_at),
        (headers.len() - 2, headers.len() - 1),
        "{headers:?}"
    );
    let by_url: HashMap<&str, &serde_json::Value> = jsonl
        .iter()
        .map(|row| (row["url"].as_str().unwrap(), row))
        .collect();
    let mut n_rows = 0;
    let mut n_with_regions = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let line = by_url[&row[url_at]];
        let regions: serde_json::Value = serde_json::from_str(&row[regions_at]).unwrap();
        assert_eq!(regions, line["regions"], "{row:?}");
        let size = match &row[size_at] {
            "" => serde_json::Value::Null,
            json => serde_json::from_str(json).unwrap(),
        };
        assert_eq!(size, line["regions_size"], "{row:?}");
        n_rows += 1;
        if regions.as_array().is_some_and(|r| !r.is_empty()) {
            n_with_regions += 1;
            assert!(size["width"].as_u64().is_some(), "{row:?}");
        }
    }
    assert_eq!(n_rows, jsonl.len());
    assert!(n_with_regions > 0, "no CSV row has regions: {csv_text}");
}

#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn embedded_run_recovers_from_transient_site_faults() {
    let site = SampleSite::start(2, "transient");
    let (dates, want) = site.manifest().await;
    let (db_path, db_url) = temp_sqlite(&format!("epaper-e2e-{}", random_suffix()));
    run_ok(&mut site.run_command(&dates[0], &dates[1], &db_url));
    assert_same_set(&export_all(&db_url).await, &want);
    let _ = std::fs::remove_file(&db_path);
}

/// `epaper run` tells a script what it left undone: exit status 3 when an issue of its range
/// ended `partial` or `failed`, with a JSON summary naming it.
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn an_incomplete_run_exits_3_with_a_summary_naming_the_issue() {
    let site = SampleSite::start(2, "permanent");
    let (dates, _) = site.manifest().await;
    let (db_path, db_url) = temp_sqlite(&format!("epaper-e2e-{}", random_suffix()));
    let out = site
        .run_command(&dates[0], &dates[1], &db_url)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["exit"], 3);
    let incomplete = summary["incomplete"].as_array().unwrap();
    // The first issue holds the permanent faults; the second is whole.
    assert_eq!(incomplete.len(), 1, "{summary}");
    assert_eq!(incomplete[0]["site"], "sample");
    assert_eq!(incomplete[0]["date"], dates[0].as_str());
    assert_eq!(incomplete[0]["state"], "partial");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("1 issue incomplete: sample {} partial", dates[0])),
        "{stderr}"
    );
    let _ = std::fs::remove_file(&db_path);
}
