//! The crawl stage as a whole: what it fetches and sends for an issue, in what order, and
//! what it does with a date without an issue, an archived article, and pages that fail.

use std::collections::HashSet;

use epaper_common::error::StageError;
use epaper_common::messages::{DocKind, FetchedMedia, Message, Validator};
use epaper_common::transport::Handler;

use crate::support::*;

#[tokio::test]
async fn a_complete_issue_is_fetched_once_each_and_listed_in_order() {
    let server = Server::start("127.0.0.1", issue()).await;
    let settings = settings(&[]);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

    let pages: Vec<String> = ["node_1.htm", "node_2.htm", "node_3.htm"]
        .iter()
        .map(|f| server.url(f))
        .collect();
    let articles = article_urls(&server, &[1, 2, 3, 4, 5, 6]);

    // The manifest: pages in page-list order (page 2 finished last), every article once, in the
    // order the pages name them, without `?div=`.
    assert_eq!(manifest.site, "sample");
    assert_eq!(manifest.date, issue_date());
    assert!(!manifest.absent);
    assert_eq!(manifest.pages, pages);
    assert_eq!(manifest.articles, articles);
    assert_no_failures(&manifest);

    // One Fetched per document, of the right kind, with the bytes as served.
    assert_eq!(fetched.len(), 9);
    let unique: HashSet<&str> = fetched.iter().map(|doc| doc.url.as_str()).collect();
    assert_eq!(unique.len(), fetched.len(), "no URL is sent twice");
    assert_eq!(urls_of(&fetched, DocKind::Page), sorted(pages.clone()));
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(articles.clone())
    );
    for doc in &fetched {
        assert_eq!(doc.site, "sample");
        assert_eq!(doc.issue_date, issue_date());
        assert_eq!(doc.status, 200);
        assert_eq!(doc.content_type.as_deref(), Some(HTML));
        assert!(!doc.url.contains('?'), "{}", doc.url);
    }
    for n in 1..=6 {
        let url = server.url(&format!("content_{n}.htm"));
        assert_eq!(body_of(&fetched, &url), article(n).into_bytes(), "{url}");
    }

    // The server saw each document exactly once (the entry page too), and no `?div=` variant.
    let mut expected: Vec<String> = ["node_1.htm", "node_2.htm", "node_3.htm"]
        .iter()
        .map(|f| path(f))
        .chain((1..=6).map(|n| path(&format!("content_{n}.htm"))))
        .collect();
    expected.sort();
    assert_eq!(server.requested(), expected);
    for key in &expected {
        assert_eq!(server.hits(key), 1, "{key}");
    }
    // robots.txt is asked once for the whole issue (here it is missing: everything allowed).
    assert_eq!(server.hits(ROBOTS), 1);
}

#[tokio::test]
async fn a_date_without_an_issue_gives_an_absent_manifest() {
    let server = Server::start("127.0.0.1", issue()).await;
    let next_day = issue_date().succ_opt().unwrap();
    let (result, out) = handle_request(&settings(&[]), "sample", &server, next_day).await;
    assert!(result.is_ok(), "{result:?}");

    let messages = out.take_after_start();
    assert_eq!(messages.len(), 1, "only a manifest: {messages:?}");
    let Message::Manifest(manifest) = &messages[0] else {
        panic!("expected a manifest, got {}", messages[0].describe());
    };
    assert!(manifest.absent);
    assert_eq!(manifest.date, next_day);
    assert!(manifest.pages.is_empty());
    assert!(manifest.articles.is_empty());
    assert!(manifest.failures.is_empty());
    // A 404 is an answer, not a fault: asked once.
    assert_eq!(server.requested(), vec!["/html/2024-03/05/node_1.htm"]);
    assert_eq!(server.total_hits(), 1);
}

#[tokio::test]
async fn an_entry_redirected_to_a_not_found_notice_is_an_absent_issue() {
    let mut routes = issue();
    routes.insert(
        "/html/2024-03/05/node_1.htm".to_string(),
        Reply::Redirect("/notfound.htm".to_string()),
    );
    routes.insert(
        "/notfound.htm".to_string(),
        Reply::Html("<html><body>对不起，该日无报纸</body></html>".to_string()),
    );
    let server = Server::start("127.0.0.1", routes).await;
    let next_day = issue_date().succ_opt().unwrap();
    let (result, out) = handle_request(&settings(&[]), "sample", &server, next_day).await;
    result.expect("an off day is not an error");
    let messages = out.take_after_start();
    assert_eq!(messages.len(), 1, "only a manifest: {messages:?}");
    let Message::Manifest(manifest) = &messages[0] else {
        panic!("expected a manifest, got {}", messages[0].describe());
    };
    assert!(manifest.absent);
    assert!(manifest.failures.is_empty() && manifest.pages.is_empty());
    assert_eq!(
        server.requested(),
        vec!["/html/2024-03/05/node_1.htm", "/notfound.htm"]
    );
}

