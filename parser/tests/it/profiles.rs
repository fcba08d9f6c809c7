//! Every bundled paper is read by the family its profile names: the entry URL of a day the
//! paper is known to have published (its `sample_date`), and of the last day of each earlier
//! era, is a page (版) by that family's URL rules. A profile whose URL its layout does not
//! recognise would be crawled and then parsed by whichever family the markup suggests, or not
//! at all.
//!
//! A paper with an issue index (read.do) is checked with its template's URL of an issue id
//! (`Profile::issue_url`), and its index must be on that URL's origin.
//!
//! The test collects every failing profile before it fails, so one run names them all.

use chrono::NaiveDate;
use epaper_common::messages::DocKind;
use epaper_common::sites::{self, Profile};
use epaper_parser::families::FAMILIES;
use url::Url;

/// The days to try for `profile`: its sample date, in whichever era it falls, and the last day
/// of every earlier era.
fn days_to_try(profile: &Profile) -> Vec<NaiveDate> {
    profile
        .sample_date
        .into_iter()
        .chain(profile.eras.iter().map(|era| era.until))
        .collect()
}

/// Why the entry URL of `profile` on `date` is not a page of its era's family, if it is not.
fn check(profile: &Profile, date: NaiveDate) -> Result<(), String> {
    let layout = profile.edition(date).layout.name();
    let Some(family) = FAMILIES.iter().find(|family| family.name == layout) else {
        return Err(format!("no family is named {layout:?}"));
    };
    let index = profile
        .index_request(None, date)
        .map_err(|error| error.to_string())?;
    // A paper with an issue index is entered at the URL the index lists: its template, with an
    // issue id, must be such a URL, on the index's host.
    let entry = match &index {
        Some(_) => profile.issue_url(None, date, 1),
        None => profile.entry_url(None, date),
    }
    .map_err(|error| error.to_string())?;
    let url = Url::parse(&entry).map_err(|error| format!("{entry}: {error}"))?;
    // Only a system that names documents by their query (read.do) keeps one.
    let query_ok = url.query().is_none() || layout == "read-do";
    if !matches!(url.scheme(), "http" | "https") || !query_ok {
        return Err(format!("{entry}: not a plain http(s) URL"));
    }
    if let Some(index) = index {
        let index_url =
            Url::parse(&index.url).map_err(|error| format!("{}: {error}", index.url))?;
        if index_url.origin() != url.origin() {
            return Err(format!("index {} is not on the entry's origin", index.url));
        }
    }
    match (family.matches_url)(&url) {
        Some(DocKind::Page) => {}
        other => return Err(format!("{entry}: {layout} reads it as {other:?}")),
    }
    // The crawler dates a 上一期 / 下一期 link with the entry templates: the entry of a day must
    // read back as that day.
    match profile.date_in_url(&entry) {
        Some(read) if read == date => Ok(()),
        other => Err(format!("{entry}: dated {other:?}")),
    }
}

#[test]
fn every_bundled_entry_url_is_a_page_of_the_family_its_profile_names() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for profile in sites::all().iter().filter(|profile| !profile.test_site) {
        let days = days_to_try(profile);
        if profile.sample_date.is_none() {
            failures.push(format!("{}: no sample_date", profile.id));
        }
        for date in days {
            match check(profile, date) {
                Ok(()) => checked += 1,
                Err(reason) => failures.push(format!("{} {date}: {reason}", profile.id)),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} entry URLs fail:\n{}",
        failures.len(),
        failures.len() + checked,
        failures.join("\n")
    );
    assert!(checked >= 60, "only {checked} entry URLs checked");
}
