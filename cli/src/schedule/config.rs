//! `[schedule]` read into what the scheduler runs on: each enabled site's profile, base URL,
//! time zone and times of day, and the planner's [`Policy`]. Every value is checked here, at
//! start, and a bad one is an error naming its setting.

use chrono::TimeDelta;
use epaper_common::config::ScheduleSettings;
use epaper_common::sites::{Profile, Sites};

use super::planner::Policy;
use super::slots::Times;

/// One site the scheduler keeps current.
#[derive(Debug, Clone)]
pub struct SiteEntry {
    pub profile: Profile,
    pub base_url: Option<String>,
    pub times: Times,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub sites: Vec<SiteEntry>,
    pub policy: Policy,
}

impl Config {
    pub fn from_settings(settings: &ScheduleSettings, sites: &Sites) -> anyhow::Result<Config> {
        let default_times =
            Times::parse(&settings.times, "schedule.times").map_err(anyhow::Error::msg)?;
        // An empty list from the environment (`EPAPER__SCHEDULE__SITES=`) reads as one empty
        // name: none.
        let enabled: Vec<&String> = settings
            .sites
            .iter()
            .filter(|s| !s.trim().is_empty())
            .collect();
        for site in settings.site_times.keys().chain(settings.base_urls.keys()) {
            if !enabled.contains(&site) {
                tracing::warn!(
                    site,
                    "schedule: times or a base URL for a site not in schedule.sites"
                );
            }
        }
        let mut entries = Vec::new();
        for site in enabled {
            let profile = sites
                .get(site)
                .map_err(|error| anyhow::anyhow!("schedule.sites: {error}"))?;
            let times = match settings.site_times.get(site) {
                Some(values) => Times::parse(values, &format!("schedule.site_times.{site}"))
                    .map_err(anyhow::Error::msg)?,
                None => default_times.clone(),
            };
            let base_url = settings.base_urls.get(site).cloned();
            // Checked now, so that a missing or refused base URL stops the start, not a pass.
            let today = profile.timezone.today(chrono::Utc::now());
            profile
                .entry_url(base_url.as_deref(), today)
                .map_err(|error| anyhow::anyhow!("schedule.base_urls: {error}"))?;
            entries.push(SiteEntry {
                profile: profile.clone(),
                base_url,
                times,
            });
        }
        let policy = Policy {
            absent_recheck_days: settings.absent_recheck_days,
            partial_backoff: TimeDelta::minutes(settings.partial_backoff_minutes.into()),
            partial_max_replays: settings.partial_max_replays,
            lookback_days: settings.lookback_days,
            stuck_after: TimeDelta::minutes(settings.stuck_after_minutes.into()),
        };
        Ok(Config {
            sites: entries,
            policy,
        })
    }
}
