//! The one seam between stage code and how messages move.
//!
//! A stage is a [`Handler`]: it takes one [`Message`] and sends what it produces to an
//! [`Outbox`]. Over RabbitMQ the outbox is a confirming publisher ([`crate::broker::Publisher`]);
//! in the embedded mode it is [`InProcessQueues`], bounded tokio channels in one process. The
//! stage code is the same in both, which is what makes the embedded mode a faithful small copy
//! of the services.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt;
use tokio::sync::{Mutex, Notify, mpsc};

use crate::error::StageError;
use crate::messages::{Message, Stage};

pub trait Outbox: Send + Sync {
    /// Hands a message to the next stage. `Ok` means it is durable in the transport's sense:
    /// confirmed by the broker, or queued in process.
    fn send(&self, message: Message) -> impl Future<Output = Result<(), StageError>> + Send;

    /// Hands several messages to the next stage, in order. `Ok` means every one is durable, as
    /// for [`Outbox::send`]; on an error any of them may be lost, so the caller must fail as it
    /// would for a failed `send` (the message it handles is then retried whole). Over RabbitMQ
    /// all are published before the confirms are awaited, so a batch costs about one round
    /// trip instead of one each; in process they are queued one by one.
    fn send_all(
        &self,
        messages: Vec<Message>,
    ) -> impl Future<Output = Result<(), StageError>> + Send {
        async move {
            for message in messages {
                self.send(message).await?;
            }
            Ok(())
        }
    }
}

pub trait Handler: Send + Sync {
    /// Handles one message. `Ok` only when every output is sent and every write is committed.
    fn handle<O: Outbox>(
        &self,
        message: Message,
        out: &O,
    ) -> impl Future<Output = Result<(), StageError>> + Send;

    /// Whether the handler can work now (for `/readyz`): the indexer checks its database.
    fn ready(&self) -> impl Future<Output = Result<(), String>> + Send {
        async { Ok(()) }
    }

    /// The most messages this handler takes at once. Above 1, transports hand it batches
    /// through [`Handler::handle_batch`] (the indexer commits a batch in one transaction).
    fn max_batch(&self) -> usize {
        1
    }

    /// Handles a batch: `Ok` only when the effect of every message is durable. On an error
    /// nothing of the batch may be assumed done; transports then retry its messages one by one,
    /// so that one bad message cannot hold back the others.
    fn handle_batch<O: Outbox>(
        &self,
        messages: Vec<Message>,
        out: &O,
    ) -> impl Future<Output = Result<(), StageError>> + Send {
        async move {
            for message in messages {
                self.handle(message, out).await?;
            }
            Ok(())
        }
    }
}

/// Runs a handler's future and turns a panic in it into a permanent failure ("handler
/// panicked: …"), so that the transport settles the message like any other permanent failure
/// (dead letter with its reason, a row in `failures`) instead of leaving it unsettled until the
/// broker's consumer timeout, or, in the embedded mode, losing a worker and never going idle.
///
/// Unwind safety is asserted: a handler keeps no state that a half-run call could leave
/// inconsistent beyond what a crash would (its locks are tokio's, which do not poison), and the
/// process goes on only to settle the message and take the next one.
pub async fn catch_panic(
    work: impl Future<Output = Result<(), StageError>>,
) -> Result<(), StageError> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_string());
            Err(StageError::permanent(anyhow::anyhow!(
                "handler panicked: {text}"
            )))
        }
    }
}

/// In-process queues, one per stage, with a count of messages not yet handled so that the
/// embedded runner knows when a range of issues is done.
#[derive(Clone)]
pub struct InProcessQueues {
    senders: Arc<[mpsc::Sender<Message>; 3]>,
    receivers: Arc<[Mutex<mpsc::Receiver<Message>>; 3]>,
    pending: Arc<AtomicU64>,
    idle: Arc<Notify>,
}

fn index(stage: Stage) -> usize {
    match stage {
        Stage::Crawl => 0,
        Stage::Parse => 1,
        Stage::Index => 2,
    }
}

impl InProcessQueues {
    /// `capacity` bounds each queue, so a fast stage waits for a slow one instead of piling up
    /// memory.
    pub fn new(capacity: usize) -> Self {
        let (crawl_tx, crawl_rx) = mpsc::channel(capacity);
        let (parse_tx, parse_rx) = mpsc::channel(capacity);
        let (index_tx, index_rx) = mpsc::channel(capacity);
        InProcessQueues {
            senders: Arc::new([crawl_tx, parse_tx, index_tx]),
            receivers: Arc::new([
                Mutex::new(crawl_rx),
                Mutex::new(parse_rx),
                Mutex::new(index_rx),
            ]),
            pending: Arc::new(AtomicU64::new(0)),
            idle: Arc::new(Notify::new()),
        }
    }

    /// Takes the next message of a stage; workers of one stage share the receiver.
    pub async fn recv(&self, stage: Stage) -> Option<Message> {
        self.receivers[index(stage)].lock().await.recv().await
    }

    /// Waits for one message, then takes up to `max - 1` more that are already queued.
    pub async fn recv_batch(&self, stage: Stage, max: usize) -> Vec<Message> {
        let mut receiver = self.receivers[index(stage)].lock().await;
        let mut batch = Vec::new();
        if let Some(first) = receiver.recv().await {
            batch.push(first);
            while batch.len() < max {
                match receiver.try_recv() {
                    Ok(message) => batch.push(message),
                    Err(_) => break,
                }
            }
        }
        batch
    }

    /// Marks one received message as handled (successfully or not).
    pub fn done(&self) {
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_waiters();
        }
    }

    /// Queues a message without waiting for room in its queue: for a stage reporting to its own
    /// queue (the index stage's failure reports), which must never wait on itself.
    pub fn send_detached(&self, message: Message) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        let sender = self.senders[index(message.stage())].clone();
        let queues = self.clone();
        tokio::spawn(async move {
            if sender.send(message).await.is_err() {
                queues.done();
            }
        });
    }

    pub fn pending(&self) -> u64 {
        self.pending.load(Ordering::SeqCst)
    }

    /// Waits until every message sent so far has been handled.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.pending() == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Outbox for InProcessQueues {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        // Count before sending so that `pending` never reads zero while a message is in a queue.
        self.pending.fetch_add(1, Ordering::SeqCst);
        let sender = &self.senders[index(message.stage())];
        if sender.send(message).await.is_err() {
            self.done();
            return Err(StageError::permanent(anyhow::anyhow!(
                "in-process queue closed"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::CrawlIssue;

    #[tokio::test]
    async fn a_panic_becomes_a_permanent_failure_with_its_message() {
        let error = catch_panic(async { panic!("boom at {}", 7) })
            .await
            .unwrap_err();
        assert!(!error.is_retryable());
        assert_eq!(error.to_string(), "permanent: handler panicked: boom at 7");
        assert!(catch_panic(async { Ok(()) }).await.is_ok());
    }

    #[tokio::test]
    async fn pending_counts_until_done() {
        let queues = InProcessQueues::new(4);
        let message = Message::CrawlIssue(CrawlIssue {
            site: "sample".into(),
            base_url: None,
            date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            known: Vec::new(),
            follow: None,
        });
        queues.send(message.clone()).await.unwrap();
        assert_eq!(queues.pending(), 1);
        assert_eq!(queues.recv(Stage::Crawl).await, Some(message));
        let waiter = {
            let queues = queues.clone();
            tokio::spawn(async move { queues.wait_idle().await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        queues.done();
        waiter.await.unwrap();
        assert_eq!(queues.pending(), 0);
    }
}
