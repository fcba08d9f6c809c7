//! Fetch throughput of the crawl stage against the local sample site, politeness off (the
//! `sample-bench` profile): one issue of 16 pages × 8 articles a time, every document fetched,
//! its links read and its body deflated into a message, as the crawler service does; the
//! messages go to an outbox that counts them. With media, the issue's 16 scans, 16 PDFs and
//! article images too. Numbers in BENCHMARKS.md; run with `cargo bench -p epaper --bench fetch`.
//!
//! The site runs in the same process on the same two cores, so this is the crawler and a fast
//! server together: a lower bound on what the crawler does against a remote host with
//! politeness off.

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use epaper::sample::{self, Faults, Shape};
use epaper_common::config::Settings;
use epaper_common::error::StageError;
use epaper_common::messages::{CrawlIssue, Message};
use epaper_common::transport::{Handler, Outbox};
use epaper_crawler::CrawlStage;

/// Counts what the stage sends: documents fetched (pages, articles, media), and manifests.
#[derive(Default)]
struct Counter {
    documents: AtomicU64,
}

impl Outbox for Counter {
    async fn send(&self, message: Message) -> Result<(), StageError> {
        if matches!(message, Message::Fetched(_) | Message::Media(_)) {
            self.documents.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

fn fetch(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let shape = Shape {
        pages: 16,
        articles: Some(8),
        ..Shape::default()
    };
    let base_url = runtime.block_on(async {
        let (base_url, server) = sample::bind_shaped(
            ([127, 0, 0, 1], 0).into(),
            1,
            shape,
            Faults::None,
            &sample::layouts::Classic,
        )
        .await
        .expect("binds the sample site");
        tokio::spawn(server);
        base_url
    });
    let date = sample::generate::first_date();
    let request = || {
        Message::CrawlIssue(CrawlIssue {
            site: "sample-bench".into(),
            base_url: Some(base_url.clone()),
            date,
            known: Vec::new(),
            follow: None,
        })
    };

    let mut group = c.benchmark_group("crawl_issue");
    group.sample_size(10);
    for with_media in [false, true] {
        let mut settings = Settings::load(None).expect("the default settings").crawler;
        settings.fetch_media = with_media;
        let stage = CrawlStage::new(settings);
        // One crawl first, to count the documents of an issue (and warm robots.txt).
        let counter = Counter::default();
        runtime
            .block_on(stage.handle(request(), &counter))
            .expect("the sample issue crawls");
        let n = counter.documents.load(Ordering::Relaxed);
        assert!(n >= 16 + 16 * 8, "only {n} documents in an issue");
        group.throughput(Throughput::Elements(n));
        let name = if with_media {
            "with_media"
        } else {
            "documents"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let counter = Counter::default();
                runtime
                    .block_on(stage.handle(request(), &counter))
                    .expect("the sample issue crawls");
                assert_eq!(counter.documents.load(Ordering::Relaxed), n);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, fetch);
criterion_main!(benches);
