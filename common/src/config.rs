//! Typed configuration, loaded once at start and passed down.
//!
//! Layers, later ones winning: `config/default.toml` (compiled into every binary, so a container
//! needs no files), an optional file given with `--config`, then `EPAPER__SECTION__KEY`
//! environment variables. Unknown keys in any layer are an error, so a typo never silently falls
//! back to a default. Connection strings are [`SecretString`]s: `Debug` prints them redacted and
//! [`redact_url`] is the only way they reach a log line.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The defaults, as committed in `config/default.toml`.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub amqp: AmqpSettings,
    pub database: DatabaseSettings,
    pub crawler: CrawlerSettings,
    pub sites: SitesSettings,
    pub parser: ParserSettings,
    pub telemetry: TelemetrySettings,
    pub service: ServiceSettings,
    pub media: MediaSettings,
    pub console: ConsoleSettings,
    pub schedule: ScheduleSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmqpSettings {
    pub url: SecretString,
    /// The RabbitMQ management HTTP API (`epaper status` reads unacked counts and rates there;
    /// it falls back to passive declares when the API does not answer).
    pub management_url: SecretString,
    pub queue_prefix: String,
    pub prefetch: u16,
    pub delivery_limit: u32,
    /// Delay tiers of a retryable failure, in seconds: the n-th retry waits in
    /// `<prefix>.<stage>.delay.<n>` for the n-th value, then returns to the work queue.
    pub retry_delays_secs: Vec<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrawlerSettings {
    pub user_agent: String,
    pub timeout_secs: u64,
    pub concurrency: usize,
    /// Largest HTML page or article accepted (bytes).
    pub max_body_bytes: u64,
    /// Largest page scan, page PDF and article image accepted (bytes).
    pub max_scan_bytes: u64,
    pub max_pdf_bytes: u64,
    pub max_image_bytes: u64,
    pub max_attempts: u32,
    pub fetch_media: bool,
    /// What the test profiles (`test_site = true`, e.g. `sample`) may reach.
    pub test_sites: TestSites,
    /// Longest the crawler may spend parsing one page for its links (milliseconds).
    pub parse_timeout_ms: u64,
}

/// Whether this deployment crawls the test profiles, and where they may connect. A real
/// profile never reaches a private or special address whatever this says.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TestSites {
    /// Test profiles are refused (production).
    Off,
    /// Test profiles reach only loopback addresses (127.0.0.0/8, ::1): a sample site on this
    /// machine, or in this container.
    Loopback,
    /// Test profiles reach any address, private ones included (a sample site elsewhere on a
    /// test network).
    Private,
}

/// The crawler's size caps, per kind of document: what a consumer may expect a message to
/// hold at most. A consumer inflates a document up to its kind's cap, never further (a
/// decompression bomb is refused), and refuses a delivery larger than the largest legal
/// message before decoding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeCaps {
    pub html: u64,
    pub scan: u64,
    pub pdf: u64,
    pub image: u64,
}

impl CrawlerSettings {
    pub fn size_caps(&self) -> SizeCaps {
        SizeCaps {
            html: self.max_body_bytes,
            scan: self.max_scan_bytes,
            pdf: self.max_pdf_bytes,
            image: self.max_image_bytes,
        }
    }
}

impl SizeCaps {
    /// The largest document of `kind` the crawler hands on.
    pub fn of(self, kind: crate::messages::DocKind) -> u64 {
        use crate::messages::DocKind;
        match kind {
            DocKind::Page | DocKind::Article => self.html,
            DocKind::Scan => self.scan,
            DocKind::Pdf => self.pdf,
            DocKind::Image => self.image,
        }
    }

    /// The largest body of a legal message. A document travels deflated (at worst zlib's bound,
    /// under 1/2048 more than raw) and base64-encoded (4/3); a parsed document also carries its
    /// record, text taken from the document that JSON escaping can at most double; and
    /// [`MESSAGE_HEADROOM`] covers the rest (URLs, HTTP metadata, a manifest's lists).
    pub fn max_message_bytes(self) -> u64 {
        let encoded = |cap: u64| (cap + cap / 2048 + 64).div_ceil(3) * 4;
        let media = encoded(self.scan.max(self.pdf).max(self.image));
        let parsed = encoded(self.html) + 2 * self.html;
        media.max(parsed) + MESSAGE_HEADROOM
    }
}

/// What a message holds besides its document: URLs, HTTP metadata, a manifest's page and
/// article lists, a crawl request's validators.
pub const MESSAGE_HEADROOM: u64 = 4 * 1024 * 1024;

