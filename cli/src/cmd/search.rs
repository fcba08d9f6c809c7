//! `epaper search`: ranked articles holding every word of the query, with snippets.

use std::io::Write;

use epaper_common::config::Settings;
use epaper_indexer::SearchQuery;

use super::args::{Db, Filter};
use crate::connect::open_store;

#[derive(Debug, clap::Args)]
pub struct Args {
    query: String,
    #[command(flatten)]
    db: Db,
    #[command(flatten)]
    filter: Filter,
    #[arg(long, default_value_t = 20)]
    limit: i64,
    /// One JSON object a hit.
    #[arg(long)]
    json: bool,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let store = open_store(&args.db.url(settings), 1).await?;
    let query = SearchQuery {
        text: args.query,
        filter: args.filter.into(),
        limit: args.limit,
    };
    let hits = store.search(&query).await?;
    store.close().await;
    let mut stdout = std::io::stdout().lock();
    for hit in &hits {
        if args.json {
            serde_json::to_writer(&mut stdout, hit)?;
            writeln!(stdout)?;
        } else {
            writeln!(
                stdout,
                "{} {} 第{}版  {}\n    {}\n    {}",
                hit.site,
                hit.date,
                hit.page_no.as_deref().unwrap_or("?"),
                hit.title.as_deref().unwrap_or("(untitled)"),
                hit.snippet,
                hit.url
            )?;
        }
    }
    if !args.json {
        writeln!(stdout, "{} hits", hits.len())?;
    }
    Ok(())
}
