//! `epaper sample-site`: the generated sample e-paper, served until killed; its base URL is the
//! first line printed, for scripts and tests to read.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::Context;

use crate::sample::{self, Faults};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    #[arg(long, default_value_t = 3)]
    issues: usize,
    /// Pages per issue (benchmarks; the sample paper has 4).
    #[arg(long, default_value_t = 4)]
    pages: usize,
    /// Articles on every page (benchmarks); without it two to four, as in the sample paper.
    #[arg(long)]
    articles: Option<usize>,
    /// Days from one issue to the next; above 1 the days between have no issue (404).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=366))]
    every_days: u64,
    #[arg(long, value_enum, default_value = "none")]
    faults: Faults,
    /// The e-paper system to serve the paper in: `founder-classic` (crawled by the `sample`
    /// profile), or `FAMILY/SKIN` of another (`/manifest.json` names its test profile).
    #[arg(long, default_value = "founder-classic", value_parser = layout_name)]
    layout: String,
    /// Publish the issues over time: the first now, each next one SECS later, the last dated
    /// today (Asia/Shanghai); until then an issue's pages 404 and the manifest leaves it out.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    publish_every: Option<u64>,
}

fn layout_name(name: &str) -> Result<String, String> {
    match sample::layouts::by_name(name) {
        Some(layout) => Ok(layout.name().to_string()),
        None => Err(format!(
            "no layout {name:?}; the sample site renders {}",
            sample::layouts::names().join(", ")
        )),
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let (addr, n_issues, faults) = (args.addr, args.issues, args.faults);
    let shape = sample::Shape {
        pages: args.pages,
        articles: args.articles,
        every_days: args.every_days,
    };
    let layout = sample::layouts::by_name(&args.layout).expect("checked by clap");
    let every = args.publish_every.map(std::time::Duration::from_secs);
    let (base_url, server) = sample::bind_released(addr, n_issues, shape, faults, layout, every)
        .await
        .with_context(|| format!("serving the sample site on {addr}"))?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{base_url}")?;
        stdout.flush()?;
    }
    tracing::info!(%base_url, n_issues, ?faults, layout = layout.name(), profile = layout.profile(), "sample site serving");
    server.await?;
    Ok(())
}
