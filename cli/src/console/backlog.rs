//! The queue backlog panel of `/`: the ready messages of every work and dead-letter queue,
//! sampled every 5 s while a broker is configured, drawn as a table with a sparkline each.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::Utc;
use epaper_common::messages::Stage;
use maud::{Markup, html};

use super::{Console, Shared};

/// Queue backlog samples kept for the chart: one every 5 s, the last 10 minutes.
const SAMPLES: usize = 120;

#[derive(Clone)]
pub(super) struct Sample {
    at: chrono::DateTime<Utc>,
    /// (queue, ready) per work queue and dead-letter queue.
    queues: Vec<(String, u32)>,
}

pub(super) async fn sample_backlog(console: Shared) {
    let Some(broker) = &console.broker else {
        return;
    };
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        let mut queues = Vec::new();
        for stage in [Stage::Crawl, Stage::Parse, Stage::Index] {
            for queue in [
                broker.topology.work_queue(stage),
                broker.topology.dead_letter_queue(stage),
            ] {
                if let Ok((ready, _)) = broker.queue_counts(&queue).await {
                    queues.push((queue, ready));
                }
            }
        }
        let mut backlog = console.backlog.lock().expect("backlog lock");
        if backlog.len() == SAMPLES {
            backlog.pop_front();
        }
        backlog.push_back(Sample {
            at: Utc::now(),
            queues,
        });
    }
}

pub(super) fn backlog_panel(console: &Console) -> Markup {
    if console.broker.is_none() {
        return html! {
            h2 { "Queues" }
            p {
                "No broker: this console was started on an archive alone ("
                code { "--no-broker" } "), so backlogs are not shown."
            }
        };
    }
    let backlog = console.backlog.lock().expect("backlog lock");
    let Some(last) = backlog.back() else {
        return html! { h2 { "Queues" } p { "The first sample is taken within 5 seconds." } };
    };
    html! {
        h2 { "Queues" }
        p {
            "Ready messages per queue, sampled every 5 s (last: "
            (last.at.format("%H:%M:%S UTC")) ")."
        }
        table #backlog {
            tr {
                th { "queue" } th { "ready now" } th { "peak" }
                th { "over the last " (backlog.len()) " samples" }
            }
            @for (queue, ready) in &last.queues {
                @let series = series_of(&backlog, queue);
                @let peak = series.iter().copied().max().unwrap_or(0);
                tr {
                    td { (queue) } td { (ready) } td { (peak) } td { (sparkline(&series, peak)) }
                }
            }
        }
    }
}

/// The ready counts of `queue` over the samples kept.
fn series_of(backlog: &VecDeque<Sample>, queue: &str) -> Vec<u32> {
    backlog
        .iter()
        .map(|s| {
            s.queues
                .iter()
                .find(|(q, _)| q == queue)
                .map_or(0, |(_, n)| *n)
        })
        .collect()
}

/// An inline SVG line of `series`, scaled to `peak`.
fn sparkline(series: &[u32], peak: u32) -> Markup {
    let (width, height) = (240.0, 24.0);
    let step = width / (SAMPLES as f64 - 1.0);
    let points: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let y = height - f64::from(n) / f64::from(peak.max(1)) * (height - 2.0) - 1.0;
            format!("{:.1},{y:.1}", i as f64 * step)
        })
        .collect();
    html! {
        svg width=(width) height=(height) {
            polyline fill="none" stroke="#1976d2" points=(points.join(" ")) {}
        }
    }
}
