//! `epaper status`: the flags; the report is [`crate::status`].

use epaper_common::config::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    json: bool,
    /// Redraw every SECS seconds (default 2) until Ctrl-C; with --json, one object a line.
    #[arg(long, value_name = "SECS", num_args = 0..=1, default_missing_value = "2")]
    watch: Option<u64>,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    crate::status::status(settings, args.json, args.watch).await
}
