//! One polite HTTP fetch with retries: the only place the crawler touches the network.
//!
//! What must stay true: a response body is never larger than the configured cap; every URL
//! fetched, and every redirect hop, is on an origin (host and port) of the site and on an
//! address its profile may reach (`address.rs`: names are checked by the client's resolver
//! at connect time, IP literals here); 5xx, 429 and timeouts are retried with exponential
//! backoff and jitter (honouring `Retry-After`), other 4xx are not; the bytes are kept exactly
//! as served, since decoding is the parser's job; a conditional request sends the archived
//! validators, and only a 304 to one is "not modified"; robots.txt is read up to
//! [`ROBOTS_MAX_BYTES`] and no further. A form POST ([`Fetcher::post_form`], read.do's month
//! index) is held to all of the same: admission, politeness, robots.txt, retries and the cap.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use epaper_common::config::CrawlerSettings;
use epaper_common::messages::{DocKind, HttpHead, Validator};
use epaper_common::sites::Profile;
use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};

use crate::address::{AddressRefused, PolicyResolver};
use crate::politeness::{Host, Hosts, Robots};
use crate::reach::Admission;
pub use crate::reach::{Origins, Reach};

/// The product token robots.txt rules are matched against (the `User-agent:` lines).
pub const USER_AGENT_TOKEN: &str = "epaper";

/// The most of a robots.txt that is read: RFC 9309 lets a crawler parse only the first 500 KiB,
/// and a larger file is cut there (the rest is never downloaded, let alone held).
pub const ROBOTS_MAX_BYTES: usize = 512 * 1024;

/// A document as served.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: chrono::DateTime<Utc>,
    pub body: Vec<u8>,
    /// The status line and the response's headers, as [`HttpHead::keep`] keeps them (boxed: a
    /// `Conditional` is mostly `NotModified`-sized).
    pub http: Box<HttpHead>,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server says there is no such document (404 or 410).
    #[error("{url}: not found ({status})")]
    NotFound { url: String, status: u16 },
    /// Worth trying again later: every attempt met a 5xx, a 429, a timeout or a broken connection.
    #[error("{url}: gave up after {attempts} attempts: {reason}")]
    Exhausted {
        url: String,
        attempts: u32,
        reason: String,
    },
    /// Will not succeed by retrying: another 4xx, an oversized body, an off-site redirect.
    #[error("{url}: {reason}")]
    Refused { url: String, reason: String },
    /// The host name did not resolve (or had no address): retried later, as a DNS outage or a
    /// name not yet published may pass.
    #[error("{url}: {reason}")]
    Unresolved { url: String, reason: String },
}

impl FetchError {
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            FetchError::Exhausted { .. } | FetchError::Unresolved { .. }
        )
    }
}

pub struct Fetcher {
    client: reqwest::Client,
    limits: SizeLimits,
    max_attempts: u32,
    base_backoff: Duration,
    reach: Reach,
    politeness: Option<(Arc<Hosts>, Profile)>,
}

/// The answer to a conditional request.
#[derive(Debug)]
pub enum Conditional {
    Modified(Fetched),
    /// 304: the archived copy is still what the site serves.
    NotModified,
}

