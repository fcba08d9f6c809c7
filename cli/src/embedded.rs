//! `epaper run`: the three stages in one process over in-process queues, storing in SQLite (or
//! any store URL). The stage code is the same the services run; only the transport differs.
//!
//! Retries here mirror the broker path: a retryable error is tried again with backoff up to
//! `max_attempts`, then recorded as a failure; a permanent one is recorded at once. Nothing is
//! dropped without a row in `failures` and a log line.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::messages::{Direction, Message, Stage};
use epaper_common::settle::{Attempt, RetryPolicy, Settlement};
use epaper_common::sites::Sites;
use epaper_common::transport::{Handler, InProcessQueues, catch_panic};
use epaper_crawler::CrawlStage;
use epaper_indexer::media::MediaStore;
use epaper_indexer::{ExportFilter, IndexStage, IssueState, Store};
use epaper_parser::service::ParseStage;
use indicatif::ProgressBar;
use secrecy::SecretString;
use tokio::task::JoinSet;

use crate::connect::open_store;
use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::plan::crawl_plan;

// Where `run --incremental` starts is planned with the rest of a crawl; callers of the embedded
// mode (the site-fault tests among them) find it here too.
pub use crate::plan::incremental_range;

pub struct RunOptions {
    pub site: String,
    pub base_url: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub db_url: SecretString,
    /// Probe every day, not only the site's publication days.
    pub all_days: bool,
    /// Also keep every page scan, PDF and article image here, content-addressed.
    pub media_dir: Option<std::path::PathBuf>,
    /// Discover issues by the paper's 上一期 / 下一期 links instead of the calendar.
    pub follow: Option<Direction>,
}

#[derive(Debug)]
pub struct RunSummary {
    pub n_issues: usize,
    pub states: Vec<(String, IssueState, i64)>,
    /// The issues of the run's range that ended `partial` or `failed`, with their state.
    pub incomplete: Vec<(String, NaiveDate, IssueState)>,
}

/// Tries of a message before it is given up: the first and three retries, 0.4, 0.8 and 1.6 s
/// apart.
const MAX_ATTEMPTS: u32 = 4;

async fn worker<H: Handler>(stage: Stage, handler: Arc<H>, queues: InProcessQueues) {
    loop {
        let batch = queues.recv_batch(stage, handler.max_batch()).await;
        if batch.is_empty() {
            return;
        }
        let n = batch.len();
        if n > 1
            && catch_panic(handler.handle_batch(batch.clone(), &queues))
                .await
                .is_ok()
        {
            for _ in 0..n {
                queues.done();
            }
            continue;
        }
        // One at a time: a single message, or a batch that failed and must be sorted out.
        for message in batch {
            handle_one(stage, handler.as_ref(), &queues, message).await;
            queues.done();
        }
    }
}

/// Handles one message with retries as the shared settle policy says; a message that cannot
/// be handled is recorded as a failure (and its issue marked failed when it was the crawl
/// itself).
async fn handle_one<H: Handler>(
    stage: Stage,
    handler: &H,
    queues: &InProcessQueues,
    message: Message,
) {
    let policy = RetryPolicy::doubling(MAX_ATTEMPTS - 1, Duration::from_millis(400));
    let mut attempt = Attempt::first();
    loop {
        let handled = catch_panic(handler.handle(message.clone(), queues)).await;
        match policy.settle(handled, attempt) {
            Settlement::Ack => break,
            Settlement::Retry { delay, reason, .. } => {
                tracing::warn!(stage = stage.as_str(), message = %message.describe(), attempt = attempt.deliveries, error = %reason, "retrying");
                tokio::time::sleep(delay).await;
                attempt = attempt.retried();
            }
            Settlement::GiveUp(give_up) => {
                tracing::error!(stage = stage.as_str(), message = %message.describe(), error = %give_up, "giving up on message");
                // As over the broker: the failure becomes a row in `failures` through the
                // index stage, and a crawl that gave up marks its issue failed. Its reason keeps
                // the kind in front (`permanent: …`), as the embedded mode's rows always have.
                if let Some(report) =
                    message.failure_report(stage, give_up.kind, &give_up.to_string())
                {
                    queues.send_detached(report);
                }
                break;
            }
        }
    }
}

/// Runs `options` with the site profiles of `settings` (`sites.dir` with the bundled ones).
pub async fn run(settings: &Settings, options: RunOptions) -> anyhow::Result<RunSummary> {
    let sites = Sites::load(&settings.sites)?;
    run_with_sites(settings, &sites, options).await
}

/// Runs `options` with the profiles of `sites`, loaded by the caller.
pub async fn run_with_sites(
    settings: &Settings,
    sites: &Sites,
    options: RunOptions,
) -> anyhow::Result<RunSummary> {
    let profile = sites.get(&options.site)?;
    // Fail on a missing base URL before anything starts.
    profile.start_url(options.base_url.as_deref(), options.from)?;
    let store = open_store(&options.db_url, 4).await?;
    store.migrate().await.context("migrating the archive")?;

    let queues = InProcessQueues::new(256);
    let mut workers = start_stages(
        settings,
        sites,
        options.media_dir.as_deref(),
        &store,
        &queues,
    )?;
    let plan = Plan {
        issues: crawl_plan(
            profile,
            options.base_url.as_deref(),
            options.from,
            options.to,
            options.all_days,
            options.follow,
        ),
        conditional: true,
        mark: Mark::Queued,
    };
    let n_requests = plan.issues.len();
    enqueue_issues(
        Archive::Required(&store),
        &queues,
        &plan,
        &ProgressBar::hidden(),
    )
    .await?;
    tracing::info!(site = %options.site, n_requests, follow = ?options.follow, "issues queued");
    let filter = ExportFilter {
        site: Some(options.site.clone()),
        from: Some(options.from),
        to: Some(options.to),
    };
    // Following links, how many issues the chain holds is known only at its end: the bar
    // counts against the days of the range.
    let n_expected = match options.follow {
        None => n_requests,
        Some(_) => options
            .from
            .iter_days()
            .take_while(|d| *d <= options.to)
            .count(),
    };
    wait_idle(&queues, &store, &filter, n_expected).await;
    workers.abort_all();
    let n_issues = match options.follow {
        None => n_requests,
        // The dates the chain reached, issues and days without one.
        Some(_) => store
            .issues_in_states(&filter, &IssueState::FINISHED)
            .await?
            .len(),
    };
    let states = store.issue_states().await?;
    let mut incomplete = Vec::new();
    for state in [IssueState::Partial, IssueState::Failed] {
        let issues = store.issues_in_states(&filter, &[state]).await?;
        incomplete.extend(issues.into_iter().map(|(site, date)| (site, date, state)));
    }
    store.close().await;
    Ok(RunSummary {
        n_issues,
        states,
        incomplete,
    })
}

