//! `epaper`: the operator CLI. Flags in, one command run, exit status out.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use epaper::commands::{self, ExportFormat, ReplaySource};
use epaper::connect::db_url;
use epaper::embedded::RunOptions;
use epaper::sample::Faults;
use epaper_common::Stage;
use epaper_common::config::Settings;
use epaper_common::messages::Direction;
use epaper_indexer::{ExportFilter, SearchQuery};
use secrecy::SecretString;

#[derive(Debug, Parser)]
#[command(
    name = "epaper",
    version,
    about = "archive Chinese digital newspapers (数字报): every issue, page and article"
)]
struct Cli {
    /// A TOML file layered over config/default.toml (then EPAPER__SECTION__KEY variables).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Crawl the bundled sample paper offline into ./epaper.db and show what was stored.
    Demo {
        #[arg(long, default_value = "epaper.db")]
        db: PathBuf,
    },
    /// Crawl, parse and store a date range in one process (the embedded mode).
    Run {
        #[command(flatten)]
        issues: IssueRange,
        #[arg(long, default_value = "sqlite://epaper.db")]
        db: String,
        /// Also keep every page scan, PDF and article image, as PATH/<aa>/<sha256>.
        #[arg(long)]
        media_dir: Option<PathBuf>,
    },
    /// Serve the generated sample e-paper; prints its base URL first.
    SampleSite {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        #[arg(long, default_value_t = 3)]
        issues: usize,
        /// Pages per issue (benchmarks; the sample paper has 4).
        #[arg(long, default_value_t = 4)]
        pages: usize,
        /// Articles on every page (benchmarks); without it two to four, as in the sample paper.
        #[arg(long)]
        articles: Option<usize>,
        /// Days from one issue to the next; above 1 the days between have no issue (404).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=366))]
        every_days: u64,
        #[arg(long, value_enum, default_value = "none")]
        faults: Faults,
    },
    /// Parse one saved document and print it as JSON.
    Parse {
        /// Where the document was served from.
        #[arg(long)]
        url: String,
        file: PathBuf,
    },
    /// Print stored articles, one JSON object a line.
    Export {
        /// Defaults to database.url of the configuration.
        #[arg(long)]
        db: Option<String>,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Full-text search of the archive (Chinese words segmented with jieba).
    Search {
        query: String,
        /// Defaults to database.url of the configuration.
        #[arg(long)]
        db: Option<String>,
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        /// One JSON object a hit.
        #[arg(long)]
        json: bool,
    },
    /// Parse the archived raw documents again and store the results (no network).
    Reparse {
        /// Defaults to database.url of the configuration.
        #[arg(long)]
        db: Option<String>,
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Send dead letters (--stage) or issues by state (--state) back into the flow.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["stage", "state"])))]
    Replay {
        /// Replay this stage's dead-letter queue.
        #[arg(long, value_enum)]
        stage: Option<StageArg>,
        /// Replay issues in these states (comma-separated, e.g. failed,partial).
        #[arg(long, value_delimiter = ',')]
        state: Vec<String>,
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
        /// For sites whose profile has no base URL (the sample site).
        #[arg(long)]
        base_url: Option<String>,
        /// At most this many dead letters.
        #[arg(long, default_value_t = u64::MAX)]
        limit: u64,
        /// Only count what would be replayed.
        #[arg(long)]
        dry_run: bool,
    },
    /// Create or update the database schema and declare the broker queues.
    Migrate,
    /// Put issues of a date range into the crawl queue.
    Enqueue {
        #[command(flatten)]
        issues: IssueRange,
    },
    /// Queue backlogs (ready, unacked, consumers, rates, dead letters) and issue states.
    Status {
        #[arg(long)]
        json: bool,
        /// Redraw every SECS seconds (default 2) until Ctrl-C; with --json, one object a line.
        #[arg(long, value_name = "SECS", num_args = 0..=1, default_missing_value = "2")]
        watch: Option<u64>,
    },
    /// List the site profiles.
    Sites,
    /// Serve the web console: issue calendars, the reader, search, failures with replay.
    Console {
        /// Defaults to database.url of the configuration.
        #[arg(long)]
        db: Option<String>,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// The media store the indexer writes (a directory or s3://bucket/prefix); defaults to
        /// media.dir of the configuration.
        #[arg(long)]
        media_dir: Option<String>,
        /// An archive alone (the embedded mode): no backlogs, no replay.
        #[arg(long)]
        no_broker: bool,
        /// For replays of sites whose profile has no base URL (the sample site).
        #[arg(long)]
        base_url: Option<String>,
    },
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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FollowLinks {
    /// 上一期: from --to back to --from.
    Prev,
    /// 下一期: from --from up to --to.
    Next,
}

impl From<FollowLinks> for Direction {
    fn from(follow: FollowLinks) -> Direction {
        match follow {
            FollowLinks::Prev => Direction::Prev,
            FollowLinks::Next => Direction::Next,
        }
    }
}