/// How a document is asked for.
#[derive(Clone, Copy)]
enum Method<'a> {
    /// GET, conditional when the archive knows the document's validators.
    Get(Option<&'a Validator>),
    /// POST of this form-encoded body.
    PostForm(&'a str),
}

enum Attempt {
    Done(Fetched),
    NotModified,
    Retry {
        reason: String,
        wait: Option<Duration>,
    },
    Fail(FetchError),
}

impl Fetcher {
    /// A fetcher held to `reach`: a URL or redirect elsewhere is an error, never a fetch.
    ///
    /// The client is built for this one policy: the resolver sees only a host name, not which
    /// profile asks, and two profiles may name the same host with different policies (a test
    /// profile and a real one), so the policy is fixed into the client rather than looked up
    /// by host. A fetcher serves one issue, so this costs nothing a shared client would save.
    pub fn new(settings: &CrawlerSettings, reach: Reach) -> reqwest::Result<Self> {
        let client = Fetcher::client(settings, &reach)?;
        Ok(Fetcher::with_client(client, settings, reach))
    }

    /// The HTTP client of a fetcher with `reach`: redirects and connections held to its
    /// origins and addresses. Everything it holds besides `settings` comes from `reach`, so
    /// fetchers with the same origins and policy (and lookup) may share one (`CrawlStage`
    /// keeps one per site): building one reads the system's root certificates, about 3 ms of
    /// CPU (BENCHMARKS.md).
    pub fn client(settings: &CrawlerSettings, reach: &Reach) -> reqwest::Result<reqwest::Client> {
        let (origins, policy) = (reach.origins.clone(), reach.policy);
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            // A name is checked again by the resolver when the hop connects; a literal is not
            // resolved, so it is checked here.
            let refusal = origins
                .check(attempt.url())
                .and_then(|()| policy.check_host(attempt.url().host()));
            if attempt.previous().len() >= 5 {
                attempt.error("too many redirects")
            } else if let Err(reason) = refusal {
                let target = attempt.url().to_string();
                attempt.error(format!("redirect to {target} refused: {reason}"))
            } else {
                attempt.follow()
            }
        });
        let resolver = PolicyResolver {
            policy: reach.policy,
            lookup: reach.lookup.clone(),
        };
        reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(Duration::from_secs(settings.timeout_secs))
            .connect_timeout(Duration::from_secs(settings.timeout_secs.min(10)))
            .redirect(redirects)
            .dns_resolver(Arc::new(resolver))
            // A proxy resolves and connects on its own, out of the resolver's sight.
            .no_proxy()
            .build()
    }

    /// A fetcher with `client`, which must be [`Fetcher::client`] of the same `settings` and
    /// `reach`.
    pub fn with_client(client: reqwest::Client, settings: &CrawlerSettings, reach: Reach) -> Self {
        Fetcher {
            client,
            limits: SizeLimits::from(settings),
            max_attempts: settings.max_attempts.max(1),
            base_backoff: Duration::from_millis(200),
            reach,
            politeness: None,
        }
    }

    /// Applies the site's politeness: per-host rate limit and connection cap (shared through
    /// `hosts` by every issue of the process) and robots.txt.
    pub fn with_politeness(mut self, hosts: Arc<Hosts>, profile: Profile) -> Self {
        self.politeness = Some((hosts, profile));
        self
    }

    /// robots.txt of the host of `url`, fetched once an hour through the same politeness.
    async fn robots_for(&self, host: &Host, url: &url::Url) -> Robots {
        let robots_url = format!("{}://{}/robots.txt", url.scheme(), url.authority());
        host.robots(|| async {
            let _permit = host.permit().await;
            match self.client.get(&robots_url).send().await {
                Ok(response) if response.status().is_success() => {
                    let body = match read_capped(response, ROBOTS_MAX_BYTES).await {
                        Ok(body) => body,
                        Err(error) => return Robots::DisallowAll(error_chain(&error)),
                    };
                    match texting_robots::Robot::new(USER_AGENT_TOKEN, &body) {
                        Ok(robot) => Robots::Rules(Arc::new(robot)),
                        Err(error) => {
                            tracing::warn!(%robots_url, %error, "unparseable robots.txt; treated as allowing all");
                            Robots::AllowAll
                        }
                    }
                }
                Ok(response) if response.status().is_client_error() => Robots::AllowAll,
                Ok(response) => Robots::DisallowAll(format!("HTTP {}", response.status())),
                Err(error) => Robots::DisallowAll(error_chain(&error)),
            }
        })
        .await
    }

    /// Everything that must hold before a request is made; `Ok` carries the host to pace by.
    async fn admit(&self, url: &str) -> Result<Option<Arc<Host>>, FetchError> {
        let refused = |reason: String| FetchError::Refused {
            url: url.to_string(),
            reason,
        };
        let parsed = url::Url::parse(url).map_err(|_| refused("not a URL".into()))?;
        self.reach
            .check(&parsed)
            .await
            .map_err(|admission| match admission {
                Admission::Refused(reason) => refused(reason),
                Admission::Unresolved(reason) => FetchError::Unresolved {
                    url: url.to_string(),
                    reason,
                },
            })?;
        let Some((hosts, profile)) = &self.politeness else {
            return Ok(None);
        };
        let host = hosts.get(parsed.host_str().unwrap_or_default(), profile);
        if profile.respect_robots {
            self.robots_for(&host, &parsed)
                .await
                .allows(url)
                .map_err(refused)?;
        }
        Ok(Some(host))
    }

    /// Shortens the first backoff (tests and benchmarks against a local site).
    pub fn with_base_backoff(mut self, backoff: Duration) -> Self {
        self.base_backoff = backoff;
        self
    }

    /// Fetches an HTML page or article under `crawler.max_body_bytes`.
    pub async fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        self.fetch_as(url, DocKind::Page).await
    }

    /// Fetches a document of `kind` under that kind's size limit.
    pub async fn fetch_as(&self, url: &str, kind: DocKind) -> Result<Fetched, FetchError> {
        match self.fetch_conditional(url, kind, None).await? {
            Conditional::Modified(fetched) => Ok(fetched),
            // Unreachable in practice: a server sends 304 only to a conditional request.
            Conditional::NotModified => Err(FetchError::Refused {
                url: url.to_string(),
                reason: "HTTP 304 to an unconditional request".into(),
            }),
        }
    }

    /// [`Fetcher::fetch_as`], sending `known`'s validators as `If-None-Match` /
    /// `If-Modified-Since`.
    pub async fn fetch_conditional(
        &self,
        url: &str,
        kind: DocKind,
        known: Option<&Validator>,
    ) -> Result<Conditional, FetchError> {
        self.request(url, kind, Method::Get(known)).await
    }

    /// POSTs `form` (`application/x-www-form-urlencoded`) to `url` and reads the answer under
    /// `crawler.max_body_bytes`: a system that lists its issues only that way (read.do's
    /// `getIssueByMonth`). The same admission check, politeness, robots.txt, retries and cap
    /// as a GET; a POST is never conditional.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(String, String)],
    ) -> Result<Fetched, FetchError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        match self
            .request(url, DocKind::Page, Method::PostForm(&body))
            .await?
        {
            Conditional::Modified(fetched) => Ok(fetched),
            Conditional::NotModified => Err(FetchError::Refused {
                url: url.to_string(),
                reason: "HTTP 304 to a POST".into(),
            }),
        }
    }

    /// One request of `method`, admitted, paced and retried.
    #[tracing::instrument(skip(self, method), fields(attempts))]
    async fn request(
        &self,
        url: &str,
        kind: DocKind,
        method: Method<'_>,
    ) -> Result<Conditional, FetchError> {
        let limit = self.limits.of(kind);
        let host = self.admit(url).await?;
        let mut last_reason = String::new();
        for attempt in 1..=self.max_attempts {
            let waited = std::time::Instant::now();
            let permit = match &host {
                Some(host) => Some(host.permit().await),
                None => None,
            };
            metrics::histogram!("epaper_politeness_wait_seconds")
                .record(waited.elapsed().as_secs_f64());
            let started = std::time::Instant::now();
            let outcome = self.attempt(url, limit, method).await;
            drop(permit);
            metrics::histogram!("epaper_fetch_seconds").record(started.elapsed().as_secs_f64());
            if let Attempt::Done(fetched) = &outcome {
                metrics::counter!("epaper_fetch_bytes_total").increment(fetched.body.len() as u64);
            }
            match outcome {
                Attempt::Done(fetched) => {
                    tracing::Span::current().record("attempts", attempt);
                    return Ok(Conditional::Modified(fetched));
                }
                Attempt::NotModified => {
                    tracing::Span::current().record("attempts", attempt);
                    return Ok(Conditional::NotModified);
                }
                Attempt::Fail(error) => return Err(error),
                Attempt::Retry { reason, wait } => {
                    tracing::debug!(url, attempt, %reason, "retrying");
                    last_reason = reason;
                    if attempt < self.max_attempts {
                        let backoff = self.base_backoff * 2u32.pow(attempt - 1);
                        let wait = wait.unwrap_or(backoff + jitter(backoff));
                        tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                    }
                }
            }
        }
        Err(FetchError::Exhausted {
            url: url.to_string(),
            attempts: self.max_attempts,
            reason: last_reason,
        })
    }

    /// One request and its answer, judged: done, not modified, worth retrying, or failed.
    async fn attempt(&self, url: &str, limit: u64, method: Method<'_>) -> Attempt {
        let request = match method {
            Method::Get(known) => conditional(self.client.get(url), known),
            Method::PostForm(body) => self
                .client
                .post(url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.to_string()),
        };
        let known = match method {
            Method::Get(known) => known,
            Method::PostForm(_) => None,
        };
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) if error.is_redirect() || refused_address(&error) => {
                // The chain, so that the reason names the policy's own words ("redirect to …
                // refused: …", "no address the profile may reach"), not only reqwest's.
                return Attempt::Fail(FetchError::Refused {
                    url: url.to_string(),
                    reason: error_chain(&error),
                });
            }
            Err(error) => {
                metrics::counter!("epaper_fetches_total", "status" => "error").increment(1);
                return Attempt::Retry {
                    reason: error_chain(&error),
                    wait: None,
                };
            }
        };
        let status = response.status();
        metrics::counter!("epaper_fetches_total", "status" => status.as_str().to_string())
            .increment(1);
        if let Some(outcome) = unsuccessful(url, &response, known.is_some()) {
            return outcome;
        }
        if response.content_length().is_some_and(|len| len > limit) {
            return Attempt::Fail(too_large(url, limit));
        }
        read_body(url, response, limit).await
    }
}

