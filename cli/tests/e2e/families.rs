//! Every layout family the sample site renders (`epaper sample-site --layout`), crawled
//! together in one services run and again with `epaper run`, each compared with its manifest
//! and, field for field, with the generator: a family is covered here by being in
//! `epaper::sample::layouts::LAYOUTS`. The read.do layout is entered the only way that system
//! allows, through its POST month index (`issue_index` in `sample-read-do.toml`, and the one
//! `sites probe` derives from a 版's `idate`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use epaper::sample::layouts::{At, LAYOUTS};
use epaper::sample::{Layout, paper};
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use epaper_indexer::{ExportedArticle, IssueState, Store};

use crate::support::*;

/// One issue of every layout, each on its own sample site.
fn start_sites() -> Vec<(&'static dyn Layout, SampleSite)> {
    LAYOUTS
        .iter()
        .map(|&layout| (layout, SampleSite::start_in(1, "none", layout)))
        .collect()
}

/// What the generator wrote for each article URL of `site`, with the page it is on.
fn generated(
    site: &SampleSite,
    layout: &'static dyn Layout,
) -> BTreeMap<String, (usize, epaper::sample::generate::Article)> {
    let paper = paper(1);
    let mut out = BTreeMap::new();
    for (page_idx, page) in paper.issues[0].pages.iter().enumerate() {
        let at = At {
            paper: &paper,
            issue_idx: 0,
            page_idx,
            layout,
        };
        for article in &page.articles {
            let url = format!("{}{}", site.base_url, at.article_path(article));
            out.insert(url, (page_idx, article.clone()));
        }
    }
    out
}

/// The archive of `site` is exactly its manifest, and each article what the generator wrote,
/// in the fields its layout prints (the others empty).
fn assert_family_archive(rows: &[ExportedArticle], site: &SampleSite, layout: &'static dyn Layout) {
    let name = layout.name();
    let mine: Vec<&ExportedArticle> = rows.iter().filter(|r| r.site == site.profile).collect();
    let want = generated(site, layout);
    let urls: BTreeSet<&str> = mine.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls.len(), mine.len(), "{name}: an article stored twice");
    let want_urls: BTreeSet<&str> = want.keys().map(String::as_str).collect();
    assert_eq!(
        urls, want_urls,
        "{name}: stored set differs from the generator's"
    );
    let paper = paper(1);
    let fields = layout.fields();
    let printed = |yes: bool, value: Option<&str>| value.filter(|_| yes).map(str::to_string);
    for row in mine {
        let (page_idx, article) = &want[&row.url];
        let page = &paper.issues[0].pages[*page_idx];
        assert_eq!(row.date, paper.issues[0].date, "{name}: {}", row.url);
        assert_eq!(
            row.page_no.as_deref(),
            Some(page.page_no.as_str()),
            "{name}"
        );
        if fields.page_name {
            assert_eq!(
                row.page_name.as_deref(),
                Some(page.page_name.as_str()),
                "{name}"
            );
        }
        assert_eq!(row.title.as_deref(), Some(article.title.as_str()), "{name}");
        let pretitle = printed(fields.pretitle, article.pretitle.as_deref());
        assert_eq!(row.pretitle, pretitle, "{name}: 引题 of {}", row.url);
        let subtitle = printed(fields.subtitle, article.subtitle.as_deref());
        assert_eq!(row.subtitle, subtitle, "{name}: 副题 of {}", row.url);
        let author = printed(fields.author, Some(&article.author));
        assert_eq!(row.author, author, "{name}: byline of {}", row.url);
        assert_eq!(
            row.paragraphs, article.paragraphs,
            "{name}: body of {}",
            row.url
        );
        let images: Vec<(String, Option<String>)> = row
            .images
            .iter()
            .map(|i| (i.url.clone(), i.caption.clone()))
            .collect();
        let want_images: Vec<(String, Option<String>)> = article
            .images
            .iter()
            .map(|i| {
                let caption = printed(fields.captions, Some(&i.caption));
                (format!("{}{}", site.base_url, i.file), caption)
            })
            .collect();
        assert_eq!(images, want_images, "{name}: images of {}", row.url);
    }
}

