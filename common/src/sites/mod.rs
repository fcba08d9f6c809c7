//! Site profiles: a newspaper is data, not code. Each profile is a TOML file: those under
//! `config/sites/` are compiled into the binaries (the defaults), and a directory given by
//! `sites.dir` adds to or replaces them at start ([`Sites`], in `registry.rs`); adding a paper of
//! a known layout family is a new file, no Rust.
//!
//! What must stay true: every profile, bundled or read, passes the same checks ([`parse`]), so
//! a profile from the directory can do nothing a bundled one could not.

mod rate;
mod registry;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

pub use rate::Rate;
pub use registry::{MAX_FILE_BYTES, MAX_FILES, Site, Sites, Source};

// Every `config/sites/*.toml`, as (file stem, text); written by build.rs.
include!(concat!(env!("OUT_DIR"), "/sites.rs"));

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub layout: Layout,
    /// `daily`, or `weekly:<mon|tue|...>`.
    pub schedule: Schedule,
    /// The site's root; absent for the sample site, whose address is chosen at run time.
    pub base_url: Option<String>,
    /// The first URL of an issue, with `{base}`, `{yyyy}`, `{mm}`, `{dd}` filled in.
    pub entry: String,
    /// A profile for tests and benchmarks (the sample site): crawled only where
    /// `crawler.test_sites` allows it, and only there may it reach loopback or private
    /// addresses. Every other profile reaches public addresses only.
    #[serde(default)]
    pub test_site: bool,
    /// Requests a second to one host, spread evenly; below one for a slower pace (`0.5` is one
    /// request every 2 s).
    #[serde(default = "default_rate")]
    pub requests_per_second: Rate,
    /// Requests in flight to one host at once.
    #[serde(default = "default_connections")]
    pub max_connections: u32,
    /// Whether robots.txt is honoured; `false` is logged at start.
    #[serde(default = "default_true")]
    pub respect_robots: bool,
    /// Hosts besides the entry's that the site serves from (e.g. an image host).
    #[serde(default)]
    pub extra_hosts: Vec<String>,
}

fn default_rate() -> Rate {
    Rate::per_second(2.0).expect("a valid rate")
}

fn default_connections() -> u32 {
    2
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `html/YYYY-MM/DD/node_N.htm`, `content_N.htm`
    FounderClassic,
    /// `…/layout/YYYYMM/DD/node_NN.html`, `…/content/YYYYMM/DD/content_N.html`
    FounderNew,
    /// 人民日报 / 光明日报 `nbs.D110000…_NN.htm`, `nw.D110000…htm`
    Nbs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Daily,
    Weekly(Weekday),
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == "daily" {
            return Ok(Schedule::Daily);
        }
        text.strip_prefix("weekly:")
            .and_then(|day| day.parse::<Weekday>().ok())
            .map(Schedule::Weekly)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "schedule {text:?} is neither \"daily\" nor \"weekly:<weekday>\""
                ))
            })
    }
}

