//! A paper's time zone: when its day begins, for the scheduler's times of day and its idea of
//! "today". A fixed offset from UTC, not a tz database: the papers archived here are in China
//! (and Hong Kong, Macau, Taiwan), which keep no daylight saving time, so a fixed offset is
//! exact for them and costs no dependency.
//!
//! A profile writes `timezone = "Asia/Shanghai"` (the default; the other zone names of UTC+8
//! are taken too) or an offset, `"+08:00"`, `"UTC+8"`, `"-05:00"`. A name of a zone that does
//! keep daylight saving time is refused rather than read as one of its two offsets.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Deserialize;

/// The zones of UTC+8 without daylight saving time, by their tz database names.
const UTC_PLUS_8: [&str; 8] = [
    "Asia/Shanghai",
    "Asia/Chongqing",
    "Asia/Harbin",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "PRC",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(FixedOffset);

impl Default for TimeZone {
    /// Asia/Shanghai, UTC+8.
    fn default() -> TimeZone {
        TimeZone(FixedOffset::east_opt(8 * 3600).expect("UTC+8 is in range"))
    }
}

impl TimeZone {
    pub fn offset(self) -> FixedOffset {
        self.0
    }

    /// The paper's calendar date at `now`.
    pub fn today(self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.0).date_naive()
    }
}

impl std::str::FromStr for TimeZone {
    type Err = String;

    fn from_str(text: &str) -> Result<TimeZone, String> {
        if UTC_PLUS_8.contains(&text) {
            return Ok(TimeZone::default());
        }
        let offset = text.strip_prefix("UTC").unwrap_or(text).trim();
        let refuse = || {
            format!(
                "timezone {text:?} is neither a UTC+8 zone name ({}) nor an offset such as \
                 \"+08:00\" or \"UTC+8\"",
                UTC_PLUS_8.join(", ")
            )
        };
        let (sign, rest) = match offset.as_bytes().first() {
            Some(b'+') => (1, &offset[1..]),
            Some(b'-') => (-1, &offset[1..]),
            _ => return Err(refuse()),
        };
        let (hours, minutes) = match rest.split_once(':') {
            Some((h, m)) => (h, m),
            None => (rest, "0"),
        };
        let hours: i32 = hours.parse().map_err(|_| refuse())?;
        let minutes: i32 = minutes.parse().map_err(|_| refuse())?;
        if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
            return Err(refuse());
        }
        FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
            .map(TimeZone)
            .ok_or_else(refuse)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_and_offsets_read_and_others_are_refused() {
        let eight = TimeZone::default();
        assert_eq!("Asia/Shanghai".parse(), Ok(eight));
        assert_eq!("+08:00".parse(), Ok(eight));
        assert_eq!("UTC+8".parse(), Ok(eight));
        let minus = "-05:30".parse::<TimeZone>().unwrap();
        assert_eq!(minus.offset().local_minus_utc(), -(5 * 3600 + 30 * 60));
        for bad in ["Europe/Berlin", "8", "+25:00", "+08:61", ""] {
            let error = bad.parse::<TimeZone>().unwrap_err();
            assert!(error.contains("timezone"), "{bad}: {error}");
        }
    }

    #[test]
    fn today_is_the_papers_date_not_utcs() {
        let now: DateTime<Utc> = "2024-03-04T16:30:00Z".parse().unwrap();
        assert_eq!(TimeZone::default().today(now).to_string(), "2024-03-05");
        assert_eq!(
            "+00:00".parse::<TimeZone>().unwrap().today(now).to_string(),
            "2024-03-04"
        );
    }
}
