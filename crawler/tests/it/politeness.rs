//! robots.txt: what it disallows is never fetched, and it is read up to its cap and no further.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

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
