//! The real crawler, parser and indexer (the embedded mode, SQLite) against the sample site with
//! `--faults permanent`: what is stored, what is recorded as failed, what is never fetched, all
//! compared with what the site's `/manifest.json` says it serves.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use epaper::embedded::{self, RunOptions};
use epaper::sample::{self, Faults, generate};
use epaper_common::config::Settings;
use epaper_common::messages::Direction;
use epaper_indexer::store::ExportFilter;
use epaper_indexer::testing::{exported, issue_state};
use epaper_indexer::{IssueState, Store};

/// Serves `n_issues` of the sample paper with `faults` on a free port; its base URL.
async fn serve(n_issues: usize, faults: Faults) -> String {
    let (base_url, server) = sample::bind(([127, 0, 0, 1], 0).into(), n_issues, faults)
        .await
        .expect("binds the sample site");
    tokio::spawn(server);
    base_url
}

/// The body of a GET that must reach the sample site.
async fn get_text(url: String) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// A fresh SQLite archive in the temporary directory: its path and URL.
fn temp_db(name: &str) -> (std::path::PathBuf, String) {
    let path = std::env::temp_dir().join(format!(
        "epaper-{name}-{}-{}.db",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap()
    ));
    let url = format!("sqlite://{}", path.display());
    (path, url)
}

/// An embedded run of the sample site over `from..=to` into `db_url`, calendar and no media.
fn sample_run(base_url: &str, from: NaiveDate, to: NaiveDate, db_url: &str) -> RunOptions {
    RunOptions {
        site: "sample".into(),
        base_url: Some(base_url.to_string()),
        from,
        to,
        db_url: db_url.to_string().into(),
        all_days: false,
        media_dir: None,
        follow: None,
    }
}

/// How many articles the generated paper has.
fn articles_in(paper: &generate::Paper) -> usize {
    paper
        .issues
        .iter()
        .flat_map(|i| &i.pages)
        .map(|p| p.articles.len())
        .sum()
}

fn strings(value: &serde_json::Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn permanent_faults_are_failures_per_url_off_days_are_absent_and_gbk_is_decoded() {
    let n_issues = 2;
    let base_url = serve(n_issues, Faults::Permanent).await;
    let manifest: serde_json::Value =
        serde_json::from_str(&get_text(format!("{base_url}manifest.json")).await).unwrap();
    let permanent = &manifest["permanent"];
    let absent = strings(&permanent["absent_dates"]);
    let partial = strings(&permanent["partial_dates"]);
    let unreachable = strings(&permanent["unreachable_articles"]);
    let gbk = strings(&permanent["gbk_articles"]);
    let broken: BTreeMap<String, String> = permanent["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["url"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(absent.len(), 2);
    assert_eq!(broken.len(), 5, "{broken:?}");
    assert_eq!(gbk.len(), 2);
    let served: BTreeSet<String> = manifest["issues"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["pages"].as_array().unwrap())
        .flat_map(|p| strings(&p["articles"]))
        .collect();
    let want: BTreeSet<String> = served
        .iter()
        .filter(|url| !broken.contains_key(*url) && !unreachable.contains(*url))
        .cloned()
        .collect();

    let from: NaiveDate = manifest["issues"][0]["date"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let to: NaiveDate = absent.iter().max().unwrap().parse().unwrap();
    let (db_path, db_url) = temp_db("faults");
    let settings = Settings::load(None).unwrap();
    let summary = embedded::run(&settings, sample_run(&base_url, from, to, &db_url))
        .await
        .expect("the run ends");
    assert_eq!(summary.n_issues, n_issues + 2);

    let store = Store::connect(&db_url, 1).await.unwrap();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let expected = if absent.contains(&date.to_string()) {
            "absent"
        } else if partial.contains(&date.to_string()) {
            "partial"
        } else {
            "complete"
        };
        assert_eq!(
            issue_state(&store, "sample", date).await,
            Some(expected),
            "issue of {date}"
        );
    }

    // Each broken URL is one failure row of the crawl stage, with its kind; nothing else failed.
    let failures = store.failures(&ExportFilter::default()).await.unwrap();
    let recorded: BTreeMap<String, String> = failures
        .iter()
        .map(|f| (f.url.clone(), f.kind.clone()))
        .collect();
    assert_eq!(recorded, broken, "{failures:#?}");
    assert_eq!(failures.len(), broken.len(), "{failures:#?}");
    assert!(failures.iter().all(|f| f.stage == "crawl"), "{failures:#?}");
    let reason = |fault: &str| {
        let url = permanent["failures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fault"] == fault)
            .unwrap()["url"]
            .as_str()
            .unwrap()
            .to_string();
        failures
            .iter()
            .find(|f| f.url == url)
            .unwrap()
            .reason
            .clone()
    };
    assert!(reason("offsite_redirect").contains("another host"));
    assert!(reason("oversized").contains("larger than"));
    assert!(reason("redirect_loop").contains("redirect"));
    assert!(reason("not_found").contains("404"));

    // The other host was never asked for anything.
    let offsite = get_text(format!("{base_url}offsite-requests")).await;
    assert_eq!(offsite, "0");
    assert!(
        permanent["offsite_base_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.2:")
    );

    // Every other article is stored once, the GBK ones with the generator's own text.
    let rows = exported(&store).await;
    let stored: Vec<String> = rows.iter().map(|r| r.url.clone()).collect();
    assert_eq!(stored.len(), want.len());
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), want);
    let paper = generate::paper(n_issues);
    for url in &gbk {
        let id: u32 = url
            .rsplit("content_")
            .next()
            .unwrap()
            .trim_end_matches(".htm")
            .parse()
            .unwrap();
        let article = paper
            .issues
            .iter()
            .flat_map(|i| &i.pages)
            .flat_map(|p| &p.articles)
            .find(|a| a.id == id)
            .unwrap();
        let row = rows
            .iter()
            .find(|r| &r.url == url)
            .expect("GBK article stored");
        assert_eq!(row.title.as_deref(), Some(article.title.as_str()), "{url}");
        assert_eq!(row.paragraphs, article.paragraphs, "{url}");
    }
    store.close().await;
    let _ = std::fs::remove_file(&db_path);
}

