//! The crawl stage end to end, against a small classic-Founder e-paper served from 127.0.0.1.
//!
//! Every test builds its own site: a table from path to [`Reply`], so one article can misbehave
//! (fail, redirect, overflow, break off) while the rest of the issue is served normally. The
//! server counts requests per path and query, which is how the tests see what the crawler asked
//! for, and how often.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use epaper_common::config::Settings;
use epaper_common::error::StageError;
use epaper_common::messages::{
    CrawlIssue, Direction, DocKind, FetchedDocument, FetchedMedia, Follow, IssueManifest, Message,
    Validator,
};
use epaper_common::sites::Profile;
use epaper_common::transport::{Handler, Outbox};
use epaper_crawler::CrawlStage;
use epaper_crawler::address::{AddressPolicy, Lookup, LookupFuture, Purpose};
use epaper_crawler::fetch::{FetchError, Fetcher, Origins, Reach};

const DIR: &str = "/html/2024-03/04/";
const HTML: &str = "text/html; charset=utf-8";

fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The recording outbox

/// Keeps what the stage sends, in order.
#[derive(Default)]
struct Recorder {
    messages: Mutex<Vec<Message>>,
}

impl Outbox for Recorder {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        self.messages.lock().unwrap().push(message);
        Ok(())
    }
}

impl Recorder {
    fn take(&self) -> Vec<Message> {
        std::mem::take(&mut *self.messages.lock().unwrap())
    }

    /// What came after the crawl-started notice, which must come first, before any fetch
    /// result, so that the issue shows as `crawling` while it is read.
    fn take_after_start(&self) -> Vec<Message> {
        let mut messages = self.take();
        assert!(
            matches!(messages.first(), Some(Message::CrawlStarted(_))),
            "the first message announces the crawl: {messages:?}"
        );
        messages.remove(0);
        messages
    }
}

// ---------------------------------------------------------------------------------------------
// The local site

#[derive(Clone)]
enum Reply {
    /// 200 with this HTML.
    Html(String),
    /// 200 with this plain text (robots.txt).
    Text(String),
    /// 200 with this HTML, after a pause.
    Slow(Duration, String),
    /// Always this status, with a short body.
    Status(u16),
    /// The first request gets `status` (and `Retry-After` if given); every later one the HTML.
    FailOnce {
        status: u16,
        retry_after: Option<&'static str>,
        html: String,
    },
    /// 302 to this location.
    Redirect(String),
    /// The first `times` requests declare the full Content-Length, send half the bytes and close
    /// the connection; later ones get the whole document.
    Truncated { times: u32, html: String },
    /// 200, streamed in these chunks without a Content-Length.
    Chunked(Vec<Vec<u8>>),
    /// 200 with this ETag and HTML; 304 to a request whose If-None-Match names the ETag.
    Tagged { etag: &'static str, html: String },
    /// 200 text: `head`, then comment lines up to `len` bytes, then `tail`, generated as it is
    /// sent (counted in `Server::sent`), never held.
    Huge {
        head: &'static str,
        len: usize,
        tail: &'static str,
    },
}

struct SiteState {
    routes: HashMap<String, Reply>,
    hits: Arc<Mutex<HashMap<String, u32>>>,
    log: Arc<Mutex<Vec<(String, Instant)>>>,
    sent: Arc<AtomicUsize>,
}

struct Server {
    /// `http://HOST:PORT`, no trailing slash.
    base: String,
    addr: SocketAddr,
    /// Requests per path and query (`/html/…/content_1.htm`, `/x?div=-1`).
    hits: Arc<Mutex<HashMap<String, u32>>>,
    /// Every request, in arrival order.
    log: Arc<Mutex<Vec<(String, Instant)>>>,
    /// Bytes of [`Reply::Huge`] bodies handed to the connection.
    sent: Arc<AtomicUsize>,
}

impl Server {
    async fn start(host: &str, routes: HashMap<String, Reply>) -> Server {
        let listener = tokio::net::TcpListener::bind((host, 0)).await.unwrap();
        Self::serve(listener, routes)
    }

    fn serve(listener: tokio::net::TcpListener, routes: HashMap<String, Reply>) -> Server {
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(AtomicUsize::new(0));
        let state = Arc::new(SiteState {
            routes,
            hits: hits.clone(),
            log: log.clone(),
            sent: sent.clone(),
        });
        let app = Router::new().fallback(respond).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server {
            base: format!("http://{addr}"),
            addr,
            hits,
            log,
            sent,
        }
    }

