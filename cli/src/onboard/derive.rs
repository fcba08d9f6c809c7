//! A site profile from the URL of one page (版) of a paper: its layout family (by the URL, or
//! by the page's markup), the date the URL names, and the entry template that names the same
//! page on any other day.

use chrono::NaiveDate;
use epaper_common::messages::DocKind;
use epaper_common::sites::{IssueIndex, Layout, MonthParam, Profile, Rate, Schedule, Selectors};
use url::Url;

/// A profile derived from a URL, with the day the URL is of.
#[derive(Debug, Clone)]
pub struct Derived {
    pub profile: Profile,
    pub date: NaiveDate,
    /// The base URL the crawl is given at run time, for a test profile (a local site).
    pub run_base: Option<String>,
    /// The skin of the page, where its family has skins (`nav-list`, `bmdh`).
    pub skin: Option<&'static str>,
}

/// The date forms URLs of e-papers use, most specific first, with their template.
pub(crate) const FORMS: [(&str, &str); 5] = [
    ("%Y-%m/%d", "{yyyy}-{mm}/{dd}"),
    ("%Y%m/%d", "{yyyy}{mm}/{dd}"),
    ("%Y-%m-%d", "{yyyy}-{mm}-{dd}"),
    ("%Y/%m/%d", "{yyyy}/{mm}/{dd}"),
    ("%Y%m%d", "{yyyy}{mm}{dd}"),
];

/// The first date in `path` written in one of [`FORMS`], standing alone (no digit right
/// before or after it).
pub(crate) fn first_date(path: &str) -> Option<NaiveDate> {
    let bytes = path.as_bytes();
    let digit_at = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_digit);
    (0..bytes.len())
        .filter(|&at| digit_at(at) && (at == 0 || !digit_at(at - 1)))
        .find_map(|at| {
            FORMS.iter().find_map(|(format, form)| {
                // The written length: the separators and eight digits.
                let len = form.len() - "{yyyy}{mm}{dd}".len() + 8;
                let text = path.get(at..at + len)?;
                if digit_at(at + len) {
                    return None;
                }
                NaiveDate::parse_from_str(text, format).ok()
            })
        })
}

/// The issue date the URL names, and the path with it written as a template: every form of
/// the date in the path becomes `{yyyy}`, `{mm}`, `{dd}`, and a bare year directory in front of
/// it (北京日报's `YYYY/YYYYMMDD/`) `{yyyy}`.
pub fn dated_template(path: &str) -> Option<(NaiveDate, String)> {
    let date = first_date(path)?;
    let mut template = path.to_string();
    for (format, form) in FORMS {
        template = template.replace(&date.format(format).to_string(), form);
    }
    let year_dir = format!("/{}/{{yyyy}}", date.format("%Y"));
    template = template.replace(&year_dir, "/{yyyy}/{yyyy}");
    Some((date, template))
}

