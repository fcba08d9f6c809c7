//! `epaper sample-site`: a generated e-paper served on a local port (contract 4 of the design
//! brief). It is the ground truth of every end-to-end test and benchmark: `/manifest.json` lists
//! every issue, page, scan, PDF and article it serves.
//!
//! With `--faults transient` it injects, deterministically per URL and on the first request of
//! that URL only, faults a correct crawler recovers from: 503 bursts, 429 with `Retry-After`,
//! slow responses and truncated bodies. The manifest itself is never faulted.
//!
//! `--faults permanent` serves the transient faults too, and in the first issue faults no retry
//! can cure: a page and an article that 404 forever, a redirect loop, a redirect to another host
//! (a second listener on 127.0.0.2 that counts the requests it gets, at `/offsite-requests` of
//! the main host), a body over the default `crawler.max_body_bytes`, and two articles in GBK
//! (one declaring it, one declaring nothing). The two days after the last issue are off days:
//! the first entry 404s, the second redirects to a not-found page. `/manifest.json` says all of
//! this under `permanent`, so that tests compare what was stored with what was expected.
//!
//! With `--publish-every SECS` the issues appear over time, the last one dated today
//! (`publish.rs`): until an issue is published its documents 404 and the manifest leaves it out.
//!
//! Every document carries an `ETag`; a request with a matching `If-None-Match` gets a 304 (in
//! every mode, after the transient fault of a first request), counted at
//! `/not-modified-responses`.

mod faults;
pub mod generate;
pub mod layouts;
mod publish;
pub mod render;
pub mod routing;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, Uri, header};
use epaper_common::messages::{MapSize, Region};
use serde::Serialize;

pub use generate::{Paper, Shape, paper, paper_from, paper_shaped};
pub use layouts::Layout;
pub use publish::first_date_ending_today;
use routing::{Route, Routing};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Faults {
    None,
    Transient,
    /// The transient faults and the permanent ones of the first issue, plus two off days.
    Permanent,
}

const HTML: &str = "text/html; charset=utf-8";

struct Resource {
    content_type: &'static str,
    body: Vec<u8>,
}

/// Answers no retry can change (`--faults permanent`).
enum Special {
    /// 302 to this location.
    Redirect(String),
    /// A 200 HTML body of this many bytes.
    Oversized(usize),
}

/// Bigger than the default `crawler.max_body_bytes` (16 MiB).
pub const OVERSIZED_BYTES: usize = 17 << 20;

pub struct Site {
    base_url: String,
    /// How a request names a document: by path, or (read.do) by query.
    routing: Routing,
    resources: HashMap<String, Resource>,
    faults: Faults,
    hits: Mutex<HashMap<String, u32>>,
    specials: HashMap<String, Special>,
    offsite_requests: std::sync::atomic::AtomicU32,
    not_modified: std::sync::atomic::AtomicU32,
    /// The issue that first serves each path (for `--publish-every`).
    owners: HashMap<String, usize>,
    /// Issues appearing over time, and the full manifest they are listed from.
    release: Option<(publish::Release, serde_json::Value)>,
}

/// A document the crawler can never get (`--faults permanent`).
#[derive(Serialize)]
struct ManifestFailure {
    url: String,
    /// `page` or `article`.
    kind: &'static str,
    /// `not_found`, `redirect_loop`, `offsite_redirect` or `oversized`.
    fault: &'static str,
}

#[derive(Serialize)]
struct ManifestPermanent {
    /// Dates with no issue: the entry 404s, or redirects to a not-found page.
    absent_dates: Vec<String>,
    /// Issues with a failure: the rest of their documents are served.
    partial_dates: Vec<String>,
    failures: Vec<ManifestFailure>,
    /// Articles listed only on a page that is never served: no crawler can know of them.
    unreachable_articles: Vec<String>,
    /// Articles served in GBK, with and without a declared charset.
    gbk_articles: Vec<String>,
    /// The other host an article redirects to; it must get no request.
    offsite_base_url: String,
}

#[derive(Serialize)]
struct ManifestPage {
    page_no: String,
    page_name: String,
    url: String,
    image_url: String,
    pdf_url: String,
    articles: Vec<String>,
    /// The images of this page's articles (issue 10: every medium is in the ground truth).
    images: Vec<String>,
    /// Where each article with any sits on the scan (contract 1's `ArticleRef.regions`), by
    /// article URL; absent in layouts whose sample prints no map coordinates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    regions: BTreeMap<String, Vec<Region>>,
    /// The space `regions` are in: the `width` and `height` the page prints on its scan
    /// (contract 1's `PageRecord.map_size`); absent where it prints none, and then `regions`
    /// are in the scan's own pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    map_size: Option<MapSize>,
}

