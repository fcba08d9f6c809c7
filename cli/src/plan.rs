//! What a crawl of a date range asks for: one request per publication day, or one at the end a
//! chain of 上一期 / 下一期 links starts from; and where an incremental crawl starts.
//!
//! `epaper run` and `epaper enqueue` both plan here, so the embedded mode and the services
//! crawl the same issues for the same flags.

use anyhow::Context;
use chrono::NaiveDate;
use epaper_common::messages::{CrawlIssue, Direction, Follow};
use epaper_common::sites;
use secrecy::SecretString;

use crate::connect::open_store;

/// The dates of `from..=to` on which the site publishes (every day with `all_days`).
fn issue_dates(
    profile: &sites::Profile,
    from: NaiveDate,
    to: NaiveDate,
    all_days: bool,
) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| all_days || profile.schedule.publishes_on(*d))
        .collect()
}

/// The crawl requests that start a range: one per publication day (every day with
/// `all_days`), or, following the paper's links, one at the end the chain starts from
/// (`--from` for 下一期, `--to` for 上一期), which the crawler then walks to the other end.
pub fn crawl_plan(
    profile: &sites::Profile,
    base_url: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    all_days: bool,
    follow: Option<Direction>,
) -> Vec<CrawlIssue> {
    let starts = match follow {
        None => issue_dates(profile, from, to, all_days)
            .into_iter()
            .map(|date| (date, None))
            .collect(),
        Some(_) if from > to => Vec::new(),
        Some(direction) => {
            let (start, until) = match direction {
                Direction::Next => (from, to),
                Direction::Prev => (to, from),
            };
            vec![(start, Some(Follow { direction, until }))]
        }
    };
    starts
        .into_iter()
        .map(|(date, follow)| crawl_request(&profile.id, base_url, date, follow))
        .collect()
}

/// One crawl request, `known` left empty: [`crate::enqueue::enqueue_issues`] reads it from the
/// archive.
pub fn crawl_request(
    site: &str,
    base_url: Option<&str>,
    date: NaiveDate,
    follow: Option<Follow>,
) -> CrawlIssue {
    CrawlIssue {
        site: site.to_string(),
        base_url: base_url.map(str::to_string),
        date,
        known: Vec::new(),
        follow,
    }
}

/// The range of an incremental crawl of `site`: from the newest issue the archive at `db_url`
/// holds (crawled again: it may have been partial, and what is unchanged costs a 304) up to
/// `to`, today by default. Only the schedule's publication days of it are crawled. The caller
/// has looked `site` up in its profiles.
pub async fn incremental_range(
    db_url: &SecretString,
    site: &str,
    to: Option<NaiveDate>,
) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let store = open_store(db_url, 1).await?;
    store.migrate().await.context("migrating the archive")?;
    let last = store.last_issue_date(site).await;
    store.close().await;
    let from = last?.ok_or_else(|| {
        anyhow::anyhow!("the archive holds no issue of {site} yet: give --from for the first crawl")
    })?;
    Ok((from, to.unwrap_or_else(|| chrono::Utc::now().date_naive())))
}
