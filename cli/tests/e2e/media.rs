//! Page scans, PDFs and article images: stored once, byte-exact, and named by the export.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use epaper_indexer::testing::random_suffix;
use epaper_indexer::{ExportFilter, Store};

use crate::support::*;

/// Every page scan, PDF and article image the site serves, as `/manifest.json` lists them, with
/// their bytes. The manifest's lists are checked against the generated paper first.
pub(crate) async fn served_media(base_url: &str, n_issues: usize) -> Vec<(String, Vec<u8>)> {
    let manifest = site_manifest(base_url).await;
    let mut urls = Vec::new();
    for page in manifest["issues"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["pages"].as_array().unwrap())
    {
        urls.push(page["image_url"].as_str().unwrap().to_string());
        urls.push(page["pdf_url"].as_str().unwrap().to_string());
        urls.extend(
            page["images"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string()),
        );
    }
    let paper = epaper::sample::paper(n_issues);
    let generated: usize = paper
        .issues
        .iter()
        .flat_map(|i| &i.pages)
        .map(|p| 2 + p.articles.iter().map(|a| a.images.len()).sum::<usize>())
        .sum();
    assert_eq!(
        urls.len(),
        generated,
        "the manifest lists every medium the paper has"
    );
    assert!(
        urls.len() > 2 * paper.issues.len() * paper.issues[0].pages.len(),
        "some articles have images"
    );
    let mut media = Vec::new();
    for url in urls {
        let bytes = get_bytes(&url).await;
        media.push((url, bytes));
    }
    media
}

/// Each medium is stored once, byte-exact, at `<dir>/<aa>/<sha256>`, and recorded in the archive.
pub(crate) async fn assert_media_kept(dir: &Path, db_url: &str, served: &[(String, Vec<u8>)]) {
    use sha2::Digest;
    let store = Store::connect(db_url, 1).await.unwrap();
    let recorded = store.media(&ExportFilter::default()).await.unwrap();
    store.close().await;
    assert_eq!(recorded.len(), served.len(), "one media row per URL");
    for (url, bytes) in served {
        let sha = format!("{:x}", sha2::Sha256::digest(bytes));
        let path = dir.join(&sha[..2]).join(&sha);
        assert_eq!(
            &std::fs::read(&path).unwrap_or_default(),
            bytes,
            "{url} not kept byte-exact"
        );
        assert!(
            recorded.iter().any(|(u, _, _, s)| u == url && *s == sha),
            "{url} not recorded"
        );
    }
    let n_files = std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    let distinct: BTreeSet<&Vec<u8>> = served.iter().map(|(_, b)| b).collect();
    assert_eq!(n_files, distinct.len(), "the same bytes are stored once");
}

/// `epaper export` gives each article the stored scan and PDF of its page and the stored copy
/// of each of its images, as paths under the media directory that hold the served bytes.
pub(crate) fn assert_export_names_stored_media(
    dir: &Path,
    db_url: &str,
    served: &[(String, Vec<u8>)],
) {
    let out =
        run_ok(Command::new(bin("epaper")).args(["export", "--db", db_url, "--format", "jsonl"]));
    let served: std::collections::HashMap<&str, &Vec<u8>> =
        served.iter().map(|(u, b)| (u.as_str(), b)).collect();
    let check = |medium: &serde_json::Value, what: &str| {
        let url = medium["url"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no url in {medium}"));
        let path = medium["path"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no path in {medium}"));
        assert_eq!(
            std::fs::read(dir.join(path)).ok().as_ref(),
            served.get(url).copied(),
            "{what}: {path} does not hold the bytes served at {url}"
        );
    };
    let (mut n_articles, mut n_images) = (0, 0);
    for line in out.lines() {
        let article: serde_json::Value = serde_json::from_str(line).unwrap();
        let url = article["url"].as_str().unwrap();
        check(&article["page_scan"], &format!("{url} page_scan"));
        check(&article["page_pdf"], &format!("{url} page_pdf"));
        for image in article["images"].as_array().unwrap() {
            check(&image["stored"], &format!("{url} image"));
            n_images += 1;
        }
        n_articles += 1;
    }
    assert!(
        n_articles > 0 && n_images > 0,
        "{n_articles} articles, {n_images} images"
    );
}

#[tokio::test(flavor = "multi_thread")]
pub(crate) async fn embedded_run_keeps_every_scan_pdf_and_image_content_addressed() {
    let site = SampleSite::start(2, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let (db_path, db_url) = temp_sqlite(&format!("epaper-e2e-{suffix}"));
    let media_dir = std::env::temp_dir().join(format!("epaper-media-{suffix}"));
    let run = |media: &Path| {
        run_ok(
            site.run_command(&dates[0], &dates[1], &db_url)
                .arg("--media-dir")
                .arg(media),
        )
    };
    let out = run(&media_dir);
    assert!(out.contains("sample: 2 complete"), "{out}");
    let served = served_media(&site.base_url, 2).await;
    assert_media_kept(&media_dir, &db_url, &served).await;
    assert_export_names_stored_media(&media_dir, &db_url, &served);
    // Again: nothing new is written.
    run(&media_dir);
    assert_media_kept(&media_dir, &db_url, &served).await;
    let _ = std::fs::remove_file(&db_path);
    let _ = std::fs::remove_dir_all(&media_dir);
}
