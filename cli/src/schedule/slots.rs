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
    /// Reads `HH:MM` or `HH:MM:SS` values, where the hour, or the hour and the minute, may be
    /// `*`: `*:15` is a quarter past every hour, `*:*` every minute (a test or demo stack);
    /// `setting` names where they came from in an error.
    pub fn parse(values: &[String], setting: &str) -> Result<Times, String> {
        let mut times = Vec::new();
        for text in values {
            let expanded = expand(text.trim()).ok_or_else(|| {
                format!(
                    "{setting}: {text:?} is not a time of day (HH:MM or HH:MM:SS; `*:MM`, `*:*`)"
                )
            })?;
            times.extend(expanded);
        }
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

/// The times one value names: one, or one per hour or minute for a `*`.
fn expand(text: &str) -> Option<Vec<NaiveTime>> {
    let parts: Vec<&str> = text.split(':').collect();
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let numbers = |part: &str, below: u32, wild: bool| -> Option<Vec<u32>> {
        if wild && part == "*" {
            return Some((0..below).collect());
        }
        let well_formed = (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        let n: u32 = part.parse().ok().filter(|_| well_formed)?;
        (n < below).then(|| vec![n])
    };
    let hours = numbers(hour, 24, true)?;
    // A minute may be `*` only when the hour is.
    let minutes = numbers(minute, 60, hour == "*")?;
    let seconds = numbers(second, 60, false)?;
    let mut out = Vec::new();
    for h in &hours {
        for m in &minutes {
            for s in &seconds {
                out.push(NaiveTime::from_hms_opt(*h, *m, *s)?);
            }
        }
    }
    Some(out)
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
        for bad in ["6:3:x", "06:*", "06:30:*", "-1:00", "06:300", ""] {
            assert!(
                Times::parse(&[bad.to_string()], "schedule.times").is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_star_is_every_hour_or_every_minute() {
        assert_eq!(times(&["*:15"]).0.len(), 24);
        assert_eq!(times(&["*:*"]).0.len(), 24 * 60);
        let zone = TimeZone::default();
        let every_minute = times(&["*:*"]);
        let now = at("2024-03-04T21:00:30Z");
        assert_eq!(every_minute.latest(zone, now), at("2024-03-04T21:00:00Z"));
        assert_eq!(every_minute.next(zone, now), at("2024-03-04T21:01:00Z"));
    }
}
