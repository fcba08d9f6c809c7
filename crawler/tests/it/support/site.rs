//! The local site: a table from path to [`Reply`], served from a loopback port by a server
//! that counts and logs every request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::paper::DIR;

/// The content type of every HTML reply.
pub const HTML: &str = "text/html; charset=utf-8";

/// Where robots.txt is asked for; its requests are counted apart from the documents'.
pub const ROBOTS: &str = "/robots.txt";

#[derive(Clone)]
pub enum Reply {
    /// 200 with this HTML.
    Html(String),
    /// 200 with this plain text (robots.txt).
    Text(String),
    /// 200 with this JSON (read.do's month index).
    Json(String),
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

pub struct SiteState {
    pub routes: HashMap<String, Reply>,
    pub posts: Arc<Mutex<Vec<(String, String)>>>,
    pub hits: Arc<Mutex<HashMap<String, u32>>>,
    pub log: Arc<Mutex<Vec<(String, Instant)>>>,
    pub sent: Arc<AtomicUsize>,
}

pub struct Server {
    /// `http://HOST:PORT`, no trailing slash.
    pub base: String,
    pub addr: SocketAddr,
    /// Requests per path and query (`/html/…/content_1.htm`, `/x?div=-1`).
    pub hits: Arc<Mutex<HashMap<String, u32>>>,
    /// Every request, in arrival order.
    pub log: Arc<Mutex<Vec<(String, Instant)>>>,
    /// Bytes of [`Reply::Huge`] bodies handed to the connection.
    pub sent: Arc<AtomicUsize>,
    /// Every POST, in arrival order: (path and query, form body).
    pub posts: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    pub async fn start(host: &str, routes: HashMap<String, Reply>) -> Server {
        let listener = tokio::net::TcpListener::bind((host, 0)).await.unwrap();
        Self::serve(listener, routes)
    }

    pub fn serve(listener: tokio::net::TcpListener, routes: HashMap<String, Reply>) -> Server {
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(AtomicUsize::new(0));
        let posts = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(SiteState {
            routes,
            posts: posts.clone(),
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
            posts,
        }
    }

    /// Requests for exactly this path (and query).
    pub fn hits(&self, path_and_query: &str) -> u32 {
        self.hits
            .lock()
            .unwrap()
            .get(path_and_query)
            .copied()
            .unwrap_or(0)
    }

    /// Requests for documents; robots.txt is counted apart (see `hits("/robots.txt")`).
    pub fn total_hits(&self) -> u32 {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(path, _)| *path != ROBOTS)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn requested(&self) -> Vec<String> {
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
    pub fn times(&self, path: &str) -> Vec<Instant> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }

    pub fn url(&self, file: &str) -> String {
        format!("{}{DIR}{file}", self.base)
    }
}

pub async fn respond(
    State(state): State<Arc<SiteState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let key = uri
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string());
    if method == Method::POST {
        let form = String::from_utf8_lossy(&body).into_owned();
        state.posts.lock().unwrap().push((key.clone(), form));
    }
    let n = {
        let mut hits = state.hits.lock().unwrap();
        let n = hits.entry(key.clone()).or_insert(0);
        *n += 1;
        *n
    };
    state
        .log
        .lock()
        .unwrap()
        .push((key.clone(), Instant::now()));
    // A route for the path and query (read.do names documents by query), else for the path.
    let route = state
        .routes
        .get(&key)
        .or_else(|| state.routes.get(uri.path()));
    let Some(reply) = route.cloned() else {
        return (StatusCode::NOT_FOUND, "没有这个页面").into_response();
    };
    let html = |body: String| ([(header::CONTENT_TYPE, HTML)], body).into_response();
    match reply {
        Reply::Html(body) => html(body),
        Reply::Text(body) => ([(header::CONTENT_TYPE, "text/plain")], body).into_response(),
        Reply::Json(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
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
            cut_off(body)
        }
        Reply::Huge { head, len, tail } => huge(head, len, tail, state.sent.clone()),
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

/// A response that declares the full length of `body`, sends half of it and closes.
fn cut_off(body: String) -> Response {
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

/// [`Reply::Huge`]'s body, generated as it streams, each chunk counted in `sent` as it is
/// handed to the connection.
fn huge(head: &str, len: usize, tail: &str, sent: Arc<AtomicUsize>) -> Response {
    let line = format!("# {}\n", "x".repeat(1021)).into_bytes();
    let n_lines = len.saturating_sub(head.len() + tail.len()) / line.len();
    let chunks = std::iter::once(head.as_bytes().to_vec())
        .chain(std::iter::repeat_n(line.repeat(64), n_lines / 64))
        .chain(std::iter::once(tail.as_bytes().to_vec()));
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
