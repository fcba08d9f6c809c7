//! The publication days of the papers that list them (`publication_days` in a profile), read
//! once a month per paper and kept for a while: a crawl of a day the list leaves out ends as
//! absent without asking for the day's entry page.
//!
//! What must stay true: the list only ever saves requests. A list that cannot be fetched or
//! read, or a paper without one, leaves the crawl to ask for the entry as it always did; and a
//! listed day is crawled like any other.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::fetch::Fetcher;

/// How long a month's list is trusted: long enough for a backfill to use one fetch per month,
/// short enough that today's issue, listed later in the day, is not missed for long.
pub const KEEP_FOR: Duration = Duration::from_secs(30 * 60);

/// Lists kept at most; past it the oldest half is dropped.
const MAX_LISTS: usize = 1024;

type Days = Option<Arc<BTreeSet<NaiveDate>>>;

/// The lists read so far, by URL, with when each was read (`None`: there was no usable list).
#[derive(Default)]
pub struct Calendars {
    lists: Mutex<HashMap<String, (Instant, Days)>>,
}

impl Calendars {
    /// Whether the list at `url` names `date`; `None` when there is no usable list.
    pub(crate) async fn lists(
        &self,
        url: &str,
        date: NaiveDate,
        fetcher: &Fetcher,
    ) -> Option<bool> {
        let days = match self.kept(url) {
            Some(days) => days,
            None => {
                let days = read(url, fetcher).await;
                self.keep(url, days.clone());
                days
            }
        };
        days.map(|days| days.contains(&date))
    }

    fn kept(&self, url: &str) -> Option<Days> {
        let lists = self.lists.lock().expect("calendar lock");
        lists
            .get(url)
            .filter(|(read_at, _)| read_at.elapsed() < KEEP_FOR)
            .map(|(_, days)| days.clone())
    }

    fn keep(&self, url: &str, days: Days) {
        let mut lists = self.lists.lock().expect("calendar lock");
        if lists.len() >= MAX_LISTS {
            let mut ages: Vec<Instant> = lists.values().map(|(at, _)| *at).collect();
            ages.sort();
            let cut = ages[ages.len() / 2];
            lists.retain(|_, (at, _)| *at > cut);
        }
        lists.insert(url.to_string(), (Instant::now(), days));
    }
}

async fn read(url: &str, fetcher: &Fetcher) -> Days {
    match fetcher.fetch(url).await {
        Ok(doc) => match epaper_parser::calendar::days(&doc.body) {
            Some(days) => Some(Arc::new(days)),
            None => {
                tracing::warn!(%url, "the publication-day list is not one; asking for each day's entry");
                None
            }
        },
        Err(error) => {
            tracing::warn!(%url, %error, "no publication-day list; asking for each day's entry");
            None
        }
    }
}
