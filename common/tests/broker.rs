//! The retry topology against the real RabbitMQ (127.0.0.1:5672, or `EPAPER_TEST_AMQP`), on
//! randomly prefixed queues: retryable failures go through the delay tiers and then to the
//! dead-letter queue with their history in headers; permanent and undecodable ones go there at
//! once; every decodable dead letter is reported to the index stage.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use epaper_common::broker::{Broker, HEADER_ATTEMPTS, HEADER_FIRST_FAILED_AT, Publisher};
use epaper_common::config::{MESSAGE_HEADROOM, Settings, SizeCaps};
use epaper_common::error::StageError;
use epaper_common::messages::{CrawlIssue, Message, Stage};
use epaper_common::shutdown::Shutdown;
use epaper_common::transport::{Handler, Outbox};
use lapin::types::AMQPValue;

/// Fails the first `fail_times` deliveries of each message (or always), with the given kind.
struct Flaky {
    fail_times: u32,
    permanent: bool,
    calls: AtomicU32,
}

impl Handler for Flaky {
    async fn handle<O: Outbox>(&self, _message: Message, _out: &O) -> Result<(), StageError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_times {
            let error = anyhow::anyhow!("flaky failure {}", n + 1);
            return Err(if self.permanent {
                StageError::permanent(error)
            } else {
                StageError::retryable(error)
            });
        }
        Ok(())
    }
}

fn settings(prefix: &str) -> Settings {
    let url = std::env::var("EPAPER_TEST_AMQP")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into());
    Settings::load_with_env(
        None,
        [
            ("EPAPER__AMQP__URL".to_string(), url),
            ("EPAPER__AMQP__QUEUE_PREFIX".to_string(), prefix.to_string()),
            (
                "EPAPER__AMQP__RETRY_DELAYS_SECS".to_string(),
                "0.2,0.4,0.6".to_string(),
            ),
            ("EPAPER__AMQP__DELIVERY_LIMIT".to_string(), "20".to_string()),
        ],
    )
    .unwrap()
}

fn prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("test_broker_{}_{nanos}", std::process::id())
}

fn crawl_issue() -> Message {
    Message::CrawlIssue(CrawlIssue {
        site: "sample".into(),
        base_url: None,
        date: "2024-03-01".parse().unwrap(),
        known: Vec::new(),
        follow: None,
    })
}

