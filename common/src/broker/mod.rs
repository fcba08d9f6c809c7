//! RabbitMQ plumbing over lapin: topology, a confirming publisher and the consumer loop that
//! every service runs.
//!
//! What must stay true:
//! - a message is acked only after its handler returned `Ok`, which means the handler's output is
//!   durable (published and confirmed by the broker, or committed to the database);
//! - every publish is `mandatory` and waits for the broker's confirm, so an unroutable or refused
//!   message is an error, never a silent loss;
//! - a message that can never succeed (undecodable, or a permanent handler error) is published to
//!   the stage's dead-letter queue with its reason in headers, then acked; a retryable error is
//!   published to the next delay tier (`<prefix>.<stage>.delay.<n>`, whose TTL sends it back to
//!   the work queue), then acked; after the last tier it is dead-lettered; the quorum queue's
//!   delivery limit stays as the backstop against crash loops;
//! - declaring the topology twice is harmless.
//!
//! On a lost connection the consumer loop returns an error and the service exits non-zero: the
//! supervisor (systemd, compose, Kubernetes) restarts it, and unacked deliveries go back to the
//! queue. That is simpler to reason about than reconnecting in place, and loses nothing.
//!
//! The concerns live in their own files: `topology` (queue names and declarations), `publish`
//! (the confirming publisher), `consume` (the consumer loop), `settle` (ack, delay tiers, dead
//! letters and their reports, as [`crate::settle`] decides) and `replay` (dead letters back to
//! work).

mod consume;
mod publish;
mod replay;
mod settle;
mod topology;

use std::time::Duration;

use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use secrecy::ExposeSecret;

use crate::config::{AmqpSettings, SizeCaps, redact_url};

pub use publish::Publisher;
pub use settle::{HEADER_ATTEMPTS, HEADER_FIRST_FAILED_AT};
pub use topology::Topology;

#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("cannot connect to RabbitMQ at {url}: {source}")]
    Connect { url: String, source: lapin::Error },
    #[error("broker error: {0}")]
    Amqp(#[from] lapin::Error),
    #[error("broker refused the message for {queue}")]
    Nacked { queue: String },
    #[error("no queue {queue} to route to (was `epaper migrate` run?)")]
    Unroutable { queue: String },
}

/// One connection to RabbitMQ with the deployment's topology.
pub struct Broker {
    connection: Connection,
    pub topology: Topology,
    settings: AmqpSettings,
}

impl Broker {
    pub async fn connect(settings: &AmqpSettings) -> Result<Broker, BrokerError> {
        let url = redact_url(&settings.url);
        // Named after the deployment's queue prefix and the process, so that the management
        // UI (and an operator closing a connection there) can tell which process holds which.
        let name = format!(
            "epaper {} pid {}",
            settings.queue_prefix,
            std::process::id()
        );
        let connection = Connection::connect(
            settings.url.expose_secret(),
            ConnectionProperties::default().with_connection_name(name.into()),
        )
        .await
        .map_err(|source| BrokerError::Connect {
            url: url.clone(),
            source,
        })?;
        tracing::info!(amqp_url = %url, "connected to RabbitMQ");
        Ok(Broker {
            connection,
            topology: Topology::new(settings),
            settings: settings.clone(),
        })
    }

    /// Sizes deliveries against this deployment's crawler caps (`crawler.max_*_bytes`) rather
    /// than the defaults.
    pub fn set_size_caps(&mut self, caps: SizeCaps) {
        self.topology.max_message_bytes = caps.max_message_bytes();
    }

    /// Counts of a queue by passive declare: (ready messages, consumers).
    pub async fn queue_counts(&self, queue: &str) -> Result<(u32, u32), BrokerError> {
        let channel = self.connection.create_channel().await?;
        let declared = channel
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        let _ = channel.close(200, "counted".into()).await;
        Ok((declared.message_count(), declared.consumer_count()))
    }

    pub async fn close(&self) {
        bounded(self.connection.close(200, "bye".into())).await;
    }

    /// Whether the connection to the broker is up (for `/readyz`).
    pub fn is_connected(&self) -> bool {
        self.connection.status().connected()
    }
}

/// The vhost an AMQP URL names, as lapin reads it (`/` when it names none); `None` when it is
/// no AMQP URL. The parse error is dropped: it may quote the URL, password and all.
pub fn vhost_of(amqp_url: &str) -> Option<String> {
    amqp_url
        .parse::<lapin::uri::AMQPUri>()
        .ok()
        .map(|uri| uri.vhost)
}

/// How long a closing step (cancel, channel or connection close) may wait for the broker's
/// answer. A channel already closing, or a broker gone silent, may never answer; shutdown must
/// still end (what is unacked is redelivered to the next consumer).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Awaits a closing step for at most [`CLOSE_TIMEOUT`]; its outcome only matters to the log.
async fn bounded<T>(step: impl Future<Output = Result<T, lapin::Error>>) {
    match tokio::time::timeout(CLOSE_TIMEOUT, step).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::debug!(%error, "closing step failed"),
        Err(_) => tracing::warn!(
            timeout_secs = CLOSE_TIMEOUT.as_secs(),
            "the broker did not answer a closing step in time; going on"
        ),
    }
}

#[cfg(test)]
mod closing_tests {
    use super::*;

    #[tokio::test]
    async fn a_closing_step_the_broker_never_answers_is_given_up_after_the_timeout() {
        let started = std::time::Instant::now();
        bounded(std::future::pending::<Result<(), lapin::Error>>()).await;
        let waited = started.elapsed();
        assert!(
            waited >= CLOSE_TIMEOUT && waited < CLOSE_TIMEOUT + Duration::from_secs(2),
            "waited {waited:?}"
        );
        // An answer, even an error, ends the step at once.
        let started = std::time::Instant::now();
        bounded(async {
            Err::<(), _>(lapin::Error::from(
                lapin::ErrorKind::InvalidConnectionState(lapin::ConnectionState::Closing),
            ))
        })
        .await;
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
