//! `epaper import --warc FILE...`: WARC files of e-paper pages, from this tool or another
//! crawler, into the archive through the parser (`crate::warc::import`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use epaper_common::config::Settings;
use epaper_common::sites::Sites;
use epaper_indexer::media::MediaStore;

use super::args::Db;
use crate::connect::open_store;
use crate::outcome::{INCOMPLETE, Incomplete, Rejected};
use crate::progress;
use crate::warc::import::Importer;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: Db,
    /// WARC files (a gzip member per record, the whole file gzipped, or plain).
    #[arg(long = "warc", required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// The site every record belongs to, instead of the profile that claims its URL.
    #[arg(long)]
    site: Option<String>,
    /// Where media records go, as PATH/<aa>/<sha256> (default: media.dir; none: media skipped).
    #[arg(long)]
    media_dir: Option<PathBuf>,
    /// End with a one-line JSON summary (files, records by outcome, unreadable files).
    #[arg(long)]
    json: bool,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let sites = Sites::load(&settings.sites)?;
    let forced = args.site.as_deref().map(|id| sites.get(id)).transpose()?;
    let media = match &args.media_dir {
        Some(dir) => Some(
            MediaStore::new(dir)
                .with_context(|| format!("opening the media directory {}", dir.display()))?,
        ),
        None => MediaStore::from_settings(&settings.media)?,
    };
    let store = open_store(&args.db.url(settings), 1).await?;
    // Like `epaper run`, an import may create the archive it loads into.
    store.migrate().await.context("migrating the archive")?;
    let deadline = Duration::from_millis(settings.parser.parse_timeout_ms);
    let mut importer = Importer::new(&store, &sites, settings.crawler.size_caps(), deadline);
    importer.forced = forced;
    importer.media = media.as_ref();
    let bar = progress::spinner("WARC records imported");
    for file in &args.files {
        importer.import_file(file, || bar.inc(1)).await?;
    }
    bar.finish_and_clear();
    importer
        .finish()
        .await
        .context("accounting for the imported issues")?;
    store.close().await;
    let (counts, incomplete) = (importer.counts, importer.incomplete);
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{} records in {} files: {} documents and {} media stored, {} skipped, {} refused, {} files unreadable",
        counts.records,
        counts.files,
        counts.documents,
        counts.media,
        counts.skipped,
        counts.rejected,
        counts.unreadable.len()
    )?;
    for unreadable in &counts.unreadable {
        writeln!(stdout, "  {}: {}", unreadable.file, unreadable.error)?;
    }
    if !counts.issues.is_empty() {
        let states: Vec<String> = counts
            .issues
            .iter()
            .map(|(state, n)| format!("{n} {state}"))
            .collect();
        writeln!(stdout, "issues: {}", states.join(", "))?;
    }
    let refused = counts.rejected > 0 || !counts.unreadable.is_empty();
    let failed = refused || !incomplete.is_empty();
    if args.json {
        let mut line = serde_json::to_value(&counts)?;
        line["exit"] = if failed { INCOMPLETE } else { 0 }.into();
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()?;
    if refused {
        return Err(Rejected {
            n_records: counts.rejected,
            n_files: counts.unreadable.len(),
        }
        .into());
    }
    if !incomplete.is_empty() {
        return Err(Incomplete(incomplete).into());
    }
    Ok(())
}
