//! `epaper console`: the flags; the console itself is [`crate::console`].

use std::net::SocketAddr;

use epaper_common::config::Settings;
use epaper_indexer::media::MediaStore;

use super::args::Db;
use crate::console::{ConsoleOptions, serve};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: Db,
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The media store the indexer writes (a directory or s3://bucket/prefix); defaults to
    /// media.dir of the configuration.
    #[arg(long)]
    media_dir: Option<String>,
    /// An archive alone (the embedded mode): no backlogs, no replay.
    #[arg(long)]
    no_broker: bool,
    /// For replays of sites whose profile has no base URL (the sample site).
    #[arg(long)]
    base_url: Option<String>,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let mut media_settings = settings.media.clone();
    if let Some(dir) = args.media_dir {
        media_settings.dir = dir;
    }
    let options = ConsoleOptions {
        db_url: args.db.url(settings),
        addr: args.addr,
        media: MediaStore::from_settings(&media_settings)?,
        broker: !args.no_broker,
        base_url: args.base_url,
    };
    serve(settings, options).await
}
