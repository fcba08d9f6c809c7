//! robots.txt: what it disallows is never fetched, and it is read up to its cap and no further;
//! and the rate of a profile from `sites.dir`, below the bundled one's, spaces every request.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use epaper_common::transport::Handler;

use crate::support::*;

#[tokio::test]
async fn robots_txt_disallowed_articles_are_never_fetched() {
    let mut routes = issue();
    routes.insert(
        ROBOTS.to_string(),
        Reply::Text("User-agent: *\nDisallow: /html/2024-03/04/content_2.htm\n".into()),
    );
    let server = Server::start("127.0.0.1", routes).await;
    let (fetched, manifest) = split(crawl(&stage(&settings(&[])), &server).await);
    assert_eq!(
        server.hits(&path("content_2.htm")),
        0,
        "a disallowed URL was fetched"
    );
    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    assert!(manifest.failures[0].url.ends_with("content_2.htm"));
    assert!(
        manifest.failures[0].reason.contains("robots.txt"),
        "{:?}",
        manifest.failures[0]
    );
    assert_eq!(fetched.len(), 3 + 5);
}

#[tokio::test]
async fn robots_txt_is_read_up_to_its_cap_and_no_further() {
    let mut routes = issue();
    routes.insert(
        ROBOTS.to_string(),
        Reply::Huge {
            head: "User-agent: *\nDisallow: /html/2024-03/04/content_2.htm\n",
            len: 50 << 20,
            // Past the cap: never read, so never obeyed.
            tail: "Disallow: /html/2024-03/04/content_3.htm\n",
        },
    );
    let server = Server::start("127.0.0.1", routes).await;
    let started = Instant::now();
    let (fetched, manifest) = split(crawl(&stage(&settings(&[])), &server).await);
    let sent = server.sent.load(Ordering::Relaxed);
    eprintln!(
        "robots.txt: {sent} bytes sent of {} in {:?}",
        50 << 20,
        started.elapsed()
    );
    assert_eq!(server.hits(ROBOTS), 1);
    // What was read is obeyed; what came after the cap is not.
    assert_eq!(server.hits(&path("content_2.htm")), 0);
    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    assert!(manifest.failures[0].reason.contains("robots.txt"));
    assert_eq!(fetched.len(), 3 + 5);
    // The cap plus what the socket buffers held when the crawler hung up: far below 50 MiB.
    assert!(sent < 16 << 20, "{sent} bytes of robots.txt sent");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// A directory of `files` (name, text) for `sites.dir`.
fn sites_dir(name: &str, files: &[(&str, String)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("epaper-crawler-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[tokio::test]
async fn profiles_from_the_sites_dir_are_crawled_at_their_own_rate() {
    // The bundled sample profile, slowed to 2.5 requests a second (0.4 s apart), and a paper the
    // bundled profiles do not have.
    let sample = include_str!("../../../config/sites/sample.toml")
        .replace("requests_per_second = 2000", "requests_per_second = 2.5");
    let added = sample.replace("id = \"sample\"", "id = \"dir-paper\"");
    let dir = sites_dir("paced", &[("sample.toml", sample), ("added.toml", added)]);
    let settings = settings(&[("EPAPER__SITES__DIR", dir.to_str().unwrap())]);
    let stage = epaper_crawler::stage(&settings).unwrap();

    let server = Server::start("127.0.0.1", issue()).await;
    let out = Recorder::default();
    stage
        .handle(crawl_request("sample", &server, issue_date()), &out)
        .await
        .expect("the sample site is crawled with its profile from the sites dir");
    let (fetched, manifest) = split(out.take_after_start());
    assert_no_failures(&manifest);
    assert_eq!(fetched.len(), 3 + 6);

    // The override's rate holds between every two requests: no clump, no second rounded up.
    let mut times: Vec<Instant> = server.log.lock().unwrap().iter().map(|(_, t)| *t).collect();
    times.sort();
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 8, "{gaps:?}");
    assert!(
        gaps.iter().all(|gap| *gap >= Duration::from_millis(350)),
        "{gaps:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