    /// Requests for exactly this path (and query).
    fn hits(&self, path_and_query: &str) -> u32 {
        self.hits
            .lock()
            .unwrap()
            .get(path_and_query)
            .copied()
            .unwrap_or(0)
    }

    /// Requests for documents; robots.txt is counted apart (see `hits("/robots.txt")`).
    fn total_hits(&self) -> u32 {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(path, _)| *path != ROBOTS)
            .map(|(_, n)| n)
            .sum()
    }

    fn requested(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .hits
            .lock()
            .unwrap()
            .keys()
            .filter(|path| *path != ROBOTS)
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    /// When each request for `path` arrived.
    fn times(&self, path: &str) -> Vec<Instant> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }

    fn url(&self, file: &str) -> String {
        format!("{}{DIR}{file}", self.base)
    }
}

async fn respond(State(state): State<Arc<SiteState>>, uri: Uri, headers: HeaderMap) -> Response {
    let key = uri
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string());
    let n = {
        let mut hits = state.hits.lock().unwrap();
        let n = hits.entry(key.clone()).or_insert(0);
        *n += 1;
        *n
    };
    state.log.lock().unwrap().push((key, Instant::now()));
    let Some(reply) = state.routes.get(uri.path()).cloned() else {
        return (StatusCode::NOT_FOUND, "没有这个页面").into_response();
    };
    let html = |body: String| ([(header::CONTENT_TYPE, HTML)], body).into_response();
    match reply {
        Reply::Html(body) => html(body),
        Reply::Text(body) => ([(header::CONTENT_TYPE, "text/plain")], body).into_response(),
        Reply::Slow(pause, body) => {
            tokio::time::sleep(pause).await;
            html(body)
        }
        Reply::Status(code) => (StatusCode::from_u16(code).unwrap(), "出错了").into_response(),
        Reply::FailOnce {
            status,
            retry_after,
            html: body,
        } => {
            if n > 1 {
                return html(body);
            }
            let mut response =
                (StatusCode::from_u16(status).unwrap(), "请稍后再试").into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.parse().unwrap());
            }
            response
        }
        Reply::Redirect(location) => {
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        Reply::Tagged { etag, html: body } => {
            let asked = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok());
            if asked == Some(etag) {
                return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
            }
            ([(header::CONTENT_TYPE, HTML), (header::ETAG, etag)], body).into_response()
        }
        Reply::Truncated { times, html: body } => {
            if n > times {
                return html(body);
            }
            let full = body.into_bytes();
            let half = full[..full.len() / 2].to_vec();
            // Half the bytes, a pause so that hyper flushes them, then the end of a body that
            // promised more: hyper gives up on the response and closes the connection.
            let stream = futures_util::stream::unfold(Some(half), |chunk| async move {
                match chunk {
                    Some(bytes) => Some((Ok::<_, std::io::Error>(bytes), None)),
                    None => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        None
                    }
                }
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, HTML)
                .header(header::CONTENT_LENGTH, full.len())
                .body(Body::from_stream(stream))
                .unwrap()
        }
        Reply::Huge { head, len, tail } => {
            let line = format!("# {}\n", "x".repeat(1021)).into_bytes();
            let n_lines = len.saturating_sub(head.len() + tail.len()) / line.len();
            let chunks = std::iter::once(head.as_bytes().to_vec())
                .chain(std::iter::repeat_n(line.repeat(64), n_lines / 64))
                .chain(std::iter::once(tail.as_bytes().to_vec()));
            let sent = state.sent.clone();
            let stream = futures_util::stream::iter(chunks.map(move |chunk| {
                sent.fetch_add(chunk.len(), Ordering::Relaxed);
                Ok::<_, std::io::Error>(chunk)
            }));
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from_stream(stream))
                .unwrap()
        }
        Reply::Chunked(chunks) => {
            let stream =
                futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, HTML)
                .body(Body::from_stream(stream))
                .unwrap()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The paper

/// The page list every page carries.
const PAGES: [(u32, &str); 3] = [(1, "要闻"), (2, "经济"), (3, "文化")];