#[derive(Serialize)]
struct ManifestIssue {
    date: String,
    pages: Vec<ManifestPage>,
}

#[derive(Serialize)]
struct Manifest {
    /// The system the site renders (`--layout`) and the bundled profile that crawls it.
    layout: &'static str,
    profile: &'static str,
    issues: Vec<ManifestIssue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permanent: Option<ManifestPermanent>,
}

impl Site {
    /// Renders every document of the paper up front; `base_url` ends with `/`.
    pub fn new(paper: &Paper, base_url: String, faults: Faults) -> Site {
        let offsite = "http://127.0.0.2:9/".to_string();
        Site::with_offsite(paper, base_url, faults, offsite, &layouts::Classic)
    }

    /// [`Site::new`] in `layout`; an off-site redirect (`--faults permanent`, classic layout
    /// only) goes to `offsite_base_url`.
    pub fn with_offsite(
        paper: &Paper,
        base_url: String,
        faults: Faults,
        offsite_base_url: String,
        layout: &dyn Layout,
    ) -> Site {
        let mut resources = HashMap::new();
        let mut owners = HashMap::new();
        let mut manifest = Manifest {
            layout: layout.name(),
            profile: layout.profile(),
            issues: (0..paper.issues.len())
                .map(|issue_idx| {
                    let at = layouts::At {
                        paper,
                        issue_idx,
                        page_idx: 0,
                        layout,
                    };
                    let mut own = HashMap::new();
                    let issue = render_issue(&at, &base_url, &mut own);
                    for (path, resource) in own {
                        owners.entry(path.clone()).or_insert(issue_idx);
                        resources.insert(path, resource);
                    }
                    issue
                })
                .collect(),
            permanent: None,
        };
        let mut specials = HashMap::new();
        if faults == Faults::Permanent {
            manifest.permanent = Some(faults::permanent_faults(
                paper,
                &base_url,
                &offsite_base_url,
                &mut resources,
                &mut specials,
            ));
        }
        resources.insert(
            "manifest.json".to_string(),
            Resource {
                content_type: "application/json",
                body: serde_json::to_vec_pretty(&manifest).expect("manifest serializes"),
            },
        );
        resources.insert(
            "robots.txt".to_string(),
            Resource {
                content_type: "text/plain",
                body: b"User-agent: *\nAllow: /\n".to_vec(),
            },
        );
        Site {
            base_url,
            routing: layout.routing(),
            resources,
            faults,
            hits: Mutex::new(HashMap::new()),
            specials,
            offsite_requests: Default::default(),
            not_modified: Default::default(),
            owners,
            release: None,
        }
    }

    /// Publishes the first issue now and each next one `every` later (`--publish-every`).
    pub fn publishing_every(mut self, every: std::time::Duration) -> Site {
        let full = self
            .resources
            .get("manifest.json")
            .and_then(|m| serde_json::from_slice(&m.body).ok())
            .expect("the manifest was just rendered");
        let release = publish::Release::new(every, std::mem::take(&mut self.owners));
        self.release = Some((release, full));
        self
    }

    /// Answers a request that reached the off-site listener: counted, and a 404.
    pub fn respond_offsite(&self) -> Response<Body> {
        self.offsite_requests
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("off-site"))
            .expect("valid response")
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The fault for the `n`th request of `path`, if any: only the first request of a URL is
    /// faulted, so a crawler that retries always gets through.
    fn fault_for(&self, path: &str) -> Option<u64> {
        if self.faults == Faults::None || path == "manifest.json" || path == "robots.txt" {
            return None;
        }
        let mut hits = self.hits.lock().expect("hits lock");
        let n = hits.entry(path.to_string()).or_insert(0);
        *n += 1;
        if *n > 1 {
            return None;
        }
        Some(fnv(path.as_bytes()) % 12)
    }

    /// How many requests were answered 304 Not Modified.
    pub fn not_modified(&self) -> u32 {
        self.not_modified.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The status and body of the answer to `method` on `/path` with the form `body`, for
    /// the sample site's own tests.
    #[cfg(test)]
    pub(crate) async fn ask(&self, method: Method, path: &str, body: &str) -> (u16, Vec<u8>) {
        let uri: Uri = format!("/{path}").parse().expect("a test path");
        let response = self
            .respond(
                &method,
                &uri,
                &HeaderMap::new(),
                Body::from(body.to_string()),
            )
            .await;
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a sample body");
        (status, body.to_vec())
    }

    /// Answers a request: the document its path (or, read.do, its query or form) names.
    pub async fn respond(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: Body,
    ) -> Response<Body> {
        let key = match self.routing.route(method, uri, body).await {
            Route::Key(key) => key,
            Route::NotFound => return not_found(),
            Route::TooLarge => {
                return Response::builder()
                    .status(StatusCode::PAYLOAD_TOO_LARGE)
                    .body(Body::from("form too large"))
                    .expect("valid response");
            }
        };
        let path = key.as_str();
        if let Some(response) = self.counter(path).or_else(|| self.special(path)) {
            return response;
        }
        if let Some((release, full)) = &self.release {
            if path == "manifest.json" {
                return Response::builder()
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(release.manifest(full)))
                    .expect("valid response");
            }
            if release.hides(path) {
                return not_found();
            }
        }
        match self.resources.get(path) {
            Some(resource) => self.serve(path, resource, headers).await,
            None => not_found(),
        }
    }

