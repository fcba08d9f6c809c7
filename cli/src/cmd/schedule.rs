//! `epaper schedule`: the scheduler as a service (until SIGTERM), or one pass with `--once`
//! for cron. [`crate::schedule`] holds what it does; this is its life: flags, connections,
//! `/metrics` `/healthz` `/readyz`, the loop and the exit status.
//!
//! Exit status: 0 after a clean shutdown, or a `--once` pass that sent everything it planned
//! and reported nothing (also when another scheduler leads: it acts, this one does nothing);
//! 3 for a `--once` pass that could not send some requests or reported issues; 1 when the
//! archive or the broker cannot be reached, or the broker connection is lost (a supervisor
//! restarts the service).

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use epaper_common::broker::{Broker, Publisher};
use epaper_common::config::Settings;
use epaper_common::sites::Sites;
use epaper_indexer::Store;

use crate::connect::{open_broker, open_store};
use crate::outcome::{INCOMPLETE, Unfinished};
use crate::schedule::{Config, Lead, PassSummary, Scheduler, SystemClock};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run one planning pass (the latest slot of each site) and exit: for cron.
    #[arg(long)]
    once: bool,
    /// With --once: end with a one-line JSON summary.
    #[arg(long, requires = "once")]
    json: bool,
}

/// Where `/metrics`, `/healthz` and `/readyz` are served when `service.http_addr` is empty.
const DEFAULT_HTTP_ADDR: &str = "0.0.0.0:9104";

/// A standby asks for the lead this often; a leader wakes at least this often to check it.
const LEAD_CHECK: Duration = Duration::from_secs(10);

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let sites = Sites::load(&settings.sites)?;
    let config = Config::from_settings(&settings.schedule, &sites)?;
    if config.sites.is_empty() {
        tracing::warn!("schedule.sites is empty: no paper to keep current");
    }
    let store = open_store(&settings.database.url, 2).await?;
    store.migrate().await?;
    let broker = Arc::new(open_broker(&settings.amqp).await?);
    broker.declare_topology().await?;
    let publisher = broker.publisher().await?;
    let scheduler = Scheduler::new(store.clone(), publisher, config, Arc::new(SystemClock));
    let outcome = if args.once {
        once(&scheduler, args.json).await
    } else {
        serve(settings, &scheduler, &broker).await
    };
    broker.close().await;
    store.close().await;
    outcome
}

/// One pass, if this process may lead; the summary line (and JSON), and the exit status.
async fn once(scheduler: &Scheduler<Publisher>, json: bool) -> anyhow::Result<()> {
    let mut lead = Lead::new();
    let leading = lead.hold(scheduler.store()).await;
    let summary = if leading {
        let summary = scheduler.lead_pass(&mut HashMap::new()).await;
        lead.release().await;
        summary?
    } else {
        PassSummary::default()
    };
    let mut stdout = std::io::stdout().lock();
    if leading {
        writeln!(stdout, "{}", summary.line())?;
    } else {
        writeln!(stdout, "another scheduler leads; this one did nothing")?;
    }
    if json {
        let line = serde_json::json!({
            "leader": leading,
            "sent": summary.sent,
            "recovered": summary.recovered,
            "unsent": summary.unsent,
            "reported": summary.reported,
            "exit": if summary.incomplete() { INCOMPLETE } else { 0 },
        });
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()?;
    if summary.incomplete() {
        Err(Unfinished(summary.line()).into())
    } else {
        Ok(())
    }
}

/// The service: lead when free, a pass at every slot, until SIGTERM.
async fn serve(
    settings: &Settings,
    scheduler: &Scheduler<Publisher>,
    broker: &Arc<Broker>,
) -> anyhow::Result<()> {
    let shutdown = epaper_common::shutdown::on_signals();
    let addr = match settings.service.http_addr.trim() {
        "" => DEFAULT_HTTP_ADDR,
        text => text,
    };
    let addr: SocketAddr = addr
        .parse()
        .map_err(|error| anyhow::anyhow!("service.http_addr {addr:?}: {error}"))?;
    let metrics = epaper_common::http::install_recorder();
    let readiness = Readiness {
        store: scheduler.store().clone(),
        broker: broker.clone(),
    };
    epaper_common::http::serve(addr, metrics, readiness).await;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "scheduler starting");
    let mut lead = Lead::new();
    let mut done = HashMap::new();
    let mut leading = false;
    let outcome = loop {
        if !broker.is_connected() {
            break Err(anyhow::anyhow!("the broker connection is lost"));
        }
        let holds = lead.hold(scheduler.store()).await;
        if holds && !leading {
            // A new lead runs the latest slot of every site again: what an earlier leader
            // sent of it is in the plan table and is not sent twice.
            done.clear();
        }
        leading = holds;
        if leading {
            match scheduler.lead_pass(&mut done).await {
                Ok(summary) if summary.sent.is_empty() && !summary.incomplete() => {}
                Ok(summary) => tracing::info!(summary = %summary.line(), "schedule pass done"),
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "schedule pass failed; trying again")
                }
            }
        }
        let wait = if leading {
            scheduler
                .next_wake(LEAD_CHECK)
                .max(Duration::from_millis(100))
        } else {
            LEAD_CHECK
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.cancelled() => break Ok(()),
        }
    };
    lead.release().await;
    if outcome.is_ok() {
        tracing::info!("scheduler stopped cleanly");
    }
    outcome
}

/// Ready while the archive answers and the broker connection is up, leader or standby.
struct Readiness {
    store: Store,
    broker: Arc<Broker>,
}

impl epaper_common::http::Readiness for Readiness {
    async fn check(&self) -> Result<(), String> {
        if !self.broker.is_connected() {
            return Err("the broker connection is down".into());
        }
        self.store
            .ping()
            .await
            .map_err(|error| format!("the archive does not answer: {error}"))
    }
}
