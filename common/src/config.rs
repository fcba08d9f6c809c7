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
    pub parser: ParserSettings,
    pub telemetry: TelemetrySettings,
    pub service: ServiceSettings,
    pub media: MediaSettings,
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
                .source(Some(vars)),
        );
        Ok(builder.build()?.try_deserialize()?)
    }
}

/// A URL safe to print: any password is replaced by `***`.
pub fn redact_url(secret: &SecretString) -> String {
    let raw = secret.expose_secret();
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<unparseable url>".to_string(),
    }
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
