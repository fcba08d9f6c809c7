//! Onboarding a paper: `epaper sites check ID --date D` crawls one issue of a configured
//! profile into a throw-away archive and reports, field by field, what the parser got;
//! `epaper sites probe URL` first derives the profile from the URL of one of the paper's pages
//! (its layout family, entry template and date pattern) and prints it as TOML with the report.
//!
//! What must stay true: nothing is stored where the user keeps an archive (the crawl goes to a
//! temporary SQLite file that is removed), and the fetches are the crawler's own, so robots.txt,
//! politeness, size caps and the address rules hold as in any crawl.

pub mod derive;
mod report;

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::sites::{Profile, Sites};
use secrecy::SecretString;

use crate::connect::open_store;
use crate::embedded::{self, RunOptions};

pub use derive::{Derived, derive};
pub use report::Report;

/// A SQLite file in the temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let name = format!(
            "epaper-check-{}-{}.db",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        Scratch(std::env::temp_dir().join(name))
    }

    fn url(&self) -> SecretString {
        SecretString::from(format!("sqlite://{}", self.0.display()))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Crawls `profile`'s issue of `date` (at `base_url` for a profile without one) into a
/// temporary archive and reports what was stored.
pub async fn check(
    settings: &Settings,
    sites: &Sites,
    profile: &Profile,
    base_url: Option<String>,
    date: NaiveDate,
) -> anyhow::Result<Report> {
    let scratch = Scratch::new();
    let options = RunOptions {
        site: profile.id.clone(),
        base_url,
        from: date,
        to: date,
        db_url: scratch.url(),
        all_days: true,
        media_dir: None,
        follow: None,
    };
    embedded::run_with_sites(settings, sites, options)
        .await
        .with_context(|| format!("crawling {} of {date}", profile.id))?;
    let store = open_store(&scratch.url(), 1).await?;
    let report = Report::read(&store, profile, date, settings.crawler.size_caps()).await;
    store.close().await;
    report
}
