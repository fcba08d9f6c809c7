//! `epaper sites check` and `epaper sites probe`: one issue crawled into a throw-away archive
//! and reported field by field ([`crate::onboard`]); probe first derives the profile, or for a
//! system no family knows proposes a `selectors` one.

use std::io::Write;

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::sites::{Layout, Sites};
use epaper_crawler::CrawlStage;

use crate::onboard::{self, Derived};

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Crawl one issue of a configured profile without storing it, and report what the
    /// parser read of it, field by field.
    Check(CheckArgs),
    /// Derive a profile from the URL of a page (版) of a paper (its layout family and skin,
    /// entry template and date pattern) and print it as TOML, with the report of one issue
    /// crawled with it. For a page of no known family, propose a `layout = "selectors"` profile
    /// from the page and its first article instead: best effort, to review.
    Probe(ProbeArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The profile's id (`epaper sites` lists them).
    id: String,
    /// The issue to crawl; the profile's `sample_date` when absent.
    #[arg(long)]
    date: Option<NaiveDate>,
    /// For a profile without a base URL of its own (the sample site).
    #[arg(long)]
    base_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// A dated page (版) of the paper, e.g. …/html/2024-03/04/node_1.htm.
    url: url::Url,
    /// The id of the derived profile.
    #[arg(long, default_value = "new-paper")]
    id: String,
}

pub async fn run(settings: &Settings, action: Action) -> anyhow::Result<()> {
    match action {
        Action::Check(args) => check(settings, args).await,
        Action::Probe(args) => probe(settings, args).await,
    }
}

/// Prints the report (each line after `prefix`) and exits non-zero when the issue did not come
/// in whole: a script can gate on it.
fn finish(report: &onboard::Report, prefix: &str, note: Option<&str>) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    for line in report.to_string().lines().chain(note) {
        writeln!(stdout, "{prefix}{line}")?;
    }
    stdout.flush()?;
    if report.is_whole() {
        Ok(())
    } else if report.state == Some(epaper_indexer::IssueState::Absent) {
        anyhow::bail!(
            "{} has no issue on {}: its entry page was not found",
            report.site,
            report.date
        )
    } else {
        anyhow::bail!(
            "{} {}: not every article came in with a title and text",
            report.site,
            report.date
        )
    }
}

async fn check(settings: &Settings, args: CheckArgs) -> anyhow::Result<()> {
    let sites = Sites::load(&settings.sites)?;
    let profile = sites.get(&args.id)?.clone();
    let date = args
        .date
        .or(profile.sample_date)
        .with_context(|| format!("{} has no sample_date; pass --date", profile.id))?;
    let report = onboard::check(settings, &sites, &profile, args.base_url, date).await?;
    finish(&report, "", None)
}

async fn probe(settings: &Settings, args: ProbeArgs) -> anyhow::Result<()> {
    let url = args.url;
    // The page is read first: its markup names the family when its URL does not, the skin, and
    // for a system no family knows, what a proposal is made of. Until the layout is known, the
    // profile the URL suggests (read.do's needs its own) serves only the fetches.
    let by_url = onboard::derive::layout_of(&url, None).ok();
    let fetching = onboard::derive(&url, &args.id, by_url.unwrap_or(Layout::FounderClassic))
        .map_err(anyhow::Error::msg)?
        .profile;
    let stage = CrawlStage::new(settings.crawler.clone());
    let html = onboard::fetch_text(&stage, &fetching, url.as_str()).await?;
    let derived: Derived = if epaper_parser::detect(&url, &html).is_some() {
        let layout = onboard::derive::layout_of(&url, Some(&html)).map_err(anyhow::Error::msg)?;
        let mut derived = onboard::derive(&url, &args.id, layout).map_err(anyhow::Error::msg)?;
        derived.skin =
            epaper_parser::families::by_name(layout.name()).and_then(|family| (family.skin)(&html));
        derived
    } else {
        // No family: a selectors profile, best effort; else the reason with what was looked for.
        let proposed = onboard::propose_profile(&stage, &fetching, &url, &html, &args.id).await;
        proposed.map_err(|reason| {
            let unknown = onboard::derive::layout_of(&url, Some(&html))
                .err()
                .unwrap_or_default();
            anyhow::anyhow!("{unknown}; `sites probe` could not propose one: {reason}")
        })?
    };
    let proposed = derived.profile.selectors.is_some();
    // The profile, then the report as TOML comments: the whole output is a profile file.
    println!("{}", derived.toml());
    let sites = Sites::load(&settings.sites)?.with_probed(derived.profile.clone());
    let report = onboard::check(
        settings,
        &sites,
        &derived.profile,
        derived.run_base.clone(),
        derived.date,
    )
    .await?;
    let note = proposed.then(|| {
        format!(
            "{}: the counts above say how many articles each field was found in",
            onboard::derive::PROPOSED
        )
    });
    finish(&report, "# ", note.as_deref())
}
