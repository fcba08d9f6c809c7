//! The consumer loop every service runs: deliveries of the stage's work queue to its handler,
//! one at a time up to `prefetch` at once, or in batches for a handler that takes them; on
//! shutdown it takes no new deliveries and lets the ones in hand finish within the grace period.
//! A lost connection ends the loop with an error, whatever it was waiting on (a delivery, a
//! batch in hand): the service then exits and is restarted, and the broker redelivers every
//! unacked message to the next consumer. Waiting on the consumer stream alone is not enough: a
//! RabbitMQ restart once left an indexer waiting for four minutes on a connection that was gone.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, Consumer};
use tokio::task::JoinSet;

use super::settle::Settler;
use super::{Broker, BrokerError, Publisher, bounded};
use crate::messages::Stage;
use crate::shutdown::Shutdown;
use crate::transport::Handler;

impl Broker {
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
        let channel = self.connection.create_channel().await?;
        channel
            .basic_qos(self.settings.prefetch, BasicQosOptions::default())
            .await?;
        let publisher = Arc::new(self.publisher().await?);
        let consumer_tag = format!("epaper-{}-{}", stage.as_str(), std::process::id());
        let mut consumer = self.consume(&channel, stage, &consumer_tag).await?;

        let deliveries = Deliveries {
            consumer: &mut consumer,
            shutdown: &shutdown,
            connection: &self.connection,
        };
        let mut in_flight = JoinSet::new();
        let outcome = if handler.max_batch() > 1 {
            self.consume_batches(stage, handler.as_ref(), &publisher, deliveries)
                .await
        } else {
            self.consume_each(stage, &handler, &publisher, deliveries, &mut in_flight)
                .await
        };
        // Take no new deliveries, then let the ones in hand finish.
        bounded(channel.basic_cancel(consumer_tag.as_str().into(), BasicCancelOptions::default()))
            .await;
        drain(in_flight, grace).await;
        bounded(channel.close(200, "shutting down".into())).await;
        outcome
    }

    async fn consume(
        &self,
        channel: &Channel,
        stage: Stage,
        consumer_tag: &str,
    ) -> Result<Consumer, BrokerError> {
        let queue = self.topology.work_queue(stage);
        let consumer = channel
            .basic_consume(
                queue.as_str().into(),
                consumer_tag.into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tracing::info!(queue = %queue, prefetch = self.settings.prefetch, "consuming");
        Ok(consumer)
    }

    /// One task per delivery, settled on its own; the channel's prefetch bounds how many run
    /// at once. The tasks still running when it returns are left in `in_flight`.
    async fn consume_each<H: Handler + 'static>(
        &self,
        stage: Stage,
        handler: &Arc<H>,
        publisher: &Arc<Publisher>,
        deliveries: Deliveries<'_>,
        in_flight: &mut JoinSet<()>,
    ) -> Result<(), BrokerError> {
        loop {
            tokio::select! {
                _ = deliveries.shutdown.cancelled() => return Ok(()),
                _ = connection_lost(deliveries.connection) => return Err(closed()),
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                delivery = deliveries.consumer.next() => match delivery {
                    Some(Ok(delivery)) => {
                        let handler = handler.clone();
                        let publisher = publisher.clone();
                        let topology = self.topology.clone();
                        in_flight.spawn(async move {
                            let settler = Settler { publisher: &publisher, stage, topology: &topology };
                            settler.settle(delivery, handler.as_ref()).await;
                        });
                    }
                    Some(Err(error)) => return Err(BrokerError::Amqp(error)),
                    None => return Err(closed()),
                },
            }
        }
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
        mut deliveries: Deliveries<'_>,
    ) -> Result<(), BrokerError> {
        let settler = Settler {
            publisher,
            stage,
            topology: &self.topology,
        };
        while let Some(batch) = deliveries.next_batch(handler.max_batch()).await? {
            // Its acks cannot reach a broker that is gone, so a batch in hand is given up when
            // the connection is lost (its transaction rolls back when dropped): the broker
            // redelivers it whole.
            tokio::select! {
                () = settler.settle_batch(batch, handler) => {}
                () = connection_lost(deliveries.connection) => return Err(closed()),
            }
        }
        Ok(())
    }
}

/// A consumer's deliveries, until shutdown.
struct Deliveries<'a> {
    consumer: &'a mut Consumer,
    shutdown: &'a Shutdown,
    connection: &'a Connection,
}

impl Deliveries<'_> {
    /// Waits for one delivery, then takes what else arrives within a short linger, up to `max`;
    /// `None` once shutdown fires.
    async fn next_batch(&mut self, max: usize) -> Result<Option<Vec<Delivery>>, BrokerError> {
        const LINGER: Duration = Duration::from_millis(20);
        let first = tokio::select! {
            _ = self.shutdown.cancelled() => return Ok(None),
            () = connection_lost(self.connection) => return Err(closed()),
            delivery = self.consumer.next() => match delivery {
                Some(delivery) => delivery?,
                None => return Err(closed()),
            },
        };
        let mut deliveries = vec![first];
        let deadline = tokio::time::Instant::now() + LINGER;
        while deliveries.len() < max {
            match tokio::time::timeout_at(deadline, self.consumer.next()).await {
                Ok(Some(delivery)) => deliveries.push(delivery?),
                Ok(None) => return Err(closed()),
                Err(_) => break,
            }
        }
        Ok(Some(deliveries))
    }
}

/// Waits up to `grace` for the deliveries in hand; what is unfinished then stays unacked.
async fn drain(mut in_flight: JoinSet<()>, grace: Duration) {
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
}

/// Returns once `connection` is no longer connected (closed, errored, closing); polled, since
/// lapin tells a consumer's stream, not every waiter, that the connection died.
async fn connection_lost(connection: &Connection) {
    const EVERY: Duration = Duration::from_millis(250);
    while connection.status().connected() {
        tokio::time::sleep(EVERY).await;
    }
    tracing::warn!("the broker connection is lost");
}

/// The consumer's stream ended: the connection is gone.
fn closed() -> BrokerError {
    BrokerError::Amqp(lapin::Error::from(
        lapin::ErrorKind::InvalidConnectionState(lapin::ConnectionState::Closed),
    ))
}
