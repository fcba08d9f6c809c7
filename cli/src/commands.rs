//! The subcommands of `epaper`, one function each.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::config::{Settings, SizeCaps, redact_url};
use epaper_common::messages::{CrawlIssue, Direction, Stage};
use epaper_common::sites;
use epaper_indexer::{ExportFilter, IssueState, SearchQuery};
use secrecy::SecretString;

use crate::connect::{open_broker, open_store};
use crate::embedded::{self, RunOptions};
use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::plan::{crawl_plan, crawl_request};
use crate::progress;
use crate::sample::{self, Faults};

/// `epaper parse --url URL FILE`: contract 1.
pub fn parse(url: &str, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let record = epaper_parser::parse(url, &bytes, None)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &record)?;
    writeln!(stdout)?;
    Ok(())
}

/// `epaper sample-site`: prints its base URL first, then serves until killed.
pub async fn sample_site(
    addr: SocketAddr,
    n_issues: usize,
    shape: sample::Shape,
    faults: Faults,
) -> anyhow::Result<()> {
    let (base_url, server) = sample::bind_shaped(addr, n_issues, shape, faults)
        .await
        .with_context(|| format!("binding {addr}"))?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{base_url}")?;
        stdout.flush()?;
    }
    tracing::info!(%base_url, n_issues, ?faults, "sample site serving");
    server.await?;
    Ok(())
}

pub async fn run(settings: &Settings, options: RunOptions) -> anyhow::Result<()> {
    let summary = embedded::run(settings, options).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{} issues processed", summary.n_issues)?;
    for (site, state, n) in &summary.states {
        writeln!(stdout, "  {site}: {n} {state}")?;
    }
    Ok(())
}

/// `epaper demo`: the sample site on a free port, a few issues through the embedded mode into
/// `db`, and what was stored. Offline.
pub async fn demo(settings: &Settings, db: &Path) -> anyhow::Result<()> {
    let n_issues = 3;
    let (base_url, server) = sample::bind(
        "127.0.0.1:0".parse().expect("valid address"),
        n_issues,
        Faults::None,
    )
    .await?;
    let server = tokio::spawn(server);
    let first = sample::generate::first_date();
    let last = first + chrono::Days::new(n_issues as u64 - 1);
    let db_url = format!("sqlite://{}", db.display());
    let db_secret = SecretString::from(db_url.clone());
    println!(
        "sample e-paper at {base_url}; crawling {first} to {last} into {}",
        db.display()
    );
    let summary = embedded::run(
        settings,
        RunOptions {
            site: "sample".into(),
            base_url: Some(base_url),
            from: first,
            to: last,
            db_url: db_secret.clone(),
            all_days: false,
            media_dir: None,
            follow: None,
        },
    )
    .await?;
    server.abort();
    let store = open_store(&db_secret, 1).await?;
    let mut stdout = std::io::stdout().lock();
    for (site, state, n) in &summary.states {
        writeln!(stdout, "issues of {site}: {n} {state}")?;
    }
    let mut shown = 0;
    let n_articles = store
        .export(&ExportFilter::default(), |article| {
            if shown < 8 {
                shown += 1;
                writeln!(
                    stdout,
                    "  {} 第{}版 {}  ({}, {} paragraphs)",
                    article.date,
                    article.page_no.as_deref().unwrap_or("?"),
                    article.title.as_deref().unwrap_or("(untitled)"),
                    article.author.as_deref().unwrap_or("no byline"),
                    article.paragraphs.len()
                )?;
            }
            Ok(())
        })
        .await?;
    writeln!(
        stdout,
        "{n_articles} articles stored in {}; `epaper export --db {db_url} --format jsonl` prints them all",
        db.display()
    )?;
    store.close().await;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object a line, every field, with the stored media of the article and its page.
    Jsonl,
    /// One row an article; paragraphs joined by newlines, images as JSON, the stored scan and
    /// PDF of its page as paths under the media directory.
    Csv,
}

const CSV_HEADER: [&str; 13] = [
    "site",
    "date",
    "page_no",
    "page_name",
    "url",
    "pretitle",
    "title",
    "subtitle",
    "author",
    "paragraphs",
    "images",
    "page_scan_path",
    "page_pdf_path",
];