    /// The counters tests read: 304s answered, and requests the off-site host got.
    fn counter(&self, path: &str) -> Option<Response<Body>> {
        let n = match path {
            "not-modified-responses" => self.not_modified(),
            "offsite-requests" if self.faults == Faults::Permanent => self
                .offsite_requests
                .load(std::sync::atomic::Ordering::SeqCst),
            _ => return None,
        };
        Some(Response::new(Body::from(n.to_string())))
    }

    /// The answers no retry changes (`--faults permanent`).
    fn special(&self, path: &str) -> Option<Response<Body>> {
        let response = match self.specials.get(path)? {
            Special::Redirect(location) => Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, location.as_str())
                .body(Body::empty()),
            Special::Oversized(n) => {
                let mut body = b"<html><body>".to_vec();
                body.resize(*n, b' ');
                Response::builder()
                    .header(header::CONTENT_TYPE, HTML)
                    .body(Body::from(body))
            }
        };
        Some(response.expect("valid response"))
    }

    /// Serves `resource`, with the transient fault of a first request, or a 304 when the
    /// request's `If-None-Match` names its ETag.
    async fn serve(&self, path: &str, resource: &Resource, headers: &HeaderMap) -> Response<Body> {
        // A strong validator of the bytes, so that a re-crawl can ask conditionally.
        let etag = format!("\"{:016x}\"", fnv(&resource.body));
        let ok = |body: Vec<u8>| {
            Response::builder()
                .header(header::CONTENT_TYPE, resource.content_type)
                .header(header::ETAG, etag.as_str())
                .body(Body::from(body))
                .expect("valid response")
        };
        let unchanged = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
        match self.fault_for(path) {
            Some(0) | Some(1) => Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .body(Body::from("busy"))
                .expect("valid response"),
            Some(2) => Response::builder()
                .status(StatusCode::TOO_MANY_REQUESTS)
                .header(header::RETRY_AFTER, "1")
                .body(Body::from("slow down"))
                .expect("valid response"),
            Some(3) => {
                // Promise more bytes than are sent: the client sees a cut-off body.
                let half = resource.body[..resource.body.len() / 2].to_vec();
                let mut response = ok(half);
                response.headers_mut().insert(
                    header::CONTENT_LENGTH,
                    HeaderValue::from(resource.body.len()),
                );
                response
            }
            Some(4) => {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                ok(resource.body.clone())
            }
            _ if unchanged => {
                self.not_modified
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Response::builder()
                    .status(StatusCode::NOT_MODIFIED)
                    .header(header::ETAG, etag.as_str())
                    .body(Body::empty())
                    .expect("valid response")
            }
            _ => ok(resource.body.clone()),
        }
    }
}

/// Renders the issue `at` names into `resources` (pages, scans, PDFs, articles and their
/// images, and what else its layout serves) and returns what the manifest says of it.
fn render_issue(
    at: &layouts::At<'_>,
    base_url: &str,
    resources: &mut HashMap<String, Resource>,
) -> ManifestIssue {
    let (issue, layout) = (at.issue(), at.layout);
    let mut add = |path: String, content_type: &'static str, body: Vec<u8>| {
        resources.insert(path, Resource { content_type, body });
    };
    for extra in layout.extras(at) {
        add(extra.path, extra.content_type, extra.body);
    }
    let absolute = |path: String| format!("{base_url}{path}");
    let mut pages = Vec::new();
    for (page_idx, page) in issue.pages.iter().enumerate() {
        let at = at.at_page(page_idx);
        add(at.page_path(page), HTML, layout.page_html(&at).into_bytes());
        let seed = (at.issue_idx * 100 + page_idx + 1) as u64;
        let (width, height) = layout.scan_size(page);
        add(
            layout.scan_path(issue, page),
            "image/png",
            render::scan_png(seed, width, height),
        );
        let label = format!("{} {}", issue.date, page.page_no);
        add(
            layout.pdf_path(issue, page),
            "application/pdf",
            render::pdf(&label),
        );
        for article in &page.articles {
            let article_html = layout.article_html(&at, article).into_bytes();
            add(at.article_path(article), HTML, article_html);
            for (k, image) in article.images.iter().enumerate() {
                let seed = article.id as u64 * 10 + k as u64;
                add(image.file.clone(), "image/png", render::png(seed));
            }
        }
        pages.push(ManifestPage {
            page_no: page.page_no.clone(),
            page_name: page.page_name.clone(),
            url: absolute(at.page_path(page)),
            image_url: absolute(layout.scan_path(issue, page)),
            pdf_url: absolute(layout.pdf_path(issue, page)),
            articles: page
                .articles
                .iter()
                .map(|a| absolute(at.article_path(a)))
                .collect(),
            images: page
                .articles
                .iter()
                .flat_map(|a| a.images.iter())
                .map(|image| absolute(image.file.clone()))
                .collect(),
            regions: page
                .articles
                .iter()
                .enumerate()
                .map(|(k, a)| (absolute(at.article_path(a)), layout.article_regions(k)))
                .filter(|(_, regions)| !regions.is_empty())
                .collect(),
            map_size: layout
                .displayed_size(page)
                .and_then(|(width, height)| MapSize::new(width, height)),
        });
    }
    ManifestIssue {
        date: issue.date.to_string(),
        pages,
    }
}