async fn wait_for(broker: &Broker, queue: &str, n: u32, within: Duration) -> u32 {
    let deadline = Instant::now() + within;
    loop {
        let (ready, _) = broker.queue_counts(queue).await.unwrap();
        if ready >= n || Instant::now() > deadline {
            return ready;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Takes one message from `queue`: its body and its headers as strings.
async fn take(broker_settings: &Settings, queue: &str) -> (Vec<u8>, HashMap<String, String>) {
    let connection = lapin::Connection::connect(
        secrecy::ExposeSecret::expose_secret(&broker_settings.amqp.url),
        lapin::ConnectionProperties::default(),
    )
    .await
    .unwrap();
    let channel = connection.create_channel().await.unwrap();
    let message = channel
        .basic_get(
            queue.into(),
            lapin::options::BasicGetOptions { no_ack: true },
        )
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{queue} is empty"));
    let headers = message
        .delivery
        .properties
        .headers()
        .as_ref()
        .map(|h| {
            h.inner()
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        AMQPValue::LongString(s) => s.to_string(),
                        AMQPValue::LongLongInt(n) => n.to_string(),
                        AMQPValue::LongInt(n) => n.to_string(),
                        other => format!("{other:?}"),
                    };
                    (k.to_string(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    let _ = connection.close(200, "taken".into()).await;
    (message.delivery.data.clone(), headers)
}

/// Polls `done` until it holds or `within` has passed.
async fn wait_until(within: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() && started.elapsed() < within {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs a consumer of `stage` with `handler` until `done` returns, then stops it.
async fn with_consumer<H: Handler + 'static, F: std::future::Future<Output = ()>>(
    broker: &Broker,
    stage: Stage,
    handler: Arc<H>,
    done: F,
) {
    let shutdown = Shutdown::new();
    let consuming = broker.run_consumer(stage, handler, shutdown.clone(), Duration::from_secs(5));
    tokio::pin!(consuming);
    tokio::select! {
        outcome = &mut consuming => panic!("consumer stopped early: {outcome:?}"),
        () = done => {}
    }
    shutdown.cancel();
    consuming.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn retryable_failures_go_through_every_delay_tier_then_to_dead_letters() {
    let prefix = prefix();
    let settings = settings(&prefix);
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    broker.declare_topology().await.unwrap();
    // Declaring again with the same arguments is harmless.
    broker.declare_topology().await.unwrap();
    let publisher = broker.publisher().await.unwrap();

    fails_twice_then_succeeds_through_two_tiers(&broker, &publisher, &prefix).await;
    always_fails_then_is_dead_lettered_and_reported(&broker, &publisher, &settings, &prefix).await;
    permanent_and_undecodable_go_straight_to_dead_letters(&broker, &publisher, &settings, &prefix)
        .await;

    broker.delete_topology().await.unwrap();
    for queue in broker.topology.all_queues() {
        assert!(
            broker.queue_counts(&queue).await.is_err(),
            "{queue} still exists"
        );
    }
    broker.close().await;
}

/// Fails twice, then succeeds: it comes back through tiers 1 and 2, and nothing is
/// dead-lettered.
async fn fails_twice_then_succeeds_through_two_tiers(
    broker: &Broker,
    publisher: &Publisher,
    prefix: &str,
) {
    let handler = Arc::new(Flaky {
        fail_times: 2,
        permanent: false,
        calls: AtomicU32::new(0),
    });
    publisher.publish(&crawl_issue()).await.unwrap();
    let started = Instant::now();
    let h = handler.clone();
    with_consumer(broker, Stage::Crawl, handler.clone(), async move {
        wait_until(Duration::from_secs(20), || {
            h.calls.load(Ordering::SeqCst) >= 3
        })
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    })
    .await;
    assert_eq!(handler.calls.load(Ordering::SeqCst), 3);
    // It waited in tier 1 (0.2 s) and tier 2 (0.4 s).
    assert!(started.elapsed() >= Duration::from_millis(600));
    for queue in [
        format!("{prefix}.crawl"),
        format!("{prefix}.crawl.dlq"),
        format!("{prefix}.crawl.delay.1"),
        format!("{prefix}.crawl.delay.2"),
        format!("{prefix}.crawl.delay.3"),
        format!("{prefix}.index"),
    ] {
        assert_eq!(broker.queue_counts(&queue).await.unwrap().0, 0, "{queue}");
    }
}

/// Always fails: the first delivery and one per tier, then the dead-letter queue with its
/// history, and a failure report to the index stage.
async fn always_fails_then_is_dead_lettered_and_reported(
    broker: &Broker,
    publisher: &Publisher,
    settings: &Settings,
    prefix: &str,
) {
    let handler = Arc::new(Flaky {
        fail_times: u32::MAX,
        permanent: false,
        calls: AtomicU32::new(0),
    });
    publisher.publish(&crawl_issue()).await.unwrap();
    let dlq = format!("{prefix}.crawl.dlq");
    with_consumer(broker, Stage::Crawl, handler.clone(), async {
        assert_eq!(wait_for(broker, &dlq, 1, Duration::from_secs(20)).await, 1);
    })
    .await;
    assert_eq!(handler.calls.load(Ordering::SeqCst), 4);
    let (body, headers) = take(settings, &dlq).await;
    assert_eq!(Message::decode(&body).unwrap(), crawl_issue());
    assert_eq!(headers[HEADER_ATTEMPTS], "4", "{headers:?}");
    assert_eq!(headers["x-epaper-stage"], "crawl");
    assert_eq!(headers["x-epaper-error-kind"], "retryable");
    assert_eq!(headers["x-epaper-reason"], "flaky failure 4");
    let first: chrono::DateTime<chrono::Utc> = headers[HEADER_FIRST_FAILED_AT].parse().unwrap();
    let last: chrono::DateTime<chrono::Utc> = headers["x-epaper-failed-at"].parse().unwrap();
    assert!(
        last - first >= chrono::Duration::milliseconds(1200),
        "{first} .. {last}"
    );
    let (report, _) = take(settings, &format!("{prefix}.index")).await;
    match Message::decode(&report).unwrap() {
        Message::Failed(failure) => {
            assert_eq!(failure.stage, Stage::Crawl);
            assert_eq!(failure.kind, "retryable");
            assert_eq!(failure.reason, "flaky failure 4");
        }
        other => panic!("not a failure report: {other:?}"),
    }
}

/// Permanent: straight to the dead-letter queue, one attempt. Undecodable: the same, with no
/// report (there is nothing to name).
async fn permanent_and_undecodable_go_straight_to_dead_letters(
    broker: &Broker,
    publisher: &Publisher,
    settings: &Settings,
    prefix: &str,
) {
    let dlq = format!("{prefix}.crawl.dlq");
    let handler = Arc::new(Flaky {
        fail_times: u32::MAX,
        permanent: true,
        calls: AtomicU32::new(0),
    });
    publisher.publish(&crawl_issue()).await.unwrap();
    publisher
        .publish_raw(&format!("{prefix}.crawl"), b"{garbage", Default::default())
        .await
        .unwrap();
    with_consumer(broker, Stage::Crawl, handler.clone(), async {
        assert_eq!(wait_for(broker, &dlq, 2, Duration::from_secs(10)).await, 2);
    })
    .await;
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let (body, headers) = take(settings, &dlq).await;
        assert_eq!(headers[HEADER_ATTEMPTS], "1", "{headers:?}");
        assert_eq!(headers["x-epaper-error-kind"], "permanent");
        kinds.push(Message::decode(&body).is_ok());
    }
    kinds.sort();
    assert_eq!(kinds, vec![false, true]);
    assert_eq!(
        broker
            .queue_counts(&format!("{prefix}.index"))
            .await
            .unwrap()
            .0,
        1,
        "one report, for the decodable message"
    );
}

/// Panics on the crawl request for `poison`; counts the others. With `batch` above 1 it takes
/// batches (as the indexer does), handled one message after another.
struct Panicky {
    poison: chrono::NaiveDate,
    batch: usize,
    handled: AtomicU32,
}

impl Handler for Panicky {
    async fn handle<O: Outbox>(&self, message: Message, _out: &O) -> Result<(), StageError> {
        if let Message::CrawlIssue(issue) = &message
            && issue.date == self.poison
        {
            panic!("poisoned date {}", issue.date);
        }
        self.handled.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn max_batch(&self) -> usize {
        self.batch
    }
}

/// Consumes the crawl queue with `handler` until a dead letter waits in `dlq` and `n` messages
/// are handled, giving each 10 s.
async fn consume_until_dead_letter_and_handled(
    broker: &Broker,
    dlq: &str,
    handler: &Arc<Panicky>,
    n: u32,
) {
    with_consumer(broker, Stage::Crawl, handler.clone(), async {
        assert_eq!(wait_for(broker, dlq, 1, Duration::from_secs(10)).await, 1);
        wait_until(Duration::from_secs(10), || {
            handler.handled.load(Ordering::SeqCst) >= n
        })
        .await;
    })
    .await;
}

fn crawl_issue_on(date: &str) -> Message {
    match crawl_issue() {
        Message::CrawlIssue(issue) => Message::CrawlIssue(CrawlIssue {
            date: date.parse().unwrap(),
            ..issue
        }),
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_handler_dead_letters_its_message_and_the_consumer_goes_on() {
    for batch in [1, 8] {
        let prefix = prefix();
        let settings = settings(&prefix);
        let broker = Broker::connect(&settings.amqp).await.unwrap();
        broker.declare_topology().await.unwrap();
        let publisher = broker.publisher().await.unwrap();
        let handler = Arc::new(Panicky {
            poison: "2024-03-02".parse().unwrap(),
            batch,
            handled: AtomicU32::new(0),
        });
        for date in ["2024-03-01", "2024-03-02", "2024-03-03"] {
            publisher.publish(&crawl_issue_on(date)).await.unwrap();
        }
        let dlq = format!("{prefix}.crawl.dlq");
        // Within 10 s: well before the broker's consumer timeout (30 min by default).
        consume_until_dead_letter_and_handled(&broker, &dlq, &handler, 2).await;
        // The messages around the poisoned one were handled (in batch mode perhaps twice: the
        // batch failed as a whole first), and nothing stays in the work queue.
        assert!(handler.handled.load(Ordering::SeqCst) >= 2, "batch {batch}");
        let (ready, _) = broker
            .queue_counts(&format!("{prefix}.crawl"))
            .await
            .unwrap();
        assert_eq!(ready, 0, "batch {batch}");
        let (body, headers) = take(&settings, &dlq).await;
        assert_eq!(
            Message::decode(&body).unwrap(),
            crawl_issue_on("2024-03-02")
        );
        assert_eq!(headers["x-epaper-error-kind"], "permanent", "{headers:?}");
        assert_eq!(
            headers["x-epaper-reason"], "handler panicked: poisoned date 2024-03-02",
            "batch {batch}"
        );
        // Reported to the index stage, so it becomes a row in `failures`.
        let (report, _) = take(&settings, &format!("{prefix}.index")).await;
        match Message::decode(&report).unwrap() {
            Message::Failed(failure) => {
                assert_eq!(failure.reason, "handler panicked: poisoned date 2024-03-02");
            }
            other => panic!("not a failure report: {other:?}"),
        }
        broker.delete_topology().await.unwrap();
        broker.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_larger_than_the_largest_legal_message_is_dead_lettered_undecoded() {
    for batch in [1, 8] {
        let prefix = prefix();
        let settings = settings(&prefix);
        let mut broker = Broker::connect(&settings.amqp).await.unwrap();
        // Caps of 1 KB: the largest legal message is then the headroom and a few KB.
        broker.set_size_caps(SizeCaps {
            html: 1000,
            scan: 1000,
            pdf: 1000,
            image: 1000,
        });
        let limit = broker.topology.max_message_bytes;
        assert!(limit > MESSAGE_HEADROOM && limit < MESSAGE_HEADROOM + 10_000);
        broker.declare_topology().await.unwrap();
        let publisher = broker.publisher().await.unwrap();
        // A well-formed message, one byte too long (padding inside its JSON), then a normal one.
        let mut oversize = crawl_issue().encode();
        let padding = limit as usize + 1 - oversize.len();
        oversize.splice(1..1, std::iter::repeat_n(b' ', padding));
        assert_eq!(oversize.len() as u64, limit + 1);
        assert!(
            Message::decode(&oversize).is_ok(),
            "the padding keeps it decodable"
        );
        let work = format!("{prefix}.crawl");
        publisher
            .publish_raw(&work, &oversize, Default::default())
            .await
            .unwrap();
        publisher
            .publish(&crawl_issue_on("2024-03-05"))
            .await
            .unwrap();
        let handler = Arc::new(Panicky {
            poison: "1999-01-01".parse().unwrap(),
            batch,
            handled: AtomicU32::new(0),
        });
        let dlq = format!("{prefix}.crawl.dlq");
        consume_until_dead_letter_and_handled(&broker, &dlq, &handler, 1).await;
        assert_eq!(handler.handled.load(Ordering::SeqCst), 1, "batch {batch}");
        let (body, headers) = take(&settings, &dlq).await;
        assert_eq!(
            body.len() as u64,
            limit + 1,
            "kept whole in the dead-letter queue"
        );
        assert_eq!(headers["x-epaper-error-kind"], "permanent");
        assert_eq!(
            headers["x-epaper-reason"],
            format!(
                "a message of {} bytes, over the {limit} bytes of the largest legal message",
                limit + 1
            )
        );
        broker.delete_topology().await.unwrap();
        broker.close().await;
    }
}

/// Takes batches and never finishes one, as a handler stuck on a server that stopped answering.
struct Stuck {
    entered: AtomicU32,
}

impl Handler for Stuck {
    async fn handle<O: Outbox>(&self, _message: Message, _out: &O) -> Result<(), StageError> {
        self.entered.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }

    fn max_batch(&self) -> usize {
        8
    }

    async fn handle_batch<O: Outbox>(
        &self,
        _messages: Vec<Message>,
        _out: &O,
    ) -> Result<(), StageError> {
        self.entered.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }
}

/// Closes the broker's connection named `name` through the management API (as an operator, or
/// a broker going down, would), once the API lists it.
fn close_connection_named(name: &str) {
    let api = std::env::var("EPAPER_TEST_AMQP_API")
        .unwrap_or_else(|_| "http://guest:guest@127.0.0.1:15672".into());
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        let out = std::process::Command::new("curl")
            .args([
                "-fsS",
                &format!("{api}/api/connections?columns=name,client_properties"),
            ])
            .output()
            .expect("curl runs");
        assert!(
            out.status.success(),
            "management API: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        let found = listed
            .iter()
            .find(|c| c["client_properties"]["connection_name"] == name)
            .and_then(|c| c["name"].as_str());
        if let Some(id) = found {
            // The name (`127.0.0.1:50412 -> 127.0.0.1:5672`) as one percent-encoded segment.
            let mut url = url::Url::parse(&api).unwrap();
            url.path_segments_mut()
                .unwrap()
                .extend(["api", "connections", id]);
            let closed = std::process::Command::new("curl")
                .args(["-fsS", "-X", "DELETE", url.as_str()])
                .output()
                .expect("curl runs");
            assert!(
                closed.status.success(),
                "{}",
                String::from_utf8_lossy(&closed.stderr)
            );
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the management API never listed the connection {name:?}");
}

/// A connection lost while a batch is in hand ends the consumer with an error at once, so the
/// service exits and is restarted, instead of waiting on a handler whose acks cannot arrive
/// (a RabbitMQ restart once left an indexer so for four minutes). The same for one-at-a-time
/// handling: the lost connection is seen while a delivery is in hand.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_connection_ends_the_consumer_even_with_work_in_hand() {
    for batch in [true, false] {
        let prefix = prefix();
        let settings = settings(&prefix);
        let broker = Broker::connect(&settings.amqp).await.unwrap();
        broker.declare_topology().await.unwrap();
        let publisher = broker.publisher().await.unwrap();
        publisher.publish(&crawl_issue()).await.unwrap();
        let handler = Arc::new(Stuck {
            entered: AtomicU32::new(0),
        });
        let grace = Duration::from_secs(5);
        let consuming = async {
            if batch {
                broker
                    .run_consumer(Stage::Crawl, handler.clone(), Shutdown::new(), grace)
                    .await
            } else {
                let each = Arc::new(StuckEach(handler.clone()));
                broker
                    .run_consumer(Stage::Crawl, each, Shutdown::new(), grace)
                    .await
            }
        };
        tokio::pin!(consuming);
        tokio::select! {
            outcome = &mut consuming => panic!("consumer stopped before the fault: {outcome:?}"),
            () = wait_until(Duration::from_secs(10), || handler.entered.load(Ordering::SeqCst) > 0) => {}
        }
        assert!(
            handler.entered.load(Ordering::SeqCst) > 0,
            "no delivery reached the handler"
        );
        let name = format!("epaper {prefix} pid {}", std::process::id());
        tokio::task::spawn_blocking(move || close_connection_named(&name))
            .await
            .unwrap();
        let outcome = tokio::time::timeout(Duration::from_secs(10) + grace, consuming)
            .await
            .unwrap_or_else(|_| {
                panic!("batch {batch}: the consumer kept waiting on a lost connection")
            });
        assert!(outcome.is_err(), "batch {batch}: {outcome:?}");
        let cleanup = Broker::connect(&settings.amqp).await.unwrap();
        cleanup.delete_topology().await.unwrap();
        cleanup.close().await;
    }
}

/// [`Stuck`] one message at a time.
struct StuckEach(Arc<Stuck>);

impl Handler for StuckEach {
    async fn handle<O: Outbox>(&self, message: Message, out: &O) -> Result<(), StageError> {
        self.0.handle(message, out).await
    }
}

/// A batch sent with `send_all` (the crawler sends an issue's pages and articles so) arrives
/// whole and in order, and is `Ok` only when the broker confirmed and routed every message: a
/// batch with one message that cannot be routed fails as a whole, so the crawl is retried
/// instead of that message being lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_send_arrives_whole_and_in_order_or_fails() {
    let prefix = prefix();
    let settings = settings(&prefix);
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    broker.declare_topology().await.unwrap();
    let publisher = broker.publisher().await.unwrap();
    let crawl_queue = broker.topology.work_queue(Stage::Crawl);

    let first: chrono::NaiveDate = "2024-03-01".parse().unwrap();
    let dates: Vec<chrono::NaiveDate> =
        (0..100).map(|day| first + chrono::Days::new(day)).collect();
    let batch = dates
        .iter()
        .map(|&date| crawl_issue_on(&date.to_string()))
        .collect();
    publisher.send_all(batch).await.unwrap();
    assert_eq!(
        wait_for(&broker, &crawl_queue, 100, Duration::from_secs(10)).await,
        100
    );
    let mut received = Vec::new();
    for _ in 0..100 {
        let (body, _) = take(&settings, &crawl_queue).await;
        match Message::decode(&body).unwrap() {
            Message::CrawlIssue(issue) => received.push(issue.date),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(received, dates);

    // Without the index stage's work queue, the middle message of a batch has nowhere to go.
    let connection = lapin::Connection::connect(
        secrecy::ExposeSecret::expose_secret(&settings.amqp.url),
        lapin::ConnectionProperties::default(),
    )
    .await
    .unwrap();
    let channel = connection.create_channel().await.unwrap();
    let index_queue = broker.topology.work_queue(Stage::Index);
    channel
        .queue_delete(
            index_queue.as_str().into(),
            lapin::options::QueueDeleteOptions::default(),
        )
        .await
        .unwrap();
    let batch = vec![
        crawl_issue_on(&first.to_string()),
        Message::CrawlStarted(epaper_common::messages::IssueRef {
            site: "sample".into(),
            date: first,
        }),
        crawl_issue_on(&(first + chrono::Days::new(1)).to_string()),
    ];
    let error = publisher.send_all(batch).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains(&index_queue), "{error}");

    connection.close(200, "done".into()).await.unwrap();
    broker.delete_topology().await.unwrap();
    broker.close().await;
}