pub async fn export(
    db_url: &SecretString,
    filter: ExportFilter,
    format: ExportFormat,
) -> anyhow::Result<()> {
    let store = open_store(db_url, 2).await?;
    let bar = progress::spinner("articles exported");
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let n = match format {
        ExportFormat::Jsonl => {
            let mut out = stdout;
            let n = store
                .export(&filter, |article| {
                    bar.inc(1);
                    serde_json::to_writer(&mut out, &article)?;
                    out.write_all(b"\n")
                })
                .await?;
            out.flush()?;
            n
        }
        ExportFormat::Csv => {
            let mut out = csv::Writer::from_writer(stdout);
            out.write_record(CSV_HEADER)?;
            let n = store
                .export(&filter, |a| {
                    bar.inc(1);
                    let images = serde_json::to_string(&a.images)?;
                    let date = a.date.to_string();
                    let paragraphs = a.paragraphs.join("\n");
                    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                    let path = |m: &Option<epaper_indexer::store::StoredMedium>| {
                        m.as_ref().map(|m| m.path.clone()).unwrap_or_default()
                    };
                    out.write_record([
                        a.site.as_str(),
                        &date,
                        &opt(&a.page_no),
                        &opt(&a.page_name),
                        &a.url,
                        &opt(&a.pretitle),
                        &opt(&a.title),
                        &opt(&a.subtitle),
                        &opt(&a.author),
                        &paragraphs,
                        &images,
                        &path(&a.page_scan),
                        &path(&a.page_pdf),
                    ])
                    .map_err(std::io::Error::other)
                })
                .await?;
            out.flush()?;
            n
        }
    };
    bar.finish_and_clear();
    tracing::info!(n_articles = n, "exported");
    store.close().await;
    Ok(())
}

/// `epaper reparse`: archived raw documents through the parser again, stored in place. The site
/// is not touched. A document that no longer parses is recorded in `failures`, and its old
/// record is kept.
pub async fn reparse(
    db_url: &SecretString,
    filter: ExportFilter,
    caps: SizeCaps,
) -> anyhow::Result<()> {
    let store = open_store(db_url, 2).await?;
    let (mut n_ok, mut n_failed) = (0u64, 0u64);
    let bar = progress::spinner("raw documents re-parsed");
    let n = store
        .raw_documents(&filter, async |fetched| {
            bar.inc(1);
            let parsed = fetched
                .inflate(caps)
                .map_err(anyhow::Error::from)
                .and_then(|raw| {
                    Ok(epaper_parser::parse(&fetched.url, &raw, fetched.content_type.as_deref())?)
                });
            match parsed {
                Ok(record) => {
                    store.store_document(&fetched, &record).await?;
                    n_ok += 1;
                }
                Err(error) => {
                    tracing::warn!(url = %fetched.url, error = %format!("{error:#}"), "does not parse");
                    store
                        .record_failure(
                            &fetched.site,
                            fetched.issue_date,
                            &fetched.url,
                            "parse",
                            "permanent",
                            &format!("{error:#}"),
                        )
                        .await?;
                    n_failed += 1;
                }
            }
            Ok(())
        })
        .await?;
    bar.finish_and_clear();
    store.close().await;
    println!("{n} raw documents re-parsed: {n_ok} stored, {n_failed} failed");
    Ok(())
}

/// `epaper search`: ranked articles holding every word of the query, with snippets.
pub async fn search(db_url: &SecretString, query: SearchQuery, json: bool) -> anyhow::Result<()> {
    let store = open_store(db_url, 1).await?;
    let hits = store.search(&query).await?;
    store.close().await;
    let mut stdout = std::io::stdout().lock();
    for hit in &hits {
        if json {
            serde_json::to_writer(&mut stdout, hit)?;
            writeln!(stdout)?;
        } else {
            writeln!(
                stdout,
                "{} {} 第{}版  {}\n    {}\n    {}",
                hit.site,
                hit.date,
                hit.page_no.as_deref().unwrap_or("?"),
                hit.title.as_deref().unwrap_or("(untitled)"),
                hit.snippet,
                hit.url
            )?;
        }
    }
    if !json {
        writeln!(stdout, "{} hits", hits.len())?;
    }
    Ok(())
}

/// What `epaper replay` sends back into the flow.
pub enum ReplaySource {
    /// The dead letters of one stage, back to its work queue.
    DeadLetters { stage: Stage, limit: u64 },
    /// Issues in these states, back to the crawler.
    Issues {
        states: Vec<String>,
        filter: ExportFilter,
        base_url: Option<String>,
    },
}