/// A page the site does not have (or has not published yet).
fn not_found() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CONTENT_TYPE, HTML)
        .body(Body::from("<html><body>404 没有找到该页面</body></html>"))
        .expect("valid response")
}

/// FNV-1a: the per-URL fault draw and the ETags.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(1469598103934665603u64, |h, b| {
        (h ^ *b as u64).wrapping_mul(1099511628211)
    })
}

/// Binds `addr` (port 0 picks a free one) and returns the bound address with the server future.
pub async fn bind(
    addr: SocketAddr,
    n_issues: usize,
    faults: Faults,
) -> std::io::Result<(
    String,
    impl std::future::Future<Output = std::io::Result<()>>,
)> {
    bind_shaped(addr, n_issues, Shape::default(), faults, &layouts::Classic).await
}

/// [`bind`] with issues of another [`Shape`] (benchmarks), in `layout`.
pub async fn bind_shaped(
    addr: SocketAddr,
    n_issues: usize,
    shape: Shape,
    faults: Faults,
    layout: &'static dyn Layout,
) -> std::io::Result<(
    String,
    impl std::future::Future<Output = std::io::Result<()>>,
)> {
    bind_released(addr, n_issues, shape, faults, layout, None).await
}

/// [`bind_shaped`], with the issues published one `publish_every` after another, the last
/// dated today (`publish.rs`), when it is given.
pub async fn bind_released(
    addr: SocketAddr,
    n_issues: usize,
    shape: Shape,
    faults: Faults,
    layout: &'static dyn Layout,
    publish_every: Option<Duration>,
) -> std::io::Result<(
    String,
    impl std::future::Future<Output = std::io::Result<()>>,
)> {
    if faults == Faults::Permanent && publish_every.is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "--faults permanent and --publish-every do not go together",
        ));
    }
    if faults == Faults::Permanent && layout.name() != layouts::Classic.name() {
        // The permanent faults break the classic layout's documents by their paths.
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "--faults permanent is served in the {} layout only, not {}",
                layouts::Classic.name(),
                layout.name()
            ),
        ));
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let base_url = format!("http://{local}/");
    // The other host of the off-site redirect: another loopback address, never in a profile.
    let offsite = if faults == Faults::Permanent {
        let at = SocketAddr::from(([127, 0, 0, 2], 0));
        Some(tokio::net::TcpListener::bind(at).await?)
    } else {
        None
    };
    let offsite_base_url = match &offsite {
        Some(listener) => format!("http://{}/", listener.local_addr()?),
        None => "http://127.0.0.2:9/".to_string(),
    };
    let paper = match publish_every {
        Some(_) => paper_from(
            first_date_ending_today(n_issues, shape.every_days),
            n_issues,
            shape,
        ),
        None => paper_shaped(n_issues, shape),
    };
    let site = Site::with_offsite(&paper, base_url.clone(), faults, offsite_base_url, layout);
    let site = Arc::new(match publish_every {
        Some(every) => site.publishing_every(every),
        None => site,
    });
    let offsite_app = {
        let site = site.clone();
        axum::Router::new().fallback(move || {
            let site = site.clone();
            async move { site.respond_offsite() }
        })
    };
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Body| {
            let site = site.clone();
            async move { site.respond(&method, &uri, &headers, body).await }
        },
    );
    Ok((base_url, async move {
        use std::future::IntoFuture;
        match offsite {
            Some(offsite) => {
                tokio::try_join!(
                    axum::serve(listener, app).into_future(),
                    axum::serve(offsite, offsite_app).into_future()
                )?;
                Ok(())
            }
            None => axum::serve(listener, app).await,
        }
    }))
}