/// The issues of a site that `run` and `enqueue` crawl.
#[derive(Debug, clap::Args)]
struct IssueRange {
    #[arg(long)]
    site: String,
    /// The site's root URL, for sites whose profile has none (the sample site).
    #[arg(long)]
    base_url: Option<String>,
    #[arg(long, required_unless_present = "incremental")]
    from: Option<NaiveDate>,
    /// Defaults to today with --incremental.
    #[arg(long, required_unless_present = "incremental")]
    to: Option<NaiveDate>,
    /// From the newest issue the archive holds (--db for run, database.url for enqueue) up to
    /// --to (today by default).
    #[arg(long, conflicts_with = "from")]
    incremental: bool,
    /// Probe every day, not only the site's publication days.
    #[arg(long)]
    all_days: bool,
    /// Discover issues by the paper's own 上一期 / 下一期 links instead of the calendar:
    /// `next` starts at --from and follows 下一期 up to --to, `prev` starts at --to and
    /// follows 上一期 back to --from. A date without an issue steps one day on.
    #[arg(long, value_enum, conflicts_with = "all_days")]
    follow: Option<FollowLinks>,
}

impl IssueRange {
    /// The dates to crawl: --from and --to, or with --incremental from the newest issue the
    /// archive at `db_url` holds.
    async fn dates(&self, db_url: &SecretString) -> anyhow::Result<(NaiveDate, NaiveDate)> {
        match (self.incremental, self.from, self.to) {
            (true, _, to) => epaper::embedded::incremental_range(db_url, &self.site, to).await,
            (false, Some(from), Some(to)) => Ok((from, to)),
            _ => anyhow::bail!("give --from and --to, or --incremental"),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    epaper_common::telemetry::init(&settings.telemetry);
    let result = match cli.command {
        Command::Demo { db } => commands::demo(&settings, &db).await,
        Command::Run {
            issues,
            db,
            media_dir,
        } => {
            async {
                let db = SecretString::from(db);
                let (from, to) = issues.dates(&db).await?;
                commands::run(
                    &settings,
                    RunOptions {
                        site: issues.site,
                        base_url: issues.base_url,
                        from,
                        to,
                        db_url: db,
                        all_days: issues.all_days,
                        media_dir,
                        follow: issues.follow.map(Direction::from),
                    },
                )
                .await
            }
            .await
        }
        Command::SampleSite {
            addr,
            issues,
            pages,
            articles,
            every_days,
            faults,
        } => {
            let shape = epaper::sample::Shape {
                pages,
                articles,
                every_days,
            };
            commands::sample_site(addr, issues, shape, faults).await
        }
        Command::Parse { url, file } => commands::parse(&url, &file),
        Command::Export {
            db,
            format,
            site,
            from,
            to,
        } => {
            let db = db_url(db, &settings.database.url);
            commands::export(&db, ExportFilter { site, from, to }, format).await
        }
        Command::Search {
            query,
            db,
            site,
            from,
            to,
            limit,
            json,
        } => {
            let db = db_url(db, &settings.database.url);
            let query = SearchQuery {
                text: query,
                filter: ExportFilter { site, from, to },
                limit,
            };
            commands::search(&db, query, json).await
        }
        Command::Reparse { db, site, from, to } => {
            let db = db_url(db, &settings.database.url);
            let caps = settings.crawler.size_caps();
            commands::reparse(&db, ExportFilter { site, from, to }, caps).await
        }
        Command::Replay {
            stage,
            state,
            site,
            from,
            to,
            base_url,
            limit,
            dry_run,
        } => {
            let source = match stage {
                Some(stage) => ReplaySource::DeadLetters {
                    stage: stage.into(),
                    limit,
                },
                None => ReplaySource::Issues {
                    states: state,
                    filter: ExportFilter { site, from, to },
                    base_url,
                },
            };
            commands::replay(&settings, source, dry_run).await
        }
        Command::Migrate => commands::migrate(&settings).await,
        Command::Enqueue { issues } => {
            async {
                let (from, to) = issues.dates(&settings.database.url).await?;
                let follow = issues.follow.map(Direction::from);
                commands::enqueue(
                    &settings,
                    &issues.site,
                    issues.base_url,
                    from,
                    to,
                    issues.all_days,
                    follow,
                )
                .await
            }
            .await
        }
        Command::Status { json, watch } => epaper::status::status(&settings, json, watch).await,
        Command::Console {
            db,
            addr,
            media_dir,
            no_broker,
            base_url,
        } => {
            let db = db_url(db, &settings.database.url);
            let mut media_settings = settings.media.clone();
            if let Some(dir) = media_dir {
                media_settings.dir = dir;
            }
            match epaper_indexer::media::MediaStore::from_settings(&media_settings) {
                Ok(media) => {
                    let options = epaper::console::ConsoleOptions {
                        db_url: db,
                        addr,
                        media,
                        broker: !no_broker,
                        base_url,
                    };
                    epaper::console::serve(&settings, options).await
                }
                Err(error) => Err(error.into()),
            }
        }
        Command::Sites => {
            commands::list_sites();
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
