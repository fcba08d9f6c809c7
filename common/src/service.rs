//! The life of a service binary, shared by `epaper-crawler`, `epaper-parser` and
//! `epaper-indexer`: flags, configuration, telemetry, broker, consume until stopped.
//!
//! Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT, in-flight work finished), 1 when the
//! broker connection is lost or cannot be made (a supervisor restarts the service; unacked
//! messages are redelivered), 2 for bad flags or configuration.

use std::future::Future;
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
    let flags = Flags::parse();
    let settings = match Settings::load(flags.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&settings.telemetry);
    tracing::info!(
        stage = stage.as_str(),
        version = env!("CARGO_PKG_VERSION"),
        "starting"
    );
    match run(stage, settings, build).await {
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

async fn run<H, F, Fut>(stage: Stage, settings: Settings, build: F) -> anyhow::Result<()>
where
    H: Handler + 'static,
    F: FnOnce(Settings) -> Fut,
    Fut: Future<Output = anyhow::Result<Arc<H>>>,
{
    let shutdown = crate::shutdown::on_signals();
    let grace = Duration::from_secs(settings.service.shutdown_grace_secs);
    let broker = connect_with_retry(&settings, &shutdown).await?;
    broker.declare_topology().await?;
    let handler = build(settings).await?;
    let outcome = broker.run_consumer(stage, handler, shutdown, grace).await;
    broker.close().await;
    Ok(outcome?)
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
