//! Site profiles: a newspaper is data, not code. Each profile is a TOML file: those under
//! `config/sites/` are compiled into the binaries (the defaults), and a directory given by
//! `sites.dir` adds to or replaces them at start ([`Sites`], in `registry.rs`); adding a paper of
//! a known layout family is a new file, no Rust.
//!
//! What must stay true: every profile, bundled or read, passes the same checks ([`parse`]), so
//! a profile from the directory can do nothing a bundled one could not.

mod index;
mod rate;
mod registry;
mod selectors;
mod timezone;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

pub use index::{IndexRequest, IssueIndex, MonthParam};
pub use rate::Rate;
pub use registry::{MAX_FILE_BYTES, MAX_FILES, Site, Sites, Source};
pub use selectors::{MAX_PATTERN_BYTES, Selectors, css, regex};
pub use timezone::TimeZone;

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
    /// Where the paper's day begins (`Asia/Shanghai` by default, or an offset such as
    /// `"+08:00"`): the scheduler's times of day and "today" are the paper's.
    #[serde(default)]
    pub timezone: TimeZone,
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
    /// Where the paper lists its publication days, one document a month, with `{base}`,
    /// `{yyyy}` and `{mm}` filled in (classic Founder's `{base}/html/{yyyy}-{mm}/period.xml`,
    /// 北京日报's `{base}/period/{yyyy}{mm}/period.js`): a day it does not list is absent
    /// without asking for its entry page.
    #[serde(default)]
    pub publication_days: Option<String>,
    /// Where the paper lists its issues, with each one's entry URL, when no issue URL follows
    /// from the date alone (`{ kind = "read-do", newspaper_id = N }`, optionally with
    /// `month_param = "yyyymm"`; see `index.rs`): a day
    /// it does not list is absent, and a list that cannot be read fails the issue.
    #[serde(default)]
    pub issue_index: Option<IssueIndex>,
    /// A day the paper is known to have published an issue (from the source of its URL
    /// facts): what tests and `epaper sites check` try first.
    #[serde(default)]
    pub sample_date: Option<NaiveDate>,
    /// Earlier layouts of the same paper, oldest first, each up to its `until` day: the
    /// top-level `layout`, `base_url` and `entry` are the current era, from the day after the
    /// last `until` on (人民日报: nbs up to 2024-11-30, the new layout since).
    #[serde(default)]
    pub eras: Vec<Era>,
    /// The system of a `layout = "selectors"` paper, described in its `[selectors]` table;
    /// present exactly when the layout is `selectors`.
    #[serde(default)]
    pub selectors: Option<Selectors>,
}

/// One earlier layout era of a paper (see [`Profile::eras`]).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Era {
    /// The era's last day.
    pub until: NaiveDate,
    pub layout: Layout,
    /// The era's root; the profile's own when absent.
    pub base_url: Option<String>,
    pub entry: String,
    /// As [`Profile::publication_days`], for this era.
    #[serde(default)]
    pub publication_days: Option<String>,
    /// As [`Profile::issue_index`], for this era.
    #[serde(default)]
    pub issue_index: Option<IssueIndex>,
    /// As [`Profile::selectors`], for this era (`[eras.selectors]`).
    #[serde(default)]
    pub selectors: Option<Selectors>,
}

/// Where the issue of one day is: the era's layout, root and entry template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition<'a> {
    pub layout: Layout,
    pub base_url: Option<&'a str>,
    pub entry: &'a str,
    pub publication_days: Option<&'a str>,
    pub issue_index: Option<IssueIndex>,
    /// The era's own system, when its layout is `selectors`.
    pub selectors: Option<&'a Selectors>,
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
    /// `content/YYYYMMDD/PageNNxx.htm`, `ArticelNNNNNxx.htm`
    PaperIndex,
    /// `/shtml/<code>/YYYYMMDD/v01.shtml`, `<digits>.shtml`
    Shtml,
    /// `/<code>/YYYYMMDD/html/index.htm`, `page_N.htm`, `content_N.htm`
    Bmml,
    /// 北京日报 `mobile/YYYY/YYYYMMDD/YYYYMMDD_m.html` and the `_plist.htm` papers
    Bjrbdzb,
    /// `/Html/YYYY-MM-DD/Qpaper.html`, `<digits>.html`
    Qpaper,
    /// `/epaper/read.do?m=i&iid=…&idate=N_YYYY-MM-DD`
    ReadDo,
    /// Any other static system, described by the profile's `[selectors]` table.
    Selectors,
}