/// The stage workers over `queues`: two crawlers, two parsers and one indexer writing to
/// `store` (and media to `media_dir`, which also makes the crawler fetch them).
fn start_stages(
    settings: &Settings,
    sites: &Sites,
    media_dir: Option<&Path>,
    store: &Store,
    queues: &InProcessQueues,
) -> anyhow::Result<JoinSet<()>> {
    let mut crawler_settings = settings.crawler.clone();
    let mut index =
        IndexStage::new(store.clone(), 256).with_size_caps(settings.crawler.size_caps());
    if let Some(dir) = media_dir {
        crawler_settings.fetch_media = true;
        let media = MediaStore::new(dir)
            .with_context(|| format!("opening the media directory {}", dir.display()))?;
        index = index.with_media(media);
    }
    let crawl = Arc::new(CrawlStage::new(crawler_settings).with_sites(sites.clone()));
    let parse = Arc::new(ParseStage::from_settings(settings).with_sites(sites.clone()));
    let index = Arc::new(index);
    let mut workers = JoinSet::new();
    for _ in 0..2 {
        workers.spawn(worker(Stage::Crawl, crawl.clone(), queues.clone()));
        workers.spawn(worker(Stage::Parse, parse.clone(), queues.clone()));
    }
    // One writer: SQLite has one write lock, and a second writer would only wait for it.
    workers.spawn(worker(Stage::Index, index, queues.clone()));
    Ok(workers)
}

/// Waits until every message sent so far has been handled. On a terminal, meanwhile, a bar of
/// the issues of `filter` that reached a final state, read from the archive.
async fn wait_idle(
    queues: &InProcessQueues,
    store: &Store,
    filter: &ExportFilter,
    n_expected: usize,
) {
    let bar = crate::progress::bar(n_expected as u64, "issues done");
    let watcher = (!bar.is_hidden()).then(|| {
        let (store, bar, filter) = (store.clone(), bar.clone(), filter.clone());
        tokio::spawn(async move {
            loop {
                if let Ok(issues) = store.issues_in_states(&filter, &IssueState::FINISHED).await {
                    bar.set_position(issues.len() as u64);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    });
    queues.wait_idle().await;
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    bar.finish_and_clear();
}

#[cfg(test)]
mod tests {
    use epaper_common::messages::CrawlIssue;
    use epaper_common::transport::Outbox;

    use super::*;
    use epaper_common::error::StageError;

    /// Panics on the crawl request of `poison`; takes batches of `batch`.
    struct Panicky {
        poison: NaiveDate,
        batch: usize,
    }

    impl Handler for Panicky {
        async fn handle<O: Outbox>(&self, message: Message, _out: &O) -> Result<(), StageError> {
            match message {
                Message::CrawlIssue(issue) if issue.date == self.poison => {
                    panic!("poisoned date {}", issue.date)
                }
                _ => Ok(()),
            }
        }

        fn max_batch(&self) -> usize {
            self.batch
        }
    }

    #[tokio::test]
    async fn a_panicking_handler_becomes_a_recorded_failure_and_the_run_ends() {
        for batch in [1, 8] {
            let queues = InProcessQueues::new(16);
            let poison = NaiveDate::from_ymd_opt(2024, 3, 2).unwrap();
            let handler = Arc::new(Panicky { poison, batch });
            let worker = tokio::spawn(worker(Stage::Crawl, handler, queues.clone()));
            for day in 1..=3 {
                let date = NaiveDate::from_ymd_opt(2024, 3, day).unwrap();
                queues
                    .send(Message::CrawlIssue(CrawlIssue {
                        site: "sample".into(),
                        base_url: None,
                        date,
                        known: Vec::new(),
                        follow: None,
                    }))
                    .await
                    .unwrap();
            }
            // The failure report is queued for the index stage; before the fix the worker died
            // with the message, and the run waited forever.
            let report = tokio::time::timeout(Duration::from_secs(5), queues.recv(Stage::Index))
                .await
                .expect("no failure report within 5 s")
                .unwrap();
            match report {
                Message::Failed(failure) => {
                    assert_eq!(failure.date, poison);
                    assert_eq!(failure.kind, "permanent");
                    assert!(
                        failure
                            .reason
                            .ends_with("handler panicked: poisoned date 2024-03-02"),
                        "{}",
                        failure.reason
                    );
                }
                other => panic!("not a failure report: {other:?}"),
            }
            queues.done();
            tokio::time::timeout(Duration::from_secs(5), queues.wait_idle())
                .await
                .expect("the run never went idle");
            assert!(!worker.is_finished(), "the worker died");
            worker.abort();
        }
    }
}
