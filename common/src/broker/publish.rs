//! The confirming publisher: every publish is `mandatory` and waits for the broker's confirm,
//! so an unroutable or refused message is an error, never a silent loss.

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel};

use super::{Broker, BrokerError, Topology};
use crate::error::StageError;
use crate::messages::Message;
use crate::transport::Outbox;

/// Publishes with `mandatory` and waits for each confirm.
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