impl Layout {
    /// Every layout, in the order of the enum.
    pub const ALL: [Layout; 10] = [
        Layout::FounderClassic,
        Layout::FounderNew,
        Layout::Nbs,
        Layout::PaperIndex,
        Layout::Shtml,
        Layout::Bmml,
        Layout::Bjrbdzb,
        Layout::Qpaper,
        Layout::ReadDo,
        Layout::Selectors,
    ];

    /// The layout a profile or the parser names `name`.
    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|layout| layout.name() == name)
    }

    /// The name profiles and the parser's families use (`founder-new`, `paper-index`, …).
    pub fn name(self) -> &'static str {
        match self {
            Layout::FounderClassic => "founder-classic",
            Layout::FounderNew => "founder-new",
            Layout::Nbs => "nbs",
            Layout::PaperIndex => "paper-index",
            Layout::Shtml => "shtml",
            Layout::Bmml => "bmml",
            Layout::Bjrbdzb => "bjrbdzb",
            Layout::Qpaper => "qpaper",
            Layout::ReadDo => "read-do",
            Layout::Selectors => "selectors",
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
    #[error(
        "site {0:?} has no base URL in its profile: give one with --base-url (run, enqueue, \
         replay) or, for the scheduler, schedule.base_urls.{0} \
         (EPAPER__SCHEDULE__BASE_URLS__<SITE>)"
    )]
    NoBaseUrl(String),
    /// A base URL may be chosen per request only for a profile without one of its own (the
    /// sample site): otherwise whoever can send a crawl request could aim a real profile, and
    /// its trust, at any address.
    #[error("site {0:?} has its own base URL {1}; a request may not override it")]
    BaseUrlOverride(String, String),
    #[error("site profiles directory {dir}: {reason}")]
    Dir { dir: String, reason: String },
    /// The paper's issue URLs name an id only its issue index gives (read.do's `iid`).
    #[error(
        "site {0:?} names its issues by an id only its issue index lists: no entry URL follows \
         from the date alone"
    )]
    Indexed(String),
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
    /// without one, at `base_override`; [`SiteError::Indexed`] for a paper whose issues only
    /// its issue index names.
    pub fn entry_url(
        &self,
        base_override: Option<&str>,
        date: NaiveDate,
    ) -> Result<String, SiteError> {
        let edition = self.edition(date);
        let base = self.base(edition, base_override)?;
        if edition.issue_index.is_some() {
            return Err(SiteError::Indexed(self.id.clone()));
        }
        Ok(fill(edition.entry, base, date))
    }

    /// The first URL a crawl of `date` asks for: the issue index's, for a paper with one, else
    /// the entry. Its origin is the site's.
    pub fn start_url(
        &self,
        base_override: Option<&str>,
        date: NaiveDate,
    ) -> Result<String, SiteError> {
        match self.index_request(base_override, date)? {
            Some(request) => Ok(request.url),
            None => self.entry_url(base_override, date),
        }
    }

    /// The request that lists the issues of `date`'s month, for a paper with an issue index.
    pub fn index_request(
        &self,
        base_override: Option<&str>,
        date: NaiveDate,
    ) -> Result<Option<IndexRequest>, SiteError> {
        let edition = self.edition(date);
        let Some(index) = edition.issue_index else {
            return Ok(None);
        };
        let base = self.base(edition, base_override)?;
        Ok(Some(index::request(index, edition.entry, base, date)))
    }

    /// The URL of the issue of `date` whose index id is `iid`, by the entry template (`{iid}`
    /// filled in): what tests and `sites` check the template with.
    pub fn issue_url(
        &self,
        base_override: Option<&str>,
        date: NaiveDate,
        iid: u64,
    ) -> Result<String, SiteError> {
        let edition = self.edition(date);
        let base = self.base(edition, base_override)?;
        Ok(fill(edition.entry, base, date).replace("{iid}", &iid.to_string()))
    }

    /// Where the paper lists the publication days of `date`'s month, if it does.
    pub fn publication_days_url(
        &self,
        base_override: Option<&str>,
        date: NaiveDate,
    ) -> Result<Option<String>, SiteError> {
        let edition = self.edition(date);
        let Some(template) = edition.publication_days else {
            return Ok(None);
        };
        let base = self.base(edition, base_override)?;
        Ok(Some(fill(template, base, date)))
    }

    /// The root the issue of an edition is read from: the profile's, or for a profile
    /// without one, the request's.
    fn base<'a>(
        &self,
        edition: Edition<'a>,
        base_override: Option<&'a str>,
    ) -> Result<&'a str, SiteError> {
        let base = match (edition.base_url, base_override) {
            (Some(own), Some(_)) => {
                return Err(SiteError::BaseUrlOverride(self.id.clone(), own.to_string()));
            }
            (Some(own), None) => own,
            (None, Some(chosen)) => chosen,
            (None, None) => return Err(SiteError::NoBaseUrl(self.id.clone())),
        };
        Ok(base.trim_end_matches('/'))
    }
}

