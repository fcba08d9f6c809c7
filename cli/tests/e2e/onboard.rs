//! `epaper sites check`'s scratch archive: each check crawls into a private directory of its
//! own under the temporary directory, and nothing of it is left there afterwards, whether the
//! check passed or failed.

use std::process::{Command, Output, Stdio};

use epaper_indexer::testing::random_suffix;

use crate::support::*;

/// `sites check` of the sample site's first issue, with `tmp` as the temporary directory.
fn check_in(site: &SampleSite, date: &str, tmp: &std::path::Path) -> std::process::Child {
    Command::new(bin("epaper"))
        .args(["sites", "check", &site.profile, "--date", date])
        .args(["--base-url", &site.base_url])
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn concurrent_checks_do_not_collide_and_leave_nothing_behind() {
    let clean = SampleSite::start(1, "none");
    let faulty = SampleSite::start(1, "permanent");
    let (dates, _) = clean.manifest().await;
    let (faulty_dates, _) = faulty.manifest().await;
    let tmp = std::env::temp_dir().join(format!("epaper-e2e-tmp-{}", random_suffix()));
    std::fs::create_dir_all(&tmp).unwrap();

    // Three at once in one temporary directory: two of the same issue, and one whose issue
    // has documents that 404 forever, so that check fails.
    let children = [
        check_in(&clean, &dates[0], &tmp),
        check_in(&clean, &dates[0], &tmp),
        check_in(&faulty, &faulty_dates[0], &tmp),
    ];
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    for out in &outputs[..2] {
        let seen = text(out);
        assert!(out.status.success(), "{seen}");
        assert!(seen.contains("): complete"), "{seen}");
    }
    let seen = text(&outputs[2]);
    assert!(!outputs[2].status.success(), "{seen}");
    assert!(seen.contains("not every article came in"), "{seen}");

    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `sites probe` names the skin of each new Founder skin the sample site serves, and on the
/// sample site's one-off system, which no family knows, proposes a `selectors` profile whose
/// crawl finds every article with a title and text. (The families test probes every layout
/// too, inside its services run; this one stands alone, without the services.)
#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn probe_names_skins_and_proposes_selectors_for_an_unknown_system() {
    use epaper::sample::Layout;
    use epaper::sample::layouts::{LAYOUTS, OneOff};

    let chosen = LAYOUTS.iter().filter(|layout| {
        layout.name().starts_with("founder-new/") || layout.name() == OneOff.name()
    });
    for &layout in chosen {
        let site = SampleSite::start_in(1, "none", layout);
        let manifest = site_manifest(&site.base_url).await;
        let issue = &manifest["issues"][0];
        let date = issue["date"].as_str().unwrap();
        let pages = issue["pages"].as_array().unwrap();
        let n_articles: usize = pages
            .iter()
            .map(|p| p["articles"].as_array().unwrap().len())
            .sum();
        let page_url = pages[1]["url"].as_str().unwrap();
        if layout.name() == OneOff.name() {
            crate::families::probe_proposes_selectors(page_url, date, n_articles);
        } else {
            crate::families::probe(layout, page_url, date, pages.len(), n_articles);
        }
    }
}