#[tokio::test]
async fn a_recrawl_sends_the_archived_validators_and_a_304_sends_nothing() {
    let server = Server::start(
        "127.0.0.1",
        issue_with([
            (
                "content_1.htm",
                Reply::Tagged {
                    etag: "\"v1\"",
                    html: article(1),
                },
            ),
            (
                "content_2.htm",
                Reply::Tagged {
                    etag: "\"v2\"",
                    html: article(2),
                },
            ),
            // A 304 nobody asked for is not "unchanged": there is no stored copy to keep.
            ("content_3.htm", Reply::Status(304)),
        ]),
    )
    .await;
    let settings = settings(&[]);
    let mut request = crawl_request("sample", &server, issue_date());
    let Message::CrawlIssue(issue) = &mut request else {
        unreachable!()
    };
    let known = |file: &str, etag: &str| Validator {
        url: server.url(file),
        etag: Some(etag.to_string()),
        last_modified: None,
    };
    // content_1 is archived as served; content_2's archived copy is an older version.
    issue.known = vec![
        known("content_1.htm", "\"v1\""),
        known("content_2.htm", "\"v0\""),
    ];
    let out = Recorder::default();
    stage(&settings).handle(request, &out).await.unwrap();
    let (fetched, manifest) = split(out.take_after_start());
    let articles = urls_of(&fetched, DocKind::Article);
    assert!(
        !articles.contains(&server.url("content_1.htm")),
        "{articles:?}"
    );
    assert!(
        articles.contains(&server.url("content_2.htm")),
        "{articles:?}"
    );
    assert_eq!(articles.len(), ARTICLES.len() - 2, "{articles:?}");
    // Still expected by the manifest: the archive's copy counts.
    assert_eq!(manifest.articles.len(), ARTICLES.len());
    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    assert_eq!(manifest.failures[0].url, server.url("content_3.htm"));
    assert!(manifest.failures[0].reason.contains("304"));
    assert_eq!(server.hits("/html/2024-03/04/content_1.htm"), 1);
}

#[tokio::test]
async fn an_unknown_site_is_a_permanent_error() {
    let server = Server::start("127.0.0.1", issue()).await;
    let (result, out) =
        handle_request(&settings(&[]), "no-such-paper", &server, issue_date()).await;
    assert!(
        matches!(result, Err(StageError::Permanent(_))),
        "{result:?}"
    );
    assert!(out.take().is_empty());
    assert_eq!(server.total_hits(), 0);
}

#[tokio::test]
async fn a_page_that_fails_is_listed_and_named_in_the_failures() {
    let (server, fetched, manifest) = crawl_issue_with([("node_2.htm", Reply::Status(500))]).await;

    let pages: Vec<String> = ["node_1.htm", "node_2.htm", "node_3.htm"]
        .iter()
        .map(|f| server.url(f))
        .collect();
    assert_eq!(manifest.pages, pages);
    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    assert_eq!(manifest.failures[0].url, server.url("node_2.htm"));
    assert_eq!(manifest.failures[0].kind, DocKind::Page);
    assert_eq!(manifest.articles, article_urls(&server, &[1, 2, 3, 6]));
    assert_eq!(
        urls_of(&fetched, DocKind::Page),
        vec![server.url("node_1.htm"), server.url("node_3.htm")]
    );
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(article_urls(&server, &[1, 2, 3, 6]))
    );
    assert_eq!(
        server.hits(&path("node_2.htm")),
        settings(&[]).crawler.max_attempts
    );
}

#[tokio::test]
async fn an_entry_page_that_keeps_failing_is_a_retryable_error() {
    let server = Server::start(
        "127.0.0.1",
        issue_with([("node_1.htm", Reply::Status(503))]),
    )
    .await;
    let settings = settings(&[]);
    let (result, out) = handle_request(&settings, "sample", &server, issue_date()).await;
    assert!(
        matches!(result, Err(StageError::Retryable(_))),
        "{result:?}"
    );
    assert!(
        out.take_after_start().is_empty(),
        "nothing but the crawl start is sent for an issue not read"
    );
    assert_eq!(
        server.hits(&path("node_1.htm")),
        settings.crawler.max_attempts
    );
    assert_eq!(server.total_hits(), settings.crawler.max_attempts);
}

