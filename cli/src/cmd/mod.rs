//! The subcommands of `epaper`, a module each: its flags as a clap `Args` struct and
//! `run(settings, args)`. The help text of a command is the doc comment of its variant here.
//!
//! What `--help`, the README and the tests show of every command line (flags, defaults, help
//! text, output, exit status) must stay as it is; moving code between these modules must not
//! change it.

mod args;
pub mod console;
pub mod demo;
pub mod enqueue;
pub mod export;
pub mod import;
pub mod migrate;
pub mod onboard;
pub mod parse;
pub mod reparse;
pub mod replay;
pub mod run;
pub mod sample_site;
pub mod schedule;
pub mod search;
pub mod sites;
pub mod status;

use clap::Subcommand;
use epaper_common::config::Settings;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crawl the bundled sample paper offline into ./epaper.db and show what was stored.
    Demo(demo::Args),
    /// Crawl, parse and store a date range in one process (the embedded mode).
    Run(run::Args),
    /// Serve the generated sample e-paper; prints its base URL first.
    SampleSite(sample_site::Args),
    /// Parse one saved document and print it as JSON.
    Parse(parse::Args),
    /// Print stored articles, one JSON object a line (or CSV), or write the raw archive as WARC.
    Export(export::Args),
    /// Load WARC files of e-paper pages into the archive, through the parser.
    Import(import::Args),
    /// Full-text search of the archive (Chinese words segmented with jieba).
    Search(search::Args),
    /// Parse the archived raw documents again and store the results (no network).
    Reparse(reparse::Args),
    /// Send dead letters (--stage) or issues by state (--state) back into the flow.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["stage", "state"])))]
    Replay(replay::Args),
    /// Create or update the database schema and declare the broker queues.
    Migrate,
    /// Put issues of a date range into the crawl queue.
    Enqueue(enqueue::Args),
    /// Queue backlogs (ready, unacked, consumers, rates, dead letters) and issue states.
    Status(status::Args),
    /// List the site profiles; `check` and `probe` try one.
    Sites(SitesArgs),
    /// Serve the web console: issue calendars, the reader, search, failures with replay.
    Console(console::Args),
    /// Keep the papers of `[schedule]` current: enqueue new issues at their times of day, check
    /// absent ones again, replay partial ones (a service; `--once` for cron).
    Schedule(schedule::Args),
}

#[derive(Debug, clap::Args)]
pub struct SitesArgs {
    #[command(subcommand)]
    action: Option<onboard::Action>,
}

impl Command {
    pub async fn run(self, settings: &Settings) -> anyhow::Result<()> {
        match self {
            Command::Demo(args) => demo::run(settings, args).await,
            Command::Run(args) => run::run(settings, args).await,
            Command::SampleSite(args) => sample_site::run(args).await,
            Command::Parse(args) => parse::run(settings, args),
            Command::Export(args) => export::run(settings, args).await,
            Command::Import(args) => import::run(settings, args).await,
            Command::Search(args) => search::run(settings, args).await,
            Command::Reparse(args) => reparse::run(settings, args).await,
            Command::Replay(args) => replay::run(settings, args).await,
            Command::Migrate => migrate::run(settings).await,
            Command::Enqueue(args) => enqueue::run(settings, args).await,
            Command::Status(args) => status::run(settings, args).await,
            Command::Sites(args) => match args.action {
                None => sites::run(settings),
                Some(action) => onboard::run(settings, action).await,
            },
            Command::Console(args) => console::run(settings, args).await,
            Command::Schedule(args) => schedule::run(settings, args).await,
        }
    }
}
