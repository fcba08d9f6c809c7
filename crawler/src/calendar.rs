//! The issue days of the papers that list them, read once a month per paper and kept for a
//! while, in two kinds:
//!
//! - a list of publication days (`publication_days` in a profile: `period.xml`, `period.js`):
//!   a crawl of a day the list leaves out ends as absent without asking for the day's entry;
//!   a list that cannot be fetched or read changes nothing (the crawl asks for the entry as it
//!   always did), so this list only ever saves requests;
//! - an issue index (`issue_index`: read.do's `POST read.do?m=getIssueByMonth`), which gives
//!   each day's entry URL as well and is the only way into an issue of such a system: a day it
//!   does not list is absent without a request for an entry, and an index that cannot be
//!   fetched or read fails the issue, with the reason (retryable when the fetch may succeed
//!   later: a 5xx, a timeout, a name that did not resolve; permanent otherwise: a 404, a
//!   refusal, a body over `crawler.max_body_bytes`, a body that is no index). A failed index is
//!   not kept, so a retry asks again.
//!
//! Both are parsed on tokio's blocking pool, never on the runtime's workers: a body may be as
//! large as the body cap.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use epaper_common::error::StageError;
use epaper_common::sites::{IndexRequest, IssueIndex};

use crate::fetch::Fetcher;

/// How long a month's list is trusted: long enough for a backfill to use one fetch per month,
/// short enough that today's issue, listed later in the day, is not missed for long.
pub const KEEP_FOR: Duration = Duration::from_secs(30 * 60);

/// Lists kept at most, of each kind; past it the oldest half is dropped.
const MAX_LISTS: usize = 1024;

type Days = Option<Arc<BTreeSet<NaiveDate>>>;

/// A month's issues by day, each with its entry URL.
type Issues = Arc<BTreeMap<NaiveDate, String>>;

/// The lists read so far, by URL (or request), with when each was read.
#[derive(Default)]
pub struct Calendars {
    /// Publication-day lists (`None`: there was no usable list).
    lists: Kept<Days>,
    /// Issue indexes that were read; failures are not kept.
    indexes: Kept<Issues>,
}

impl Calendars {
    /// Whether the list at `url` names `date`; `None` when there is no usable list.
    pub(crate) async fn lists(
        &self,
        url: &str,
        date: NaiveDate,
        fetcher: &Fetcher,
    ) -> Option<bool> {
        let days = match self.lists.get(url) {
            Some(days) => days,
            None => {
                let days = read(url, fetcher).await;
                self.lists.put(url, days.clone());
                days
            }
        };
        days.map(|days| days.contains(&date))
    }

    /// The entry URL the issue index of `request` lists for `date`; `Ok(None)` when it lists no
    /// issue that day, `Err` when the index cannot be fetched or read.
    pub(crate) async fn listed_issue(
        &self,
        request: &IndexRequest,
        date: NaiveDate,
        fetcher: &Fetcher,
    ) -> Result<Option<String>, StageError> {
        let key = request.key();
        let issues = match self.indexes.get(&key) {
            Some(issues) => issues,
            None => {
                let issues = read_index(request, fetcher).await?;
                self.indexes.put(&key, issues.clone());
                issues
            }
        };
        Ok(issues.get(&date).cloned())
    }
}

/// A month's list of publication days, or `None` with a warning when there is none to use.
async fn read(url: &str, fetcher: &Fetcher) -> Days {
    let doc = match fetcher.fetch(url).await {
        Ok(doc) => doc,
        Err(error) => {
            tracing::warn!(%url, %error, "no publication-day list; asking for each day's entry");
            return None;
        }
    };
    let parsed = tokio::task::spawn_blocking(move || epaper_parser::calendar::days(&doc.body));
    match parsed.await {
        Ok(Some(days)) => Some(Arc::new(days)),
        Ok(None) => {
            tracing::warn!(%url, "the publication-day list is not one; asking for each day's entry");
            None
        }
        Err(error) => {
            tracing::warn!(%url, %error, "reading the publication-day list failed; asking for each day's entry");
            None
        }
    }
}

/// A month's issue index, fetched and read; `Err` naming the index and why it failed.
async fn read_index(request: &IndexRequest, fetcher: &Fetcher) -> Result<Issues, StageError> {
    let month = &request.month;
    let failed = |reason: String| {
        anyhow::anyhow!(
            "issue index {} for {month}: {reason}; a read.do issue is entered only through it",
            request.url
        )
    };
    let doc = match fetcher.post_form(&request.url, &request.form).await {
        Ok(doc) => doc,
        Err(error) if error.is_retryable() => {
            return Err(StageError::retryable(failed(error.to_string())));
        }
        Err(error) => return Err(StageError::permanent(failed(error.to_string()))),
    };
    // Read from where the answer came from (after any redirect the fetch allowed).
    let index_url = url::Url::parse(&doc.url)
        .map_err(|error| StageError::permanent(failed(format!("its URL: {error}"))))?;
    let IssueIndex::ReadDo { newspaper_id, .. } = request.index;
    let parsed = tokio::task::spawn_blocking(move || {
        epaper_parser::calendar::read_do_issues(&doc.body, &index_url, newspaper_id)
    });
    match parsed.await {
        Ok(Ok(issues)) => {
            tracing::info!(url = %request.url, %month, n_issues = issues.len(), "issue index read");
            Ok(Arc::new(issues))
        }
        Ok(Err(error)) => Err(StageError::permanent(failed(error.to_string()))),
        Err(error) => Err(StageError::permanent(failed(format!(
            "reading it failed: {error}"
        )))),
    }
}

/// Values by key, each with when it was put, trusted for [`KEEP_FOR`], at most [`MAX_LISTS`].
struct Kept<T> {
    entries: Mutex<HashMap<String, (Instant, T)>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: Clone> Kept<T> {
    fn get(&self, key: &str) -> Option<T> {
        let entries = self.entries.lock().expect("calendar lock");
        entries
            .get(key)
            .filter(|(read_at, _)| read_at.elapsed() < KEEP_FOR)
            .map(|(_, value)| value.clone())
    }

    fn put(&self, key: &str, value: T) {
        let mut entries = self.entries.lock().expect("calendar lock");
        if entries.len() >= MAX_LISTS {
            let mut ages: Vec<Instant> = entries.values().map(|(at, _)| *at).collect();
            ages.sort();
            let cut = ages[ages.len() / 2];
            entries.retain(|_, (at, _)| *at > cut);
        }
        entries.insert(key.to_string(), (Instant::now(), value));
    }
}
