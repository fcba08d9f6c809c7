//! Replaying dead letters: moving them back from a stage's dead-letter queue to its work queue,
//! once whatever made them fail is fixed.

use lapin::options::{BasicAckOptions, BasicGetOptions};
use lapin::types::FieldTable;

use super::{Broker, BrokerError};
use crate::messages::Stage;

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
                .basic_get(dlq.as_str().into(), BasicGetOptions::default())
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