/// Whether `host` is this machine or a private network: a local site, crawled as a test site.
fn is_local(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_private(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

/// The layout family of a page at `url` with markup `html` (when fetched): by URL first.
pub fn layout_of(url: &Url, html: Option<&str>) -> Result<Layout, String> {
    let found = match html {
        Some(html) => epaper_parser::detect(url, html),
        None => epaper_parser::families::FAMILIES
            .iter()
            .find_map(|family| Some((*family, (family.matches_url)(url)?))),
    };
    let Some((family, kind)) = found else {
        let names: Vec<&str> = epaper_parser::families::FAMILIES
            .iter()
            .map(|family| family.name)
            .collect();
        return Err(format!(
            "{url}: no known layout; looked for the URL patterns and page markers of {}. \
             A paper of another system is described with layout = \"selectors\" and a \
             [selectors] table (README, \"Add your paper\")",
            names.join(", ")
        ));
    };
    if kind != DocKind::Page {
        return Err(format!(
            "{url} is an article of the {} layout; give the URL of a page (版) of an issue",
            family.name
        ));
    }
    Layout::from_name(family.name).ok_or_else(|| format!("no profile layout for {}", family.name))
}

/// The profile that crawls the paper whose page is at `url`, as `id`.
pub fn derive(url: &Url, id: &str, layout: Layout) -> Result<Derived, String> {
    let origin = url.origin().ascii_serialization();
    let (date, base, entry, issue_index) = if layout == Layout::ReadDo {
        read_do(url, &origin)?
    } else {
        let path = url.path();
        let (date, template) = dated_template(path)
            .ok_or_else(|| format!("{url} names no issue date; give the URL of a dated page"))?;
        // The base is the URL up to the directory before the first part that names the date.
        let first = template.find('{').unwrap_or(template.len());
        let cut = template[..first].rfind('/').unwrap_or(0);
        let base = format!("{origin}{}", &template[..cut]);
        (date, base, format!("{{base}}{}", &template[cut..]), None)
    };
    let local = is_local(url);
    let profile = Profile {
        id: id.to_string(),
        name: id.to_string(),
        layout,
        schedule: Schedule::Daily,
        timezone: Default::default(),
        base_url: (!local).then(|| base.clone()),
        entry,
        test_site: local,
        // A real paper is asked gently; a local site (a test) need not wait.
        requests_per_second: Rate::per_second(if local { 100.0 } else { 0.5 })
            .expect("a valid rate"),
        max_connections: if local { 8 } else { 1 },
        respect_robots: true,
        extra_hosts: Vec::new(),
        publication_days: None,
        issue_index,
        sample_date: Some(date),
        eras: Vec::new(),
        selectors: None,
    };
    Ok(Derived {
        profile,
        date,
        run_base: local.then_some(base),
        skin: None,
    })
}

/// A read.do paper from a 版 URL (`…/read.do?m=i&iid=…&eid=…&idate=N_YYYY-MM-DD`): no URL
/// follows from the date alone, but `idate` names the paper (`N`) and the day, which is all its
/// month index needs. The base is the origin; the entry template keeps the URL's path.
fn read_do(
    url: &Url,
    origin: &str,
) -> Result<(NaiveDate, String, String, Option<IssueIndex>), String> {
    let idate = url
        .query_pairs()
        .find(|(name, _)| name == "idate")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| {
            format!("{url} has no idate=N_YYYY-MM-DD; give the URL of a 版 of an issue")
        })?;
    let parsed = idate.split_once('_').and_then(|(paper, day)| {
        Some((
            paper.parse::<u32>().ok()?,
            NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?,
        ))
    });
    let (newspaper_id, date) =
        parsed.ok_or_else(|| format!("{url}: idate {idate:?} is not N_YYYY-MM-DD"))?;
    let entry = format!(
        "{{base}}{}?m=i&iid={{iid}}&idate={newspaper_id}_{{yyyy}}-{{mm}}-{{dd}}",
        url.path()
    );
    // The page says nothing of how its month index wants the month: the common form.
    let index = IssueIndex::ReadDo {
        newspaper_id,
        month_param: MonthParam::Date,
    };
    Ok((date, origin.to_string(), entry, Some(index)))
}

/// `text` as a TOML basic string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// What the output of a proposal says, in its TOML and after its report.
pub const PROPOSED: &str = "Proposed, best effort: review the selectors";

/// `text` as a TOML literal string where it can be one (a regex reads as written), else basic.
fn literal(text: &str) -> String {
    if text.contains('\'') || text.chars().any(char::is_control) {
        quoted(text)
    } else {
        format!("'{text}'")
    }
}

/// The `[selectors]` table of a proposal, the keys it found and, commented out, those it did
/// not, so a reader sees what to fill in.
fn selectors_table(table: &Selectors) -> String {
    let mut out = String::from(
        "\n[selectors]\n# Regexes, matched against a document's absolute URL (without query).\n",
    );
    out.push_str(&format!(
        "page_url = {}\narticle_url = {}\n# CSS selectors.\n",
        literal(&table.page_url),
        literal(&table.article_url)
    ));
    let keys = [
        ("page_list", Some(&table.page_list)),
        ("article_list", Some(&table.article_list)),
        ("title", Some(&table.title)),
        ("pretitle", table.pretitle.as_ref()),
        ("subtitle", table.subtitle.as_ref()),
        ("author", table.author.as_ref()),
        ("date", table.date.as_ref()),
        ("body", Some(&table.body)),
        ("images", table.images.as_ref()),
        ("page_label", table.page_label.as_ref()),
        ("scan", table.scan.as_ref()),
        ("pdf", table.pdf.as_ref()),
    ];
    for (key, value) in keys {
        match value {
            Some(css) => out.push_str(&format!("{key} = {}\n", quoted(css))),
            None => out.push_str(&format!("# {key} = \"\"  (none found)\n")),
        }
    }
    out
}

impl Derived {
    /// The profile as a file for `sites.dir`.
    pub fn toml(&self) -> String {
        let p = &self.profile;
        let mut out = match (&p.selectors, self.skin) {
            (Some(_), _) => format!(
                "# Proposed by `epaper sites probe` from a page of {} and one of its articles: no \
                 known layout\n# matched, so the [selectors] table describes the paper's own \
                 system.\n# {PROPOSED}.\n",
                self.date
            ),
            (None, Some(skin)) => format!(
                "# Derived by `epaper sites probe` from a page of {} (skin {skin}).\n",
                self.date
            ),
            (None, None) => format!(
                "# Derived by `epaper sites probe` from a page of {}.\n",
                self.date
            ),
        };
        out.push_str(&format!(
            "id = {}\nname = {}\nlayout = {}\nschedule = \"daily\"\n",
            quoted(&p.id),
            quoted(&p.name),
            quoted(p.layout.name()),
        ));
        match &p.base_url {
            Some(base) => out.push_str(&format!("base_url = {}\n", quoted(base))),
            None => out.push_str(&format!(
                "# A local site: its base URL is given at run time, --base-url {}\n",
                self.run_base.as_deref().unwrap_or_default()
            )),
        }
        out.push_str(&format!("entry = {}\n", quoted(&p.entry)));
        if let Some(IssueIndex::ReadDo {
            newspaper_id,
            month_param,
        }) = p.issue_index
        {
            let month = match month_param {
                MonthParam::Date => String::new(),
                MonthParam::Yyyymm => ", month_param = \"yyyymm\"".to_string(),
            };
            out.push_str(
                "# The month index is asked with date=YYYY-MM-DD; where it lists no issues, \
                 try month_param = \"yyyymm\" (yyyymm=YYYYMM, as 海口日报 asks).\n",
            );
            out.push_str(&format!(
                "issue_index = {{ kind = \"read-do\", newspaper_id = {newspaper_id}{month} }}\n"
            ));
        }
        if p.test_site {
            out.push_str("test_site = true\n");
        }
        out.push_str(&format!(
            "requests_per_second = {}\nmax_connections = {}\nsample_date = \"{}\"\n",
            if p.test_site { "100" } else { "0.5" },
            p.max_connections,
            self.date
        ));
        if let Some(table) = &p.selectors {
            out.push_str(&selectors_table(table));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_form_becomes_a_template() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
        let cases = [
            (
                "/kjrb/html/2024-03/04/node_2.htm",
                "/kjrb/html/{yyyy}-{mm}/{dd}/node_2.htm",
            ),
            (
                "/rmrb/pc/layout/202403/04/node_01.html",
                "/rmrb/pc/layout/{yyyy}{mm}/{dd}/node_01.html",
            ),
            (
                "/Html/2024-03-04/Qpaper.html",
                "/Html/{yyyy}-{mm}-{dd}/Qpaper.html",
            ),
            (
                "/xawb/20240304/html/index.htm",
                "/xawb/{yyyy}{mm}{dd}/html/index.htm",
            ),
            (
                "/bjrb/mobile/2024/20240304/20240304_m.html",
                "/bjrb/mobile/{yyyy}/{yyyy}{mm}{dd}/{yyyy}{mm}{dd}_m.html",
            ),
        ];
        for (path, template) in cases {
            assert_eq!(
                dated_template(path),
                Some((day, template.to_string())),
                "{path}"
            );
        }
        assert_eq!(dated_template("/html/node_2.htm"), None);
        assert_eq!(dated_template("/html/2024-13/40/node_2.htm"), None);
    }

    #[test]
    fn a_real_paper_gets_its_base_and_a_local_site_a_test_profile() {
        let url =
            Url::parse("https://paper.example.cn/rmrb/pc/layout/202403/04/node_01.html").unwrap();
        let derived = derive(&url, "rmrb-probe", Layout::FounderNew).unwrap();
        let p = &derived.profile;
        assert_eq!(
            p.base_url.as_deref(),
            Some("https://paper.example.cn/rmrb/pc/layout")
        );
        assert_eq!(p.entry, "{base}/{yyyy}{mm}/{dd}/node_01.html");
        assert!(!p.test_site);
        assert_eq!(p.entry_url(None, derived.date).unwrap(), url.as_str());
        let text = derived.toml();
        assert!(
            text.contains("base_url = \"https://paper.example.cn/rmrb/pc/layout\""),
            "{text}"
        );

        let url = Url::parse("http://127.0.0.1:8080/html/2024-03/04/node_1.htm").unwrap();
        let derived = derive(&url, "local", Layout::FounderClassic).unwrap();
        assert!(derived.profile.test_site);
        assert_eq!(derived.profile.base_url, None);
        assert_eq!(
            derived.run_base.as_deref(),
            Some("http://127.0.0.1:8080/html")
        );
        assert!(derived.toml().contains("test_site = true"));
    }

    #[test]
    fn only_pages_of_a_known_layout_are_taken() {
        let article = Url::parse("http://paper.example.cn/html/2024-03/04/content_1.htm").unwrap();
        let error = layout_of(&article, None).unwrap_err();
        assert!(error.contains("give the URL of a page"), "{error}");
        let unknown = Url::parse("http://paper.example.cn/news/2024-03-04/a.aspx").unwrap();
        let error = layout_of(&unknown, Some("<html><body>新闻</body></html>")).unwrap_err();
        assert!(
            error.contains("no known layout; looked for") && error.contains("nbs"),
            "{error}"
        );
        assert!(error.contains("layout = \"selectors\""), "{error}");
    }

    #[test]
    fn a_read_do_page_gives_its_paper_and_month_index() {
        let url = Url::parse(
            "http://test.fynews.net/epaper/read.do?m=i&iid=2474&eid=24387&idate=2_2022-08-19",
        )
        .unwrap();
        let derived = derive(&url, "fy", Layout::ReadDo).unwrap();
        let p = &derived.profile;
        assert_eq!(derived.date, NaiveDate::from_ymd_opt(2022, 8, 19).unwrap());
        assert_eq!(p.base_url.as_deref(), Some("http://test.fynews.net"));
        assert_eq!(
            p.entry,
            "{base}/epaper/read.do?m=i&iid={iid}&idate=2_{yyyy}-{mm}-{dd}"
        );
        assert_eq!(
            p.issue_index,
            Some(IssueIndex::ReadDo {
                newspaper_id: 2,
                month_param: MonthParam::Date
            })
        );
        let text = derived.toml();
        assert!(
            text.contains("issue_index = { kind = \"read-do\", newspaper_id = 2 }"),
            "{text}"
        );
        // What it prints is a profile that loads.
        let dir = std::env::temp_dir().join(format!("epaper-derive-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("fy.toml"), &text).unwrap();
        let settings = epaper_common::config::SitesSettings {
            dir: dir.display().to_string(),
        };
        let loaded = epaper_common::sites::Sites::load(&settings);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            loaded.unwrap().get("fy").unwrap().issue_index,
            p.issue_index
        );
        // The page cannot say how the index wants the month: the file says how to change it,
        // and a profile changed so is written out so.
        assert!(text.contains("try month_param = \"yyyymm\""), "{text}");
        let mut yyyymm = derived;
        yyyymm.profile.issue_index = Some(IssueIndex::ReadDo {
            newspaper_id: 2,
            month_param: MonthParam::Yyyymm,
        });
        let text = yyyymm.toml();
        assert!(
            text.contains(
                "issue_index = { kind = \"read-do\", newspaper_id = 2, month_param = \"yyyymm\" }"
            ),
            "{text}"
        );

        let undated = Url::parse("http://test.fynews.net/epaper/read.do?m=i&iid=2474").unwrap();
        let error = derive(&undated, "fy", Layout::ReadDo).unwrap_err();
        assert!(error.contains("has no idate"), "{error}");
    }
}
