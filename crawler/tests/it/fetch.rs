//! One document's fetch: transient faults retried (and `Retry-After` honoured), permanent ones
//! not, bodies held to their cap, and a body cut off never taken for a short document.

use std::collections::HashMap;
use std::time::Duration;

use epaper_common::messages::DocKind;
use epaper_crawler::address::AddressPolicy;
use epaper_crawler::fetch::{FetchError, Fetcher, Origins, Reach};

use crate::support::*;

#[tokio::test]
async fn transient_faults_are_retried_and_retry_after_is_honoured() {
    let (server, fetched, manifest) = crawl_issue_with([
        (
            "content_2.htm",
            Reply::FailOnce {
                status: 503,
                retry_after: None,
                html: article(2),
            },
        ),
        (
            "content_3.htm",
            Reply::FailOnce {
                status: 429,
                retry_after: Some("1"),
                html: article(3),
            },
        ),
    ])
    .await;

    assert_no_failures(&manifest);
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(article_urls(&server, &[1, 2, 3, 4, 5, 6]))
    );
    for n in [2, 3] {
        let url = server.url(&format!("content_{n}.htm"));
        assert_eq!(body_of(&fetched, &url), article(n).into_bytes());
    }
    assert_eq!(server.hits(&path("content_2.htm")), 2);
    assert_eq!(server.hits(&path("content_3.htm")), 2);

    // The 429 asked for a second; the 10 ms backoff alone would have come back far sooner.
    let times = server.times(&path("content_3.htm"));
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
}

#[tokio::test]
async fn an_article_that_always_fails_is_a_failure_after_max_attempts() {
    let max_attempts = settings(&[]).crawler.max_attempts;
    assert!(max_attempts > 1, "the default allows retries");
    let (server, fetched, manifest) =
        crawl_issue_with([("content_5.htm", Reply::Status(500))]).await;

    let broken = server.url("content_5.htm");
    assert_eq!(
        manifest.articles,
        article_urls(&server, &[1, 2, 3, 4, 5, 6]),
        "a failed article is still listed"
    );
    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    let failure = &manifest.failures[0];
    assert_eq!(failure.url, broken);
    assert_eq!(failure.kind, DocKind::Article);
    assert!(failure.reason.contains("500"), "{}", failure.reason);
    assert!(
        failure.reason.contains(&format!("{max_attempts} attempts")),
        "{}",
        failure.reason
    );

    assert_eq!(server.hits(&path("content_5.htm")), max_attempts);
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(article_urls(&server, &[1, 2, 3, 4, 6]))
    );
    assert_eq!(fetched.len(), 3 + 5);
}

#[tokio::test]
async fn a_forbidden_article_is_a_failure_and_not_retried() {
    let (server, fetched, manifest) =
        crawl_issue_with([("content_2.htm", Reply::Status(403))]).await;

    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    let failure = &manifest.failures[0];
    assert_eq!(failure.url, server.url("content_2.htm"));
    assert_eq!(failure.kind, DocKind::Article);
    assert!(failure.reason.contains("403"), "{}", failure.reason);
    assert_eq!(server.hits(&path("content_2.htm")), 1);
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(article_urls(&server, &[1, 3, 4, 5, 6]))
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_failure_and_not_stored() {
    // A one-page issue small enough for a 1000-byte cap, with two oversized articles: one that
    // says its length up front, one streamed without a Content-Length.
    let node_1 = page_html(
        &[(1, "要闻")],
        &[
            ("content_1.htm", "春耕"),
            ("content_2.htm", "长文"),
            ("content_3.htm", "长流"),
        ],
        &[],
    );
    let small = article_html("春耕", &["农民抢抓农时。"]);
    let long_paragraph = "这是一段很长的正文。".repeat(40);
    let big = article_html("长文", &[&long_paragraph, &long_paragraph]);
    let stream: Vec<Vec<u8>> = (0..10)
        .map(|i| format!("<p>第{i}段：{}</p>", "字".repeat(100)).into_bytes())
        .collect();
    assert!(node_1.len() < 1000 && small.len() < 1000);
    assert!(big.len() > 1000);
    assert!(stream.iter().map(Vec::len).sum::<usize>() > 1000);
    assert!(stream.iter().all(|chunk| chunk.len() < 1000));

    let routes: HashMap<String, Reply> = [
        (path("node_1.htm"), Reply::Html(node_1)),
        (path("content_1.htm"), Reply::Html(small.clone())),
        (path("content_2.htm"), Reply::Html(big)),
        (path("content_3.htm"), Reply::Chunked(stream)),
    ]
    .into_iter()
    .collect();
    let server = Server::start("127.0.0.1", routes).await;
    let settings = settings(&[("EPAPER__CRAWLER__MAX_BODY_BYTES", "1000")]);
    assert_eq!(settings.crawler.max_body_bytes, 1000);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

    assert_eq!(manifest.pages, vec![server.url("node_1.htm")]);
    assert_eq!(manifest.articles, article_urls(&server, &[1, 2, 3]));
    let mut failed: Vec<&str> = manifest
        .failures
        .iter()
        .map(|f| {
            assert_eq!(f.kind, DocKind::Article);
            assert!(f.reason.contains("larger than 1000 bytes"), "{}", f.reason);
            f.url.as_str()
        })
        .collect();
    failed.sort();
    assert_eq!(failed, article_urls(&server, &[2, 3]));

    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        vec![server.url("content_1.htm")]
    );
    assert_eq!(
        body_of(&fetched, &server.url("content_1.htm")),
        small.into_bytes()
    );
    assert_eq!(fetched.len(), 2);
    assert_eq!(server.hits(&path("content_2.htm")), 1, "not retried");
    assert_eq!(server.hits(&path("content_3.htm")), 1, "not retried");
}

