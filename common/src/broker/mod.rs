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

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions,
    BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use secrecy::ExposeSecret;
use tokio::task::JoinSet;

use crate::config::{AmqpSettings, Settings, SizeCaps, redact_url};
use crate::error::StageError;
use crate::messages::{Message, Stage};
use crate::shutdown::Shutdown;
use crate::transport::{Handler, Outbox, catch_panic};

/// Queue names for one deployment; the prefix lets tests and tenants share a broker.
#[derive(Debug, Clone)]
pub struct Topology {
    pub prefix: String,
    pub delivery_limit: u32,
    /// The TTL of each delay tier, in milliseconds (tier 1 first).
    pub retry_delays_ms: Vec<u64>,
    /// The largest delivery a consumer decodes: the largest legal message under the crawler's
    /// size caps ([`SizeCaps::max_message_bytes`]). A larger one is dead-lettered undecoded.
    pub max_message_bytes: u64,
}

impl Topology {
    pub fn new(settings: &AmqpSettings) -> Self {
        Topology {
            prefix: settings.queue_prefix.clone(),
            delivery_limit: settings.delivery_limit,
            retry_delays_ms: settings
                .retry_delays_secs
                .iter()
                .map(|secs| (secs.max(0.0) * 1000.0).round() as u64)
                .collect(),
            max_message_bytes: Settings::default_size_caps().max_message_bytes(),
        }
    }

    /// The queue where a message waits before its `tier`-th retry (1-based).
    pub fn delay_queue(&self, stage: Stage, tier: usize) -> String {
        format!("{}.{}.delay.{tier}", self.prefix, stage.as_str())
    }

    /// Every queue of the topology: work, dead-letter and delay queues of each stage.
    pub fn all_queues(&self) -> Vec<String> {
        let mut queues = Vec::new();
        for stage in Stage::ALL {
            queues.push(self.work_queue(stage));
            queues.push(self.dead_letter_queue(stage));
            for tier in 1..=self.retry_delays_ms.len() {
                queues.push(self.delay_queue(stage, tier));
            }
        }
        queues
    }

    pub fn work_queue(&self, stage: Stage) -> String {
        format!("{}.{}", self.prefix, stage.as_str())
    }

    pub fn dead_letter_queue(&self, stage: Stage) -> String {
        format!("{}.{}.dlq", self.prefix, stage.as_str())
    }

    /// Declares every queue. Idempotent: the same arguments each time.
    pub async fn declare(&self, channel: &Channel) -> Result<(), lapin::Error> {
        for stage in Stage::ALL {
            let dlq = self.dead_letter_queue(stage);
            let mut dlq_args = FieldTable::default();
            dlq_args.insert("x-queue-type".into(), long_string("quorum"));
            channel
                .queue_declare(dlq.as_str().into(), durable(), dlq_args)
                .await?;
            let mut args = FieldTable::default();
            args.insert("x-queue-type".into(), long_string("quorum"));
            args.insert(
                "x-delivery-limit".into(),
                AMQPValue::LongInt(self.delivery_limit as i32),
            );
            args.insert("x-dead-letter-exchange".into(), long_string(""));
            args.insert("x-dead-letter-routing-key".into(), long_string(&dlq));
            channel
                .queue_declare(self.work_queue(stage).as_str().into(), durable(), args)
                .await?;
            // Delay tiers: quorum queues whose messages expire after the tier's TTL and are
            // dead-lettered back to the work queue through the default exchange. At-least-once
            // dead-lettering (3.10+, needs `reject-publish` overflow) keeps a message safe
            // across a broker restart between expiry and arrival in the work queue.
            for (k, ttl_ms) in self.retry_delays_ms.iter().enumerate() {
                let mut args = FieldTable::default();
                args.insert("x-queue-type".into(), long_string("quorum"));
                args.insert(
                    "x-message-ttl".into(),
                    AMQPValue::LongLongInt(*ttl_ms as i64),
                );
                args.insert("x-dead-letter-exchange".into(), long_string(""));
                args.insert(
                    "x-dead-letter-routing-key".into(),
                    long_string(&self.work_queue(stage)),
                );
                args.insert(
                    "x-dead-letter-strategy".into(),
                    long_string("at-least-once"),
                );
                args.insert("x-overflow".into(), long_string("reject-publish"));
                channel
                    .queue_declare(
                        self.delay_queue(stage, k + 1).as_str().into(),
                        durable(),
                        args,
                    )
                    .await?;
            }
        }
        Ok(())
    }
}

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

