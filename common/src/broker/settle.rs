//! How the broker carries out what the settle policy ([`crate::settle`]) decides for a
//! delivery: ack it; publish it to the next delay tier, confirmed, then ack it; or publish it to
//! the stage's dead-letter queue with its history in headers, then ack it and report it to the
//! index stage. An outcome is counted in `epaper_messages_total` where it happens.

use std::time::{Duration, Instant};

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::types::{AMQPValue, FieldTable};

use super::topology::long_string;
use super::{Publisher, Topology};
use crate::error::StageError;
use crate::messages::{Message, Stage};
use crate::settle::{Attempt, GiveUp, Settlement};
use crate::transport::{Handler, catch_panic};

/// Header names a dead letter or a delayed retry carries.
pub const HEADER_ATTEMPTS: &str = "x-epaper-attempts";
pub const HEADER_FIRST_FAILED_AT: &str = "x-epaper-first-failed-at";

/// What one consumer settles its deliveries with: its stage's queues and its publisher.
pub(super) struct Settler<'a> {
    pub publisher: &'a Publisher,
    pub stage: Stage,
    pub topology: &'a Topology,
}

impl Settler<'_> {
    /// Runs the handler on one delivery and settles it: ack, delay, or dead-letter then ack.
    pub async fn settle<H: Handler>(&self, delivery: Delivery, handler: &H) {
        let history = FailureHistory::of(&delivery);
        let Ok(message) = self.decode(&delivery, &history).await else {
            return;
        };
        let label = message.describe();
        let handled = self
            .run(handler.handle(message.clone(), self.publisher))
            .await;
        let attempt = Attempt {
            retries: history.attempts,
            deliveries: delivery_count(&delivery) + 1,
        };
        match self.topology.retry_policy().settle(handled, attempt) {
            Settlement::Ack => {
                count_outcome(self.stage, "ok", 1);
                ack(&delivery, &label).await;
            }
            Settlement::Retry { retry, reason, .. } => {
                self.delay(
                    &delivery,
                    &label,
                    &history,
                    &reason,
                    retry,
                    attempt.deliveries,
                )
                .await;
            }
            Settlement::GiveUp(give_up) => {
                if give_up.retries_exhausted() {
                    // The delay tiers are used up (or the broker redelivered it too often, a
                    // crash loop): dead-letter it ourselves, with the reason, before the quorum
                    // queue's delivery limit would do so without one.
                    tracing::warn!(error = %give_up.reason, message = %label, attempts = history.attempts + 1, n_delivered = attempt.deliveries, "retries exhausted, dead-lettering");
                } else {
                    tracing::warn!(error = %give_up.reason, message = %label, "permanent failure, dead-lettering");
                }
                if self.dead_letter(&delivery, &history, &give_up).await {
                    self.report(&message, &give_up).await;
                }
            }
        }
    }

    /// Handles a batch in one call and acks it together; a batch that fails is settled message
    /// by message, so a poison message is dead-lettered alone.
    pub async fn settle_batch<H: Handler>(&self, deliveries: Vec<Delivery>, handler: &H) {
        let mut messages = Vec::with_capacity(deliveries.len());
        let mut decoded = Vec::with_capacity(deliveries.len());
        // A dead letter that could not be published stays unacked for redelivery, so the
        // batch must then not be acked with `multiple`, which would ack it too.
        let mut all_settled = true;
        for delivery in deliveries {
            match self.decode(&delivery, &FailureHistory::of(&delivery)).await {
                Ok(message) => {
                    messages.push(message);
                    decoded.push(delivery);
                }
                Err(settled) => all_settled &= settled,
            }
        }
        if decoded.is_empty() {
            return;
        }
        let n = decoded.len();
        // A panic fails the whole batch; settled one by one, it is pinned on its message.
        match self
            .run(handler.handle_batch(messages, self.publisher))
            .await
        {
            Ok(()) => {
                count_outcome(self.stage, "ok", n as u64);
                if let Err(error) = ack_batch(&decoded, all_settled).await {
                    tracing::warn!(%error, n, "batch ack failed; the batch will be redelivered");
                }
                tracing::debug!(n, "batch handled");
            }
            Err(error) => {
                tracing::warn!(%error, n, "batch failed, settling its messages one by one");
                for delivery in decoded {
                    self.settle(delivery, handler).await;
                }
            }
        }
    }

    /// Runs a handler's work, timed, with a panic made a permanent failure.
    async fn run(
        &self,
        work: impl Future<Output = Result<(), StageError>>,
    ) -> Result<(), StageError> {
        let started = Instant::now();
        let handled = catch_panic(work).await;
        metrics::histogram!("epaper_handler_seconds", "stage" => self.stage.as_str())
            .record(started.elapsed().as_secs_f64());
        handled
    }

    /// Decodes a delivery, or dead-letters it as permanent: then `Err` says whether the dead
    /// letter was published and the delivery acked.
    async fn decode(&self, delivery: &Delivery, history: &FailureHistory) -> Result<Message, bool> {
        match decode(delivery, self.topology) {
            Ok(message) => Ok(message),
            Err(reason) => {
                tracing::warn!(error = %reason, stage = self.stage.as_str(), "undecodable message, dead-lettering");
                Err(self
                    .dead_letter(delivery, history, &GiveUp::permanent(reason))
                    .await)
            }
        }
    }

    /// To the next delay tier, confirmed, and only then ack the original: a crash in between
    /// duplicates the message (harmless, stages are idempotent), never loses it.
    async fn delay(
        &self,
        delivery: &Delivery,
        label: &str,
        history: &FailureHistory,
        reason: &str,
        tier: u32,
        n_delivered: u32,
    ) {
        let stage = self.stage;
        let delay_queue = self.topology.delay_queue(stage, tier as usize);
        let headers = history.headers(stage, "retryable", reason);
        match self
            .publisher
            .publish_raw(&delay_queue, &delivery.data, headers)
            .await
        {
            Ok(()) => {
                count_outcome(stage, "retry", 1);
                tracing::warn!(error = %reason, message = %label, attempt = tier, queue = %delay_queue, "retryable failure, delayed");
                ack(delivery, label).await;
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

    /// Publishes the delivery to the dead-letter queue, then acks it. Returns whether it did;
    /// when not, the delivery stays unacked.
    async fn dead_letter(
        &self,
        delivery: &Delivery,
        history: &FailureHistory,
        give_up: &GiveUp,
    ) -> bool {
        let dlq = self.topology.dead_letter_queue(self.stage);
        let headers = history.headers(self.stage, give_up.kind, &give_up.reason);
        match self
            .publisher
            .publish_raw(&dlq, &delivery.data, headers)
            .await
        {
            Ok(()) => {
                count_outcome(self.stage, "dead_letter", 1);
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

    /// Sends the failure report of a dead-lettered message to the index stage, which records
    /// it in `failures`. A report that cannot be sent is logged: the dead letter itself is safe.
    async fn report(&self, message: &Message, give_up: &GiveUp) {
        if let Some(report) = message.failure_report(self.stage, give_up.kind, &give_up.reason)
            && let Err(error) = self.publisher.publish(&report).await
        {
            tracing::error!(%error, "cannot report the dead letter to the index stage");
        }
    }
}

/// Decodes a delivery, refusing one larger than the largest legal message before any decoding
/// (JSON, base64, inflating) is spent on it. The error is the reason for the dead letter.
fn decode(delivery: &Delivery, topology: &Topology) -> Result<Message, String> {
    let n_bytes = delivery.data.len() as u64;
    if n_bytes > topology.max_message_bytes {
        return Err(format!(
            "a message of {n_bytes} bytes, over the {} bytes of the largest legal message",
            topology.max_message_bytes
        ));
    }
    Message::decode(&delivery.data).map_err(|error| error.to_string())
}

async fn ack(delivery: &Delivery, label: &str) {
    if let Err(error) = delivery.ack(BasicAckOptions::default()).await {
        tracing::warn!(%error, message = %label, "ack failed; the message will be redelivered");
    }
}

/// Acks a handled batch: all together with `multiple` when nothing else of this channel is
/// unacked, else one by one.
async fn ack_batch(decoded: &[Delivery], all_settled: bool) -> Result<(), lapin::Error> {
    if all_settled {
        let last = decoded.last().expect("not empty");
        return last
            .ack(BasicAckOptions { multiple: true })
            .await
            .map(|_| ());
    }
    let mut acked = Ok(());
    for delivery in decoded {
        acked = acked.and(delivery.ack(BasicAckOptions::default()).await.map(|_| ()));
    }
    acked
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
    fn of(delivery: &Delivery) -> FailureHistory {
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

fn delivery_count(delivery: &Delivery) -> u32 {
    delivery
        .properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get("x-delivery-count").cloned())
        .and_then(amqp_u32)
        .unwrap_or(0)
}

/// Counts messages a stage settled, by outcome (`ok`, `retry`, `dead_letter`): the
/// `epaper_messages_total` metric, counted where each outcome happens.
fn count_outcome(stage: Stage, outcome: &'static str, n: u64) {
    metrics::counter!("epaper_messages_total", "stage" => stage.as_str(), "outcome" => outcome)
        .increment(n);
}
