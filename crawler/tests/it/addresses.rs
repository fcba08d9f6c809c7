//! Where a crawl may go: the site's own hosts and ports, for every URL and redirect hop, and
//! only the addresses its profile's policy allows (real profiles public ones, test profiles as
//! `crawler.test_sites` says), checked on the addresses connected to.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use epaper_common::messages::{CrawlIssue, DocKind, Message};
use epaper_common::sites::Profile;
use epaper_common::transport::Handler;
use epaper_crawler::address::{Lookup, LookupFuture, Purpose};

use crate::support::*;

/// A second site on another host: on Linux every 127.x address is the loopback, elsewhere
/// `localhost` names the same machine under another host name.
async fn other_host() -> (Server, String) {
    let routes: HashMap<String, Reply> = [(path("content_4.htm"), Reply::Html(article(4)))]
        .into_iter()
        .collect();
    match tokio::net::TcpListener::bind(("127.0.0.2", 0)).await {
        Ok(listener) => {
            let server = Server::serve(listener, routes);
            let target = server.url("content_4.htm");
            (server, target)
        }
        Err(_) => {
            let server = Server::start("127.0.0.1", routes).await;
            let target = format!("http://localhost:{}{DIR}content_4.htm", server.addr.port());
            (server, target)
        }
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused_and_never_followed() {
    let (other, target) = other_host().await;
    let (server, fetched, manifest) = crawl_issue_with([
        ("content_4.htm", Reply::Redirect(target.clone())),
        // A redirect within the site is followed, so the refusal above is about the host.
        ("content_5.htm", Reply::Redirect(path("content_50.htm"))),
        ("content_50.htm", Reply::Html(article(5))),
    ])
    .await;

    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    let failure = &manifest.failures[0];
    assert_eq!(failure.url, server.url("content_4.htm"));
    assert_eq!(failure.kind, DocKind::Article);
    assert!(
        failure
            .reason
            .contains("another host, not one of this site's"),
        "{}",
        failure.reason
    );
    assert_eq!(server.hits(&path("content_4.htm")), 1, "not retried");
    assert_eq!(other.total_hits(), 0, "{target} was requested");
    assert!(fetched.iter().all(|doc| !doc.url.contains("content_4")));

    let moved = server.url("content_50.htm");
    assert_eq!(body_of(&fetched, &moved), article(5).into_bytes());
    assert_eq!(
        urls_of(&fetched, DocKind::Article),
        sorted(article_urls(&server, &[1, 2, 3, 6, 50]))
    );
}

/// A real profile (public addresses only) with its base URL at `base`, as the bundled
/// 公益时报 profile is, but on an address of the test's choosing.
fn real_profile_at(base: &str, respect_robots: bool) -> Profile {
    Profile {
        id: "real-paper".into(),
        base_url: Some(base.to_string()),
        test_site: false,
        respect_robots,
        ..epaper_common::sites::get("gongyishibao").unwrap()
    }
}

/// Its issue of 2024-03-04, at the sample layout's path (the real profile is founder-classic).
fn real_request(date: NaiveDate) -> Message {
    Message::CrawlIssue(CrawlIssue {
        site: "real-paper".into(),
        base_url: None,
        date,
        known: Vec::new(),
        follow: None,
    })
}

#[tokio::test]
async fn a_site_that_does_not_allow_private_hosts_never_fetches_one() {
    // A real profile pointed at 127.0.0.1 must refuse before sending anything.
    let server = Server::start("127.0.0.1", issue()).await;
    let profile = real_profile_at(&server.base.clone(), true);
    let out = Recorder::default();
    let result = stage(&settings(&[]))
        .with_profile(profile)
        .handle(real_request(issue_date()), &out)
        .await;
    let error = permanent_error(result);
    assert!(error.contains("127.0.0.0/8 (loopback)"), "{error}");
    assert_eq!(
        server.total_hits() + server.hits(ROBOTS),
        0,
        "a request reached the host"
    );
}

/// Answers a name with one address for the fetcher's admission check and another when the
/// client connects: the DNS-rebinding shape. Only loopback is ever handed to a connection.
struct Rebinding {
    checked: std::net::IpAddr,
    connects: AtomicUsize,
}

impl Lookup for Rebinding {
    fn lookup(&self, _host: &str, purpose: Purpose) -> LookupFuture {
        let answer = match purpose {
            Purpose::Admission => self.checked,
            Purpose::Connect => {
                self.connects.fetch_add(1, Ordering::Relaxed);
                std::net::Ipv4Addr::LOCALHOST.into()
            }
        };
        Box::pin(async move { Ok(vec![answer]) })
    }
}

#[tokio::test]
async fn a_name_that_rebinds_to_loopback_is_refused_at_connect_time() {
    for respect_robots in [true, false] {
        let server = Server::start("127.0.0.1", issue()).await;
        let lookup = Arc::new(Rebinding {
            // A public address, only ever inspected, never connected to.
            checked: "93.184.216.34".parse().unwrap(),
            connects: AtomicUsize::new(0),
        });
        let base = format!("http://rebind.test:{}", server.addr.port());
        let out = Recorder::default();
        let result = stage(&settings(&[]))
            .with_profile(real_profile_at(&base, respect_robots))
            .with_lookup(lookup.clone())
            .handle(real_request(issue_date()), &out)
            .await;
        let error = permanent_error(result);
        assert!(
            error.contains("rebind.test: no address the profile may reach")
                && error.contains("127.0.0.0/8 (loopback)"),
            "{error}"
        );
        assert_eq!(server.total_hits() + server.hits(ROBOTS), 0, "connected");
        // Refused for good: one connection attempt, no retries.
        assert_eq!(
            lookup.connects.load(Ordering::Relaxed),
            1,
            "robots {respect_robots}"
        );
    }
}

/// The sample profile with more hosts it may be sent to (a test profile, like it).
fn sample_with_hosts(extra_hosts: &[String]) -> Profile {
    Profile {
        id: "sample-hosts".into(),
        extra_hosts: extra_hosts.to_vec(),
        ..epaper_common::sites::get("sample").unwrap()
    }
}

fn crawl_as(site: &str, server: &Server) -> Message {
    let Message::CrawlIssue(request) = crawl_request("sample", server, issue_date()) else {
        unreachable!()
    };
    Message::CrawlIssue(CrawlIssue {
        site: site.into(),
        ..request
    })
}

#[tokio::test]
async fn every_redirect_hop_is_checked_for_port_and_address() {
    let other = Server::start("127.0.0.1", issue()).await;
    let elsewhere = other.url("content_4.htm");
    // 192.168.7.7 is one of the site's hosts here, so only the address rule stands between the
    // redirect and a connection there; it must trip before any packet is sent.
    let private = format!("http://192.168.7.7:9{DIR}content_5.htm");
    let server = Server::start(
        "127.0.0.1",
        issue_with([
            ("content_4.htm", Reply::Redirect(elsewhere)),
            ("content_5.htm", Reply::Redirect(private)),
        ]),
    )
    .await;
    let out = Recorder::default();
    stage(&settings(&[]))
        .with_profile(sample_with_hosts(&["192.168.7.7:9".into()]))
        .handle(crawl_as("sample-hosts", &server), &out)
        .await
        .expect("the crawl succeeds");
    let (_, manifest) = split(out.take_after_start());
    let reason = |file: &str| {
        let url = server.url(file);
        manifest
            .failures
            .iter()
            .find(|f| f.url == url)
            .unwrap_or_else(|| panic!("{url} did not fail: {:?}", manifest.failures))
            .reason
            .clone()
    };
    let port = other.addr.port();
    assert!(
        reason("content_4.htm").contains(&format!("port {port} of 127.0.0.1 is not a port")),
        "{}",
        reason("content_4.htm")
    );
    assert!(
        reason("content_5.htm").contains("192.168.7.7 is not a loopback address"),
        "{}",
        reason("content_5.htm")
    );
    assert_eq!(manifest.failures.len(), 2, "{:?}", manifest.failures);
    assert_eq!(
        other.total_hits() + other.hits(ROBOTS),
        0,
        "another port was asked"
    );
    assert_eq!(server.hits(&path("content_4.htm")), 1, "not retried");
    assert_eq!(server.hits(&path("content_5.htm")), 1, "not retried");
}

#[tokio::test]
async fn a_link_to_another_port_of_the_host_is_not_fetched() {
    let other = Server::start("127.0.0.1", issue()).await;
    let elsewhere = other.url("content_6.htm");
    let node_3 = page_html(&PAGES, &[(elsewhere.as_str(), "市图书馆延长开放时间")], &[]);
    let (_server, fetched, manifest) =
        crawl_issue_with([("node_3.htm", Reply::Html(node_3))]).await;
    assert_eq!(manifest.failures.len(), 1, "{:?}", manifest.failures);
    assert_eq!(manifest.failures[0].url, elsewhere);
    assert!(
        manifest.failures[0]
            .reason
            .contains("is not a port of this site"),
        "{:?}",
        manifest.failures[0]
    );
    assert_eq!(
        other.total_hits() + other.hits(ROBOTS),
        0,
        "another port was asked"
    );
    assert!(fetched.iter().all(|doc| doc.url != elsewhere));
}

#[tokio::test]
async fn a_request_may_not_override_a_real_profiles_base_url() {
    let server = Server::start("127.0.0.1", issue()).await;
    let (result, out) = handle_request(&settings(&[]), "rmrb", &server, issue_date()).await;
    let error = permanent_error(result);
    assert!(
        error.contains("\"rmrb\" has its own base URL") && error.contains("may not override"),
        "{error}"
    );
    assert!(out.take().is_empty(), "the crawl started");
    assert_eq!(server.total_hits() + server.hits(ROBOTS), 0);
}

#[tokio::test]
async fn test_profiles_go_only_where_crawler_test_sites_allows() {
    let server = Server::start("127.0.0.1", issue()).await;
    // Off: refused outright.
    let off = settings(&[("EPAPER__CRAWLER__TEST_SITES", "off")]);
    let (result, _) = handle_request(&off, "sample", &server, issue_date()).await;
    let error = permanent_error(result);
    assert!(error.contains("sample is a test profile"), "{error}");
    assert_eq!(server.total_hits() + server.hits(ROBOTS), 0);

    // Loopback (the default): a private address is refused before any connection is tried.
    for base in [
        "http://10.1.2.3:9/",
        "http://192.168.1.1:9/",
        "http://[fd00::1]:9/",
    ] {
        let request = Message::CrawlIssue(CrawlIssue {
            site: "sample".into(),
            base_url: Some(base.into()),
            date: issue_date(),
            known: Vec::new(),
            follow: None,
        });
        let started = Instant::now();
        let out = Recorder::default();
        let error = permanent_error(stage(&settings(&[])).handle(request, &out).await);
        assert!(
            error.contains("is not a loopback address"),
            "{base}: {error}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{base}: a connection was tried"
        );
    }

    // Private: a loopback site is crawled as before.
    let private = settings(&[("EPAPER__CRAWLER__TEST_SITES", "private")]);
    let (fetched, manifest) = split(crawl(&stage(&private), &server).await);
    assert_no_failures(&manifest);
    assert_eq!(fetched.len(), 3 + 6);
}

/// A resolver that cannot answer (no name server reachable, or the name not yet published),
/// or answers with no address at all.
struct Unresolvable {
    empty: bool,
}

impl Lookup for Unresolvable {
    fn lookup(&self, host: &str, _purpose: Purpose) -> LookupFuture {
        let result = match self.empty {
            true => Ok(Vec::new()),
            false => Err(std::io::Error::other(format!(
                "failed to lookup address information: {host}"
            ))),
        };
        Box::pin(async move { result })
    }
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_retryable_not_permanent() {
    for empty in [false, true] {
        let out = Recorder::default();
        let result = stage(&settings(&[]))
            .with_profile(real_profile_at("http://paper.example.cn", true))
            .with_lookup(Arc::new(Unresolvable { empty }))
            .handle(real_request(issue_date()), &out)
            .await;
        let Err(error) = result else {
            panic!("the crawl of an unresolvable host succeeded");
        };
        assert!(error.is_retryable(), "{error}");
        let text = format!("{error:#}");
        assert!(text.contains("paper.example.cn"), "{text}");
    }
}