/// Waits until every site's articles are in, or the deadline.
async fn wait_for_all(
    db_url: &str,
    sites: &[(&'static dyn Layout, SampleSite)],
) -> Vec<ExportedArticle> {
    let total: usize = sites.iter().map(|(l, s)| generated(s, *l).len()).sum();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut rows = export_all(db_url).await;
    while rows.len() < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rows = export_all(db_url).await;
    }
    rows
}

/// Every site's issue reaches `complete`.
async fn assert_complete(db_url: &str, sites: &[(&'static dyn Layout, SampleSite)]) {
    let mut want: Vec<(String, IssueState, i64)> = sites
        .iter()
        .map(|(_, site)| (site.profile.clone(), IssueState::Complete, 1))
        .collect();
    want.sort();
    let store = Store::connect(db_url, 1).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut states = store.issue_states().await.unwrap();
    while states != want && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        states = store.issue_states().await.unwrap();
    }
    assert_eq!(states, want);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn every_layout_family_is_archived_over_the_services_and_embedded() {
    let sites = start_sites();
    let date = site_manifest(&sites[0].1.base_url).await["issues"][0]["date"]
        .as_str()
        .unwrap()
        .to_string();
    for (layout, site) in &sites {
        let manifest = site_manifest(&site.base_url).await;
        assert_eq!(manifest["layout"], layout.name());
        assert_eq!(manifest["profile"], site.profile.as_str());
    }

    // The services, one of each, crawl every family's issue at once.
    let db = FreshDatabase::create().await;
    let prefix = format!("test_{}", random_suffix());
    let logs = std::env::temp_dir().join(format!("epaper-e2e-{prefix}"));
    std::fs::create_dir_all(&logs).unwrap();
    let env: HashMap<&str, String> = HashMap::from([
        ("EPAPER__DATABASE__URL", db.url.clone()),
        ("EPAPER__AMQP__URL", amqp_url()),
        ("EPAPER__AMQP__QUEUE_PREFIX", prefix.clone()),
        ("EPAPER__SERVICE__HTTP_ADDR", "127.0.0.1:0".into()),
        ("EPAPER__SERVICE__SHUTDOWN_GRACE_SECS", "10".into()),
    ]);
    run_ok(Command::new(bin("epaper")).arg("migrate").envs(&env));
    let names = ["epaper-crawler", "epaper-parser", "epaper-indexer"];
    let mut services: Vec<Child> = names
        .iter()
        .map(|name| spawn_service(name, &env, &logs.join(format!("{name}.log"))))
        .collect();
    for (_, site) in &sites {
        run_ok(
            Command::new(bin("epaper"))
                .args([
                    "enqueue",
                    "--site",
                    &site.profile,
                    "--base-url",
                    &site.base_url,
                ])
                .args(["--from", &date, "--to", &date])
                .envs(&env),
        );
    }
    let rows = wait_for_all(&db.url, &sites).await;
    for (layout, site) in &sites {
        assert_family_archive(&rows, site, *layout);
    }
    assert_complete(&db.url, &sites).await;
    for child in &mut services {
        assert!(terminate(child).success());
    }
    let mut settings = settings_from(&env);
    settings.amqp.queue_prefix = prefix.clone();
    let broker = epaper_common::broker::Broker::connect(&settings.amqp)
        .await
        .unwrap();
    broker.delete_topology().await.unwrap();
    broker.close().await;
    db.drop_it().await;

    // The embedded mode, one `epaper run` per family into one archive, stores the same.
    let (db_path, db_url) = temp_sqlite(&format!("epaper-e2e-families-{}", random_suffix()));
    for (_, site) in &sites {
        let out = run_ok(&mut site.run_command(&date, &date, &db_url));
        assert!(
            out.contains(&format!("{}: 1 complete", site.profile)),
            "{out}"
        );
    }
    let rows = export_all(&db_url).await;
    for (layout, site) in &sites {
        assert_family_archive(&rows, site, *layout);
    }
    let _ = std::fs::remove_file(&db_path);
    let _ = std::fs::remove_dir_all(&logs);

    // Onboarding: `sites probe` derives each family's profile from the URL of a page and
    // crawls an issue with it; `sites check` crawls the bundled test profile (the one-off
    // system's, its [selectors] table); neither stores.
    for (layout, site) in &sites {
        let manifest = site_manifest(&site.base_url).await;
        let pages = manifest["issues"][0]["pages"].as_array().unwrap();
        let n_articles: usize = pages
            .iter()
            .map(|p| p["articles"].as_array().unwrap().len())
            .sum();
        let page_url = pages[1]["url"].as_str().unwrap();
        if layout.name() == epaper::sample::layouts::OneOff.name() {
            // A one-off system: probe proposes a selectors profile (its bundled, hand-written
            // profile is checked below).
            probe_proposes_selectors(page_url, &date, n_articles);
        } else {
            probe(*layout, page_url, &date, pages.len(), n_articles);
        }
        let out = run_ok(
            Command::new(bin("epaper"))
                .args(["sites", "check", &site.profile, "--date", &date])
                .args(["--base-url", &site.base_url]),
        );
        assert_whole_report(&out, &site.profile, &date, pages.len(), n_articles);
        // Where the layout's sample maps every article on the scan, the report counts each.
        if !layout.article_regions(0).is_empty() {
            let line = format!("    regions     {n_articles}/{n_articles}\n");
            assert!(out.contains(&line), "{}: {out}", layout.name());
        }
    }
}

/// `sites probe` derives a profile from the URL of a page of `layout`, names the skin where
/// the sample layout is one (`founder-new/nav-list`), crawls an issue with it, and prints a
/// profile file that `sites check` crawls with too.
pub(crate) fn probe(
    layout: &dyn Layout,
    page_url: &str,
    date: &str,
    n_pages: usize,
    n_articles: usize,
) {
    let out =
        run_ok(Command::new(bin("epaper")).args(["sites", "probe", page_url, "--id", "probed"]));
    assert!(
        out.contains(&format!("layout = \"{}\"", layout_family(layout))),
        "{out}"
    );
    if let Some((_, skin)) = layout.name().split_once('/') {
        assert_names_skin(&out, skin);
    }
    assert_whole_report(&out, "probed", date, n_pages, n_articles);
    check_printed_profile(&out, page_url, |report| {
        assert_whole_report(report, "probed", date, n_pages, n_articles);
    });
}

/// The probe's output names the skin (its families.md name, of which the sample layout's
/// `/SKIN` is a part: `layout-catalogue` for `catalogue`) in the profile's header and in the
/// report's first line.
fn assert_names_skin(out: &str, skin: &str) {
    let lower = out.to_lowercase();
    let skin = skin.to_lowercase();
    let in_header = lower
        .lines()
        .next()
        .is_some_and(|line| line.contains("(skin ") && line.contains(&skin));
    let in_report = lower.lines().any(|line| {
        line.starts_with("# probed ") && line.contains(", skin ") && line.contains(&skin)
    });
    assert!(in_header && in_report, "skin {skin}: {out}");
}

/// Its output is a profile file: in a sites directory, `sites check` crawls with it, and
/// `assert_report` holds of what it prints.
fn check_printed_profile(out: &str, page_url: &str, assert_report: impl Fn(&str)) {
    let dir = std::env::temp_dir().join(format!("epaper-probed-{}", random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("probed.toml"), out).unwrap();
    let report = run_ok(
        Command::new(bin("epaper"))
            .args([
                "sites",
                "check",
                "probed",
                "--base-url",
                &probed_base(out, page_url),
            ])
            .env("EPAPER__SITES__DIR", &dir),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_report(&report);
}

/// `sites probe` on a page of no known family proposes a `layout = "selectors"` profile, says
/// it is a proposal to review, and its check crawl finds every article with a title and text;
/// the profile it prints crawls the same with `sites check`.
pub(crate) fn probe_proposes_selectors(page_url: &str, date: &str, n_articles: usize) {
    let out =
        run_ok(Command::new(bin("epaper")).args(["sites", "probe", page_url, "--id", "probed"]));
    assert!(
        out.contains("layout = \"selectors\"") && out.contains("\n[selectors]\n"),
        "{out}"
    );
    assert!(
        out.matches("Proposed, best effort: review the selectors")
            .count()
            == 2,
        "{out}"
    );
    let assert_found = |report: &str| {
        assert!(
            report.contains(&format!("probed {date} (selectors): complete")),
            "{report}"
        );
        assert!(
            report.contains(&format!("  articles  {n_articles} ")),
            "{report}"
        );
        for field in ["title", "paragraphs"] {
            let line = format!("    {field:<11} {n_articles}/{n_articles}\n");
            assert!(report.contains(&line), "{field}: {report}");
        }
    };
    assert_found(&out);
    check_printed_profile(&out, page_url, assert_found);
}

/// The base URL a probed profile of a local site names for `--base-url`.
fn probed_base(toml: &str, page_url: &str) -> String {
    let marker = "--base-url ";
    let at = toml
        .find(marker)
        .unwrap_or_else(|| panic!("{page_url}: no base URL named: {toml}"));
    toml[at + marker.len()..]
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string()
}

/// The profile layout of a sample-site layout name (`founder-new/nav-list` is `founder-new`).
fn layout_family(layout: &dyn Layout) -> &'static str {
    layout.name().split('/').next().unwrap()
}

/// The report of `sites probe` / `sites check` names a complete issue of `n_pages` pages and
/// `n_articles` articles, each with a title, a date, a page and text.
fn assert_whole_report(out: &str, site: &str, date: &str, n_pages: usize, n_articles: usize) {
    assert!(
        out.contains(&format!("{site} {date} (")) && out.contains("): complete"),
        "{out}"
    );
    assert!(out.contains(&format!("  pages     {n_pages}\n")), "{out}");
    assert!(out.contains(&format!("  articles  {n_articles} ")), "{out}");
    for field in ["title", "date", "page", "paragraphs"] {
        let line = format!("    {field:<11} {n_articles}/{n_articles}\n");
        assert!(out.contains(&line), "{field}: {out}");
    }
}
