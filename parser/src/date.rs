//! Issue dates where the layouts write them: in the URL's date directories, in printed text
//! (`2024年5月18日`). A match that names no real day is no date, never a guess.

use chrono::NaiveDate;
use regex::Regex;

regex!(TEXT_DATE, r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日");

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The day that the first match of `pattern` in `text` names by its first three groups (year,
/// month, day).
pub fn captured(pattern: &Regex, text: &str) -> Option<NaiveDate> {
    pattern
        .captures(text)
        .and_then(|caps| ymd(&caps[1], &caps[2], &caps[3]))
}

/// The first date printed in `text` as `YYYY年M月D日`.
pub fn in_text(text: &str) -> Option<NaiveDate> {
    captured(&TEXT_DATE, text)
}
