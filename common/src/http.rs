//! Every service's own HTTP endpoint: Prometheus `/metrics`, liveness `/healthz` and readiness
//! `/readyz`, on `service.http_addr` (default `0.0.0.0:9101` for the crawler, `:9102` for the
//! parser, `:9103` for the indexer).
//!
//! Metric names (the deploy manifests, dashboard and alerts use exactly these):
//! - `epaper_messages_total{stage,outcome}` — messages settled, `outcome` = `ok`, `retry` or
//!   `dead_letter`;
//! - `epaper_handler_seconds{stage}` — time in the stage's handler per call (a batch for the
//!   indexer);
//! - `epaper_queue_ready{queue}`, `epaper_queue_consumers{queue}` — the stage's work queue, read
//!   every 10 s; `epaper_dead_letters{queue}` — messages waiting in its dead-letter queue;
//! - crawler only: `epaper_fetches_total{status}` (HTTP status or `error`),
//!   `epaper_fetch_bytes_total`, `epaper_fetch_seconds`, `epaper_politeness_wait_seconds`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::messages::Stage;

/// Buckets for every `*_seconds` histogram: 1 ms to 60 s.
const SECONDS_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0,
];

/// Installs the process-wide Prometheus recorder; the `metrics` macros record into it from
/// then on. `None` if a recorder is already installed (tests that start two services in one
/// process).
pub fn install_recorder() -> Option<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS_BUCKETS)
        .expect("buckets are not empty")
        .install_recorder()
        .ok()?;
    // Without the exporter's own HTTP listener, histograms must be drained now and then.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    Some(handle)
}

/// The address a stage serves on when `service.http_addr` is empty.
pub fn default_addr(stage: Stage) -> SocketAddr {
    let port = match stage {
        Stage::Crawl => 9101,
        Stage::Parse => 9102,
        Stage::Index => 9103,
    };
    SocketAddr::from(([0, 0, 0, 0], port))
}

/// Whether the service can do its work now: a check that says why not.
pub trait Readiness: Send + Sync + 'static {
    fn check(&self) -> impl std::future::Future<Output = Result<(), String>> + Send;
}

struct Endpoint<R> {
    metrics: Option<PrometheusHandle>,
    readiness: R,
}

/// Binds `addr` and serves the three endpoints in the background. A bind failure is logged and
/// the service goes on without them: the pipeline's work matters more than its metrics.
pub async fn serve<R: Readiness>(
    addr: SocketAddr,
    metrics: Option<PrometheusHandle>,
    readiness: R,
) {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%addr, %error, "cannot serve /metrics, /healthz and /readyz; going on without them");
            return;
        }
    };
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!(addr = %bound, "http listening (/metrics /healthz /readyz)");
    let endpoint = Arc::new(Endpoint { metrics, readiness });
    let app = Router::new()
        .route("/metrics", get(render::<R>))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready::<R>))
        .with_state(endpoint);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "http endpoint stopped");
        }
    });
}

async fn render<R: Readiness>(State(endpoint): State<Arc<Endpoint<R>>>) -> impl IntoResponse {
    match &endpoint.metrics {
        Some(handle) => (StatusCode::OK, handle.render()),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "no metrics recorder in this process\n".to_string(),
        ),
    }
}

/// A readiness check that takes longer than this counts as failed: a database that accepts
/// connections but never answers must turn the service unready, not hang the probe.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

async fn ready<R: Readiness>(State(endpoint): State<Arc<Endpoint<R>>>) -> impl IntoResponse {
    let checked = tokio::time::timeout(READY_TIMEOUT, endpoint.readiness.check())
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {READY_TIMEOUT:?}")));
    match checked {
        Ok(()) => (StatusCode::OK, "ready\n".to_string()),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {reason}\n"),
        ),
    }
}
