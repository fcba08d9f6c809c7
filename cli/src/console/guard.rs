//! The console's front door: every request passes here before a page handler sees it.
//!
//! The console reads the archive and can publish crawls, and the operator's browser also visits
//! other sites, so in order:
//! - the `Host` header must be one the console serves (its listen address, the loopback names
//!   with its port, and `console.allowed_hosts`): a DNS-rebinding page, whose requests carry its
//!   own host name, gets 421 and reads nothing;
//! - with `console.token` set, every request carries it (bearer or basic auth), compared in
//!   constant time over SHA-256 digests; without it the console only listens on loopback
//!   ([`check_listen`]);
//! - a request that changes state (anything but GET and HEAD) must come from the console's own
//!   pages: an `Origin` naming this very host and, when the browser sends it, `Sec-Fetch-Site:
//!   same-origin`. A form posted by another site's page carries that site's origin (browsers
//!   send `Origin` on every POST), so it is refused with 403 before the handler runs;
//! - under `/api/` (the JSON API) refusals are JSON errors, and a change (the replay) needs the
//!   token as `Authorization: Bearer`, which needs `console.token` set: a browser never sends a
//!   bearer token on its own, so a request that carries one and no `Origin` is a program's, and
//!   is let through without the same-origin check; one with a foreign `Origin` is refused;
//!   with `console.public_api` the API's reads need no credentials (its changes still do);
//! - every response, refusals included, carries the security headers of [`secure`]: a CSP with
//!   no script at all and no framing, `nosniff`, `DENY`, no referrer to other sites.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::bail;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use epaper_common::config::ConsoleSettings;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

/// Shorter tokens are refused at start: a token is the only thing between the network and the
/// archive's replay button.
const MIN_TOKEN_CHARS: usize = 16;

/// What the guard checks, fixed at start.
pub struct Access {
    /// Lowercased `Host` values served.
    hosts: Vec<String>,
    /// SHA-256 of the token, when one is configured.
    token: Option<[u8; 32]>,
    user: String,
    /// `console.public_api`: the API's reads need no credentials.
    public_api: bool,
}

/// Refuses to serve beyond loopback without credentials, and a token too short to guess.
pub fn check_listen(addr: SocketAddr, settings: &ConsoleSettings) -> anyhow::Result<()> {
    let token = settings.token.expose_secret();
    if !token.is_empty() && token.chars().count() < MIN_TOKEN_CHARS {
        bail!("console.token is shorter than {MIN_TOKEN_CHARS} characters");
    }
    if token.is_empty() && !addr.ip().is_loopback() {
        bail!(
            "refusing to listen on {addr} without credentials: set console.token \
             (EPAPER__CONSOLE__TOKEN), or listen on 127.0.0.1 behind a reverse proxy"
        );
    }
    Ok(())
}

impl Access {
    /// The rules for a console bound to `local` (the actual address, port 0 resolved).
    pub fn new(local: SocketAddr, settings: &ConsoleSettings) -> Access {
        let port = local.port();
        let mut hosts = vec![
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ];
        if !local.ip().is_unspecified() {
            hosts.push(local.to_string());
        }
        hosts.extend(
            settings
                .allowed_hosts
                .iter()
                .map(|h| h.trim().to_lowercase()),
        );
        let token = settings.token.expose_secret();
        Access {
            hosts,
            token: (!token.is_empty()).then(|| digest(token.as_bytes())),
            user: settings.user.clone(),
            public_api: settings.public_api,
        }
    }

    fn host_allowed(&self, headers: &HeaderMap) -> Option<String> {
        let host = headers.get(header::HOST)?.to_str().ok()?.to_lowercase();
        self.hosts.contains(&host).then_some(host)
    }

    fn authenticated(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token else {
            return true;
        };
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let secret = if let Some(token) = given.strip_prefix("Bearer ") {
            token.as_bytes().to_vec()
        } else if let Some(encoded) = given.strip_prefix("Basic ") {
            let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim())
            else {
                return false;
            };
            let Some(colon) = decoded.iter().position(|&b| b == b':') else {
                return false;
            };
            let user_ok =
                constant_time_eq(&digest(&decoded[..colon]), &digest(self.user.as_bytes()));
            if !user_ok {
                return false;
            }
            decoded[colon + 1..].to_vec()
        } else {
            return false;
        };
        constant_time_eq(&digest(&secret), expected)
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Equality that takes as long whichever byte differs, so response times do not reveal how
/// much of a guess was right (the inputs are digests, so their length reveals nothing either).
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut difference = 0u8;
    for (x, y) in a.iter().zip(b) {
        difference |= x ^ y;
    }
    std::hint::black_box(difference) == 0
}

/// Whether a state-changing request comes from a page of this console served as `host`.
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or(""));
    if fetch_site.is_some_and(|site| site != "same-origin") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

impl Access {
    /// Whether the request carries the configured token as `Authorization: Bearer`: the one
    /// credential the API's changes take, because a browser never attaches it by itself (a
    /// remembered basic login it does), so no other site's page can send it.
    fn bearer(&self, headers: &HeaderMap) -> bool {
        let is_bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Bearer "));
        self.token.is_some() && is_bearer && self.authenticated(headers)
    }
}