/// Where site profiles come from besides the bundled ones ([`crate::sites::Sites::load`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitesSettings {
    /// A directory of `*.toml` profiles that add to or replace the bundled ones; empty: none.
    pub dir: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParserSettings {
    /// Longest the parse stage spends on one document (milliseconds, on a blocking thread);
    /// over it the document fails permanently with the reason.
    pub parse_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSettings {
    /// Where the indexer keeps media, content-addressed: a directory, or `s3://bucket/prefix`
    /// for S3-compatible object storage; empty means no media store.
    pub dir: String,
    /// For `s3://`: the endpoint of an S3-compatible service (MinIO, Ceph …); empty is AWS.
    pub s3_endpoint: String,
    /// For `s3://`: the region; empty takes `AWS_REGION` or `us-east-1`.
    pub s3_region: String,
    /// For `s3://`: credentials; empty takes `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
    pub s3_access_key_id: String,
    pub s3_secret_access_key: SecretString,
}

/// `epaper console`: who may use it and under which host names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleSettings {
    /// The shared secret every request must carry (`Authorization: Bearer <token>`, or HTTP
    /// basic auth as `user` with the token as password); empty is no authentication, which is
    /// allowed only on a loopback address.
    pub token: SecretString,
    /// The user name of HTTP basic auth.
    pub user: String,
    /// `Host` header values served besides the listen address and `localhost` /
    /// `127.0.0.1` / `[::1]` with its port: the names a reverse proxy forwards
    /// (`console.example.org`, `console.example.org:8443`). Env: comma-separated.
    pub allowed_hosts: Vec<String>,
    /// Serve the JSON API's reads (`GET /api/…`) without credentials even when `token` is set,
    /// for an archive open to readers; the API's changes (replay) still need the token.
    pub public_api: bool,
}

/// `epaper schedule`: which papers are kept current, and when. Times are read and checked
/// when the scheduler starts (`epaper::schedule::Config`), naming the setting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSettings {
    /// The site ids kept current; empty: none. Env: comma-separated.
    pub sites: Vec<String>,
    /// Times of day (`HH:MM` or `HH:MM:SS`, in each paper's own time zone) of a planning pass.
    /// Env: comma-separated.
    pub times: Vec<String>,
    /// Other times for some sites: `site = ["05:00", …]`.
    pub site_times: std::collections::BTreeMap<String, Vec<String>>,
    /// The base URL of a site whose profile has none (the sample site): `site = "http://…"`.
    pub base_urls: std::collections::BTreeMap<String, String>,
    /// An `absent` issue is checked again at every pass of its own day and of this many days
    /// after it; then it is final.
    pub absent_recheck_days: u32,
    /// A `partial` issue is replayed this many minutes after it became partial, twice as long
    /// after each replay, at most `partial_max_replays` times.
    pub partial_backoff_minutes: u32,
    pub partial_max_replays: u32,
    /// How far back a pass looks at least (days before today): where a site with no complete
    /// issue starts, and the window in which gaps are filled and partial issues replayed.
    pub lookback_days: u32,
    /// An issue `queued`, `crawling` or `parsing` unchanged for this many minutes is sent
    /// again (its message was lost), at most `partial_max_replays` times; then reported.
    pub stuck_after_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    pub shutdown_grace_secs: u64,
    /// Where `/metrics`, `/healthz` and `/readyz` are served; empty is the stage's default
    /// (`0.0.0.0:9101` crawler, `:9102` parser, `:9103` indexer); `127.0.0.1:0` picks a port.
    pub http_addr: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path}: {source}")]
    File {
        path: String,
        source: config::ConfigError,
    },
    #[error("invalid configuration: {0}")]
    Invalid(#[from] config::ConfigError),
}

impl Settings {
    /// Loads the defaults, then `file` if given, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Self::load_with_env(file, std::env::vars())
    }

    /// As [`Settings::load`], with the environment passed in (tests use this, so they never
    /// mutate the process environment).
    pub fn load_with_env(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if let Some(path) = file {
            let path_str = path.display().to_string();
            // Read the file ourselves so a missing file is an error that names it.
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError::File {
                path: path_str.clone(),
                source: config::ConfigError::Foreign(Box::new(error)),
            })?;
            builder = builder.add_source(config::File::from_str(&text, config::FileFormat::Toml));
        }
        let vars: config::Map<String, String> = env
            .into_iter()
            .filter(|(key, _)| key.starts_with("EPAPER__"))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("EPAPER")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("amqp.retry_delays_secs")
                .with_list_parse_key("console.allowed_hosts")
                .with_list_parse_key("schedule.sites")
                .with_list_parse_key("schedule.times")
                .source(Some(vars)),
        );
        Ok(builder.build()?.try_deserialize()?)
    }
}

impl Settings {
    /// The crawler's size caps of `config/default.toml`, for code built without settings.
    pub fn default_size_caps() -> SizeCaps {
        Settings::load_with_env(None, Vec::new())
            .expect("the compiled-in defaults load")
            .crawler
            .size_caps()
    }
}

