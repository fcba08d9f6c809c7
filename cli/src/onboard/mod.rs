//! Onboarding a paper: `epaper sites check ID --date D` crawls one issue of a configured
//! profile into a throw-away archive and reports, field by field, what the parser got;
//! `epaper sites probe URL` first derives the profile from the URL of one of the paper's pages
//! (its layout family and skin, entry template and date pattern) and prints it as TOML with the
//! report; for a page of no known family it proposes a `layout = "selectors"` profile instead
//! ([`propose`]), best effort, and says so.
//!
//! What must stay true: nothing is stored where the user keeps an archive (the crawl goes to a
//! temporary SQLite file in a private directory that is removed, whatever the outcome), and the fetches are the crawler's own, so robots.txt,
//! politeness, size caps and the address rules hold as in any crawl.

pub mod derive;
pub mod propose;
mod report;

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::sites::{Layout, Profile, Sites};
use epaper_crawler::CrawlStage;
use secrecy::SecretString;
use url::Url;

use crate::connect::open_store;
use crate::embedded::{self, RunOptions};

pub use derive::{Derived, derive};
pub use report::Report;

/// The document at `url`, fetched as `profile`'s crawl fetches (robots.txt, politeness, caps,
/// address rules), decoded from its bytes as the parser decodes them.
pub async fn fetch_text(
    stage: &CrawlStage,
    profile: &Profile,
    url: &str,
) -> anyhow::Result<String> {
    let fetched = stage
        .fetch_one(profile, url)
        .await
        .with_context(|| format!("fetching {url}"))?;
    let charset = fetched
        .content_type
        .as_deref()
        .and_then(epaper_parser::decode::charset_from_content_type);
    Ok(epaper_parser::decode::decode(&fetched.body, charset).text)
}

/// A `layout = "selectors"` profile proposed from the page at `url` (its markup `html`) and the
/// first article it lists, fetched with `stage` as `fetching` fetches, and loaded from the very
/// text it prints, as a profile file in `sites.dir` is loaded: what is crawled with is what the
/// user gets. The error says why no proposal could be made.
pub async fn propose_profile(
    stage: &CrawlStage,
    fetching: &Profile,
    url: &Url,
    html: &str,
    id: &str,
) -> Result<Derived, String> {
    let part = propose::page_part(html, url)?;
    let article = part.first_article.0.clone();
    let article_url = Url::parse(&article).map_err(|error| format!("{article}: {error}"))?;
    let article_html = fetch_text(stage, fetching, &article)
        .await
        .map_err(|error| format!("{error:#}"))?;
    let table = propose::selectors(part, &article_html, &article_url)?;
    let mut derived = derive(url, id, Layout::Selectors)?;
    derived.profile.selectors = Some(table);
    derived.profile = Profile::from_toml(&derived.toml())
        .map_err(|error| format!("the proposed profile does not load: {error}"))?;
    Ok(derived)
}

/// A SQLite archive in a private temporary directory (made with mode 0700 under a name no
/// other process can predict or take), removed with everything SQLite put beside it (`-wal`,
/// `-shm`) when dropped: on success, on error and on a panic alike.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> anyhow::Result<Scratch> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("epaper-check-");
        // Made with the mode it keeps, not opened up first: only this user may read the archive.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        builder
            .tempdir()
            .map(Scratch)
            .context("making a scratch directory for the check in the temporary directory")
    }

    fn url(&self) -> SecretString {
        SecretString::from(format!(
            "sqlite://{}",
            self.0.path().join("check.db").display()
        ))
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
    let scratch = Scratch::new()?;
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

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    /// Two scratch archives at once are two directories, and dropping one removes its archive
    /// with the files SQLite writes beside it, not the other's.
    #[test]
    fn scratch_archives_are_private_and_removed_on_drop() {
        let first = Scratch::new().unwrap();
        let second = Scratch::new().unwrap();
        assert_ne!(first.0.path(), second.0.path());
        for scratch in [&first, &second] {
            let url = scratch.url();
            let path = url
                .expose_secret()
                .trim_start_matches("sqlite://")
                .to_string();
            for suffix in ["", "-wal", "-shm"] {
                std::fs::write(format!("{path}{suffix}"), b"x").unwrap();
            }
        }
        let (kept, gone) = (second.0.path().to_path_buf(), first.0.path().to_path_buf());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&gone).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "scratch directory mode {mode:o}");
        }
        drop(first);
        assert!(!gone.exists(), "{} left behind", gone.display());
        assert_eq!(std::fs::read_dir(&kept).unwrap().count(), 3);
        drop(second);
        assert!(!kept.exists(), "{} left behind", kept.display());
    }
}