fn long_string(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value.as_bytes().to_vec()))
}

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
        let connection = Connection::connect(
            settings.url.expose_secret(),
            ConnectionProperties::default(),
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

    pub async fn declare_topology(&self) -> Result<(), BrokerError> {
        let channel = self.connection.create_channel().await?;
        self.topology.declare(&channel).await?;
        let _ = channel.close(200, "topology declared".into()).await;
        Ok(())
    }

    /// A publisher on its own channel, in confirm mode.
    pub async fn publisher(&self) -> Result<Publisher, BrokerError> {
        let channel = self.connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Publisher {
            channel,
            topology: self.topology.clone(),
        })
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

    /// Consumes the stage's work queue until `shutdown` fires or the connection fails, running
    /// up to `prefetch` handlers at once. Returns `Ok` only after a clean shutdown with every
    /// in-flight message settled (or abandoned unacked after the grace period).
    pub async fn run_consumer<H: Handler + 'static>(
        &self,
        stage: Stage,
        handler: Arc<H>,
        shutdown: Shutdown,
        grace: Duration,
    ) -> Result<(), BrokerError> {
        let queue = self.topology.work_queue(stage);
        let channel = self.connection.create_channel().await?;
        channel
            .basic_qos(self.settings.prefetch, BasicQosOptions::default())
            .await?;
        let publisher = Arc::new(self.publisher().await?);
        let consumer_tag = format!("epaper-{}-{}", stage.as_str(), std::process::id());
        let mut consumer = channel
            .basic_consume(
                queue.as_str().into(),
                consumer_tag.as_str().into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tracing::info!(queue = %queue, prefetch = self.settings.prefetch, "consuming");

        if handler.max_batch() > 1 {
            let outcome = self
                .consume_batches(
                    stage,
                    handler.as_ref(),
                    &publisher,
                    &mut consumer,
                    &shutdown,
                )
                .await;
            bounded(
                channel.basic_cancel(consumer_tag.as_str().into(), BasicCancelOptions::default()),
            )
            .await;
            bounded(channel.close(200, "shutting down".into())).await;
            return outcome;
        }

        let mut in_flight: JoinSet<()> = JoinSet::new();
        let outcome = loop {
            tokio::select! {
                _ = shutdown.cancelled() => break Ok(()),
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                delivery = consumer.next() => match delivery {
                    Some(Ok(delivery)) => {
                        let handler = handler.clone();
                        let publisher = publisher.clone();
                        let topology = self.topology.clone();
                        in_flight.spawn(async move {
                            settle(delivery, handler.as_ref(), &publisher, stage, &topology).await;
                        });
                    }
                    Some(Err(error)) => break Err(BrokerError::Amqp(error)),
                    None => break Err(BrokerError::Amqp(lapin::Error::from(
                        lapin::ErrorKind::InvalidConnectionState(lapin::ConnectionState::Closed),
                    ))),
                },
            }
        };
        // Take no new deliveries, then let the ones in hand finish.
        bounded(channel.basic_cancel(consumer_tag.as_str().into(), BasicCancelOptions::default()))
            .await;
        let n_in_flight = in_flight.len();
        if n_in_flight > 0 {
            tracing::info!(n_in_flight, "waiting for in-flight messages");
        }
        let drained = tokio::time::timeout(grace, async {
            while in_flight.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                n_abandoned = in_flight.len(),
                "grace period over; unfinished messages stay unacked and will be redelivered"
            );
            in_flight.abort_all();
        }
        bounded(channel.close(200, "shutting down".into())).await;
        outcome
    }

    /// The batch loop: wait for one delivery, take what else arrives within a short linger up
    /// to the handler's batch size, handle all in one call, then ack them together. A batch
    /// that fails is settled message by message, so a poison message is dead-lettered alone.
    /// Batches run one after another, so an ack with `multiple` covers exactly this batch.
    async fn consume_batches<H: Handler>(
        &self,
        stage: Stage,
        handler: &H,
        publisher: &Publisher,
        consumer: &mut lapin::Consumer,
        shutdown: &Shutdown,
    ) -> Result<(), BrokerError> {
        const LINGER: Duration = Duration::from_millis(20);
        let dlq = self.topology.dead_letter_queue(stage);
        let closed = || {
            BrokerError::Amqp(lapin::Error::from(
                lapin::ErrorKind::InvalidConnectionState(lapin::ConnectionState::Closed),
            ))
        };
        loop {
            let first = tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                delivery = consumer.next() => match delivery {
                    Some(delivery) => delivery?,
                    None => return Err(closed()),
                },
            };
            let mut deliveries = vec![first];
            let deadline = tokio::time::Instant::now() + LINGER;
            while deliveries.len() < handler.max_batch() {
                match tokio::time::timeout_at(deadline, consumer.next()).await {
                    Ok(Some(delivery)) => deliveries.push(delivery?),
                    Ok(None) => return Err(closed()),
                    Err(_) => break,
                }
            }
            let mut messages = Vec::with_capacity(deliveries.len());
            let mut decoded = Vec::with_capacity(deliveries.len());
            // A dead letter that could not be published stays unacked for redelivery, so the
            // batch must then not be acked with `multiple`, which would ack it too.
            let mut all_settled = true;
            for delivery in deliveries {
                match decode(&delivery, &self.topology) {
                    Ok(message) => {
                        messages.push(message);
                        decoded.push(delivery);
                    }
                    Err(reason) => {
                        tracing::warn!(error = %reason, stage = stage.as_str(), "undecodable message, dead-lettering");
                        let history = FailureHistory::of(&delivery);
                        all_settled &= dead_letter(
                            delivery,
                            publisher,
                            stage,
                            &dlq,
                            "permanent",
                            &reason,
                            &history,
                        )
                        .await;
                    }
                }
            }
            if decoded.is_empty() {
                continue;
            }
            let n = decoded.len();
            let started = std::time::Instant::now();
            // A panic fails the whole batch; settled one by one, it is pinned on its message.
            let handled = catch_panic(handler.handle_batch(messages, publisher)).await;
            metrics::histogram!("epaper_handler_seconds", "stage" => stage.as_str())
                .record(started.elapsed().as_secs_f64());
            match handled {
                Ok(()) => {
                    count_outcome(stage, "ok", n as u64);
                    let acked = if all_settled {
                        let last = decoded.last().expect("not empty");
                        last.ack(BasicAckOptions { multiple: true })
                            .await
                            .map(|_| ())
                    } else {
                        let mut acked = Ok(());
                        for delivery in &decoded {
                            acked = acked
                                .and(delivery.ack(BasicAckOptions::default()).await.map(|_| ()));
                        }
                        acked
                    };
                    if let Err(error) = acked {
                        tracing::warn!(%error, n, "batch ack failed; the batch will be redelivered");
                    }
                    tracing::debug!(n, "batch handled");
                }
                Err(error) => {
                    tracing::warn!(%error, n, "batch failed, settling its messages one by one");
                    for delivery in decoded {
                        settle(delivery, handler, publisher, stage, &self.topology).await;
                    }
                }
            }
        }
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

/// Decodes a delivery, refusing one larger than the largest legal message before any decoding
/// (JSON, base64, inflating) is spent on it. The error is the reason for the dead letter.
fn decode(delivery: &lapin::message::Delivery, topology: &Topology) -> Result<Message, String> {
    let n_bytes = delivery.data.len() as u64;
    if n_bytes > topology.max_message_bytes {
        return Err(format!(
            "a message of {n_bytes} bytes, over the {} bytes of the largest legal message",
            topology.max_message_bytes
        ));
    }
    Message::decode(&delivery.data).map_err(|error| error.to_string())
}

/// Runs the handler on one delivery and settles it: ack, requeue, or dead-letter then ack.
async fn settle<H: Handler>(
    delivery: lapin::message::Delivery,
    handler: &H,
    publisher: &Publisher,
    stage: Stage,
    topology: &Topology,
) {
    let dlq = topology.dead_letter_queue(stage);
    let message = match decode(&delivery, topology) {
        Ok(message) => message,
        Err(reason) => {
            tracing::warn!(error = %reason, stage = stage.as_str(), "undecodable message, dead-lettering");
            let history = FailureHistory::of(&delivery);
            dead_letter(
                delivery,
                publisher,
                stage,
                &dlq,
                "permanent",
                &reason,
                &history,
            )
            .await;
            return;
        }
    };
    let label = message.describe();
    let history = FailureHistory::of(&delivery);
    let started = std::time::Instant::now();
    let handled = catch_panic(handler.handle(message.clone(), publisher)).await;
    metrics::histogram!("epaper_handler_seconds", "stage" => stage.as_str())
        .record(started.elapsed().as_secs_f64());
    match handled {
        Ok(()) => {
            count_outcome(stage, "ok", 1);
            if let Err(error) = delivery.ack(BasicAckOptions::default()).await {
                tracing::warn!(%error, message = %label, "ack failed; the message will be redelivered");
            }
        }
        Err(StageError::Permanent(error)) => {
            let reason = format!("{error:#}");
            tracing::warn!(error = %reason, message = %label, "permanent failure, dead-lettering");
            if dead_letter(
                delivery,
                publisher,
                stage,
                &dlq,
                "permanent",
                &reason,
                &history,
            )
            .await
            {
                report(publisher, &message, stage, "permanent", &reason).await;
            }
        }
        Err(StageError::Retryable(error)) => {
            let reason = format!("{error:#}");
            let n_delivered = delivery_count(&delivery) + 1;
            let tier = history.attempts as usize + 1;
            if n_delivered >= topology.delivery_limit || tier > topology.retry_delays_ms.len() {
                // The delay tiers are used up (or the broker redelivered it too often, a crash
                // loop): dead-letter it ourselves, with the reason, before the quorum queue's
                // delivery limit would do so without one.
                tracing::warn!(error = %reason, message = %label, attempts = history.attempts + 1, n_delivered, "retries exhausted, dead-lettering");
                if dead_letter(
                    delivery,
                    publisher,
                    stage,
                    &dlq,
                    "retryable",
                    &reason,
                    &history,
                )
                .await
                {
                    report(publisher, &message, stage, "retryable", &reason).await;
                }
                return;
            }
            // To the next delay tier, confirmed, and only then ack the original: a crash in
            // between duplicates the message (harmless, stages are idempotent), never loses it.
            let delay_queue = topology.delay_queue(stage, tier);
            let headers = history.headers(stage, "retryable", &reason);
            match publisher
                .publish_raw(&delay_queue, &delivery.data, headers)
                .await
            {
                Ok(()) => {
                    count_outcome(stage, "retry", 1);
                    tracing::warn!(error = %reason, message = %label, attempt = tier, queue = %delay_queue, "retryable failure, delayed");
                    if let Err(error) = delivery.ack(BasicAckOptions::default()).await {
                        tracing::warn!(%error, message = %label, "ack failed; the message will be redelivered");
                    }
                }
                Err(publish_error) => {
                    // The delay queue is unreachable: back off, then requeue; the quorum
                    // queue's delivery limit bounds how often this can happen.
                    let backoff = Duration::from_millis(250 * 2u64.pow(n_delivered.min(6)));
                    count_outcome(stage, "retry", 1);
                    tracing::warn!(error = %reason, %publish_error, message = %label, n_delivered, ?backoff, "cannot delay a retryable failure, requeueing");
                    tokio::time::sleep(backoff).await;
                    let _ = delivery
                        .nack(BasicNackOptions {
                            requeue: true,
                            ..BasicNackOptions::default()
                        })
                        .await;
                }
            }
        }
    }
}

/// What the `x-epaper-*` headers of a delivery say about its earlier failures.
#[derive(Debug, Clone)]
struct FailureHistory {
    /// Retries already made (the delay tiers it went through).
    attempts: u32,
    /// RFC 3339 time of the first failure; now when it had none.
    first_failed_at: String,
}

impl FailureHistory {
    fn of(delivery: &lapin::message::Delivery) -> FailureHistory {
        let headers = delivery.properties.headers().as_ref();
        let get = |name: &str| headers.and_then(|h| h.inner().get(name).cloned());
        let attempts = get(HEADER_ATTEMPTS).and_then(amqp_u32).unwrap_or(0);
        let first_failed_at = get(HEADER_FIRST_FAILED_AT)
            .and_then(|value| match value {
                AMQPValue::LongString(s) => Some(s.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| chrono::Utc::now().to_rfc3339());
        FailureHistory {
            attempts,
            first_failed_at,
        }
    }

    /// Headers of the message after this failure: one more attempt made.
    fn headers(&self, stage: Stage, kind: &str, reason: &str) -> FieldTable {
        let mut headers = FieldTable::default();
        headers.insert("x-epaper-stage".into(), long_string(stage.as_str()));
        headers.insert("x-epaper-error-kind".into(), long_string(kind));
        headers.insert("x-epaper-reason".into(), long_string(reason));
        headers.insert(
            HEADER_ATTEMPTS.into(),
            AMQPValue::LongLongInt(self.attempts as i64 + 1),
        );
        headers.insert(
            HEADER_FIRST_FAILED_AT.into(),
            long_string(&self.first_failed_at),
        );
        headers.insert(
            "x-epaper-failed-at".into(),
            long_string(&chrono::Utc::now().to_rfc3339()),
        );
        headers
    }
}

/// Header names a dead letter or a delayed retry carries.
pub const HEADER_ATTEMPTS: &str = "x-epaper-attempts";
pub const HEADER_FIRST_FAILED_AT: &str = "x-epaper-first-failed-at";

fn amqp_u32(value: AMQPValue) -> Option<u32> {
    match value {
        AMQPValue::LongLongInt(n) => Some(n as u32),
        AMQPValue::LongInt(n) => Some(n as u32),
        AMQPValue::LongUInt(n) => Some(n),
        AMQPValue::ShortInt(n) => Some(n as u32),
        AMQPValue::ShortUInt(n) => Some(n as u32),
        _ => None,
    }
}

/// Sends the failure report of a dead-lettered message to the index stage, which records it in
/// `failures`. A report that cannot be sent is logged: the dead letter itself is safe.
async fn report(publisher: &Publisher, message: &Message, stage: Stage, kind: &str, reason: &str) {
    if let Some(report) = message.failure_report(stage, kind, reason)
        && let Err(error) = publisher.publish(&report).await
    {
        tracing::error!(%error, "cannot report the dead letter to the index stage");
    }
}

fn delivery_count(delivery: &lapin::message::Delivery) -> u32 {
    delivery
        .properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get("x-delivery-count").cloned())
        .and_then(amqp_u32)
        .unwrap_or(0)
}

async fn dead_letter(
    delivery: lapin::message::Delivery,
    publisher: &Publisher,
    stage: Stage,
    dlq: &str,
    kind: &str,
    reason: &str,
    history: &FailureHistory,
) -> bool {
    let headers = history.headers(stage, kind, reason);
    match publisher.publish_raw(dlq, &delivery.data, headers).await {
        Ok(()) => {
            count_outcome(stage, "dead_letter", 1);
            let _ = delivery.ack(BasicAckOptions::default()).await;
            true
        }
        Err(error) => {
            // Not acked: the broker redelivers it, and nothing is lost.
            tracing::error!(%error, "cannot dead-letter; leaving the message unacked");
            false
        }
    }
}

/// Counts messages a stage settled, by outcome (`ok`, `retry`, `dead_letter`): the
/// `epaper_messages_total` metric, counted where each outcome happens.
fn count_outcome(stage: Stage, outcome: &'static str, n: u64) {
    metrics::counter!("epaper_messages_total", "stage" => stage.as_str(), "outcome" => outcome)
        .increment(n);
}

/// Publishes with `mandatory` and waits for each confirm.
pub struct Publisher {
    channel: Channel,
    topology: Topology,
}

impl Publisher {
    pub async fn publish(&self, message: &Message) -> Result<(), BrokerError> {
        let queue = self.topology.work_queue(message.stage());
        self.publish_raw(&queue, &message.encode(), FieldTable::default())
            .await
    }

    pub async fn publish_raw(
        &self,
        queue: &str,
        payload: &[u8],
        headers: FieldTable,
    ) -> Result<(), BrokerError> {
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(ShortString::from("application/json"))
            .with_headers(headers);
        let confirm = self
            .channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                payload,
                properties,
            )
            .await?
            .await?;
        if confirm.is_nack() {
            return Err(BrokerError::Nacked {
                queue: queue.to_string(),
            });
        }
        if confirm.take_message().is_some() {
            return Err(BrokerError::Unroutable {
                queue: queue.to_string(),
            });
        }
        Ok(())
    }
}

impl Outbox for Publisher {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        self.publish(&message)
            .await
            .map_err(|error| StageError::retryable(anyhow::Error::new(error)))
    }
}