/// The middleware: host, credentials, origin, then the handler; headers on whatever answers.
/// Under `/api/` refusals are the API's JSON errors, and a change needs the bearer token.
pub async fn guard(State(access): State<Arc<Access>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let api = request.uri().path().starts_with("/api/");
    let refusal = |status: StatusCode, page: &str, api_message: &str| {
        if api {
            super::api::refusal(status, api_message)
        } else {
            super::page::refusal(status, page)
        }
    };
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = match access.host_allowed(headers) {
        None => refusal(
            StatusCode::MISDIRECTED_REQUEST,
            "This console does not serve that host name.",
            "this console does not serve that host name",
        ),
        Some(_)
            if !(access.authenticated(headers) || (api && !changes && access.public_api))
                || (api && changes && !access.bearer(headers)) =>
        {
            let mut response = refusal(
                StatusCode::UNAUTHORIZED,
                "Credentials needed.",
                "credentials needed: send the console's token (console.token) as \
                 Authorization: Bearer; changes through the API need it to be set",
            );
            let challenge = if api {
                "Bearer realm=\"epaper console\""
            } else {
                "Basic realm=\"epaper console\", charset=\"UTF-8\""
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
            response
        }
        // A bearer request from a program carries no `Origin`; one that carries a foreign one
        // comes from another site's page and is refused all the same.
        Some(host)
            if changes
                && !same_origin(headers, &host)
                && !(api && headers.get(header::ORIGIN).is_none()) =>
        {
            tracing::warn!(
                method = %request.method(),
                path = request.uri().path(),
                origin = ?headers.get(header::ORIGIN),
                "cross-origin request refused"
            );
            refusal(
                StatusCode::FORBIDDEN,
                "Changes are accepted only from the console's own pages.",
                "changes are accepted only from programs (no Origin) or the console's own pages",
            )
        }
        Some(_) => next.run(request).await,
    };
    secure(response.headers_mut());
    response
}

/// The content security policy: no script from anywhere, styles from the console's own
/// stylesheet, images from the console or the papers' sites (scans are linked at their source
/// when no media store is configured), forms only to the console, never in a frame.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' http: https:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Sets the security headers every response carries.
pub fn secure(headers: &mut HeaderMap) {
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Not `no-referrer`: under it browsers send `Origin: null` with a POST, and the
        // console's own replay form would be refused. `same-origin` sends no referrer to
        // the papers' sites either.
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn settings(token: &str) -> ConsoleSettings {
        ConsoleSettings {
            token: SecretString::from(token),
            user: "epaper".into(),
            allowed_hosts: vec!["Console.Example.org".into()],
            public_api: false,
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn listening_beyond_loopback_needs_a_long_enough_token() {
        let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert!(check_listen(loopback, &settings("")).is_ok());
        let error = check_listen(public, &settings("")).unwrap_err().to_string();
        assert!(error.contains("without credentials"), "{error}");
        assert!(check_listen(public, &settings("short")).is_err());
        assert!(check_listen(public, &settings("a-long-enough-token")).is_ok());
    }

    #[test]
    fn hosts_are_the_listen_address_loopback_names_and_the_configured_ones() {
        let access = Access::new("127.0.0.1:8080".parse().unwrap(), &settings(""));
        for good in ["127.0.0.1:8080", "LOCALHOST:8080", "console.example.org"] {
            assert!(
                access.host_allowed(&headers(&[("host", good)])).is_some(),
                "{good}"
            );
        }
        for bad in ["evil.example:8080", "127.0.0.1:8081", "localhost", ""] {
            assert!(
                access.host_allowed(&headers(&[("host", bad)])).is_none(),
                "{bad}"
            );
        }
        assert!(access.host_allowed(&HeaderMap::new()).is_none());
    }

    #[test]
    fn tokens_are_checked_as_bearer_and_basic() {
        let access = Access::new(
            "127.0.0.1:1".parse().unwrap(),
            &settings("0123456789abcdef"),
        );
        let basic = |s: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            )
        };
        assert!(access.authenticated(&headers(&[("authorization", "Bearer 0123456789abcdef")])));
        assert!(access.authenticated(&headers(&[(
            "authorization",
            basic("epaper:0123456789abcdef").as_str()
        )])));
        assert!(!access.authenticated(&headers(&[(
            "authorization",
            basic("root:0123456789abcdef").as_str()
        )])));
        assert!(!access.authenticated(&headers(&[("authorization", "Bearer 0123456789abcdeF")])));
        assert!(!access.authenticated(&headers(&[("authorization", "Basic !!")])));
        assert!(!access.authenticated(&HeaderMap::new()));
    }

    #[test]
    fn api_changes_take_only_a_configured_bearer_token() {
        let addr = "127.0.0.1:1".parse().unwrap();
        let bearer = headers(&[("authorization", "Bearer 0123456789abcdef")]);
        assert!(!Access::new(addr, &settings("")).bearer(&bearer));
        let access = Access::new(addr, &settings("0123456789abcdef"));
        assert!(access.bearer(&bearer));
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("epaper:0123456789abcdef")
        );
        assert!(access.authenticated(&headers(&[("authorization", basic.as_str())])));
        assert!(!access.bearer(&headers(&[("authorization", basic.as_str())])));
        assert!(!access.bearer(&headers(&[("authorization", "Bearer 0123456789abcdeX")])));
    }

    #[test]
    fn only_same_origin_requests_change_state() {
        let host = "127.0.0.1:8080";
        let ok = headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert!(same_origin(&ok, host));
        assert!(same_origin(
            &headers(&[("origin", "https://127.0.0.1:8080")]),
            host
        ));
        for bad in [
            headers(&[("origin", "http://evil.example")]),
            headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "cross-site"),
            ]),
            headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-site"),
            ]),
            headers(&[("origin", "null")]),
            headers(&[("sec-fetch-site", "same-origin")]),
            HeaderMap::new(),
        ] {
            assert!(!same_origin(&bad, host), "{bad:?}");
        }
    }
}
