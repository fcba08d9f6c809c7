//! `epaper demo`: the sample site on a free port, a few issues through the embedded mode into
//! `--db`, and what was stored. Offline.

use std::io::Write;
use std::path::{Path, PathBuf};

use epaper_common::config::Settings;
use epaper_indexer::{ExportFilter, Store};
use secrecy::SecretString;

use crate::connect::open_store;
use crate::embedded::{self, RunOptions};
use crate::sample::{self, Faults};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value = "epaper.db")]
    db: PathBuf,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let db = args.db.as_path();
    let n_issues = 3;
    let (base_url, server) = sample::bind(
        "127.0.0.1:0".parse().expect("valid address"),
        n_issues,
        Faults::None,
    )
    .await?;
    let server = tokio::spawn(server);
    let first = sample::generate::first_date();
    let last = first + chrono::Days::new(n_issues as u64 - 1);
    let db_url = format!("sqlite://{}", db.display());
    let db_secret = SecretString::from(db_url.clone());
    println!(
        "sample e-paper at {base_url}; crawling {first} to {last} into {}",
        db.display()
    );
    let summary = embedded::run(
        settings,
        RunOptions {
            site: "sample".into(),
            base_url: Some(base_url),
            from: first,
            to: last,
            db_url: db_secret.clone(),
            all_days: false,
            media_dir: None,
            follow: None,
        },
    )
    .await?;
    server.abort();
    let store = open_store(&db_secret, 1).await?;
    let mut stdout = std::io::stdout().lock();
    for (site, state, n) in &summary.states {
        writeln!(stdout, "issues of {site}: {n} {state}")?;
    }
    show_articles(&store, &mut stdout, &db_url, db).await?;
    store.close().await;
    Ok(())
}

/// The first few articles stored, and how many there are.
async fn show_articles(
    store: &Store,
    out: &mut impl Write,
    db_url: &str,
    db: &Path,
) -> anyhow::Result<()> {
    let mut shown = 0;
    let n_articles = store
        .export(&ExportFilter::default(), |article| {
            if shown < 8 {
                shown += 1;
                writeln!(
                    out,
                    "  {} 第{}版 {}  ({}, {} paragraphs)",
                    article.date,
                    article.page_no.as_deref().unwrap_or("?"),
                    article.title.as_deref().unwrap_or("(untitled)"),
                    article.author.as_deref().unwrap_or("no byline"),
                    article.paragraphs.len()
                )?;
            }
            Ok(())
        })
        .await?;
    writeln!(
        out,
        "{n_articles} articles stored in {}; `epaper export --db {db_url} --format jsonl` prints them all",
        db.display()
    )?;
    Ok(())
}