/// A URL safe to print: the password of its user info and the value of every query parameter
/// that may hold a credential ([`is_secret_param`]) are replaced by `***`.
pub fn redact_url(secret: &SecretString) -> String {
    let raw = secret.expose_secret();
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            if url.query().is_some() {
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(name, value)| {
                        let value = if is_secret_param(&name) {
                            "***".to_string()
                        } else {
                            value.into_owned()
                        };
                        (name.into_owned(), value)
                    })
                    .collect();
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string()
        }
        Err(_) => "<unparseable url>".to_string(),
    }
}

/// Whether a URL query parameter may carry a credential, so that its value is never printed.
/// Exact names: `password` and `sslpassword` (libpq, which sqlx follows), `passwd`, `pass` and
/// `pwd` (other drivers' spellings). Any name containing `password`, `secret`, `token`, `key`,
/// `credential` or `signature`: access keys, API keys and presigned-URL parts
/// (`X-Amz-Security-Token`, `X-Amz-Signature`, `X-Amz-Credential`). Hiding a harmless value
/// (libpq's `sslkey` is a file name) costs a less useful log line; missing one leaks a secret.
pub fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "pass" | "passwd" | "pwd")
        || [
            "password",
            "secret",
            "token",
            "key",
            "credential",
            "signature",
        ]
        .iter()
        .any(|part| name.contains(part))
}

/// `text` with every secret of the URL `secret` (its password, and the values of its secret
/// query parameters, as written and percent-decoded) replaced by `***`: for error messages of
/// drivers that may quote the URL they were given.
pub fn scrub(secret: &SecretString, text: &str) -> String {
    let Ok(url) = url::Url::parse(secret.expose_secret()) else {
        // Unparseable: no part can be told apart, so nothing of the driver's text is shown.
        return "(details withheld: the URL is not a valid URL)".to_string();
    };
    let mut secrets: Vec<String> = Vec::new();
    if let Some(password) = url.password() {
        secrets.push(password.to_string());
    }
    if let Some(query) = url.query() {
        for part in query.split('&') {
            if let Some((name, value)) = part.split_once('=')
                && is_secret_param(&url_decode(name))
            {
                secrets.push(value.to_string());
            }
        }
    }
    let decoded: Vec<String> = secrets.iter().map(|s| url_decode(s)).collect();
    secrets.extend(decoded);
    // Longest first, so that a secret containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut text = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret.as_str(), "***");
    }
    text
}

fn url_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_and_environment_overrides() {
        let settings = Settings::load_with_env(
            None,
            env(&[
                ("EPAPER__DATABASE__URL", "postgresql://u:pw@db/x"),
                ("EPAPER__AMQP__PREFETCH", "7"),
                ("UNRELATED", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.amqp.prefetch, 7);
        assert_eq!(
            settings.database.url.expose_secret(),
            "postgresql://u:pw@db/x"
        );
        assert_eq!(settings.crawler.concurrency, 4);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let error = Settings::load_with_env(None, env(&[("EPAPER__AMQP__PREFECH", "7")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("prefech"), "{error}");
    }

    #[test]
    fn file_layer_applies_and_missing_file_is_named() {
        let dir = std::env::temp_dir().join(format!("epaper-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("override.toml");
        std::fs::write(&path, "[crawler]\nconcurrency = 9\n").unwrap();
        let settings = Settings::load_with_env(Some(&path), Vec::new()).unwrap();
        assert_eq!(settings.crawler.concurrency, 9);
        let missing = dir.join("nope.toml");
        let error = Settings::load_with_env(Some(&missing), Vec::new())
            .unwrap_err()
            .to_string();
        assert!(error.contains("nope.toml"), "{error}");
    }

    #[test]
    fn query_passwords_and_tokens_are_redacted() {
        let url = SecretString::from(
            "postgresql://u:pw1@db/x?sslmode=require&password=pw%212&sslpassword=pw3&Api_Key=pw4\
             &token=pw5&application_name=app",
        );
        let shown = redact_url(&url);
        for secret in ["pw1", "pw%212", "pw!2", "pw3", "pw4", "pw5"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("u:***@db")
                && shown.contains("sslmode=require")
                && shown.contains("password=***")
                && shown.contains("application_name=app"),
            "{shown}"
        );
        let said = scrub(
            &url,
            "driver said: bad url postgresql://u:pw1@db/x?password=pw%212 (pw!2, pw3)",
        );
        for secret in ["pw1", "pw%212", "pw!2", "pw3"] {
            assert!(!said.contains(secret), "{secret} in {said}");
        }
    }

    #[test]
    fn secrets_never_print() {
        let settings = Settings::load_with_env(
            None,
            env(&[("EPAPER__AMQP__URL", "amqp://user:hunter2@host:5672/%2f")]),
        )
        .unwrap();
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        let shown = redact_url(&settings.amqp.url);
        assert!(
            !shown.contains("hunter2") && shown.contains("user:***@host"),
            "{shown}"
        );
    }
}
