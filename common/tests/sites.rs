//! `Sites::load`: a directory of profiles over the bundled ones, and every way such a directory
//! is refused, each error naming the file (or the directory) at fault.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use epaper_common::config::{Settings, SitesSettings};
use epaper_common::sites::{self, SiteError, Sites, Source};

/// A fresh directory holding `files` (name, text).
fn sites_dir(files: &[(&str, &str)]) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "epaper-sites-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn load(dir: &Path) -> Result<Sites, SiteError> {
    Sites::load(&SitesSettings {
        dir: dir.display().to_string(),
    })
}

/// A profile of a known layout, `id`, with `extra` lines.
fn profile(id: &str, extra: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"测试报\"\nlayout = \"founder-classic\"\nschedule = \"daily\"\n\
         base_url = \"https://paper.example.com\"\n\
         entry = \"{{base}}/html/{{yyyy}}-{{mm}}/{{dd}}/node_1.htm\"\n{extra}"
    )
}

#[test]
fn a_directory_overrides_a_bundled_profile_and_adds_a_new_one() {
    let override_rmrb = profile("rmrb", "requests_per_second = 0.25\nmax_connections = 1\n");
    let dir = sites_dir(&[
        ("rmrb.toml", &override_rmrb),
        (
            "weekly.toml",
            &profile("weekly-paper", "schedule = \"weekly:fri\"\n")
                .replace("schedule = \"daily\"\n", ""),
        ),
        ("README.md", "not a profile"),
        (".hidden.toml", "not = \"read\""),
    ]);
    std::fs::create_dir(dir.join("..data")).unwrap();
    let sites = load(&dir).unwrap();

    let rmrb = sites.get("rmrb").unwrap();
    assert_eq!(rmrb.base_url.as_deref(), Some("https://paper.example.com"));
    assert_eq!(rmrb.requests_per_second.requests_per_second(), 0.25);
    assert_eq!(
        rmrb.requests_per_second.period(),
        std::time::Duration::from_secs(4)
    );
    let added = sites.get("weekly-paper").unwrap();
    assert_eq!(added.name, "测试报");
    assert_eq!(added.requests_per_second.requests_per_second(), 2.0);

    let source = |id: &str| {
        let site = sites.all().iter().find(|s| s.profile.id == id).unwrap();
        site.source.clone()
    };
    assert_eq!(source("rmrb"), Source::File(dir.join("rmrb.toml")));
    assert_eq!(
        source("weekly-paper"),
        Source::File(dir.join("weekly.toml"))
    );
    assert_eq!(source("gmrb"), Source::Bundled);
    assert_eq!(source("gmrb").to_string(), "bundled");
    // Every bundled profile is still there, once, and the ids stay in order.
    assert_eq!(sites.all().len(), sites::all().len() + 1);
    let ids: Vec<&str> = sites.all().iter().map(|s| s.profile.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert!(matches!(sites.get("nope"), Err(SiteError::Unknown(_))));
}

#[test]
fn an_empty_dir_setting_is_the_bundled_profiles_and_the_env_sets_it() {
    let sites = Sites::load(&SitesSettings::default()).unwrap();
    assert_eq!(sites.all().len(), sites::all().len());
    assert!(sites.all().iter().all(|s| s.source == Source::Bundled));
    assert_eq!(sites.get("rmrb").unwrap(), &sites::get("rmrb").unwrap());

    let settings = Settings::load_with_env(None, Vec::new()).unwrap();
    assert_eq!(settings.sites.dir, "");
    let env = vec![(
        "EPAPER__SITES__DIR".to_string(),
        "/etc/epaper/sites".to_string(),
    )];
    let settings = Settings::load_with_env(None, env).unwrap();
    assert_eq!(settings.sites.dir, "/etc/epaper/sites");
}

#[track_caller]
fn assert_refused(dir: &Path, names: &str, says: &str) {
    let error = load(dir).unwrap_err().to_string();
    assert!(error.contains(names), "{error:?} does not name {names:?}");
    assert!(error.contains(says), "{error:?} does not say {says:?}");
}

#[test]
fn a_missing_directory_is_refused_by_name() {
    let dir = std::env::temp_dir().join("epaper-sites-that-do-not-exist");
    assert_refused(
        &dir,
        &format!("site profiles directory {}", dir.display()),
        "No such file",
    );
}

#[test]
fn invalid_toml_and_unknown_keys_are_refused_naming_the_file() {
    let dir = sites_dir(&[("broken.toml", "id = \"broken\"\nname = ")]);
    assert_refused(
        &dir,
        &dir.join("broken.toml").display().to_string(),
        "site profile ",
    );

    let dir = sites_dir(&[("typo.toml", &profile("typo", "request_per_second = 1\n"))]);
    assert_refused(
        &dir,
        &format!("site profile {}", dir.join("typo.toml").display()),
        "unknown field `request_per_second`",
    );
}

#[test]
fn two_files_with_one_id_are_refused_naming_both() {
    let text = profile("twice", "");
    let dir = sites_dir(&[("a.toml", &text), ("b.toml", &text)]);
    let both = format!(
        "site profiles {} and {} both have the id \"twice\"",
        dir.join("a.toml").display(),
        dir.join("b.toml").display()
    );
    assert_refused(&dir, &both, "both");
}

#[test]
fn an_entry_without_the_date_is_refused() {
    let text = profile("undated", "").replace("{yyyy}-{mm}/{dd}/", "");
    let dir = sites_dir(&[("undated.toml", &text)]);
    assert_refused(
        &dir,
        &dir.join("undated.toml").display().to_string(),
        "names no date: it needs {yyyy} and {dd}",
    );
}

#[test]
fn rates_and_ids_that_are_no_rates_or_ids_are_refused() {
    for (rate, says) in [
        ("0", "not a number from 1/86400"),
        ("-2", "not a number from 1/86400"),
        ("\"fast\"", "requests_per_second"),
    ] {
        let text = profile("paced", &format!("requests_per_second = {rate}\n"));
        let dir = sites_dir(&[("paced.toml", &text)]);
        assert_refused(&dir, &dir.join("paced.toml").display().to_string(), says);
    }
    let dir = sites_dir(&[("upper.toml", &profile("Upper Case", ""))]);
    assert_refused(&dir, "upper.toml", "is not 1 to 64 lowercase ASCII letters");
}

#[test]
fn what_is_read_is_capped() {
    let big = format!("{}# {}\n", profile("big", ""), "x".repeat(70 * 1024));
    let dir = sites_dir(&[("big.toml", &big)]);
    assert_refused(&dir, "big.toml", "larger than 65536 bytes");

    let dir = sites_dir(&[]);
    for i in 0..=sites::MAX_FILES {
        std::fs::write(dir.join(format!("p{i}.toml")), "").unwrap();
    }
    assert_refused(
        &dir,
        &dir.display().to_string(),
        &format!("more than {} profiles", sites::MAX_FILES),
    );
}

/// A `selectors` paper from the directory: its table is what `Sites::selectors` gives its
/// documents, a broken table refuses the file naming the key, and a site of another layout or
/// none has no table.
#[test]
fn a_selectors_profile_in_the_directory_gives_its_table_and_a_broken_one_is_refused() {
    let one_off = |body: &str| {
        profile("one-off", "")
            .replace("founder-classic", "selectors")
            .replace("node_1.htm", "page-01.html")
            + &format!(
                "[selectors]\npage_url = '/page-\\d+\\.html$'\narticle_url = '/art-\\d+\\.html$'\n\
                 page_list = \"nav a\"\narticle_list = \"ul.stories a\"\ntitle = \"h1\"\n\
                 body = \"{body}\"\n"
            )
    };
    let dir = sites_dir(&[("one-off.toml", &one_off("div.story"))]);
    let sites = load(&dir).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
    let table = sites.selectors("one-off", date).expect("the paper's table");
    assert_eq!(table.body, "div.story");
    assert_eq!(table.images, None);
    assert_eq!(sites.selectors("rmrb", date), None);
    assert_eq!(sites.selectors("no-such-paper", date), None);
    assert!(sites.selectors("sample-selectors", date).is_some());

    let dir = sites_dir(&[("one-off.toml", &one_off("div.story >"))]);
    assert_refused(
        &dir,
        &format!("site profile {}", dir.join("one-off.toml").display()),
        "selectors.body \"div.story >\" is not a CSS selector",
    );
}

#[test]
fn a_read_do_profile_in_the_directory_gives_its_index_and_a_broken_one_is_refused() {
    let read_do = |index: &str| {
        format!(
            "id = \"wanbao\"\nname = \"某晚报\"\nlayout = \"read-do\"\nschedule = \"daily\"\n\
             base_url = \"http://paper.example.cn\"\n\
             entry = \"{{base}}/epaper/read.do?m=i&iid={{iid}}&idate=5_{{yyyy}}-{{mm}}-{{dd}}\"\n\
             {index}\n"
        )
    };
    let dir = sites_dir(&[(
        "wanbao.toml",
        &read_do("issue_index = { kind = \"read-do\", newspaper_id = 5 }"),
    )]);
    let sites = load(&dir).unwrap();
    assert_eq!(
        sites.get("wanbao").unwrap().issue_index,
        Some(sites::IssueIndex::ReadDo {
            newspaper_id: 5,
            month_param: sites::MonthParam::Date
        })
    );
    let dir = sites_dir(&[("wanbao.toml", &read_do(""))]);
    assert_refused(
        &dir,
        &dir.join("wanbao.toml").display().to_string(),
        "no issue_index",
    );
    let dir = sites_dir(&[(
        "wanbao.toml",
        &read_do("issue_index = { kind = \"read-do\", newspaper_id = \"five\" }"),
    )]);
    assert_refused(
        &dir,
        &dir.join("wanbao.toml").display().to_string(),
        "expected u32 for key `issue_index`",
    );
}
