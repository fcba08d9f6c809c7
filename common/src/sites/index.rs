//! Issue indexes: for a system whose issue URLs do not follow from the date alone (read.do names
//! an issue by its `iid`), the profile says where the system lists a month's issues, and the
//! crawler enters an issue at the URL that list gives its day.
//!
//! A profile writes `issue_index = { kind = "read-do", newspaper_id = 2 }` (at the top level or
//! in an `[[eras]]` entry), with `month_param = "yyyymm"` where the system asks for the month as
//! `yyyymm=YYYYMM` (海口日报) instead of `date=YYYY-MM-DD` (the default; 安庆, 颍州, 社科报).
//! Its entry template then names the issue's URL with `{iid}` for the index's issue id,
//! `{base}/epaper/read.do?m=i&iid={iid}&idate=2_{yyyy}-{mm}-{dd}`: no crawl asks for that
//! template (the index's own URL is used), but it says where the issues are, its `read.do` is
//! where the index is asked, and it dates the 上一期 / 下一期 links of a chain.
//!
//! What must stay true: a request built here carries only the profile's root, the template's
//! path, the profile's newspaper id and the date, never anything from a message or a page.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Layout, Profile};

/// Where a paper lists its issues a month at a time, with each issue's entry URL.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum IssueIndex {
    /// read.do's `POST …/read.do?m=getIssueByMonth` with the form body
    /// `newspaperId=<N>&date=<YYYY-MM-DD>` (any day of the month; or `yyyymm=<YYYYMM>`, as
    /// `month_param` says), answered with
    /// `{"data":[{"path":"/epaper/read.do?m=i&iid=…&idate=N_YYYY-MM-DD"}, …]}`.
    ReadDo {
        newspaper_id: u32,
        #[serde(default)]
        month_param: MonthParam,
    },
}

/// How a read.do month index request names the month. The installations differ, and one
/// asked the other way answers with no issues rather than an error, so the profile says which.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MonthParam {
    /// `date=YYYY-MM-DD`, the month's first day (安庆晚报, 颍州晚报, 中国社会科学报).
    #[default]
    Date,
    /// `yyyymm=YYYYMM` (海口日报).
    Yyyymm,
}

impl MonthParam {
    /// The form field that names the month of `date`.
    fn field(self, date: NaiveDate) -> (String, String) {
        let first = date.with_day(1).unwrap_or(date);
        match self {
            MonthParam::Date => ("date".into(), first.format("%Y-%m-%d").to_string()),
            MonthParam::Yyyymm => ("yyyymm".into(), first.format("%Y%m").to_string()),
        }
    }
}

impl IssueIndex {
    /// The layout whose papers list their issues this way.
    pub fn layout(self) -> Layout {
        match self {
            IssueIndex::ReadDo { .. } => Layout::ReadDo,
        }
    }
}

/// One request for a month's issue list: a POST of `form` to `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRequest {
    pub index: IssueIndex,
    /// The month asked for, `YYYY-MM`, however the form writes it (for messages).
    pub month: String,
    pub url: String,
    /// The form fields, in the order they are sent.
    pub form: Vec<(String, String)>,
}

impl IndexRequest {
    /// The key one month's answer is kept by: the URL and the form body.
    pub fn key(&self) -> String {
        let fields: Vec<String> = self.form.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} {}", self.url, fields.join("&"))
    }
}

/// The request that lists the issues of `date`'s month, from the issue URL template `entry`
/// with `base` filled in.
pub(super) fn request(index: IssueIndex, entry: &str, base: &str, date: NaiveDate) -> IndexRequest {
    match index {
        IssueIndex::ReadDo {
            newspaper_id,
            month_param,
        } => {
            let filled = entry.replace("{base}", base);
            let endpoint = filled.split(['?', '#']).next().unwrap_or_default();
            IndexRequest {
                index,
                month: date.format("%Y-%m").to_string(),
                url: format!("{endpoint}?m=getIssueByMonth"),
                form: vec![
                    ("newspaperId".into(), newspaper_id.to_string()),
                    month_param.field(date),
                ],
            }
        }
    }
}