#[tokio::test]
async fn a_body_cut_off_is_retried() {
    let (server, fetched, manifest) = crawl_issue_with([
        (
            "content_3.htm",
            Reply::Truncated {
                times: 1,
                html: article(3),
            },
        ),
        (
            "content_9.htm",
            Reply::Truncated {
                times: u32::MAX,
                html: article(6),
            },
        ),
    ])
    .await;

    assert_no_failures(&manifest);
    let url = server.url("content_3.htm");
    assert_eq!(body_of(&fetched, &url), article(3).into_bytes());
    assert_eq!(server.hits(&path("content_3.htm")), 2);
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(article_urls(&server, &[1, 2, 3, 4, 5, 6]))
    );

    // With a single attempt the same kind of response is a fault worth retrying, seen as a body
    // cut off, never a short document.
    let once = self::settings(&[("EPAPER__CRAWLER__MAX_ATTEMPTS", "1")]);
    let origins = Origins::of(&server.base.parse().unwrap(), &[]).unwrap();
    let reach = Reach::new(origins, AddressPolicy::LoopbackOnly);
    let fetcher = Fetcher::new(&once.crawler, reach).unwrap();
    match fetcher.fetch(&server.url("content_9.htm")).await {
        Err(error @ FetchError::Exhausted { .. }) => {
            assert!(error.is_retryable());
            assert!(error.to_string().contains("cut off"), "{error}");
        }
        other => panic!("expected a cut-off body, got {other:?}"),
    }
}

#[tokio::test]
async fn the_status_line_and_headers_are_kept_without_cookies_or_credentials() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let base = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().unwrap().port()
    );
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let n = socket.read(&mut request).await.unwrap();
        socket
            .write_all(
                b"HTTP/1.1 200 Alles Gut\r\nContent-Type: text/html\r\nSet-Cookie: sid=1\r\n\
                  X-Api-Key: k\r\nX-Paper: first\r\nX-Paper: second\r\nContent-Length: 5\r\n\r\nhello",
            )
            .await
            .unwrap();
        String::from_utf8_lossy(&request[..n]).into_owned()
    });
    let origins = Origins::of(&base.parse().unwrap(), &[]).unwrap();
    let reach = Reach::new(origins, AddressPolicy::LoopbackOnly);
    let fetcher = Fetcher::new(&settings(&[]).crawler, reach).unwrap();
    let fetched = fetcher.fetch(&format!("{base}a.htm")).await.unwrap();
    let request = server.await.unwrap();
    let head = &fetched.http;
    assert_eq!(
        (head.version.as_str(), head.reason.as_str()),
        ("HTTP/1.1", "Alles Gut")
    );
    let names: Vec<&str> = head.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["content-type", "x-paper", "x-paper", "content-length"],
        "{head:?}"
    );
    assert_eq!(
        head.headers[2].1, "second",
        "repeated headers kept in order"
    );
    // None of the crawler's own request headers is among them.
    let user_agent = request
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("user-agent:"))
        .unwrap_or_default()
        .to_string();
    assert!(!user_agent.is_empty(), "{request}");
    assert!(
        !head.headers.iter().any(|(n, _)| n == "user-agent"),
        "{head:?}"
    );
}
