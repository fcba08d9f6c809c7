//! Publication days, where a system lists them a month at a time: classic Founder's
//! `html/YYYY-MM/period.xml` (`<periodlist><period>…<period_date>2024-03-04</period_date>`,
//! read by its `mp.js`) and 北京日报's `period/YYYYMM/period.js` (`var datelist=[…]`). With
//! them a crawl plan skips the days a paper did not publish instead of asking for each.
//!
//! What must stay true: only days the document names are returned, each a real day; a
//! document of neither shape is `None` (the crawler then asks for the entry as usual), so a
//! broken index never makes an issue absent.

use std::collections::BTreeSet;

use chrono::NaiveDate;

/// More than any month lists; a longer list is cut there.
pub const MAX_DAYS: usize = 400;

regex!(
    PERIOD_DATE,
    r"(?i)<period_date>\s*(\d{4})\s*-?\s*(\d{1,2})\s*-?\s*(\d{1,2})"
);
regex!(DATELIST, r"datelist\s*=\s*\[");
regex!(LISTED_DATE, r"(\d{4})-?(\d{2})-?(\d{2})");

/// The days a publication-day index lists, or `None` when `bytes` is not one.
pub fn days(bytes: &[u8]) -> Option<BTreeSet<NaiveDate>> {
    let text = String::from_utf8_lossy(bytes);
    let ymd = |caps: regex::Captures<'_>| {
        NaiveDate::from_ymd_opt(
            caps[1].parse().ok()?,
            caps[2].parse().ok()?,
            caps[3].parse().ok()?,
        )
    };
    if text.contains("<periodlist") || text.contains("<period_date") {
        return Some(
            PERIOD_DATE
                .captures_iter(&text)
                .filter_map(ymd)
                .take(MAX_DAYS)
                .collect(),
        );
    }
    let start = DATELIST.find(&text)?.end();
    let list = &text[start..];
    let list = &list[..list.find(']')?];
    Some(
        LISTED_DATE
            .captures_iter(list)
            .filter_map(ymd)
            .take(MAX_DAYS)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_the_days_of_a_period_xml() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<periodlist>\n\
            <period><period_name>第1期</period_name><paper_id>12</paper_id>\
            <period_date>2024-03-04</period_date><front_page>node_1.htm</front_page></period>\n\
            <period><period_name>第2期</period_name><paper_id>12</paper_id>\
            <period_date>2024-03-06</period_date></period>\n\
            <period><period_date>2024-02-30</period_date></period>\n</periodlist>";
        let days = days(xml.as_bytes()).unwrap();
        assert_eq!(
            days.into_iter().collect::<Vec<_>>(),
            [day(2024, 3, 4), day(2024, 3, 6)]
        );
    }

    #[test]
    fn reads_the_days_of_a_period_js() {
        let js = "var datelist=[\"2024-03-01\",\"2024-03-02\",\"20240305\"];\nfunction x(){}";
        let days = days(js.as_bytes()).unwrap();
        assert_eq!(
            days.into_iter().collect::<Vec<_>>(),
            [day(2024, 3, 1), day(2024, 3, 2), day(2024, 3, 5)]
        );
        // An empty month is an index that lists nothing, not a broken one.
        assert_eq!(super::days(b"var datelist=[];"), Some(BTreeSet::new()));
    }

    #[test]
    fn anything_else_is_no_index() {
        assert_eq!(days(b"<html><body>404 Not Found</body></html>"), None);
        assert_eq!(days(b""), None);
        assert_eq!(days(&[0xff, 0xfe, 0x00]), None);
    }

    #[test]
    fn a_huge_list_is_cut() {
        let mut js = String::from("var datelist=[");
        let mut date = day(2020, 1, 1);
        for _ in 0..2000 {
            js.push_str(&format!("\"{date}\","));
            date = date.succ_opt().unwrap();
        }
        js.push_str("];");
        assert_eq!(days(js.as_bytes()).unwrap().len(), MAX_DAYS);
    }
}