/// `template` with `{base}` and the date's `{yyyy}`, `{mm}` and `{dd}` filled in.
fn fill(template: &str, base: &str, date: NaiveDate) -> String {
    template
        .replace("{base}", base)
        .replace("{yyyy}", &format!("{:04}", date.year()))
        .replace("{mm}", &format!("{:02}", date.month()))
        .replace("{dd}", &format!("{:02}", date.day()))
}

impl Profile {
    /// The era the issue of `date` belongs to: the first earlier era whose `until` is on or
    /// after it, else the current one.
    pub fn edition(&self, date: NaiveDate) -> Edition<'_> {
        match self.eras.iter().find(|era| date <= era.until) {
            Some(era) => Edition {
                layout: era.layout,
                base_url: era.base_url.as_deref().or(self.base_url.as_deref()),
                entry: &era.entry,
                publication_days: era.publication_days.as_deref(),
                issue_index: era.issue_index,
                selectors: era.selectors.as_ref(),
            },
            None => Edition {
                layout: self.layout,
                base_url: self.base_url.as_deref(),
                entry: &self.entry,
                publication_days: self.publication_days.as_deref(),
                issue_index: self.issue_index,
                selectors: self.selectors.as_ref(),
            },
        }
    }

    /// Every entry template of the paper, the current one first.
    fn entries(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.entry.as_str()).chain(self.eras.iter().map(|era| era.entry.as_str()))
    }

    /// The date an issue URL of this paper names, read with the date part of an entry template
    /// (`{yyyy}-{mm}/{dd}`, `{yyyy}{mm}/{dd}`, ...; the current era's first): how a 上一期 /
    /// 下一期 link is dated.
    pub fn date_in_url(&self, url: &str) -> Option<NaiveDate> {
        self.entries().find_map(|entry| {
            let start = entry.find("{yyyy}")?;
            let end = entry.rfind('}')? + 1;
            let pattern = entry.get(start..end)?;
            (0..url.len())
                .filter(|&at| url.is_char_boundary(at))
                .find_map(|at| match_date(pattern, &url[at..]))
        })
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
/// console could not name, an entry template without the date, and selectors missing, misplaced
/// or not compiling are refused, with the reason.
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
    if let Some(entry) = profile
        .entries()
        .find(|entry| !(entry.contains("{yyyy}") && entry.contains("{dd}")))
    {
        return Err(format!(
            "entry {entry:?} names no date: it needs {{yyyy}} and {{dd}}"
        ));
    }
    let calendars = std::iter::once(&profile.publication_days)
        .chain(profile.eras.iter().map(|era| &era.publication_days))
        .flatten();
    for calendar in calendars {
        if !(calendar.contains("{yyyy}") && calendar.contains("{mm}")) {
            return Err(format!(
                "publication_days {calendar:?} names no month: it needs {{yyyy}} and {{mm}}"
            ));
        }
    }
    let in_order = profile.eras.windows(2).all(|w| w[0].until < w[1].until);
    if !in_order {
        return Err("eras must be listed oldest first, each `until` after the one before".into());
    }
    // A real paper's era may not go without the address a test profile leaves to run time.
    if let Some(era) = profile
        .eras
        .iter()
        .find(|era| era.base_url.is_some() && profile.base_url.is_none())
    {
        return Err(format!(
            "era until {} has a base_url but the profile has none",
            era.until
        ));
    }
    selectors::check_profile(&profile)?;
    index::check_profile(&profile)?;
    Ok(profile)
}

impl Profile {
    /// A profile from the text of a profile file, checked as [`Sites::load`] checks each file
    /// of `sites.dir`: what `epaper sites probe` proves its proposal with.
    pub fn from_toml(text: &str) -> Result<Profile, String> {
        parse(text)
    }
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
mod tests;
