//! Flags that several commands share, so that each is spelled and documented once.

use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::messages::Direction;
use epaper_common::sites::Sites;
use epaper_indexer::ExportFilter;
use secrecy::SecretString;

use crate::connect::db_url;
use crate::plan::incremental_range;

// `--db` of the commands that read an archive.
#[derive(Debug, clap::Args)]
pub struct Db {
    /// Defaults to database.url of the configuration.
    #[arg(long)]
    db: Option<String>,
}

impl Db {
    /// The archive URL: `--db` when given, else `database.url` of the settings.
    pub fn url(self, settings: &Settings) -> SecretString {
        db_url(self.db, &settings.database.url)
    }
}

// `--site`, `--from` and `--to` of the commands that read part of an archive.
#[derive(Debug, clap::Args)]
pub struct Filter {
    #[arg(long)]
    site: Option<String>,
    #[arg(long)]
    from: Option<NaiveDate>,
    #[arg(long)]
    to: Option<NaiveDate>,
}

impl From<Filter> for ExportFilter {
    fn from(Filter { site, from, to }: Filter) -> ExportFilter {
        ExportFilter { site, from, to }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FollowLinks {
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
pub struct IssueRange {
    #[arg(long)]
    pub site: String,
    /// The site's root URL, for sites whose profile has none (the sample site).
    #[arg(long)]
    pub base_url: Option<String>,
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
    pub all_days: bool,
    /// Discover issues by the paper's own 上一期 / 下一期 links instead of the calendar:
    /// `next` starts at --from and follows 下一期 up to --to, `prev` starts at --to and
    /// follows 上一期 back to --from. A date without an issue steps one day on.
    #[arg(long, value_enum, conflicts_with = "all_days")]
    follow: Option<FollowLinks>,
}

impl IssueRange {
    /// The dates to crawl: --from and --to, or with --incremental from the newest issue the
    /// archive at `db_url` holds.
    /// The range the flags ask for, once the site is known to `sites`.
    pub async fn dates(
        &self,
        db_url: &SecretString,
        sites: &Sites,
    ) -> anyhow::Result<(NaiveDate, NaiveDate)> {
        sites.get(&self.site)?;
        match (self.incremental, self.from, self.to) {
            (true, _, to) => incremental_range(db_url, &self.site, to).await,
            (false, Some(from), Some(to)) => Ok((from, to)),
            _ => anyhow::bail!("give --from and --to, or --incremental"),
        }
    }

    pub fn follow(&self) -> Option<Direction> {
        self.follow.map(Direction::from)
    }
}