/// `epaper replay`: dead letters or issues by state back into the flow; `--dry-run` only
/// counts. Each message is confirmed by the broker before its source is acked, so an
/// interrupted replay loses nothing.
pub async fn replay(
    settings: &Settings,
    source: ReplaySource,
    dry_run: bool,
) -> anyhow::Result<()> {
    let broker = open_broker(&settings.amqp).await?;
    match source {
        ReplaySource::DeadLetters { stage, limit } => {
            let dlq = broker.topology.dead_letter_queue(stage);
            let (waiting, _) = broker
                .queue_counts(&dlq)
                .await
                .with_context(|| format!("queue {dlq} not found; run `epaper migrate` first"))?;
            if dry_run {
                println!(
                    "{} dead letters in {dlq} would be replayed",
                    (waiting as u64).min(limit)
                );
            } else {
                let bar = progress::spinner(&format!("moving dead letters from {dlq}"));
                let n = broker.replay_dead_letters(stage, limit).await;
                bar.finish_and_clear();
                let n = n?;
                println!(
                    "{n} dead letters moved from {dlq} to {}",
                    broker.topology.work_queue(stage)
                );
            }
        }
        ReplaySource::Issues {
            states,
            filter,
            base_url,
        } => {
            let wanted = states
                .iter()
                .map(|state| state.parse::<IssueState>())
                .collect::<Result<Vec<_>, _>>()?;
            let store = open_store(&settings.database.url, 1).await?;
            let issues = store.issues_in_states(&filter, &wanted).await?;
            if dry_run {
                for (site, date) in &issues {
                    println!("{site} {date}");
                }
                println!(
                    "{} issues ({}) would be replayed",
                    issues.len(),
                    states.join(",")
                );
            } else {
                let publisher = broker.publisher().await?;
                let plan = Plan {
                    issues: issues
                        .iter()
                        .map(|(site, date)| crawl_request(site, base_url.as_deref(), *date, None))
                        .collect(),
                    conditional: true,
                    mark: Mark::Requeued,
                };
                let bar = progress::bar(issues.len() as u64, "issues sent back to the crawler");
                enqueue_issues(Archive::Required(&store), &publisher, &plan, &bar).await?;
                bar.finish_and_clear();
                println!(
                    "{} issues ({}) sent back to the crawler",
                    issues.len(),
                    states.join(",")
                );
            }
            store.close().await;
        }
    }
    broker.close().await;
    Ok(())
}

/// `epaper migrate`: the database schema and the broker topology.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let url = &settings.database.url;
    let store = open_store(url, 2).await?;
    store.migrate().await?;
    store.close().await;
    println!("database {} migrated", redact_url(url));
    let broker = open_broker(&settings.amqp).await?;
    broker.declare_topology().await?;
    broker.close().await;
    println!(
        "queues {}.{{crawl,parse,index}} and their dead-letter queues declared on {}",
        settings.amqp.queue_prefix,
        redact_url(&settings.amqp.url)
    );
    Ok(())
}

/// `epaper enqueue`: one crawl message per publication day of the range.
pub async fn enqueue(
    settings: &Settings,
    site: &str,
    base_url: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
    all_days: bool,
    follow: Option<Direction>,
) -> anyhow::Result<()> {
    let profile = sites::get(site)?;
    profile.entry_url(base_url.as_deref(), from)?;
    let plan = Plan {
        issues: crawl_plan(&profile, base_url.as_deref(), from, to, all_days, follow),
        conditional: true,
        mark: Mark::Queued,
    };
    let broker = open_broker(&settings.amqp).await?;
    let publisher = broker.publisher().await?;
    // Knowing an issue is queued is useful but not essential: without the database the
    // messages still go out.
    let store = match open_store(&settings.database.url, 1).await {
        Ok(store) => Some(store),
        Err(error) => {
            tracing::warn!(%error, "archive not reachable; issues are enqueued without a queued state");
            None
        }
    };
    let bar = progress::bar(plan.issues.len() as u64, "issues enqueued");
    enqueue_issues(Archive::BestEffort(store.as_ref()), &publisher, &plan, &bar).await?;
    bar.finish_and_clear();
    match plan.issues.as_slice() {
        [
            CrawlIssue {
                date: start,
                follow: Some(follow),
                ..
            },
        ] => println!(
            "1 issue of {site} enqueued ({start}); the crawler follows its {} links to {}",
            match follow.direction {
                Direction::Prev => "上一期 (previous issue)",
                Direction::Next => "下一期 (next issue)",
            },
            follow.until
        ),
        _ => println!(
            "{} issue{} of {site} enqueued ({from} to {to})",
            plan.issues.len(),
            if plan.issues.len() == 1 { "" } else { "s" }
        ),
    }
    broker.close().await;
    Ok(())
}

pub fn list_sites() {
    for profile in sites::all() {
        println!(
            "{:<14} {:<10} {:<16} {}",
            profile.id,
            profile.name,
            format!("{:?}", profile.schedule).to_lowercase(),
            profile
                .base_url
                .as_deref()
                .unwrap_or("(base URL given at run time)")
        );
    }
}