/// `request` with `known`'s validators as `If-None-Match` / `If-Modified-Since`.
fn conditional(
    mut request: reqwest::RequestBuilder,
    known: Option<&Validator>,
) -> reqwest::RequestBuilder {
    if let Some(known) = known {
        if let Some(etag) = &known.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &known.last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified);
        }
    }
    request
}

/// What a response that is not a 2xx comes to; `None` for a success, whose body is to be read.
fn unsuccessful(url: &str, response: &reqwest::Response, conditional: bool) -> Option<Attempt> {
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED && conditional {
        return Some(Attempt::NotModified);
    }
    if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
        return Some(Attempt::Fail(FetchError::NotFound {
            url: url.to_string(),
            status: status.as_u16(),
        }));
    }
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        let wait = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Some(Attempt::Retry {
            reason: format!("HTTP {status}"),
            wait,
        });
    }
    if !status.is_success() {
        return Some(Attempt::Fail(FetchError::Refused {
            url: url.to_string(),
            reason: format!("HTTP {status}"),
        }));
    }
    None
}

/// The body of a successful response, up to `limit` bytes, with the headers kept; a body that
/// breaks off, or ends short of its Content-Length, is worth retrying.
async fn read_body(url: &str, mut response: reqwest::Response, limit: u64) -> Attempt {
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(CONTENT_TYPE);
    let etag = header(ETAG);
    let last_modified = header(LAST_MODIFIED);
    let final_url = response.url().to_string();
    let http = head_of(&response);
    let status = response.status().as_u16();
    let expected_len = response.content_length();
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() as u64 + chunk.len() as u64 > limit {
                    return Attempt::Fail(too_large(url, limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => {
                return Attempt::Retry {
                    reason: format!("body cut off: {}", error_chain(&error)),
                    wait: None,
                };
            }
        }
    }
    if expected_len.is_some_and(|len| len != body.len() as u64) {
        return Attempt::Retry {
            reason: format!(
                "body cut off at {} of {} bytes",
                body.len(),
                expected_len.unwrap_or_default()
            ),
            wait: None,
        };
    }
    Attempt::Done(Fetched {
        url: final_url,
        status,
        content_type,
        etag,
        last_modified,
        fetched_at: Utc::now(),
        body,
        http: Box::new(http),
    })
}

/// The status line and headers of a response to archive: the reason phrase as served (hyper
/// keeps one that differs from the standard wording), the headers as [`HttpHead::keep`] allows.
fn head_of(response: &reqwest::Response) -> HttpHead {
    let status = response.status();
    let reason = response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .and_then(|reason| std::str::from_utf8(reason.as_bytes()).ok())
        .or(status.canonical_reason())
        .unwrap_or("");
    let version = match response.version() {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_2 => "HTTP/2.0",
        reqwest::Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    };
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()));
    HttpHead::keep(version, reason, headers)
}

