//! The life of a service binary, shared by `epaper-crawler`, `epaper-parser` and
//! `epaper-indexer`: flags, configuration, telemetry, broker, consume until stopped.
//!
//! Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT, in-flight work finished), 1 when the
//! broker connection is lost or cannot be made (a supervisor restarts the service; unacked
//! messages are redelivered) or when a shutdown hangs past the grace period and 15 s more,
//! 2 for bad flags or configuration.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use crate::broker::Broker;
use crate::config::Settings;
use crate::messages::Stage;
use crate::transport::Handler;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "an epaper pipeline stage; configured by config/default.toml, --config and EPAPER__ variables"
)]
struct Flags {
    /// A TOML file layered over the defaults.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Runs one stage until stopped. `build` makes the stage's handler from the settings.
pub async fn main<H, F, Fut>(stage: Stage, build: F) -> ExitCode
where
    H: Handler + 'static,
    F: FnOnce(Settings) -> Fut,
    Fut: Future<Output = anyhow::Result<Arc<H>>>,
{
    // The binary's own name in `--help` and `--version`, not this crate's.
    let binary = match stage {
        Stage::Crawl => "epaper-crawler",
        Stage::Parse => "epaper-parser",
        Stage::Index => "epaper-indexer",
    };
    let flags = {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Flags::command().name(binary).bin_name(binary).get_matches();
        Flags::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
    };
    let settings = match Settings::load(flags.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&settings.telemetry);
    let http_addr = match settings.service.http_addr.trim() {
        "" => crate::http::default_addr(stage),
        text => match text.parse() {
            Ok(addr) => addr,
            Err(error) => {
                eprintln!("error: service.http_addr {text:?}: {error}");
                return ExitCode::from(2);
            }
        },
    };
    tracing::info!(
        stage = stage.as_str(),
        version = env!("CARGO_PKG_VERSION"),
        "starting"
    );
    match run(stage, settings, http_addr, build).await {
        Ok(()) => {
            tracing::info!(stage = stage.as_str(), "stopped cleanly");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(stage = stage.as_str(), error = %format!("{error:#}"), "stopping on error");
            ExitCode::FAILURE
        }
    }
}

async fn run<H, F, Fut>(
    stage: Stage,
    settings: Settings,
    http_addr: SocketAddr,
    build: F,
) -> anyhow::Result<()>
where
    H: Handler + 'static,
    F: FnOnce(Settings) -> Fut,
    Fut: Future<Output = anyhow::Result<Arc<H>>>,
{
    let shutdown = crate::shutdown::on_signals();
    let grace = Duration::from_secs(settings.service.shutdown_grace_secs);
    tokio::spawn(watchdog(shutdown.clone(), grace));
    let metrics = crate::http::install_recorder();
    let mut broker = connect_with_retry(&settings, &shutdown).await?;
    broker.set_size_caps(settings.crawler.size_caps());
    let broker = Arc::new(broker);
    broker.declare_topology().await?;
    let handler = build(settings).await?;
    let readiness = ServiceReadiness {
        broker: broker.clone(),
        handler: handler.clone(),
    };
    crate::http::serve(http_addr, metrics, readiness).await;
    let gauges = tokio::spawn(queue_gauges(broker.clone(), stage));
    let outcome = broker.run_consumer(stage, handler, shutdown, grace).await;
    gauges.abort();
    broker.close().await;
    Ok(outcome?)
}

/// How long after the grace period a stopping service may still take to close its channel and
/// connection before it gives up on them.
const CLOSE_ALLOWANCE: Duration = Duration::from_secs(15);

/// The last resort of a shutdown: once a signal came, the process ends within the grace period
/// and [`CLOSE_ALLOWANCE`], whatever hangs. It exits 1, not 0: the shutdown was not clean, and
/// unacked messages are redelivered to the next consumer.
async fn watchdog(shutdown: crate::shutdown::Shutdown, grace: Duration) {
    shutdown.cancelled().await;
    tokio::time::sleep(grace + CLOSE_ALLOWANCE).await;
    tracing::error!(
        limit_secs = (grace + CLOSE_ALLOWANCE).as_secs(),
        "shutdown did not finish in time; exiting with unfinished work left unacked"
    );
    std::process::exit(1);
}

/// Ready while the broker connection is up and the handler says it can work.
struct ServiceReadiness<H> {
    broker: Arc<Broker>,
    handler: Arc<H>,
}

impl<H: Handler + 'static> crate::http::Readiness for ServiceReadiness<H> {
    async fn check(&self) -> Result<(), String> {
        if !self.broker.is_connected() {
            return Err("the broker connection is down".into());
        }
        self.handler.ready().await
    }
}

/// Refreshes the backlog gauges of the stage's queues every 10 s.
async fn queue_gauges(broker: Arc<Broker>, stage: Stage) {
    let work = broker.topology.work_queue(stage);
    let dead = broker.topology.dead_letter_queue(stage);
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        tick.tick().await;
        if let Ok((ready, consumers)) = broker.queue_counts(&work).await {
            metrics::gauge!("epaper_queue_ready", "queue" => work.clone()).set(f64::from(ready));
            metrics::gauge!("epaper_queue_consumers", "queue" => work.clone())
                .set(f64::from(consumers));
        }
        if let Ok((waiting, _)) = broker.queue_counts(&dead).await {
            metrics::gauge!("epaper_dead_letters", "queue" => dead.clone()).set(f64::from(waiting));
        }
    }
}

/// Containers start in any order: keep trying the broker for a while before giving up.
async fn connect_with_retry(
    settings: &Settings,
    shutdown: &crate::shutdown::Shutdown,
) -> anyhow::Result<Broker> {
    let mut delay = Duration::from_millis(250);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match Broker::connect(&settings.amqp).await {
            Ok(broker) => return Ok(broker),
            Err(error) if tokio::time::Instant::now() < deadline => {
                tracing::warn!(%error, ?delay, "broker not reachable yet, retrying");
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.cancelled() => anyhow::bail!("stopped while connecting"),
                }
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(error) => return Err(error.into()),
        }
    }
}
