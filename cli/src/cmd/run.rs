//! `epaper run`: a date range crawled, parsed and stored in one process ([`crate::embedded`]).

use std::io::Write;
use std::path::PathBuf;

use epaper_common::config::Settings;
use epaper_common::sites::Sites;
use secrecy::SecretString;

use super::args::IssueRange;
use crate::embedded::{self, RunOptions};
use crate::outcome::{INCOMPLETE, Incomplete};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    issues: IssueRange,
    #[arg(long, default_value = "sqlite://epaper.db")]
    db: String,
    /// Also keep every page scan, PDF and article image, as PATH/<aa>/<sha256>.
    #[arg(long)]
    media_dir: Option<PathBuf>,
    /// End with a one-line JSON summary (issues, states of the range, incomplete issues).
    #[arg(long)]
    json: bool,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let db = SecretString::from(args.db);
    let sites = Sites::load(&settings.sites)?;
    let (from, to) = args.issues.dates(&db, &sites).await?;
    let follow = args.issues.follow();
    let options = RunOptions {
        site: args.issues.site,
        base_url: args.issues.base_url,
        from,
        to,
        db_url: db,
        all_days: args.issues.all_days,
        media_dir: args.media_dir,
        follow,
    };
    let summary = embedded::run_with_sites(settings, &sites, options).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{} issues processed", summary.n_issues)?;
    for (site, state, n) in &summary.states {
        writeln!(stdout, "  {site}: {n} {state}")?;
    }
    if args.json {
        let incomplete: Vec<serde_json::Value> = summary
            .incomplete
            .iter()
            .map(|(site, date, state)| serde_json::json!({"site": site, "date": date, "state": state}))
            .collect();
        let line = serde_json::json!({
            "issues": summary.n_issues,
            "incomplete": incomplete,
            "exit": if incomplete.is_empty() { 0 } else { INCOMPLETE },
        });
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()?;
    if summary.incomplete.is_empty() {
        Ok(())
    } else {
        Err(Incomplete(summary.incomplete).into())
    }
}
