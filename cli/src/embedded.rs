//! `epaper run`: the three stages in one process over in-process queues, storing in SQLite (or
//! any store URL). The stage code is the same the services run; only the transport differs.
//!
//! Retries here mirror the broker path: a retryable error is tried again with backoff up to
//! `max_attempts`, then recorded as a failure; a permanent one is recorded at once. Nothing is
//! dropped without a row in `failures` and a log line.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::messages::{CrawlIssue, Direction, Follow, Message, Stage};
use epaper_common::settle::{Attempt, RetryPolicy, Settlement};
use epaper_common::sites;
use epaper_common::transport::{Handler, InProcessQueues, Outbox, catch_panic};
use epaper_crawler::CrawlStage;
use epaper_indexer::IndexStage;
use epaper_indexer::IssueState;
use epaper_indexer::media::MediaStore;
use secrecy::SecretString;

use crate::connect::open_store;
use epaper_parser::service::ParseStage;

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
}

/// The dates of `from..=to` on which the site publishes (every day with `all_days`).
fn issue_dates(
    profile: &sites::Profile,
    from: NaiveDate,
    to: NaiveDate,
    all_days: bool,
) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| all_days || profile.schedule.publishes_on(*d))
        .collect()
}

/// The crawl requests that start a range: one per publication day (every day with
/// `all_days`), or, following the paper's links, one at the end the chain starts from
/// (`--from` for 下一期, `--to` for 上一期), which the crawler then walks to the other end.
pub fn crawl_plan(
    profile: &sites::Profile,
    from: NaiveDate,
    to: NaiveDate,
    all_days: bool,
    follow: Option<Direction>,
) -> Vec<(NaiveDate, Option<Follow>)> {
    match follow {
        None => issue_dates(profile, from, to, all_days)
            .into_iter()
            .map(|date| (date, None))
            .collect(),
        Some(_) if from > to => Vec::new(),
        Some(direction) => {
            let (start, until) = match direction {
                Direction::Next => (from, to),
                Direction::Prev => (to, from),
            };
            vec![(start, Some(Follow { direction, until }))]
        }
    }
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

/// The range of an incremental crawl of `site`: from the newest issue the archive at `db_url`
/// holds (crawled again: it may have been partial, and what is unchanged costs a 304) up to
/// `to`, today by default. Only the schedule's publication days of it are crawled.
pub async fn incremental_range(
    db_url: &SecretString,
    site: &str,
    to: Option<NaiveDate>,
) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    sites::get(site)?;
    let store = open_store(db_url, 1).await?;
    store.migrate().await.context("migrating the archive")?;
    let last = store.last_issue_date(site).await;
    store.close().await;
    let from = last?.ok_or_else(|| {
        anyhow::anyhow!("the archive holds no issue of {site} yet: give --from for the first crawl")
    })?;
    Ok((from, to.unwrap_or_else(|| chrono::Utc::now().date_naive())))
}

pub async fn run(settings: &Settings, options: RunOptions) -> anyhow::Result<RunSummary> {
    let profile = sites::get(&options.site)?;
    // Fail on a missing base URL before anything starts.
    profile.entry_url(options.base_url.as_deref(), options.from)?;
    let store = open_store(&options.db_url, 4).await?;
    store.migrate().await.context("migrating the archive")?;

    let queues = InProcessQueues::new(256);
    let mut crawler_settings = settings.crawler.clone();
    let mut index =
        IndexStage::new(store.clone(), 256).with_size_caps(settings.crawler.size_caps());
    if let Some(dir) = &options.media_dir {
        crawler_settings.fetch_media = true;
        let media = MediaStore::new(dir)
            .with_context(|| format!("opening the media directory {}", dir.display()))?;
        index = index.with_media(media);
    }
    let crawl = Arc::new(CrawlStage::new(crawler_settings));
    let parse = Arc::new(ParseStage::from_settings(settings));
    let index = Arc::new(index);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..2 {
        workers.spawn(worker(Stage::Crawl, crawl.clone(), queues.clone()));
        workers.spawn(worker(Stage::Parse, parse.clone(), queues.clone()));
    }
    // One writer: SQLite has one write lock, and a second writer would only wait for it.
    workers.spawn(worker(Stage::Index, index, queues.clone()));

    let plan = crawl_plan(
        &profile,
        options.from,
        options.to,
        options.all_days,
        options.follow,
    );
    for (date, follow) in &plan {
        store.mark_queued(&options.site, *date).await?;
        queues
            .send(Message::CrawlIssue(CrawlIssue {
                site: options.site.clone(),
                base_url: options.base_url.clone(),
                date: *date,
                known: store.validators(&options.site, *date).await?,
                follow: *follow,
            }))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    tracing::info!(site = %options.site, n_requests = plan.len(), follow = ?options.follow, "issues queued");
    // On a terminal, a bar of the issues that reached a final state, read from the archive.
    // Following links, how many issues the chain holds is known only at its end: the bar
    // counts against the days of the range.
    let n_expected = match options.follow {
        None => plan.len(),
        Some(_) => options
            .from
            .iter_days()
            .take_while(|d| *d <= options.to)
            .count(),
    };
    let bar = crate::progress::bar(n_expected as u64, "issues done");
    let filter = epaper_indexer::ExportFilter {
        site: Some(options.site.clone()),
        from: Some(options.from),
        to: Some(options.to),
    };
    let done = IssueState::FINISHED;
    let watcher = (!bar.is_hidden()).then(|| {
        let (store, bar, filter) = (store.clone(), bar.clone(), filter.clone());
        tokio::spawn(async move {
            loop {
                if let Ok(issues) = store.issues_in_states(&filter, &done).await {
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
    workers.abort_all();
    let n_issues = match options.follow {
        None => plan.len(),
        // The dates the chain reached, issues and days without one.
        Some(_) => store.issues_in_states(&filter, &done).await?.len(),
    };
    let states = store.issue_states().await?;
    store.close().await;
    Ok(RunSummary { n_issues, states })
}

#[cfg(test)]
mod tests {
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