impl Broker {
    /// Deletes every queue of the topology, messages included: for tearing down a test or a
    /// retired deployment, never for normal operation.
    pub async fn delete_topology(&self) -> Result<(), BrokerError> {
        let channel = self.connection.create_channel().await?;
        for queue in self.topology.all_queues() {
            channel
                .queue_delete(
                    queue.as_str().into(),
                    lapin::options::QueueDeleteOptions::default(),
                )
                .await?;
        }
        let _ = channel.close(200, "topology deleted".into()).await;
        Ok(())
    }
}

impl Broker {
    /// Moves up to `limit` of the dead letters waiting now in `stage`'s dead-letter queue back
    /// to its work queue, oldest first. Each
    /// is published (and confirmed) before it is acked on the dead-letter queue, so an
    /// interrupted replay duplicates at most one message and loses none; the stages are
    /// idempotent, so a duplicate is harmless. Returns how many were moved.
    pub async fn replay_dead_letters(&self, stage: Stage, limit: u64) -> Result<u64, BrokerError> {
        let channel = self.connection.create_channel().await?;
        let publisher = self.publisher().await?;
        let dlq = self.topology.dead_letter_queue(stage);
        let work = self.topology.work_queue(stage);
        // Only what is there now: a replayed message that fails again comes back to the
        // dead-letter queue and must not be replayed again in the same run.
        let (waiting, _) = self.queue_counts(&dlq).await?;
        let limit = limit.min(waiting as u64);
        let mut n_moved = 0;
        while n_moved < limit {
            let Some(message) = channel
                .basic_get(
                    dlq.as_str().into(),
                    lapin::options::BasicGetOptions::default(),
                )
                .await?
            else {
                break;
            };
            publisher
                .publish_raw(&work, &message.delivery.data, FieldTable::default())
                .await?;
            message.delivery.ack(BasicAckOptions::default()).await?;
            n_moved += 1;
        }
        let _ = channel.close(200, "replayed".into()).await;
        Ok(n_moved)
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
