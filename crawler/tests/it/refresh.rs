//! Entry pages that are only a meta refresh (`content="0; url=…"`, as PaperIndex papers and
//! others write them): followed as an HTTP redirect is, for every layout, within the entry's
//! origin, through at most three of them, never round a loop.

use epaper_common::error::StageError;
use epaper_common::messages::{CrawlIssue, DocKind, Message};
use epaper_common::transport::Handler;

use crate::support::*;

fn refresh_to(to: &str) -> Reply {
    Reply::Html(format!(
        "<html><head><meta http-equiv=\"Refresh\" content=\"0; URL={to}\">\
         <script>var since = 1;</script></head><body>\n</body></html>"
    ))
}

/// The issue of 2024-03-04, its `/html/…` documents served as usual, with `refreshes` (path,
/// where it leads, `{origin}` standing for the server's) besides; crawled from the base URL
/// `base` (a path on the server).
async fn crawl_through(
    refreshes: &[(&str, &str)],
    base: &str,
) -> (Server, Result<(), StageError>, Recorder) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut routes = issue();
    for (path, to) in refreshes {
        let to = to
            .replace("{origin}", &format!("http://127.0.0.1:{port}"))
            .replace("{port}", &port.to_string());
        routes.insert(path.to_string(), refresh_to(&to));
    }
    let server = Server::serve(listener, routes);
    let request = Message::CrawlIssue(CrawlIssue {
        site: "sample".to_string(),
        base_url: Some(format!("{}{base}", server.base)),
        date: issue_date(),
        known: Vec::new(),
        follow: None,
    });
    let out = Recorder::default();
    let result = stage(&settings(&[])).handle(request, &out).await;
    (server, result, out)
}

const ENTRY_R: &str = "/r/html/2024-03/04/node_1.htm";
const ENTRY_S: &str = "/s/html/2024-03/04/node_1.htm";
const ENTRY_T: &str = "/t/html/2024-03/04/node_1.htm";

#[tokio::test]
async fn an_entry_that_is_only_a_meta_refresh_is_followed_to_the_issue() {
    // Three hops: by absolute path, by absolute URL, and by a relative one.
    let (server, result, out) = crawl_through(
        &[
            (ENTRY_R, ENTRY_S),
            (ENTRY_S, "{origin}/t/html/2024-03/04/node_1.htm"),
            (ENTRY_T, "../../../../html/2024-03/04/node_1.htm"),
        ],
        "/r/",
    )
    .await;
    result.expect("the crawl follows the refreshes");
    let (fetched, manifest) = split(out.take_after_start());
    let pages: Vec<String> = ["node_1.htm", "node_2.htm", "node_3.htm"]
        .iter()
        .map(|f| server.url(f))
        .collect();
    assert!(!manifest.absent);
    assert_eq!(manifest.pages, pages);
    assert_eq!(
        manifest.articles,
        article_urls(&server, &[1, 2, 3, 4, 5, 6])
    );
    assert_no_failures(&manifest);
    // As with a redirect, what is sent is the page reached, not the refreshes on the way.
    assert_eq!(fetched.len(), 9);
    assert_eq!(urls_of(&fetched, DocKind::Page), sorted(pages));
    for path in [ENTRY_R, ENTRY_S, ENTRY_T] {
        assert_eq!(server.hits(path), 1, "{path}");
    }
    assert_eq!(server.hits(&path("node_1.htm")), 1);
}

/// The reason a crawl through `refreshes` from `/r/` failed with, which must be permanent.
async fn refused(refreshes: &[(&str, &str)]) -> String {
    let (_server, result, _out) = crawl_through(refreshes, "/r/").await;
    permanent_error(result)
}

#[tokio::test]
async fn a_fourth_meta_refresh_is_not_followed() {
    let error = refused(&[
        (ENTRY_R, ENTRY_S),
        (ENTRY_S, ENTRY_T),
        (ENTRY_T, "/u/html/2024-03/04/node_1.htm"),
        (
            "/u/html/2024-03/04/node_1.htm",
            "/html/2024-03/04/node_1.htm",
        ),
    ])
    .await;
    assert!(error.contains("more than 3 meta refreshes"), "{error}");
}

#[tokio::test]
async fn a_meta_refresh_loop_is_refused() {
    let error = refused(&[(ENTRY_R, ENTRY_S), (ENTRY_S, ENTRY_R)]).await;
    assert!(error.contains("a page already reached"), "{error}");
    assert!(
        error.contains(ENTRY_R) && error.contains(ENTRY_S),
        "{error}"
    );
}

#[tokio::test]
async fn a_meta_refresh_to_another_origin_is_refused() {
    // `localhost` is another host than `127.0.0.1`, though it is the same server.
    let error = refused(&[(
        ENTRY_R,
        "http://localhost:{port}/html/2024-03/04/node_1.htm",
    )])
    .await;
    assert!(error.contains("another origin"), "{error}");
}
