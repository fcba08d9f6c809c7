//! Publication days, where a system lists them a month at a time: classic Founder's
//! `html/YYYY-MM/period.xml` (`<periodlist><period>…<period_date>2024-03-04</period_date>`,
//! read by its `mp.js`) and 北京日报's `period/YYYYMM/period.js` (`var datelist=[…]`). With
//! them a crawl plan skips the days a paper did not publish instead of asking for each.
//!
//! What must stay true: only days the document names are returned, each a real day; a
//! document of neither shape is `None` (the crawler then asks for the entry as usual), so a
//! broken index never makes an issue absent.
//!
//! The read.do system's month index ([`read_do_issues`]) gives each day's issue URL as well,
//! and is the only way into an issue: what it lists is validated one entry at a time (a
//! read.do page of the index's host, port and paper; anything else is left out), and a
//! document that is no such index is an error saying why, never an empty month.

use std::collections::{BTreeMap, BTreeSet};

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

/// Why a read.do month index could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("not a read.do issue index: {0}")]
    NotJson(String),
    #[error("not a read.do issue index: no \"data\" list")]
    NoData,
}

/// The issues a read.do month index (`read.do?m=getIssueByMonth`, fetched from `index`) lists
/// for the paper `newspaper_id`: each day's entry URL, the first listed for a day, at most
/// [`MAX_DAYS`] days. Entries that are not a read.do page of the index's origin and paper are
/// left out (see `families::read_do::listed_issue`); a body that is not such a JSON object is
/// an [`IndexError`]. The body is bounded by the crawler's cap; the work is one pass over it.
pub fn read_do_issues(
    bytes: &[u8],
    index: &url::Url,
    newspaper_id: u32,
) -> Result<BTreeMap<NaiveDate, String>, IndexError> {
    #[derive(serde::Deserialize)]
    struct Listing {
        data: Option<Vec<serde_json::Value>>,
    }
    // Some servers send a BOM before the JSON.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let listing: Listing = serde_json::from_slice(bytes).map_err(|error| {
        let mut reason = error.to_string();
        reason.truncate(200);
        IndexError::NotJson(reason)
    })?;
    let items = listing.data.ok_or(IndexError::NoData)?;
    let mut issues = BTreeMap::new();
    let listed = items.iter().filter_map(|item| item.get("path")?.as_str());
    for path in listed {
        let Some((day, url)) = crate::families::read_do::listed_issue(index, path, newspaper_id)
        else {
            continue;
        };
        if issues.len() >= MAX_DAYS {
            break;
        }
        issues.entry(day).or_insert(url);
    }
    Ok(issues)
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

    const INDEX: &str = "http://paper.example.cn/epaper/read.do?m=getIssueByMonth";

    fn read_do(json: &str) -> Result<BTreeMap<NaiveDate, String>, IndexError> {
        read_do_issues(json.as_bytes(), &url::Url::parse(INDEX).unwrap(), 2)
    }

    #[test]
    fn reads_each_day_of_a_read_do_index_with_its_entry() {
        let json = r#"{"data":[
            {"path":"/epaper/read.do?m=i&iid=11042&idate=2_2023-03-01","date":"2023-03-01"},
            {"path":"read.do?idate=2_2023-03-02&iid=11043&m=i&jsessionid=abc#top","id":7},
            {"path":"/epaper/read.do?m=i&iid=11099&idate=2_2023-03-01"}
        ],"total":3}"#;
        let issues = read_do(json).unwrap();
        let want = [
            (
                day(2023, 3, 1),
                "http://paper.example.cn/epaper/read.do?m=i&iid=11042&idate=2_2023-03-01",
            ),
            // Resolved against the index, written in the system's order, the session gone.
            (
                day(2023, 3, 2),
                "http://paper.example.cn/epaper/read.do?m=i&iid=11043&idate=2_2023-03-02",
            ),
        ];
        let got: Vec<(NaiveDate, &str)> = issues.iter().map(|(d, u)| (*d, u.as_str())).collect();
        assert_eq!(got, want);
        // A month without issues is an empty list, not a broken one.
        assert_eq!(read_do(r#"{"data":[]}"#), Ok(BTreeMap::new()));
        // With a BOM in front.
        assert_eq!(read_do("\u{feff}{\"data\":[]}"), Ok(BTreeMap::new()));
    }

    #[test]
    fn hostile_read_do_entries_are_left_out() {
        let json = r#"{"data":[
            {"path":"http://evil.example.com/epaper/read.do?m=i&iid=1&idate=2_2023-03-03"},
            {"path":"http://paper.example.cn:8080/epaper/read.do?m=i&iid=1&idate=2_2023-03-04"},
            {"path":"javascript:alert(1)//read.do?m=i&iid=1&idate=2_2023-03-05"},
            {"path":" JaVaScRiPt:location='/epaper/read.do?m=i&iid=1&idate=2_2023-03-06'"},
            {"path":"file:///epaper/read.do?m=i&iid=1&idate=2_2023-03-07"},
            {"path":"/epaper/read.do?m=i&iid=1&eid=2&sid=3&idate=2_2023-03-08"},
            {"path":"/epaper/read.do?m=getIssueByMonth&iid=1&idate=2_2023-03-09"},
            {"path":"/epaper/read.do?m=i&iid=1&idate=9_2023-03-10"},
            {"path":"/epaper/read.do?m=i&iid=1&idate=2_2023-02-30"},
            {"path":"/epaper/read.do?m=i&iid=<script>&idate=2_2023-03-12"},
            {"path":"/epaper/index.jsp?m=i&iid=1&idate=2_2023-03-13"},
            {"path":42},
            {"nopath":"/epaper/read.do?m=i&iid=1&idate=2_2023-03-14"},
            "/epaper/read.do?m=i&iid=1&idate=2_2023-03-15",
            {"path":"/epaper/read.do?m=i&iid=5&idate=2_2023-03-16"}
        ]}"#;
        let issues = read_do(json).unwrap();
        assert_eq!(
            issues.into_iter().collect::<Vec<_>>(),
            [(
                day(2023, 3, 16),
                "http://paper.example.cn/epaper/read.do?m=i&iid=5&idate=2_2023-03-16".to_string()
            )]
        );
    }

    #[test]
    fn a_huge_read_do_index_is_cut() {
        let mut json = String::from(r#"{"data":["#);
        let mut date = day(2000, 1, 1);
        for n in 0..5000 {
            json.push_str(&format!(
                r#"{{"path":"/epaper/read.do?m=i&iid={n}&idate=2_{date}"}},"#
            ));
            date = date.succ_opt().unwrap();
        }
        json.push_str(r#"{"path":""}]}"#);
        assert_eq!(read_do(&json).unwrap().len(), MAX_DAYS);
    }

    #[test]
    fn what_is_no_read_do_index_says_why() {
        for body in [
            "<html><body>系统维护中</body></html>",
            "",
            r#"{"data":[{"path":"/epaper/read.do?m=i&iid=1&idate=2_2023-03-01"}"#,
            r#"{"data":"none"}"#,
            r#"[{"path":"/epaper/read.do?m=i&iid=1&idate=2_2023-03-01"}]"#,
        ] {
            let error = read_do(body).unwrap_err();
            assert!(matches!(error, IndexError::NotJson(_)), "{body}: {error}");
            assert!(error.to_string().starts_with("not a read.do issue index"));
        }
        for body in [r#"{"list":[]}"#, r#"{"data":null}"#] {
            assert_eq!(read_do(body), Err(IndexError::NoData), "{body}");
        }
        let error = read_do_issues(&[0xff, 0xfe, 0x00], &url::Url::parse(INDEX).unwrap(), 2);
        assert!(matches!(error, Err(IndexError::NotJson(_))));
    }
}
