//! The messages about a whole issue: the request to crawl it (and the discovery of the next by
//! its links), what the crawler found in it, and the report of a message that was given up.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DocKind, Stage};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlIssue {
    pub site: String,
    /// The site's base URL when the profile has none (the sample site) or it is overridden.
    pub base_url: Option<String>,
    pub date: NaiveDate,
    /// Documents of the issue the archive already holds, with their validators: the crawler
    /// asks for them conditionally, and a 304 means the stored copy stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<Validator>,
    /// Discovery by the paper's own 上一期 / 下一期 links: once this issue is crawled, the
    /// crawler asks for the issue its link names (or, on a date without an issue, the next
    /// day), as long as the date stays within the bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<Follow>,
}

/// Which of an issue's static links to follow, and how far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Follow {
    pub direction: Direction,
    /// The last date to reach: the earliest for `prev`, the latest for `next`.
    pub until: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// 上一期: back in time.
    Prev,
    /// 下一期: forward in time.
    Next,
}

impl Follow {
    /// Whether `date`, linked from the issue of `from`, is a step the right way within bounds.
    /// Requiring each step to move strictly in one direction is what ends every chain, even on
    /// a site whose links go in circles.
    pub fn allows(self, from: NaiveDate, date: NaiveDate) -> bool {
        match self.direction {
            Direction::Prev => date < from && date >= self.until,
            Direction::Next => date > from && date <= self.until,
        }
    }

    /// The day after (or before) `from`, for a date without an issue, when still in bounds.
    pub fn step(self, from: NaiveDate) -> Option<NaiveDate> {
        let date = match self.direction {
            Direction::Prev => from.pred_opt()?,
            Direction::Next => from.succ_opt()?,
        };
        self.allows(from, date).then_some(date)
    }
}

/// What the archive holds of one document: sent back as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRef {
    pub site: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureReport {
    pub site: String,
    pub date: NaiveDate,
    /// The document's URL, or empty when the whole issue failed (its crawl message).
    pub url: String,
    pub stage: Stage,
    /// `permanent`, or `retryable` when retries ran out.
    pub kind: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueManifest {
    pub site: String,
    pub date: NaiveDate,
    /// True when the site has no issue on this date (a 404 on the entry page).
    pub absent: bool,
    /// Every page of the issue, in issue order.
    pub pages: Vec<String>,
    /// Every article of the issue, once each, without `?div=` variants.
    pub articles: Vec<String>,
    pub failures: Vec<FetchFailure>,
    /// Every page scan, PDF and article image fetched or attempted, when media are crawled.
    #[serde(default)]
    pub media: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchFailure {
    pub url: String,
    pub kind: DocKind,
    pub reason: String,
}