async fn export(store: &Store) -> Vec<String> {
    let mut rows = Vec::new();
    store
        .export(&ExportFilter::default(), |row| {
            rows.push(serde_json::to_string(&row).unwrap());
            Ok(())
        })
        .await
        .unwrap();
    rows
}

async fn raw_fetch_times(store: &Store) -> BTreeMap<String, String> {
    let mut times = BTreeMap::new();
    store
        .raw_documents(&ExportFilter::default(), async |doc| {
            times.insert(doc.url.clone(), doc.fetched_at.to_rfc3339());
            Ok(())
        })
        .await
        .unwrap();
    times
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recrawl_asks_conditionally_gets_304s_and_leaves_the_archive_as_it_was() {
    let n_issues = 2;
    let base_url = serve(n_issues, Faults::None).await;
    let paper = generate::paper(n_issues);
    let n_articles = articles_in(&paper);
    let (db_path, db_url) = temp_db("recrawl");
    let settings = Settings::load(None).unwrap();
    let options = || {
        sample_run(
            &base_url,
            paper.issues[0].date,
            paper.issues[n_issues - 1].date,
            &db_url,
        )
    };
    let not_modified = async || {
        get_text(format!("{base_url}not-modified-responses"))
            .await
            .parse::<usize>()
            .unwrap()
    };

    let first = embedded::run(&settings, options()).await.unwrap();
    assert_eq!(
        first.states,
        vec![("sample".into(), IssueState::Complete, 2)]
    );
    assert_eq!(not_modified().await, 0);
    let store = Store::connect(&db_url, 1).await.unwrap();
    let archived = export(&store).await;
    let fetched_at = raw_fetch_times(&store).await;
    assert_eq!(archived.len(), n_articles);
    let validators = store
        .validators("sample", paper.issues[0].date)
        .await
        .unwrap();
    assert!(
        validators.iter().all(|v| v.etag.is_some()) && !validators.is_empty(),
        "{validators:?}"
    );
    store.close().await;

    let second = embedded::run(&settings, options()).await.unwrap();
    assert_eq!(
        second.states,
        vec![("sample".into(), IssueState::Complete, 2)]
    );
    // Every article answered 304; the pages were fetched again (their links are needed).
    assert_eq!(not_modified().await, n_articles);
    let store = Store::connect(&db_url, 1).await.unwrap();
    assert_eq!(export(&store).await, archived);
    let refetched = raw_fetch_times(&store).await;
    assert_eq!(refetched.len(), fetched_at.len());
    for (url, at) in &refetched {
        if url.contains("content_") {
            assert_eq!(Some(at), fetched_at.get(url), "{url} was not stored again");
        }
    }
    assert!(
        store
            .failures(&ExportFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
    let _ = std::fs::remove_file(&db_path);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incremental_run_starts_at_the_newest_stored_issue() {
    let base_url = serve(3, Faults::None).await;
    let dates: Vec<NaiveDate> = generate::paper(3).issues.iter().map(|i| i.date).collect();
    let (db_path, db_url) = temp_db("incremental");
    Store::connect(&db_url, 1)
        .await
        .unwrap()
        .migrate()
        .await
        .unwrap();
    let error = embedded::incremental_range(&db_url.clone().into(), "sample", None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("--from"), "{error}");

    let settings = Settings::load(None).unwrap();
    let options = |from, to| sample_run(&base_url, from, to, &db_url);
    embedded::run(&settings, options(dates[0], dates[1]))
        .await
        .unwrap();
    let (from, to) = embedded::incremental_range(&db_url.clone().into(), "sample", Some(dates[2]))
        .await
        .unwrap();
    assert_eq!((from, to), (dates[1], dates[2]));
    let today = embedded::incremental_range(&db_url.clone().into(), "sample", None)
        .await
        .unwrap();
    assert_eq!(today, (dates[1], chrono::Utc::now().date_naive()));
    let summary = embedded::run(&settings, options(from, to)).await.unwrap();
    assert_eq!(summary.n_issues, 2);
    assert_eq!(
        summary.states,
        vec![("sample".into(), IssueState::Complete, 3)]
    );
    let _ = std::fs::remove_file(&db_path);
}

#[tokio::test(flavor = "multi_thread")]
async fn following_issue_links_skips_the_days_without_an_issue() {
    // Three issues, three days apart: the days between have none (404).
    let shape = generate::Shape {
        every_days: 3,
        ..generate::Shape::default()
    };
    let (base_url, server) = sample::bind_shaped(
        ([127, 0, 0, 1], 0).into(),
        3,
        shape,
        Faults::None,
        &sample::layouts::Classic,
    )
    .await
    .unwrap();
    tokio::spawn(server);
    let paper = generate::paper_shaped(3, shape);
    let dates: Vec<NaiveDate> = paper.issues.iter().map(|i| i.date).collect();
    assert_eq!(dates[2] - dates[0], chrono::Duration::days(6));
    let n_articles = articles_in(&paper);
    let settings = Settings::load(None).unwrap();
    let run = async |follow, to: NaiveDate| {
        let (db_path, db_url) = temp_db("follow");
        let summary = embedded::run(
            &settings,
            RunOptions {
                follow,
                ..sample_run(&base_url, dates[0], to, &db_url)
            },
        )
        .await
        .unwrap();
        let store = Store::connect(&db_url, 1).await.unwrap();
        let archived = export(&store).await.len();
        store.close().await;
        let _ = std::fs::remove_file(&db_path);
        (summary, archived)
    };
    let to = dates[2] + chrono::Days::new(2);

    // Forward from the first issue: 下一期 leads from issue to issue, no day between is asked.
    let (summary, archived) = run(Some(Direction::Next), to).await;
    assert_eq!(
        summary.states,
        vec![("sample".into(), IssueState::Complete, 3)]
    );
    assert_eq!(summary.n_issues, 3);
    assert_eq!(archived, n_articles);

    // Back from two days after the last issue: those two days are absent (404, one day at a
    // time), then 上一期 leads back to the first issue, which has none and ends the chain.
    let (summary, archived) = run(Some(Direction::Prev), to).await;
    assert_eq!(
        summary.states,
        vec![
            ("sample".into(), IssueState::Absent, 2),
            ("sample".into(), IssueState::Complete, 3)
        ]
    );
    assert_eq!(summary.n_issues, 5);
    assert_eq!(archived, n_articles);

    // The calendar probes every day of the range: six days without an issue.
    let (summary, archived) = run(None, to).await;
    assert_eq!(
        summary.states,
        vec![
            ("sample".into(), IssueState::Absent, 6),
            ("sample".into(), IssueState::Complete, 3)
        ]
    );
    assert_eq!(archived, n_articles);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_crawls_a_profile_from_the_sites_dir() {
    let base_url = serve(1, Faults::None).await;
    // A paper no bundled profile knows, of the sample site's layout, dropped into `sites.dir`.
    let dir = std::env::temp_dir().join(format!("epaper-sites-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profile = include_str!("../../config/sites/sample.toml")
        .replace("id = \"sample\"", "id = \"dir-paper\"");
    std::fs::write(dir.join("dir-paper.toml"), profile).unwrap();
    let env = vec![("EPAPER__SITES__DIR".to_string(), dir.display().to_string())];
    let settings = Settings::load_with_env(None, env).unwrap();

    let date = generate::paper(1).issues[0].date;
    let (db_path, db_url) = temp_db("sites-dir");
    let options = RunOptions {
        site: "dir-paper".into(),
        ..sample_run(&base_url, date, date, &db_url)
    };
    let summary = embedded::run(&settings, options).await.unwrap();
    assert_eq!(summary.n_issues, 1);
    assert_eq!(
        summary.states,
        vec![("dir-paper".into(), IssueState::Complete, 1)]
    );
    // Without the directory the paper is unknown, and nothing runs.
    let options = RunOptions {
        site: "dir-paper".into(),
        ..sample_run(&base_url, date, date, &db_url)
    };
    let error = embedded::run(&Settings::load(None).unwrap(), options)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("unknown site \"dir-paper\""),
        "{error}"
    );
    let _ = std::fs::remove_file(&db_path);
    let _ = std::fs::remove_dir_all(&dir);
}
