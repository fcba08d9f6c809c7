//! The profile rules: dates in URLs, bundled profiles, base URLs, eras and layouts.
use super::*;

#[test]
fn issue_links_are_dated_with_the_entry_template() {
    let sample = get("sample").unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        sample.date_in_url("http://127.0.0.1:8000/html/2024-03/01/node_1.htm"),
        Some(day(2024, 3, 1))
    );
    assert_eq!(
        sample.date_in_url("http://127.0.0.1:8000/html/2024-03/node_1.htm"),
        None
    );
    assert_eq!(
        sample.date_in_url("http://127.0.0.1:8000/html/2024-13/01/node_1.htm"),
        None
    );
    // 中国纪检监察报's 上一期, as its real page 2017-07-22/node_2.htm links it.
    assert_eq!(
        get("zgjjjcb")
            .unwrap()
            .date_in_url("http://jjjcb.ccdi.gov.cn/epaper/html/2017-07/21/node_2.htm"),
        Some(day(2017, 7, 21))
    );
    // Every bundled profile reads back the date of its own entry URL.
    for profile in all() {
        let base = profile.base_url.is_none().then_some("http://example.com/x");
        // A paper entered through its issue index: the template's URL of an issue id.
        let url = match profile.issue_index {
            Some(_) => profile.issue_url(base, day(2023, 12, 31), 11042),
            None => profile.entry_url(base, day(2023, 12, 31)),
        }
        .unwrap();
        assert_eq!(
            profile.date_in_url(&url),
            Some(day(2023, 12, 31)),
            "{}",
            profile.id
        );
    }
}

#[test]
fn bundled_profiles_parse_and_fill_entry_urls() {
    let profiles = all();
    for profile in &profiles {
        assert!(
            profile.entry.contains("{yyyy}") && profile.entry.contains("{dd}"),
            "{}: the entry URL must name the date",
            profile.id
        );
    }
    let ids: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
    for id in [
        "sample",
        "gongyishibao",
        "rmrb",
        "gmrb",
        "kjrb",
        "hnsb",
        "zgjjjcb",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(profiles.iter().any(|p| p.id == "sample"));
    let gy = get("gongyishibao").unwrap();
    assert_eq!(gy.schedule, Schedule::Weekly(Weekday::Tue));
    let date = NaiveDate::from_ymd_opt(2016, 10, 25).unwrap();
    assert!(gy.schedule.publishes_on(date));
    assert!(!gy.schedule.publishes_on(date.succ_opt().unwrap()));
    assert_eq!(
        gy.entry_url(None, date).unwrap(),
        "http://www.gongyishibao.com/newdzb/html/2016-10/25/node_1.htm"
    );
    let sample = get("sample").unwrap();
    assert!(matches!(
        sample.entry_url(None, date),
        Err(SiteError::NoBaseUrl(_))
    ));
    assert_eq!(
        sample.entry_url(Some("http://127.0.0.1:9/"), date).unwrap(),
        "http://127.0.0.1:9/html/2016-10/25/node_1.htm"
    );
    assert!(matches!(get("nope"), Err(SiteError::Unknown(_))));
}

const TWO_ERAS: &str = r#"
    id = "paper"
    name = "某报"
    layout = "founder-new"
    schedule = "daily"
    base_url = "https://paper.example.cn/rmrb"
    entry = "{base}/pc/layout/{yyyy}{mm}/{dd}/node_01.html"
    sample_date = "2025-01-02"
    [[eras]]
    until = "2010-12-31"
    layout = "founder-classic"
    base_url = "http://old.example.cn/rmrb"
    entry = "{base}/html/{yyyy}-{mm}/{dd}/node_1.htm"
    [[eras]]
    until = "2024-11-30"
    layout = "nbs"
    entry = "{base}/html/{yyyy}-{mm}/{dd}/nbs.D110000renmrb_01.htm"
"#;

#[test]
fn each_day_is_read_in_the_layout_of_its_era() {
    let profile = parse(TWO_ERAS).unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(profile.sample_date, Some(day(2025, 1, 2)));
    let cases = [
        (
            day(2010, 12, 31),
            Layout::FounderClassic,
            "http://old.example.cn/rmrb/html/2010-12/31/node_1.htm",
        ),
        (
            day(2011, 1, 1),
            Layout::Nbs,
            "https://paper.example.cn/rmrb/html/2011-01/01/nbs.D110000renmrb_01.htm",
        ),
        (
            day(2024, 11, 30),
            Layout::Nbs,
            "https://paper.example.cn/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm",
        ),
        (
            day(2024, 12, 1),
            Layout::FounderNew,
            "https://paper.example.cn/rmrb/pc/layout/202412/01/node_01.html",
        ),
    ];
    for (date, layout, url) in cases {
        assert_eq!(profile.edition(date).layout, layout, "{date}");
        assert_eq!(profile.entry_url(None, date).unwrap(), url);
        // A link of any era is dated with that era's template.
        assert_eq!(profile.date_in_url(url), Some(date), "{url}");
    }
}

#[test]
fn eras_out_of_order_or_without_a_date_are_refused() {
    let swapped = TWO_ERAS.replacen("2010-12-31", "2030-01-01", 1);
    let error = parse(&swapped).unwrap_err();
    assert!(error.contains("oldest first"), "{error}");
    let undated = TWO_ERAS.replace(
        "{base}/html/{yyyy}-{mm}/{dd}/node_1.htm",
        "{base}/index.htm",
    );
    let error = parse(&undated).unwrap_err();
    assert!(
        error.contains("\"{base}/index.htm\" names no date"),
        "{error}"
    );
}

#[test]
fn every_layout_reads_back_under_its_own_name() {
    for layout in Layout::ALL {
        let mut text = TWO_ERAS.replacen("founder-new", layout.name(), 1);
        if layout == Layout::Selectors {
            // Before `[[eras]]`, so the table is the current era's.
            let table = "[selectors]\npage_url = 'p'\narticle_url = 'a'\npage_list = 'a'\n\
                         article_list = 'a'\ntitle = 'h1'\nbody = 'div'\n";
            text = text.replacen("[[eras]]", &format!("{table}[[eras]]"), 1);
        }
        if layout == Layout::ReadDo {
            // No read.do URL follows from a date alone: the profile names its issue index.
            let entry = "{base}/epaper/read.do?m=i&iid={iid}&idate=2_{yyyy}-{mm}-{dd}";
            let index = "issue_index = { kind = 'read-do', newspaper_id = 2 }\n";
            text = text
                .replacen("{base}/pc/layout/{yyyy}{mm}/{dd}/node_01.html", entry, 1)
                .replacen("[[eras]]", &format!("{index}[[eras]]"), 1);
        }
        assert_eq!(parse(&text).unwrap().layout, layout, "{layout}");
        assert_eq!(Layout::from_name(layout.name()), Some(layout));
    }
}

#[test]
fn only_a_profile_without_a_base_url_takes_one_from_a_request() {
    let date = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
    let error = get("rmrb")
        .unwrap()
        .entry_url(Some("http://10.0.0.1/"), date)
        .unwrap_err();
    assert!(matches!(error, SiteError::BaseUrlOverride(..)), "{error}");
    assert!(error.to_string().contains("may not override"), "{error}");
    for profile in all() {
        // Only test profiles go without a base URL of their own, and every test profile
        // does: a real paper's address is never chosen by a message.
        assert_eq!(
            profile.test_site,
            profile.base_url.is_none(),
            "{}",
            profile.id
        );
    }
}
