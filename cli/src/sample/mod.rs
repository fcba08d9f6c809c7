//! `epaper sample-site`: a generated e-paper served on a local port (contract 4 of the design
//! brief). It is the ground truth of every end-to-end test and benchmark: `/manifest.json` lists
//! every issue, page, scan, PDF and article it serves.
//!
//! With `--faults transient` it injects, deterministically per URL and on the first request of
//! that URL only, faults a correct crawler recovers from: 503 bursts, 429 with `Retry-After`,
//! slow responses and truncated bodies. The manifest itself is never faulted.

pub mod generate;
pub mod render;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, Uri, header};
use serde::Serialize;

pub use generate::{Paper, paper};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Faults {
    None,
    Transient,
}

struct Resource {
    content_type: &'static str,
    body: Vec<u8>,
}

pub struct Site {
    base_url: String,
    resources: HashMap<String, Resource>,
    faults: Faults,
    hits: Mutex<HashMap<String, u32>>,
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
}

#[derive(Serialize)]
struct ManifestIssue {
    date: String,
    pages: Vec<ManifestPage>,
}

#[derive(Serialize)]
struct Manifest {
    issues: Vec<ManifestIssue>,
}

impl Site {
    /// Renders every document of the paper up front; `base_url` ends with `/`.
    pub fn new(paper: &Paper, base_url: String, faults: Faults) -> Site {
        let mut resources = HashMap::new();
        let html = "text/html; charset=utf-8";
        let mut manifest = Manifest { issues: Vec::new() };
        for (issue_idx, issue) in paper.issues.iter().enumerate() {
            let mut pages = Vec::new();
            for (page_idx, page) in issue.pages.iter().enumerate() {
                resources.insert(
                    issue.page_url(page),
                    Resource {
                        content_type: html,
                        body: render::page_html(paper, issue_idx, page_idx).into_bytes(),
                    },
                );
                let seed = (issue_idx * 100 + page_idx + 1) as u64;
                resources.insert(
                    issue.scan_url(page),
                    Resource {
                        content_type: "image/png",
                        body: render::png(seed),
                    },
                );
                resources.insert(
                    issue.pdf_url(page),
                    Resource {
                        content_type: "application/pdf",
                        body: render::pdf(&format!("{} {}", issue.date, page.page_no)),
                    },
                );
                for article in &page.articles {
                    resources.insert(
                        issue.article_url(article),
                        Resource {
                            content_type: html,
                            body: render::article_html(issue, page, article).into_bytes(),
                        },
                    );
                    for (k, image) in article.images.iter().enumerate() {
                        resources.insert(
                            image.file.clone(),
                            Resource {
                                content_type: "image/png",
                                body: render::png(article.id as u64 * 10 + k as u64),
                            },
                        );
                    }
                }
                pages.push(ManifestPage {
                    page_no: page.page_no.clone(),
                    page_name: page.page_name.clone(),
                    url: format!("{base_url}{}", issue.page_url(page)),
                    image_url: format!("{base_url}{}", issue.scan_url(page)),
                    pdf_url: format!("{base_url}{}", issue.pdf_url(page)),
                    articles: page
                        .articles
                        .iter()
                        .map(|a| format!("{base_url}{}", issue.article_url(a)))
                        .collect(),
                    images: page
                        .articles
                        .iter()
                        .flat_map(|a| a.images.iter())
                        .map(|image| format!("{base_url}{}", image.file))
                        .collect(),
                });
            }
            manifest.issues.push(ManifestIssue {
                date: issue.date.to_string(),
                pages,
            });
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
            resources,
            faults,
            hits: Mutex::new(HashMap::new()),
        }
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
        let h = path.bytes().fold(1469598103934665603u64, |h, b| {
            (h ^ b as u64).wrapping_mul(1099511628211)
        });
        Some(h % 12)
    }

    pub async fn respond(&self, uri: &Uri) -> Response<Body> {
        let path = uri.path().trim_start_matches('/').to_string();
        let Some(resource) = self.resources.get(&path) else {
            return Response::builder()
                .status(StatusCode::NOT_FOUND)
                .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
                .body(Body::from("<html><body>404 没有找到该页面</body></html>"))
                .expect("valid response");
        };
        let ok = |body: Vec<u8>| {
            Response::builder()
                .header(header::CONTENT_TYPE, resource.content_type)
                .body(Body::from(body))
                .expect("valid response")
        };
        match self.fault_for(&path) {
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
            _ => ok(resource.body.clone()),
        }
    }
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
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let base_url = format!("http://{local}/");
    let site = Arc::new(Site::new(&paper(n_issues), base_url.clone(), faults));
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let site = site.clone();
        async move { site.respond(&uri).await }
    });
    Ok((base_url, async move { axum::serve(listener, app).await }))
}
