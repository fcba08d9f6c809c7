//! Putting issues into the crawl flow, the one way every command does it: `epaper enqueue`,
//! `epaper replay --state`, the embedded `epaper run` and the console's replay button.
//!
//! Each crawl request is sent first (confirmed by the broker, or queued in process) and only
//! then is its issue marked `queued`: a crash between the two leaves at worst an issue crawled
//! without the mark, never one shown as on its way that was never sent.

use chrono::NaiveDate;
use epaper_common::error::StageError;
use epaper_common::messages::{CrawlIssue, Message, Validator};
use epaper_common::transport::Outbox;
use epaper_indexer::Store;
use indicatif::ProgressBar;

use crate::outcome::NotSent;

/// How an issue is marked once its crawl request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// `queued`, unless the issue is already further along (a first crawl).
    Queued,
    /// Back to `queued` whatever its state (a replay).
    Requeued,
}

/// The archive an enqueue reads validators from and marks issues in.
#[derive(Clone, Copy)]
pub enum Archive<'a> {
    /// Every read and mark must succeed: an error stops the enqueue.
    Required(&'a Store),
    /// Useful but not essential (`epaper enqueue`): without it, or when it fails, the messages
    /// still go out, and each failure is a warning.
    BestEffort(Option<&'a Store>),
}

/// What to enqueue, and how the archive hears of it.
pub struct Plan {
    /// The crawl requests; `known` is filled in here when `conditional`.
    pub issues: Vec<CrawlIssue>,
    /// Whether each request carries the validators of what the archive holds of its issue, so
    /// that it is asked for conditionally (a 304 keeps the stored copy).
    pub conditional: bool,
    pub mark: Mark,
}

/// Sends every request of `plan` to `outbox`, then marks its issue; `bar` counts the issues
/// sent (a hidden bar for callers without one). A refused send stops the enqueue with
/// [`NotSent`] naming it and every request after it (exit status 3); an archive that fails a
/// required read or mark is an error of its own (exit status 1).
pub async fn enqueue_issues<O: Outbox>(
    archive: Archive<'_>,
    outbox: &O,
    plan: &Plan,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    for (k, issue) in plan.issues.iter().enumerate() {
        let mut issue = issue.clone();
        let (site, date) = (issue.site.clone(), issue.date);
        if plan.conditional {
            issue.known = archive.validators(&site, date).await?;
        }
        if let Err(error) = outbox.send(Message::CrawlIssue(issue)).await {
            return Err(NotSent {
                n_sent: k,
                unsent: plan.issues[k..]
                    .iter()
                    .map(|i| (i.site.clone(), i.date))
                    .collect(),
                cause: format!("{:#}", cause(error)),
            }
            .into());
        }
        archive.mark(plan.mark, &site, date).await?;
        bar.inc(1);
    }
    Ok(())
}

/// The error under a failed send. Whether a stage would retry it means nothing to a command,
/// and the operator reads the cause as the broker gave it.
fn cause(error: StageError) -> anyhow::Error {
    match error {
        StageError::Retryable(error) | StageError::Permanent(error) => error,
    }
}

impl Archive<'_> {
    async fn validators(self, site: &str, date: NaiveDate) -> anyhow::Result<Vec<Validator>> {
        match self {
            Archive::Required(store) => Ok(store.validators(site, date).await?),
            Archive::BestEffort(None) => Ok(Vec::new()),
            Archive::BestEffort(Some(store)) => {
                Ok(store.validators(site, date).await.unwrap_or_else(|error| {
                    tracing::warn!(%error, %date, "cannot read the archived validators");
                    Vec::new()
                }))
            }
        }
    }

    async fn mark(self, mark: Mark, site: &str, date: NaiveDate) -> anyhow::Result<()> {
        let (store, required) = match self {
            Archive::Required(store) => (store, true),
            Archive::BestEffort(Some(store)) => (store, false),
            Archive::BestEffort(None) => return Ok(()),
        };
        let marked = match mark {
            Mark::Queued => store.mark_queued(site, date).await,
            Mark::Requeued => store.mark_requeued(site, date).await,
        };
        match marked {
            Err(error) if !required => {
                tracing::warn!(%error, %date, "cannot record the queued state");
                Ok(())
            }
            marked => Ok(marked?),
        }
    }
}

#[cfg(test)]
mod tests {
    use epaper_common::messages::Stage;
    use epaper_common::transport::InProcessQueues;
    use epaper_indexer::IssueState;

    use super::*;
    use crate::plan::crawl_request;

    /// An outbox whose every send fails, as a broker that refuses the message.
    struct Refusing;

    impl Outbox for Refusing {
        async fn send(&self, _message: Message) -> Result<(), StageError> {
            Err(StageError::retryable(anyhow::anyhow!(
                "no queue to route to"
            )))
        }
    }

    async fn archive() -> (Store, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!(
            "epaper-enqueue-{}-{:?}.db",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_file(&path);
        let store = Store::connect(&format!("sqlite://{}", path.display()), 1)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        (store, path)
    }

    fn plan(dates: &[NaiveDate], mark: Mark) -> Plan {
        let issues = dates
            .iter()
            .map(|&date| crawl_request("sample", Some("http://127.0.0.1:1"), date, None))
            .collect();
        Plan {
            issues,
            conditional: true,
            mark,
        }
    }

    #[tokio::test]
    async fn an_issue_is_marked_only_after_its_request_is_sent() {
        let (store, path) = archive().await;
        let day = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
        let bar = ProgressBar::hidden();

        let refused = enqueue_issues(
            Archive::Required(&store),
            &Refusing,
            &plan(&[day], Mark::Queued),
            &bar,
        )
        .await
        .unwrap_err();
        let not_sent = refused
            .downcast_ref::<NotSent>()
            .expect("a refused send is NotSent");
        assert_eq!(not_sent.n_sent, 0);
        assert_eq!(not_sent.unsent, vec![("sample".to_string(), day)]);
        assert_eq!(not_sent.cause, "no queue to route to");
        assert_eq!(
            crate::outcome::exit_status(&refused),
            crate::outcome::INCOMPLETE
        );
        assert_eq!(store.issue_state("sample", day).await.unwrap(), None);

        let queues = InProcessQueues::new(4);
        let days = [day, day.succ_opt().unwrap()];
        enqueue_issues(
            Archive::Required(&store),
            &queues,
            &plan(&days, Mark::Queued),
            &bar,
        )
        .await
        .unwrap();
        for date in days {
            assert_eq!(
                store.issue_state("sample", date).await.unwrap(),
                Some(IssueState::Queued)
            );
            match queues.recv(Stage::Crawl).await {
                Some(Message::CrawlIssue(issue)) => assert_eq!(issue.date, date),
                other => panic!("not the crawl request of {date}: {other:?}"),
            }
        }
        store.close().await;
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn without_an_archive_a_best_effort_enqueue_still_sends() {
        let queues = InProcessQueues::new(4);
        let day = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
        enqueue_issues(
            Archive::BestEffort(None),
            &queues,
            &plan(&[day], Mark::Requeued),
            &ProgressBar::hidden(),
        )
        .await
        .unwrap();
        assert!(matches!(
            queues.recv(Stage::Crawl).await,
            Some(Message::CrawlIssue(issue)) if issue.date == day && issue.known.is_empty()
        ));
    }
}
