//! The queues of one deployment and their arguments: a quorum work queue per stage with a
//! delivery limit that dead-letters to the stage's `.dlq`, and the delay tiers whose TTL sends a
//! retry back to the work queue. Declaring them twice is harmless: the same arguments each time.

use std::time::Duration;

use lapin::Channel;
use lapin::options::QueueDeclareOptions;
use lapin::types::{AMQPValue, FieldTable, LongString};

use super::{Broker, BrokerError};
use crate::config::{AmqpSettings, Settings};
use crate::messages::Stage;
use crate::settle::RetryPolicy;

/// Queue names for one deployment; the prefix lets tests and tenants share a broker.
#[derive(Debug, Clone)]
pub struct Topology {
    pub prefix: String,
    pub delivery_limit: u32,
    /// The TTL of each delay tier, in milliseconds (tier 1 first).
    pub retry_delays_ms: Vec<u64>,
    /// The largest delivery a consumer decodes: the largest legal message under the crawler's
    /// size caps ([`crate::config::SizeCaps::max_message_bytes`]). A larger one is
    /// dead-lettered undecoded.
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

    /// The settle policy these queues carry out: one retry per delay tier, and no more
    /// deliveries than the work queue's delivery limit.
    pub fn retry_policy(&self) -> RetryPolicy {
        let delays = self
            .retry_delays_ms
            .iter()
            .map(|ms| Duration::from_millis(*ms))
            .collect();
        RetryPolicy::new(delays).with_max_deliveries(self.delivery_limit)
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
            channel
                .queue_declare(dlq.as_str().into(), durable(), quorum())
                .await?;
            let mut args = quorum();
            args.insert(
                "x-delivery-limit".into(),
                AMQPValue::LongInt(self.delivery_limit as i32),
            );
            args.insert("x-dead-letter-exchange".into(), long_string(""));
            args.insert("x-dead-letter-routing-key".into(), long_string(&dlq));
            channel
                .queue_declare(self.work_queue(stage).as_str().into(), durable(), args)
                .await?;
            for (k, ttl_ms) in self.retry_delays_ms.iter().enumerate() {
                channel
                    .queue_declare(
                        self.delay_queue(stage, k + 1).as_str().into(),
                        durable(),
                        self.delay_tier_args(stage, *ttl_ms),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// Delay tiers: quorum queues whose messages expire after the tier's TTL and are
    /// dead-lettered back to the work queue through the default exchange. At-least-once
    /// dead-lettering (3.10+, needs `reject-publish` overflow) keeps a message safe across a
    /// broker restart between expiry and arrival in the work queue.
    fn delay_tier_args(&self, stage: Stage, ttl_ms: u64) -> FieldTable {
        let mut args = quorum();
        args.insert(
            "x-message-ttl".into(),
            AMQPValue::LongLongInt(ttl_ms as i64),
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
        args
    }
}

impl Broker {
    pub async fn declare_topology(&self) -> Result<(), BrokerError> {
        let channel = self.connection.create_channel().await?;
        self.topology.declare(&channel).await?;
        let _ = channel.close(200, "topology declared".into()).await;
        Ok(())
    }

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

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

/// The arguments every queue starts from: all are quorum queues.
fn quorum() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert("x-queue-type".into(), long_string("quorum"));
    args
}

pub(super) fn long_string(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value.as_bytes().to_vec()))
}
