//! `sample-site --publish-every SECS`: a paper whose issues appear over time, as a real one's
//! do, so that a stack left alone (`epaper schedule`) can be seen to pick each one up.
//!
//! The paper is dated so that its last issue is today's in the sample profiles' time zone
//! (Asia/Shanghai, the default of every profile). The first issue is published when the site
//! starts and each next one `SECS` later. Until an issue is published every document of it
//! answers 404, as on a day without an issue, and `/manifest.json` lists only the issues
//! published so far, so it still says exactly what a crawler can get.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use epaper_common::sites::TimeZone;

/// When each issue of the site appears.
pub struct Release {
    start: Instant,
    every: Duration,
    /// The issue that first serves each path.
    owners: HashMap<String, usize>,
}

impl Release {
    pub fn new(every: Duration, owners: HashMap<String, usize>) -> Release {
        Release {
            start: Instant::now(),
            every,
            owners,
        }
    }

    /// How many issues are published now (the first at once).
    pub fn n_published(&self) -> usize {
        let elapsed = self.start.elapsed().as_secs_f64();
        let every = self.every.as_secs_f64().max(0.001);
        1 + (elapsed / every).floor() as usize
    }

    /// Whether `path` belongs to an issue not published yet.
    pub fn hides(&self, path: &str) -> bool {
        self.owners
            .get(path)
            .is_some_and(|issue_idx| *issue_idx >= self.n_published())
    }

    /// The manifest with only the published issues.
    pub fn manifest(&self, full: &serde_json::Value) -> Vec<u8> {
        let mut manifest = full.clone();
        if let Some(issues) = manifest["issues"].as_array_mut() {
            issues.truncate(self.n_published());
        }
        serde_json::to_vec_pretty(&manifest).expect("manifest serializes")
    }
}

/// The date of the first of `n_issues`, `every_days` apart, when the last is today's.
pub fn first_date_ending_today(n_issues: usize, every_days: u64) -> NaiveDate {
    let today = TimeZone::default().today(chrono::Utc::now());
    let back = (n_issues.saturating_sub(1) as u64) * every_days.max(1);
    today.checked_sub_days(Days::new(back)).unwrap_or(today)
}
