//! `epaper replay`: dead letters or issues by state back into the flow; `--dry-run` only
//! counts. Each message is confirmed by the broker before its source is acked (a dead letter)
//! or marked (an issue), so an interrupted replay loses nothing.
//!
//! Exit status as `epaper enqueue`: 0 when everything was sent, 3 when the broker refused an
//! issue's request (the summary names those not sent), 1 when it could not run.

use anyhow::Context;
use epaper_common::Stage;
use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_indexer::{ExportFilter, IssueState};

use super::args::Filter;
use super::enqueue::json_summary;
use crate::connect::{open_broker, open_store};
use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::outcome::NotSent;
use crate::plan::crawl_request;
use crate::progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Replay this stage's dead-letter queue.
    #[arg(long, value_enum)]
    stage: Option<StageArg>,
    /// Replay issues in these states (comma-separated, e.g. failed,partial).
    #[arg(long, value_delimiter = ',')]
    state: Vec<String>,
    #[command(flatten)]
    filter: Filter,
    /// For sites whose profile has no base URL (the sample site).
    #[arg(long)]
    base_url: Option<String>,
    /// At most this many dead letters.
    #[arg(long, default_value_t = u64::MAX)]
    limit: u64,
    /// Only count what would be replayed.
    #[arg(long)]
    dry_run: bool,
    /// End with a one-line JSON summary (`--state`: enqueued, not sent, exit status).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StageArg {
    Crawl,
    Parse,
    Index,
}

impl From<StageArg> for Stage {
    fn from(stage: StageArg) -> Stage {
        match stage {
            StageArg::Crawl => Stage::Crawl,
            StageArg::Parse => Stage::Parse,
            StageArg::Index => Stage::Index,
        }
    }
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let broker = open_broker(&settings.amqp).await?;
    match args.stage {
        Some(stage) => dead_letters(&broker, stage.into(), args.limit, args.dry_run).await?,
        None => issues_by_state(settings, &broker, args).await?,
    }
    broker.close().await;
    Ok(())
}

/// The dead letters of one stage, back to its work queue.
async fn dead_letters(
    broker: &Broker,
    stage: Stage,
    limit: u64,
    dry_run: bool,
) -> anyhow::Result<()> {
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
        return Ok(());
    }
    let bar = progress::spinner(&format!("moving dead letters from {dlq}"));
    let n = broker.replay_dead_letters(stage, limit).await;
    bar.finish_and_clear();
    let n = n?;
    println!(
        "{n} dead letters moved from {dlq} to {}",
        broker.topology.work_queue(stage)
    );
    Ok(())
}

/// The issues in the states of `--state`, back to the crawler.
async fn issues_by_state(settings: &Settings, broker: &Broker, args: Args) -> anyhow::Result<()> {
    let wanted = args
        .state
        .iter()
        .map(|state| state.parse::<IssueState>())
        .collect::<Result<Vec<_>, _>>()?;
    let store = open_store(&settings.database.url, 1).await?;
    let issues = store
        .issues_in_states(&ExportFilter::from(args.filter), &wanted)
        .await?;
    let states = args.state.join(",");
    if args.dry_run {
        for (site, date) in &issues {
            println!("{site} {date}");
        }
        println!("{} issues ({states}) would be replayed", issues.len());
    } else {
        let publisher = broker.publisher().await?;
        let base_url = args.base_url.as_deref();
        let plan = Plan {
            issues: issues
                .iter()
                .map(|(site, date)| crawl_request(site, base_url, *date, None))
                .collect(),
            conditional: true,
            mark: Mark::Requeued,
        };
        let bar = progress::bar(issues.len() as u64, "issues sent back to the crawler");
        let sent = enqueue_issues(Archive::Required(&store), &publisher, &plan, &bar).await;
        bar.finish_and_clear();
        store.close().await;
        let not_sent = match &sent {
            Ok(()) => None,
            Err(error) => match error.downcast_ref::<NotSent>() {
                Some(not_sent) => Some(not_sent),
                None => return sent,
            },
        };
        match not_sent {
            None => println!(
                "{} issues ({states}) sent back to the crawler",
                issues.len()
            ),
            Some(not_sent) => println!("{not_sent}"),
        }
        if args.json {
            println!("{}", json_summary(issues.len(), not_sent));
        }
        return sent;
    }
    store.close().await;
    Ok(())
}
