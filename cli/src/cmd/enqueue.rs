//! `epaper enqueue`: one crawl message per publication day of the range (or one that starts a
//! chain of 上一期 / 下一期 links), published to the crawl queue.

use epaper_common::config::Settings;
use epaper_common::messages::{CrawlIssue, Direction};
use epaper_common::sites::Sites;

use super::args::IssueRange;
use crate::connect::{open_broker, open_store};
use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::plan::crawl_plan;
use crate::progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    issues: IssueRange,
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
    enqueue_issues(Archive::BestEffort(store.as_ref()), &publisher, &plan, &bar).await?;
    bar.finish_and_clear();
    println!("{}", summary(site, from, to, &plan.issues));
    broker.close().await;
    Ok(())
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
