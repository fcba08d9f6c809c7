//! `epaper enqueue`: one crawl message per publication day of the range (or one that starts a
//! chain of 上一期 / 下一期 links), published to the crawl queue.
//!
//! Exit status: 0 when every request was sent (confirmed by the broker); 3 ("incomplete")
//! when the broker refused one: the enqueue stops there, and the summary names the issues not
//! sent (run it again: what was sent is only asked for again, conditionally); 1 when it could
//! not start (no broker, an unknown site, a bad range).

use epaper_common::config::Settings;
use epaper_common::messages::{CrawlIssue, Direction};
use epaper_common::sites::Sites;

use super::args::IssueRange;
use crate::connect::{open_broker, open_store};
use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::outcome::{INCOMPLETE, NotSent};
use crate::plan::crawl_plan;
use crate::progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    issues: IssueRange,
    /// End with a one-line JSON summary (enqueued, not sent, exit status).
    #[arg(long)]
    json: bool,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let range = &args.issues;
    let sites = Sites::load(&settings.sites)?;
    let (from, to) = range.dates(&settings.database.url, &sites).await?;
    let (site, base_url) = (&range.site, range.base_url.as_deref());
    let profile = sites.get(site)?;
    profile.start_url(base_url, from)?;
    let plan = Plan {
        issues: crawl_plan(profile, base_url, from, to, range.all_days, range.follow()),
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
    let sent = enqueue_issues(Archive::BestEffort(store.as_ref()), &publisher, &plan, &bar).await;
    bar.finish_and_clear();
    broker.close().await;
    let not_sent = match &sent {
        Ok(()) => None,
        Err(error) => match error.downcast_ref::<NotSent>() {
            Some(not_sent) => Some(not_sent),
            None => return sent,
        },
    };
    match not_sent {
        None => println!("{}", summary(site, from, to, &plan.issues)),
        Some(not_sent) => println!("{not_sent}"),
    }
    if args.json {
        println!("{}", json_summary(plan.issues.len(), not_sent));
    }
    sent
}

/// The JSON line of `--json`: `{"enqueued": n, "not_sent": [{site, date}], "exit": 0|3}`;
/// `replay --state` prints the same.
pub(crate) fn json_summary(n_planned: usize, not_sent: Option<&NotSent>) -> serde_json::Value {
    let unsent: Vec<serde_json::Value> = not_sent
        .map(|n| n.unsent.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|(site, date)| serde_json::json!({"site": site, "date": date}))
        .collect();
    serde_json::json!({
        "enqueued": n_planned - unsent.len(),
        "not_sent": unsent,
        "exit": if unsent.is_empty() { 0 } else { INCOMPLETE },
    })
}

/// What was enqueued, in a line.
fn summary(
    site: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    issues: &[CrawlIssue],
) -> String {
    match issues {
        [
            CrawlIssue {
                date: start,
                follow: Some(follow),
                ..
            },
        ] => format!(
            "1 issue of {site} enqueued ({start}); the crawler follows its {} links to {}",
            match follow.direction {
                Direction::Prev => "上一期 (previous issue)",
                Direction::Next => "下一期 (next issue)",
            },
            follow.until
        ),
        _ => format!(
            "{} issue{} of {site} enqueued ({from} to {to})",
            issues.len(),
            if issues.len() == 1 { "" } else { "s" }
        ),
    }
}