const ARTICLES: [(u32, &str, [&str; 2]); 6] = [
    (
        1,
        "春耕备耕有序展开",
        [
            "连日来，各地农民抢抓农时，田间地头一派繁忙景象。",
            "农技人员深入村组，指导选种育秧。",
        ],
    ),
    (
        2,
        "老城区更新项目开工",
        [
            "首批十二个老旧小区改造项目昨日同时开工。",
            "改造内容包括管网更新、加装电梯和增设停车位。",
        ],
    ),
    (
        3,
        "图片新闻：江边晨练",
        ["清晨，市民在江边步道锻炼身体。", "本报记者摄。"],
    ),
    (
        4,
        "小微企业贷款稳步增长",
        [
            "一季度全市小微企业贷款余额同比增长百分之十一。",
            "多家银行推出免抵押信用贷款产品。",
        ],
    ),
    (
        5,
        "港口吞吐量再创新高",
        [
            "今年前两个月，港口货物吞吐量同比增长百分之八。",
            "集装箱航线新增三条。",
        ],
    ),
    (
        6,
        "市图书馆延长开放时间",
        [
            "自本月起，市图书馆每天开放至晚上九点。",
            "读者可在线预约自习座位。",
        ],
    ),
];

/// A classic Founder page: the page list, the image map, then the title list.
fn page_html(pages: &[(u32, &str)], titles: &[(&str, &str)], areas: &[&str]) -> String {
    let mut html = String::from(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\
         <title>测试日报</title></head><body>\n<table id=pagelist>",
    );
    for (n, name) in pages {
        let _ = write!(
            html,
            "<tr><td><a id=pageLink href=node_{n}.htm>第{n:02}版：{name}</a></td></tr>"
        );
    }
    html.push_str("</table>\n<img src=page.jpg usemap=#PagePicMap><map name=PagePicMap>");
    for (i, href) in areas.iter().enumerate() {
        let top = i * 100;
        let _ = write!(
            html,
            "<area shape=rect coords=0,{top},300,{} href={href}>",
            top + 90
        );
    }
    html.push_str("</map>\n<table id=titles>");
    for (href, title) in titles {
        let _ = write!(html, "<tr><td><a href={href}>{title}</a></td></tr>");
    }
    html.push_str("</table>\n</body></html>\n");
    html
}

fn article_html(title: &str, paragraphs: &[&str]) -> String {
    let mut html = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\
         <title>{title}</title></head><body>\n<table><tr><td class=\"font01\">{title}</td></tr>\
         </table>\n<!--enpcontent-->"
    );
    for p in paragraphs {
        let _ = write!(html, "<p>{p}</p>");
    }
    html.push_str("<!--/enpcontent-->\n</body></html>\n");
    html
}

fn article(n: u32) -> String {
    let (_, title, paragraphs) = ARTICLES.iter().find(|(k, _, _)| *k == n).unwrap();
    article_html(title, paragraphs)
}

fn path(file: &str) -> String {
    format!("{DIR}{file}")
}

/// The whole issue: three pages, six articles. Article 3 is linked only from the image map,
/// article 1 also from page 2 (a continuation), and every map area carries a `?div=` query.
/// Page 2 answers slowly, so that pages finish out of order.
fn issue() -> HashMap<String, Reply> {
    let node_1 = page_html(
        &PAGES,
        &[
            ("content_1.htm", "春耕备耕有序展开"),
            ("content_2.htm", "老城区更新项目开工"),
        ],
        &[
            "content_1.htm?div=-1",
            "content_2.htm?div=-1",
            "content_3.htm?div=-1",
        ],
    );
    let node_2 = page_html(
        &PAGES,
        &[
            ("content_4.htm", "小微企业贷款稳步增长"),
            ("content_5.htm", "港口吞吐量再创新高"),
            ("content_1.htm", "（上接第一版）春耕备耕有序展开"),
        ],
        &["content_4.htm?div=-1", "content_5.htm?div=0"],
    );
    let node_3 = page_html(
        &PAGES,
        &[("content_6.htm", "市图书馆延长开放时间")],
        &["content_6.htm?div=-1", "content_6.htm?div=1"],
    );
    let mut routes = HashMap::new();
    routes.insert(path("node_1.htm"), Reply::Html(node_1));
    routes.insert(
        path("node_2.htm"),
        Reply::Slow(Duration::from_millis(300), node_2),
    );
    routes.insert(path("node_3.htm"), Reply::Html(node_3));
    for (n, _, _) in ARTICLES {
        routes.insert(path(&format!("content_{n}.htm")), Reply::Html(article(n)));
    }
    routes
}