/// The checks of every era's index: present exactly for the layouts that need one, alone (not
/// beside `publication_days`), and with an entry template that names the issue by `{iid}`.
pub(super) fn check_profile(profile: &Profile) -> Result<(), String> {
    let current = (
        "the profile",
        profile.layout,
        &profile.entry,
        profile.issue_index,
        profile.publication_days.is_some(),
    );
    let eras = profile.eras.iter().map(|era| {
        (
            "an era",
            era.layout,
            &era.entry,
            era.issue_index,
            era.publication_days.is_some(),
        )
    });
    for (what, layout, entry, index, has_days) in std::iter::once(current).chain(eras) {
        match index {
            None if layout == Layout::ReadDo => {
                return Err(format!(
                    "{what} has layout read-do but no issue_index: no read.do URL of an issue \
                     follows from its date alone; add issue_index = {{ kind = \"read-do\", \
                     newspaper_id = N }} (the N of the system's idate=N_YYYY-MM-DD)"
                ));
            }
            None if entry.contains("{iid}") => {
                return Err(format!(
                    "entry {entry:?} names {{iid}}, which only an issue_index fills in"
                ));
            }
            None => {}
            Some(index) => check_index(what, layout, entry, index, has_days)?,
        }
    }
    Ok(())
}

fn check_index(
    what: &str,
    layout: Layout,
    entry: &str,
    index: IssueIndex,
    has_days: bool,
) -> Result<(), String> {
    if index.layout() != layout {
        return Err(format!(
            "{what}'s issue_index is of the {} layout, not {layout}",
            index.layout()
        ));
    }
    if has_days {
        return Err(format!(
            "{what} has both publication_days and issue_index; the issue index lists the days"
        ));
    }
    let IssueIndex::ReadDo { .. } = index;
    let path = entry.split(['?', '#']).next().unwrap_or_default();
    // Before the date, as the system writes its URLs (`iid` before `idate`), so that the date
    // part of the template dates a link (`Profile::date_in_url`).
    let iid_first = entry.find("{iid}") < entry.find("{yyyy}");
    if !(path.ends_with("/read.do") && entry.contains("{iid}") && iid_first) {
        return Err(format!(
            "entry {entry:?} of a read-do issue_index must be a read.do URL naming the issue \
             as iid={{iid}} before its date (e.g. {{base}}/epaper/read.do?m=i&iid={{iid}}&idate=N_{{yyyy}}-{{mm}}-{{dd}})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{SiteError, parse};
    use super::*;

    const READ_DO: &str = r#"
        id = "paper"
        name = "某晚报"
        layout = "read-do"
        schedule = "daily"
        base_url = "http://paper.example.cn"
        entry = "{base}/epaper/read.do?m=i&iid={iid}&idate=2_{yyyy}-{mm}-{dd}"
        issue_index = { kind = "read-do", newspaper_id = 2 }
    "#;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_read_do_index_asks_for_the_month_by_post_form() {
        let profile = parse(READ_DO).unwrap();
        assert_eq!(
            profile.issue_index,
            Some(IssueIndex::ReadDo {
                newspaper_id: 2,
                month_param: MonthParam::Date
            })
        );
        let request = profile.index_request(None, day(2023, 3, 17)).unwrap();
        let request = request.expect("an index request");
        assert_eq!(
            request.url,
            "http://paper.example.cn/epaper/read.do?m=getIssueByMonth"
        );
        let form: Vec<(&str, &str)> = request
            .form
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(form, [("newspaperId", "2"), ("date", "2023-03-01")]);
        // Every day of a month is one request, so one answer serves the month.
        let other = profile.index_request(None, day(2023, 3, 31)).unwrap();
        assert_eq!(other.unwrap().key(), request.key());
        // The crawl starts at the index; no entry URL follows from the date alone.
        assert_eq!(
            profile.start_url(None, day(2023, 3, 1)).unwrap(),
            request.url
        );
        let error = profile.entry_url(None, day(2023, 3, 1)).unwrap_err();
        assert!(matches!(error, SiteError::Indexed(_)), "{error}");
        assert_eq!(
            profile.issue_url(None, day(2023, 3, 1), 11042).unwrap(),
            "http://paper.example.cn/epaper/read.do?m=i&iid=11042&idate=2_2023-03-01"
        );
        // The system's 上一期 / 下一期 links are dated by the template's date part.
        let link = "http://paper.example.cn/epaper/read.do?m=i&iid=11041&idate=2_2023-02-28";
        assert_eq!(profile.date_in_url(link), Some(day(2023, 2, 28)));
    }

    /// 海口日报's installation asks for the month as `yyyymm=YYYYMM`; the rest of the request
    /// (where, the paper, one request a month) is the same.
    #[test]
    fn a_read_do_index_can_ask_for_the_month_as_yyyymm() {
        let text = READ_DO.replace(
            "newspaper_id = 2",
            "newspaper_id = 2, month_param = \"yyyymm\"",
        );
        let profile = parse(&text).unwrap();
        let request = profile
            .index_request(None, day(2023, 3, 17))
            .unwrap()
            .expect("an index request");
        assert_eq!(
            request.url,
            "http://paper.example.cn/epaper/read.do?m=getIssueByMonth"
        );
        assert_eq!(
            request.form,
            [
                ("newspaperId".to_string(), "2".to_string()),
                ("yyyymm".to_string(), "202303".to_string())
            ]
        );
        assert_eq!(request.month, "2023-03");
        let other = profile.index_request(None, day(2023, 3, 31)).unwrap();
        assert_eq!(other.unwrap().key(), request.key());
        // Written out, the default is the date form.
        let explicit = READ_DO.replace(
            "newspaper_id = 2",
            "newspaper_id = 2, month_param = \"date\"",
        );
        assert_eq!(parse(&explicit).unwrap(), parse(READ_DO).unwrap());
    }

    #[test]
    fn an_era_can_have_an_index_of_its_own() {
        let text = r#"
            id = "paper"
            name = "某晚报"
            layout = "founder-classic"
            schedule = "daily"
            base_url = "http://paper.example.cn"
            entry = "{base}/html/{yyyy}-{mm}/{dd}/node_1.htm"
            [[eras]]
            until = "2023-12-31"
            layout = "read-do"
            entry = "{base}/epaper/read.do?m=i&iid={iid}&idate=7_{yyyy}-{mm}-{dd}"
            issue_index = { kind = "read-do", newspaper_id = 7 }
        "#;
        let profile = parse(text).unwrap();
        let old = profile
            .index_request(None, day(2023, 5, 5))
            .unwrap()
            .unwrap();
        assert_eq!(old.form[0], ("newspaperId".into(), "7".into()));
        assert_eq!(profile.index_request(None, day(2024, 1, 1)).unwrap(), None);
        assert!(profile.entry_url(None, day(2024, 1, 1)).is_ok());
    }

    #[test]
    fn a_wrong_index_is_refused_with_the_reason() {
        let cases = [
            // read.do without an index: no way in.
            (
                READ_DO.replace("issue_index = { kind = \"read-do\", newspaper_id = 2 }", ""),
                "no issue_index",
            ),
            (
                READ_DO.replace("kind = \"read-do\"", "kind = \"founder\""),
                "unknown variant",
            ),
            (
                READ_DO.replace("newspaper_id = 2", "newspaper_id = 2, paper = 3"),
                "unknown field",
            ),
            (
                READ_DO.replace("newspaper_id = 2", "newspaper_id = -1"),
                "expected u32 for key `issue_index`",
            ),
            (
                READ_DO.replace(
                    "newspaper_id = 2",
                    "newspaper_id = 2, month_param = \"yyyy-mm\"",
                ),
                "unknown variant `yyyy-mm`, expected `date` or `yyyymm`",
            ),
            (
                READ_DO.replace(", newspaper_id = 2", ""),
                "missing configuration field \"issue_index.newspaper_id\"",
            ),
            // An index of the read.do system on a paper of another layout.
            (
                READ_DO.replace("layout = \"read-do\"", "layout = \"qpaper\""),
                "issue_index is of the read-do layout, not qpaper",
            ),
            (
                format!("{READ_DO}\npublication_days = \"{{base}}/{{yyyy}}{{mm}}.js\""),
                "both publication_days and issue_index",
            ),
            (
                READ_DO.replace("iid={iid}&", ""),
                "naming the issue as iid={iid}",
            ),
            (
                READ_DO.replace(
                    "m=i&iid={iid}&idate=2_{yyyy}-{mm}-{dd}",
                    "m=i&idate=2_{yyyy}-{mm}-{dd}&iid={iid}",
                ),
                "before its date",
            ),
            (
                READ_DO.replace("/epaper/read.do?", "/epaper/index.jsp?"),
                "must be a read.do URL",
            ),
        ];
        for (text, reason) in cases {
            let error = parse(&text).unwrap_err();
            assert!(error.contains(reason), "{reason}: {error}");
        }
        // `{iid}` means nothing without an index.
        let classic = r#"
            id = "paper"
            name = "某报"
            layout = "founder-classic"
            schedule = "daily"
            entry = "{base}/html/{yyyy}-{mm}/{dd}/node_{iid}.htm"
        "#;
        let error = parse(classic).unwrap_err();
        assert!(error.contains("only an issue_index fills in"), "{error}");
    }
}
