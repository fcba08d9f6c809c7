//! The confirming publisher: every publish is `mandatory` and waits for the broker's confirm,
//! so an unroutable or refused message is an error, never a silent loss. A batch of messages is
//! published whole before its confirms are awaited.

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Confirmation, PublisherConfirm};

use super::{Broker, BrokerError, Topology};
use crate::error::StageError;
use crate::messages::Message;
use crate::transport::Outbox;

/// Publishes with `mandatory` and waits for each confirm (for a batch: for all of them).
pub struct Publisher {
    channel: Channel,
    topology: Topology,
}

impl Broker {
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
}

impl Publisher {
    pub async fn publish(&self, message: &Message) -> Result<(), BrokerError> {
        let queue = self.topology.work_queue(message.stage());
        self.publish_raw(&queue, &message.encode(), FieldTable::default())
            .await
    }

    /// Publishes every message, then waits for all their confirms: the broker confirms a
    /// window of publishes together (`multiple`), so this costs about one round trip, not one
    /// per message. `Ok` only when every one was confirmed and routed.
    pub async fn publish_all(&self, messages: &[Message]) -> Result<(), BrokerError> {
        let mut pending = Vec::with_capacity(messages.len());
        for message in messages {
            let queue = self.topology.work_queue(message.stage());
            let confirm = self
                .start(&queue, &message.encode(), FieldTable::default())
                .await?;
            pending.push((queue, confirm));
        }
        for (queue, confirm) in pending {
            check(&queue, confirm.await?)?;
        }
        Ok(())
    }

    pub async fn publish_raw(
        &self,
        queue: &str,
        payload: &[u8],
        headers: FieldTable,
    ) -> Result<(), BrokerError> {
        let confirm = self.start(queue, payload, headers).await?;
        check(queue, confirm.await?)
    }

    /// Sends one publish; the returned future resolves with the broker's confirm.
    async fn start(
        &self,
        queue: &str,
        payload: &[u8],
        headers: FieldTable,
    ) -> Result<PublisherConfirm, BrokerError> {
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(ShortString::from("application/json"))
            .with_headers(headers);
        Ok(self
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
            .await?)
    }
}

/// A confirm's verdict: refused (nack) and returned (unroutable) are errors, never losses.
fn check(queue: &str, confirm: Confirmation) -> Result<(), BrokerError> {
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

impl Outbox for Publisher {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        self.publish(&message)
            .await
            .map_err(|error| StageError::retryable(anyhow::Error::new(error)))
    }

    async fn send_all(&self, messages: Vec<Message>) -> Result<(), StageError> {
        self.publish_all(&messages)
            .await
            .map_err(|error| StageError::retryable(anyhow::Error::new(error)))
    }
}