/// The issue with some documents replaced.
const ROBOTS: &str = "/robots.txt";

fn issue_with(changes: impl IntoIterator<Item = (&'static str, Reply)>) -> HashMap<String, Reply> {
    let mut routes = issue();
    for (file, reply) in changes {
        routes.insert(path(file), reply);
    }
    routes
}

// ---------------------------------------------------------------------------------------------
// Running the stage

fn settings(env: &[(&str, &str)]) -> Settings {
    Settings::load_with_env(
        None,
        env.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

fn stage(settings: &Settings) -> CrawlStage {
    CrawlStage::new(settings.crawler.clone()).with_base_backoff(Duration::from_millis(10))
}

fn crawl_request(site: &str, server: &Server, date: NaiveDate) -> Message {
    Message::CrawlIssue(CrawlIssue {
        site: site.to_string(),
        base_url: Some(format!("{}/", server.base)),
        date,
        known: Vec::new(),
        follow: None,
    })
}

/// Crawls the sample site's issue of 2024-03-04 and returns what the stage sent.
async fn crawl(stage: &CrawlStage, server: &Server) -> Vec<Message> {
    let out = Recorder::default();
    stage
        .handle(crawl_request("sample", server, issue_date()), &out)
        .await
        .expect("the crawl succeeds");
    out.take_after_start()
}

/// Splits the output into the fetched documents and the manifest, checking that exactly one
/// manifest was sent and that it came last.
fn split(messages: Vec<Message>) -> (Vec<FetchedDocument>, IssueManifest) {
    let mut fetched = Vec::new();
    let mut manifests = Vec::new();
    let n = messages.len();
    for (i, message) in messages.into_iter().enumerate() {
        match message {
            Message::Fetched(doc) => fetched.push(doc),
            Message::Manifest(manifest) => {
                assert_eq!(i, n - 1, "the manifest is the last message");
                manifests.push(manifest);
            }
            other => panic!("unexpected message {}", other.describe()),
        }
    }
    assert_eq!(manifests.len(), 1, "exactly one manifest");
    (fetched, manifests.pop().unwrap())
}

fn urls_of(fetched: &[FetchedDocument], kind: DocKind) -> Vec<String> {
    let mut urls: Vec<String> = fetched
        .iter()
        .filter(|doc| doc.kind == kind)
        .map(|doc| doc.url.clone())
        .collect();
    urls.sort();
    urls
}

fn body_of(fetched: &[FetchedDocument], url: &str) -> Vec<u8> {
    let doc = fetched
        .iter()
        .find(|doc| doc.url == url)
        .unwrap_or_else(|| panic!("{url} was not fetched"));
    doc.body.decompress(1 << 20).unwrap()
}

fn article_urls(server: &Server, numbers: &[u32]) -> Vec<String> {
    numbers
        .iter()
        .map(|n| server.url(&format!("content_{n}.htm")))
        .collect()
}

fn sorted(mut urls: Vec<String>) -> Vec<String> {
    urls.sort();
    urls
}

// ---------------------------------------------------------------------------------------------
// Tests

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
    assert!(
        manifest.failures.is_empty(),
        "failures: {:?}",
        manifest.failures
    );

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
    let settings = settings(&[]);
    let out = Recorder::default();
    let next_day = issue_date().succ_opt().unwrap();
    let result = stage(&settings)
        .handle(crawl_request("sample", &server, next_day), &out)
        .await;
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
    let settings = settings(&[]);
    let out = Recorder::default();
    let next_day = issue_date().succ_opt().unwrap();
    stage(&settings)
        .handle(crawl_request("sample", &server, next_day), &out)
        .await
        .expect("an off day is not an error");
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
async fn transient_faults_are_retried_and_retry_after_is_honoured() {
    let server = Server::start(
        "127.0.0.1",
        issue_with([
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
        ]),
    )
    .await;
    let settings = settings(&[]);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

    assert!(
        manifest.failures.is_empty(),
        "failures: {:?}",
        manifest.failures
    );
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
    let server = Server::start(
        "127.0.0.1",
        issue_with([("content_5.htm", Reply::Status(500))]),
    )
    .await;
    let settings = settings(&[]);
    let max_attempts = settings.crawler.max_attempts;
    assert!(max_attempts > 1, "the default allows retries");
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

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
    let server = Server::start(
        "127.0.0.1",
        issue_with([("content_2.htm", Reply::Status(403))]),
    )
    .await;
    let settings = settings(&[]);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

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
    let server = Server::start(
        "127.0.0.1",
        issue_with([
            ("content_4.htm", Reply::Redirect(target.clone())),
            // A redirect within the site is followed, so the refusal above is about the host.
            ("content_5.htm", Reply::Redirect(path("content_50.htm"))),
            ("content_50.htm", Reply::Html(article(5))),
        ]),
    )
    .await;
    let settings = settings(&[]);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

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
    let server = Server::start(
        "127.0.0.1",
        issue_with([
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
        ]),
    )
    .await;
    let settings = settings(&[]);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

    assert!(
        manifest.failures.is_empty(),
        "failures: {:?}",
        manifest.failures
    );
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
async fn an_unknown_site_is_a_permanent_error() {
    let server = Server::start("127.0.0.1", issue()).await;
    let settings = settings(&[]);
    let out = Recorder::default();
    let result = stage(&settings)
        .handle(crawl_request("no-such-paper", &server, issue_date()), &out)
        .await;
    assert!(
        matches!(result, Err(StageError::Permanent(_))),
        "{result:?}"
    );
    assert!(out.take().is_empty());
    assert_eq!(server.total_hits(), 0);
}

#[tokio::test]
async fn a_page_that_fails_is_listed_and_named_in_the_failures() {
    let server = Server::start(
        "127.0.0.1",
        issue_with([("node_2.htm", Reply::Status(500))]),
    )
    .await;
    let settings = settings(&[]);
    let (fetched, manifest) = split(crawl(&stage(&settings), &server).await);

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
        settings.crawler.max_attempts
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
    let out = Recorder::default();
    let result = stage(&settings)
        .handle(crawl_request("sample", &server, issue_date()), &out)
        .await;
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

fn permanent_error(result: Result<(), StageError>) -> String {
    match result {
        Err(StageError::Permanent(error)) => format!("{error:#}"),
        other => panic!("expected a permanent error, got {other:?}"),
    }
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
    let server = Server::start(
        "127.0.0.1",
        issue_with([("node_3.htm", Reply::Html(node_3))]),
    )
    .await;
    let (fetched, manifest) = split(crawl(&stage(&settings(&[])), &server).await);
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

#[tokio::test]
async fn a_request_may_not_override_a_real_profiles_base_url() {
    let server = Server::start("127.0.0.1", issue()).await;
    let out = Recorder::default();
    let result = stage(&settings(&[]))
        .handle(crawl_request("rmrb", &server, issue_date()), &out)
        .await;
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
    let out = Recorder::default();
    let error = permanent_error(
        stage(&off)
            .handle(crawl_request("sample", &server, issue_date()), &out)
            .await,
    );
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
    assert!(manifest.failures.is_empty(), "{:?}", manifest.failures);
    assert_eq!(fetched.len(), 3 + 6);
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
    let out = Recorder::default();
    let error = permanent_error(
        stage(&tight)
            .handle(crawl_request("sample", &server, issue_date()), &out)
            .await,
    );
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
    assert!(manifest.failures.is_empty(), "{:?}", manifest.failures);
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].fetched.kind, DocKind::Scan);
    assert_eq!(
        media[0].fetched.body.decompress(1 << 20).unwrap(),
        jpeg(200)
    );
}

// ---------------------------------------------------------------------------------------------
// Following 上一期 / 下一期

/// The issue with static issue links on its first page, as classic papers print them.
fn issue_linked(prev: Option<&str>, next: Option<&str>) -> HashMap<String, Reply> {
    let mut routes = issue();
    let Some(Reply::Html(node_1)) = routes.get(&path("node_1.htm")).cloned() else {
        unreachable!("the first page is plain HTML")
    };
    let mut links = String::from("<table class=rq><tr>");
    if let Some(prev) = prev {
        let _ = write!(links, "<td><a class=preart href={prev}>上一期</a></td>");
    }
    if let Some(next) = next {
        let _ = write!(links, "<td><a class=preart href={next}>下一期</a></td>");
    }
    links.push_str("</tr></table>\n</body>");
    routes.insert(
        path("node_1.htm"),
        Reply::Html(node_1.replace("</body>", &links)),
    );
    routes
}

fn following(server: &Server, date: NaiveDate, direction: Direction, until: NaiveDate) -> Message {
    let Message::CrawlIssue(mut request) = crawl_request("sample", server, date) else {
        unreachable!()
    };
    request.follow = Some(Follow { direction, until });
    Message::CrawlIssue(request)
}

/// Crawls with `request` and returns the crawl request sent after the manifest, if any.
async fn follow_up(request: Message) -> Option<CrawlIssue> {
    let settings = settings(&[]);
    let out = Recorder::default();
    stage(&settings).handle(request, &out).await.unwrap();
    let mut messages = out.take_after_start();
    let last = messages.pop()?;
    match last {
        Message::CrawlIssue(next) => {
            assert!(
                matches!(messages.last(), Some(Message::Manifest(_))),
                "the next issue is asked for only after the manifest"
            );
            Some(next)
        }
        Message::Manifest(_) => None,
        other => panic!("unexpected last message {}", other.describe()),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn following_links_asks_for_the_linked_issue_within_bounds() {
    let server = Server::start(
        "127.0.0.1",
        issue_linked(
            Some("../../2024-02/28/node_1.htm"),
            Some("../../2024-03/06/node_1.htm"),
        ),
    )
    .await;

    let back = Follow {
        direction: Direction::Prev,
        until: day(2024, 2, 1),
    };
    let next = follow_up(following(&server, issue_date(), back.direction, back.until))
        .await
        .expect("the previous issue is asked for");
    assert_eq!(next.date, day(2024, 2, 28), "the linked date, days skipped");
    assert_eq!(
        next.follow,
        Some(back),
        "the chain goes on with the same bound"
    );
    assert_eq!(next.base_url, Some(format!("{}/", server.base)));
    // The link is only read: the linked issue is fetched when its own request is handled.
    assert_eq!(server.hits("/html/2024-02/28/node_1.htm"), 0);

    let forward = follow_up(following(
        &server,
        issue_date(),
        Direction::Next,
        day(2024, 3, 31),
    ))
    .await
    .expect("the next issue is asked for");
    assert_eq!(forward.date, day(2024, 3, 6));

    // A linked date beyond the bound ends the chain, in either direction.
    assert_eq!(
        follow_up(following(
            &server,
            issue_date(),
            Direction::Prev,
            day(2024, 3, 1)
        ))
        .await,
        None
    );
    assert_eq!(
        follow_up(following(
            &server,
            issue_date(),
            Direction::Next,
            day(2024, 3, 5)
        ))
        .await,
        None
    );
    // Without `follow`, nothing but the issue itself.
    assert_eq!(
        follow_up(crawl_request("sample", &server, issue_date())).await,
        None
    );
}

#[tokio::test]
async fn links_that_go_the_wrong_way_or_name_no_date_end_the_chain() {
    // 上一期 pointing forward (a site with circular links) and 下一期 to a page without a date.
    let server = Server::start(
        "127.0.0.1",
        issue_linked(
            Some("../../2024-03/09/node_1.htm"),
            Some("../../../index.htm"),
        ),
    )
    .await;
    let until_far = |direction| match direction {
        Direction::Prev => day(2020, 1, 1),
        Direction::Next => day(2030, 1, 1),
    };
    for direction in [Direction::Prev, Direction::Next] {
        let request = following(&server, issue_date(), direction, until_far(direction));
        assert_eq!(follow_up(request).await, None, "{direction:?}");
    }
    // An issue without links at all (the newest, say) ends the chain too.
    let plain = Server::start("127.0.0.1", issue()).await;
    let request = following(&plain, issue_date(), Direction::Next, day(2030, 1, 1));
    assert_eq!(follow_up(request).await, None);
}

#[tokio::test]
async fn a_date_without_an_issue_steps_one_day_when_following_links() {
    let server = Server::start("127.0.0.1", issue()).await;
    // 2024-03-05 has no issue (404): the chain steps to the next day, then stops at its bound.
    let absent = day(2024, 3, 5);
    let next = follow_up(following(&server, absent, Direction::Next, day(2024, 3, 7)))
        .await
        .expect("the next day is asked for");
    assert_eq!(
        (next.date, next.follow.unwrap().until),
        (day(2024, 3, 6), day(2024, 3, 7))
    );
    assert_eq!(
        follow_up(following(&server, absent, Direction::Next, absent)).await,
        None
    );
    let back = follow_up(following(&server, absent, Direction::Prev, day(2024, 3, 1)))
        .await
        .expect("the day before is asked for");
    assert_eq!(back.date, issue_date());
}