impl Schedule {
    pub fn publishes_on(self, date: NaiveDate) -> bool {
        match self {
            Schedule::Daily => true,
            Schedule::Weekly(day) => date.weekday() == day,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("unknown site {0:?}; `epaper sites` lists the known ones")]
    Unknown(String),
    #[error("site {0:?} has no base URL in its profile; pass --base-url")]
    NoBaseUrl(String),
    /// A base URL may be chosen per request only for a profile without one of its own (the
    /// sample site): otherwise whoever can send a crawl request could aim a real profile, and
    /// its trust, at any address.
    #[error("site {0:?} has its own base URL {1}; a request may not override it")]
    BaseUrlOverride(String, String),
    #[error("site profiles directory {dir}: {reason}")]
    Dir { dir: String, reason: String },
    #[error("site profile {path}: {reason}")]
    Invalid { path: String, reason: String },
    #[error("site profiles {first} and {second} both have the id {id:?}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
}

impl Profile {
    /// The entry URL of the issue on `date`, at the profile's base URL or, for a profile
    /// without one, at `base_override`.
    pub fn entry_url(
        &self,
        base_override: Option<&str>,
        date: NaiveDate,
    ) -> Result<String, SiteError> {
        let base = match (self.base_url.as_deref(), base_override) {
            (Some(own), Some(_)) => {
                return Err(SiteError::BaseUrlOverride(self.id.clone(), own.to_string()));
            }
            (Some(own), None) => own,
            (None, Some(chosen)) => chosen,
            (None, None) => return Err(SiteError::NoBaseUrl(self.id.clone())),
        }
        .trim_end_matches('/');
        Ok(self
            .entry
            .replace("{base}", base)
            .replace("{yyyy}", &format!("{:04}", date.year()))
            .replace("{mm}", &format!("{:02}", date.month()))
            .replace("{dd}", &format!("{:02}", date.day())))
    }
}

impl Profile {
    /// The date an issue URL of this paper names, read with the date part of the entry template
    /// (`{yyyy}-{mm}/{dd}`, `{yyyy}{mm}/{dd}`, ...): how a 上一期 / 下一期 link is dated.
    pub fn date_in_url(&self, url: &str) -> Option<NaiveDate> {
        let start = self.entry.find("{yyyy}")?;
        let end = self.entry.rfind('}')? + 1;
        let pattern = self.entry.get(start..end)?;
        (0..url.len())
            .filter(|&at| url.is_char_boundary(at))
            .find_map(|at| match_date(pattern, &url[at..]))
    }
}

/// Matches `pattern` (literal text with `{yyyy}`, `{mm}`, `{dd}`) at the start of `text`.
fn match_date(mut pattern: &str, mut text: &str) -> Option<NaiveDate> {
    let (mut year, mut month, mut day) = (None, None, None);
    while !pattern.is_empty() {
        let field = [("{yyyy}", 4), ("{mm}", 2), ("{dd}", 2)]
            .into_iter()
            .find(|(name, _)| pattern.starts_with(name));
        match field {
            Some((name, width)) => {
                let digits = text.get(..width)?;
                if !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let value: u32 = digits.parse().ok()?;
                match name {
                    "{yyyy}" => year = Some(value as i32),
                    "{mm}" => month = Some(value),
                    _ => day = Some(value),
                }
                pattern = &pattern[name.len()..];
                text = &text[width..];
            }
            None => {
                let c = pattern.chars().next()?;
                text = text.strip_prefix(c)?;
                pattern = &pattern[c.len_utf8()..];
            }
        }
    }
    NaiveDate::from_ymd_opt(year?, month?, day?)
}

/// A profile from its TOML text, checked: unknown keys, a rate that is no rate, an id the
/// console could not name, and an entry template without the date are refused, with the reason.
fn parse(text: &str) -> Result<Profile, String> {
    let profile: Profile = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Toml))
        .build()
        .and_then(|c| c.try_deserialize())
        .map_err(|error| error.to_string())?;
    // The console's rule for a site id (`console/checks.rs`), so it can name every profile.
    let id_shaped = (1..=64).contains(&profile.id.len())
        && profile
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !id_shaped {
        return Err(format!(
            "id {:?} is not 1 to 64 lowercase ASCII letters, digits, '-' and '_'",
            profile.id
        ));
    }
    if !(profile.entry.contains("{yyyy}") && profile.entry.contains("{dd}")) {
        return Err(format!(
            "entry {:?} names no date: it needs {{yyyy}} and {{dd}}",
            profile.entry
        ));
    }
    Ok(profile)
}

/// Every bundled profile, in a stable order: the defaults that [`Sites::load`] starts from.
/// Commands and stages look profiles up in a [`Sites`] loaded from the settings; this is for
/// tests, which want the profiles as committed.
pub fn all() -> Vec<Profile> {
    BUNDLED
        .iter()
        .map(|(id, text)| {
            parse(text)
                .unwrap_or_else(|error| panic!("bundled site profile {id} is invalid: {error}"))
        })
        .collect()
}

/// The bundled profile `id` (see [`all`]).
pub fn get(id: &str) -> Result<Profile, SiteError> {
    all()
        .into_iter()
        .find(|profile| profile.id == id)
        .ok_or_else(|| SiteError::Unknown(id.to_string()))
}

#[cfg(test)]
mod tests {
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
            let url = profile.entry_url(base, day(2023, 12, 31)).unwrap();
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
}