fn too_large(url: &str, limit: u64) -> FetchError {
    FetchError::Refused {
        url: url.to_string(),
        reason: format!("response larger than {limit} bytes"),
    }
}

/// The largest response accepted, per kind of document (`crawler.max_*_bytes`). A response over
/// its limit is refused as it streams in, never held whole.
#[derive(Debug, Clone, Copy)]
struct SizeLimits {
    html: u64,
    scan: u64,
    pdf: u64,
    image: u64,
}

impl SizeLimits {
    fn from(settings: &CrawlerSettings) -> SizeLimits {
        SizeLimits {
            html: settings.max_body_bytes,
            scan: settings.max_scan_bytes,
            pdf: settings.max_pdf_bytes,
            image: settings.max_image_bytes,
        }
    }

    fn of(self, kind: DocKind) -> u64 {
        match kind {
            DocKind::Page | DocKind::Article => self.html,
            DocKind::Scan => self.scan,
            DocKind::Pdf => self.pdf,
            DocKind::Image => self.image,
        }
    }
}

/// Whether the resolver refused every address of the host: permanent, not a network fault.
fn refused_address(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<AddressRefused>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The body of `response` up to `cap` bytes; the rest is never read (the connection is
/// dropped). A body cut at the cap ends at its last whole line, so that no rule is read half.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        if chunk.len() >= room {
            body.extend_from_slice(&chunk[..room]);
            let whole_lines = body
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |at| at + 1);
            body.truncate(whole_lines);
            tracing::info!(url = %response.url(), cap, "robots.txt cut at the cap");
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Up to half of `backoff`, from the clock's low bits: enough to keep retries from marching in
/// step, without a random-number dependency.
fn jitter(backoff: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    backoff.mul_f64((nanos % 1000) as f64 / 2000.0)
}
