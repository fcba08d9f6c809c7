//! `sample-site --publish-every SECS`: a paper whose issues appear over time, as a real one's
//! do, so that a stack left alone (`epaper schedule`) can be seen to pick each one up.
//!
//! The paper is dated so that its last issue is today's in the sample profiles' time zone
//! (Asia/Shanghai, the default of every profile). The first issue is published when the site
//! starts and each next one `SECS` later. Until an issue is published every document of it
//! answers 404, as on a day without an issue, and `/manifest.json` lists only the issues
//! published so far, so it still says exactly what a crawler can get. A document several
//! issues share (a layout's monthly list of issue days) belongs to the first of them and is
//! served whole from its publication on.

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

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::super::{Faults, Site, paper_from};
    use super::*;

    async fn get(site: &Site, path: &str) -> (u16, Vec<u8>) {
        site.ask(Method::GET, path, "").await
    }

    fn entry(date: NaiveDate) -> String {
        format!("html/{}/node_1.htm", date.format("%Y-%m/%d"))
    }

    fn manifest_dates(body: &[u8]) -> Vec<String> {
        let manifest: serde_json::Value = serde_json::from_slice(body).unwrap();
        manifest["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["date"].as_str().unwrap().to_string())
            .collect()
    }

    #[tokio::test]
    async fn an_issue_is_served_and_listed_only_once_published() {
        let first = first_date_ending_today(2, 1);
        let today = TimeZone::default().today(chrono::Utc::now());
        assert_eq!(first.succ_opt(), Some(today));
        let paper = paper_from(first, 2, Default::default());
        let site = Site::new(&paper, "http://127.0.0.1:1/".into(), Faults::None)
            .publishing_every(Duration::from_millis(400));
        assert_eq!(get(&site, &entry(first)).await.0, 200);
        assert_eq!(get(&site, &entry(today)).await.0, 404);
        let (_, body) = get(&site, "manifest.json").await;
        assert_eq!(manifest_dates(&body), vec![first.to_string()]);
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert_eq!(get(&site, &entry(today)).await.0, 200);
        let (_, body) = get(&site, "manifest.json").await;
        assert_eq!(
            manifest_dates(&body),
            vec![first.to_string(), today.to_string()]
        );
    }
}
