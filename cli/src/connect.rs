//! The one way a CLI command opens the archive database and the broker.
//!
//! URLs arrive as [`SecretString`]s (from `--db` or the configuration) and stay so: an error
//! names the URL only through [`redact_url`], and the driver's own message is passed through
//! [`scrub`], since a driver may quote the URL it was given, password and all. The error is
//! flattened to text here, so no source further down the chain can print the secret either.
//! Every command goes through these two functions; nothing else in the CLI exposes a URL.

use epaper_common::broker::Broker;
use epaper_common::config::{AmqpSettings, redact_url, scrub};
use epaper_indexer::Store;
use secrecy::{ExposeSecret, SecretString};

/// Opens the archive at `url` with a pool of at most `max_connections`.
pub async fn open_store(url: &SecretString, max_connections: u32) -> anyhow::Result<Store> {
    Store::connect(url.expose_secret(), max_connections)
        .await
        .map_err(|error| {
            anyhow::anyhow!(
                "cannot open the archive {}: {}",
                redact_url(url),
                scrub(url, &error.to_string())
            )
        })
}

/// Connects to the broker of `settings` (its URL, a [`SecretString`], is `settings.url`).
pub async fn open_broker(settings: &AmqpSettings) -> anyhow::Result<Broker> {
    Broker::connect(settings)
        .await
        .map_err(|error| anyhow::anyhow!("{}", scrub(&settings.url, &error.to_string())))
}

/// The archive URL a command uses: `--db` when given, else `database.url` of the settings.
pub fn db_url(flag: Option<String>, configured: &SecretString) -> SecretString {
    flag.map(SecretString::from)
        .unwrap_or_else(|| configured.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unopenable_archive_is_named_without_its_password() {
        let url = SecretString::from("postgresql://u:Zq81@127.0.0.1:1/x?password=Yq82");
        let error = format!("{:#}", open_store(&url, 1).await.unwrap_err());
        assert!(
            !error.contains("Zq81") && !error.contains("Yq82"),
            "{error}"
        );
        assert!(error.contains("cannot open the archive"), "{error}");
    }
}
