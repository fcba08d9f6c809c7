//! When a site's planning passes fall: its times of day, in the paper's time zone, as instants.
//!
//! A pass belongs to a slot, the latest of those instants at or before now; missed slots (the
//! scheduler was down) collapse into the latest one, and a slot run twice plans the same
//! issues, which the plan table then refuses to send twice.

use chrono::{DateTime, Days, NaiveTime, Utc};
use epaper_common::sites::TimeZone;

/// Times of day, sorted, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Times(Vec<NaiveTime>);

impl Times {
    /// Reads `HH:MM` or `HH:MM:SS` values; `setting` names where they came from in an error.
    pub fn parse(values: &[String], setting: &str) -> Result<Times, String> {
        let mut times = values
            .iter()
            .map(|text| {
                NaiveTime::parse_from_str(text.trim(), "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(text.trim(), "%H:%M"))
                    .map_err(|_| {
                        format!("{setting}: {text:?} is not a time of day (HH:MM or HH:MM:SS)")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if times.is_empty() {
            return Err(format!("{setting}: no time of day"));
        }
        times.sort();
        times.dedup();
        Ok(Times(times))
    }

    /// The latest slot at or before `now`.
    pub fn latest(&self, zone: TimeZone, now: DateTime<Utc>) -> DateTime<Utc> {
        self.candidates(zone, now)
            .filter(|slot| *slot <= now)
            .max()
            .expect("a time of day of today or yesterday is at or before now")
    }

    /// The first slot after `now`.
    pub fn next(&self, zone: TimeZone, now: DateTime<Utc>) -> DateTime<Utc> {
        self.candidates(zone, now)
            .filter(|slot| *slot > now)
            .min()
            .expect("a time of day of today or tomorrow is after now")
    }

    /// Every time of yesterday, today and tomorrow (the paper's days) as an instant.
    fn candidates(
        &self,
        zone: TimeZone,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = DateTime<Utc>> {
        let today = zone.today(now);
        let days = [
            today.checked_sub_days(Days::new(1)),
            Some(today),
            today.checked_add_days(Days::new(1)),
        ];
        let times = self.0.clone();
        days.into_iter().flatten().flat_map(move |day| {
            times.clone().into_iter().filter_map(move |time| {
                day.and_time(time)
                    .and_local_timezone(zone.offset())
                    .single()
                    .map(|local| local.with_timezone(&Utc))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn times(values: &[&str]) -> Times {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        Times::parse(&values, "schedule.times").unwrap()
    }

    #[test]
    fn slots_are_the_papers_times_of_day_across_midnight() {
        let zone = TimeZone::default();
        let times = times(&["14:00", "06:30", "09:00"]);
        // 05:00 in Shanghai on the 5th is 21:00 UTC on the 4th: the latest slot is the 4th's
        // 14:00 there (06:00 UTC), the next the 5th's 06:30 (22:30 UTC on the 4th).
        let now = at("2024-03-04T21:00:00Z");
        assert_eq!(times.latest(zone, now), at("2024-03-04T06:00:00Z"));
        assert_eq!(times.next(zone, now), at("2024-03-04T22:30:00Z"));
        // At a slot exactly, that slot is the latest.
        assert_eq!(
            times.latest(zone, at("2024-03-04T22:30:00Z")),
            at("2024-03-04T22:30:00Z")
        );
        let utc: TimeZone = "+00:00".parse().unwrap();
        assert_eq!(times.latest(utc, now), at("2024-03-04T14:00:00Z"));
    }

    #[test]
    fn bad_times_name_the_setting() {
        let error = Times::parse(&["25:00".to_string()], "schedule.times").unwrap_err();
        assert!(
            error.contains("schedule.times") && error.contains("25:00"),
            "{error}"
        );
        assert!(Times::parse(&[], "schedule.site_times.rmrb").is_err());
        assert_eq!(times(&["06:30:15", "06:30:15"]).0.len(), 1);
    }
}