#[tokio::test]
async fn a_parse_over_the_deadline_is_a_permanent_failure() {
    // An entry page with many links: parsed in far more than a millisecond.
    let titles: Vec<(String, String)> = (0..20_000)
        .map(|n| (format!("content_{n}.htm"), format!("标题{n}")))
        .collect();
    let titles: Vec<(&str, &str)> = titles
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let node_1 = page_html(&PAGES, &titles, &[]);
    let server = Server::start(
        "127.0.0.1",
        issue_with([("node_1.htm", Reply::Html(node_1))]),
    )
    .await;
    let tight = settings(&[("EPAPER__CRAWLER__PARSE_TIMEOUT_MS", "1")]);
    let (result, _) = handle_request(&tight, "sample", &server, issue_date()).await;
    let error = permanent_error(result);
    assert!(
        error.contains("node_1.htm took longer than 1 ms (crawler.parse_timeout_ms)"),
        "{error}"
    );
}

/// Media have size limits of their own (`crawler.max_scan_bytes`, `max_pdf_bytes`,
/// `max_image_bytes`): a scan over its limit is a failure of kind `scan` while the HTML pages,
/// larger than that limit, are fetched under theirs; a scan within it is handed on.
#[tokio::test]
async fn media_are_held_to_the_size_limit_of_their_kind() {
    let jpeg = |len: usize| {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
        bytes.resize(len, 0x42);
        bytes
    };
    let run = |limit: &'static str, scan: Vec<u8>| async move {
        let server = Server::start(
            "127.0.0.1",
            issue_with([("page.jpg", Reply::Chunked(vec![scan]))]),
        )
        .await;
        let settings = settings(&[
            ("EPAPER__CRAWLER__FETCH_MEDIA", "true"),
            ("EPAPER__CRAWLER__MAX_SCAN_BYTES", limit),
        ]);
        let messages = crawl(&stage(&settings), &server).await;
        let media: Vec<FetchedMedia> = messages
            .iter()
            .filter_map(|m| match m {
                Message::Media(media) => Some(media.clone()),
                _ => None,
            })
            .collect();
        let Some(Message::Manifest(manifest)) = messages.last().cloned() else {
            panic!("no manifest last")
        };
        (server, media, manifest)
    };

    let (server, media, manifest) = run("300", jpeg(500)).await;
    assert!(media.is_empty(), "an oversized scan is not handed on");
    let scan = server.url("page.jpg");
    let failure = manifest
        .failures
        .iter()
        .find(|f| f.url == scan)
        .expect("scan failure");
    assert_eq!(failure.kind, DocKind::Scan);
    assert!(
        failure.reason.contains("larger than 300 bytes"),
        "{}",
        failure.reason
    );
    let Reply::Html(node_1) = &issue()[&path("node_1.htm")] else {
        panic!("node_1 is plain HTML")
    };
    assert!(node_1.len() > 300, "the pages are over the scan limit");
    assert_eq!(manifest.pages.len(), 3);
    assert_eq!(
        manifest.failures.len(),
        1,
        "only the scan failed: {:?}",
        manifest.failures
    );

    let (_, media, manifest) = run("300", jpeg(200)).await;
    assert_no_failures(&manifest);
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].fetched.kind, DocKind::Scan);
    assert_eq!(
        media[0].fetched.body.decompress(1 << 20).unwrap(),
        jpeg(200)
    );
}

/// Issues of one site share one HTTP client (building one reads the system's root
/// certificates); another origin gets its own, whose redirects and connections are held to it.
#[tokio::test]
async fn issues_of_one_site_share_a_client_and_another_origin_gets_its_own() {
    let first = Server::start("127.0.0.1", issue()).await;
    let second = Server::start("127.0.0.1", issue()).await;
    let settings = settings(&[]);
    let stage = stage(&settings);
    assert_eq!(stage.clients_held(), 0);
    for _ in 0..2 {
        let (fetched, manifest) = split(crawl(&stage, &first).await);
        assert_eq!(fetched.len(), 9);
        assert_no_failures(&manifest);
    }
    assert_eq!(
        stage.clients_held(),
        1,
        "two issues of one site, one client"
    );
    let (fetched, manifest) = split(crawl(&stage, &second).await);
    assert_eq!(fetched.len(), 9);
    assert_no_failures(&manifest);
    assert!(
        fetched
            .iter()
            .all(|doc| doc.url.starts_with(&second.url("")))
    );
    assert_eq!(stage.clients_held(), 2, "another origin, another client");
    assert_eq!(first.hits(&path("content_1.htm")), 2);
    assert_eq!(second.hits(&path("content_1.htm")), 1);
}
