//! `epaper export`: stored articles to stdout, as JSON lines or CSV, each with the stored media
//! of the article and its page.

use std::io::Write;

use epaper_common::config::Settings;
use epaper_indexer::store::StoredMedium;
use epaper_indexer::{ExportFilter, ExportedArticle, Store};
use indicatif::ProgressBar;

use super::args::{Db, Filter};
use crate::connect::open_store;
use crate::progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: Db,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    #[command(flatten)]
    filter: Filter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object a line, every field, with the stored media of the article and its page.
    Jsonl,
    /// One row an article; paragraphs joined by newlines, images as JSON, the stored scan and
    /// PDF of its page as paths under the media directory.
    Csv,
}

const CSV_HEADER: [&str; 13] = [
    "site",
    "date",
    "page_no",
    "page_name",
    "url",
    "pretitle",
    "title",
    "subtitle",
    "author",
    "paragraphs",
    "images",
    "page_scan_path",
    "page_pdf_path",
];

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let store = open_store(&args.db.url(settings), 2).await?;
    let filter = ExportFilter::from(args.filter);
    let bar = progress::spinner("articles exported");
    let n = match args.format {
        ExportFormat::Jsonl => write_jsonl(&store, &filter, &bar).await?,
        ExportFormat::Csv => write_csv(&store, &filter, &bar).await?,
    };
    bar.finish_and_clear();
    tracing::info!(n_articles = n, "exported");
    store.close().await;
    Ok(())
}

fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

async fn write_jsonl(
    store: &Store,
    filter: &ExportFilter,
    bar: &ProgressBar,
) -> anyhow::Result<u64> {
    let mut out = stdout();
    let n = store
        .export(filter, |article| {
            bar.inc(1);
            serde_json::to_writer(&mut out, &article)?;
            out.write_all(b"\n")
        })
        .await?;
    out.flush()?;
    Ok(n)
}

async fn write_csv(store: &Store, filter: &ExportFilter, bar: &ProgressBar) -> anyhow::Result<u64> {
    let mut out = csv::Writer::from_writer(stdout());
    out.write_record(CSV_HEADER)?;
    let n = store
        .export(filter, |article| {
            bar.inc(1);
            out.write_record(csv_row(&article)?)
                .map_err(std::io::Error::other)
        })
        .await?;
    out.flush()?;
    Ok(n)
}

/// The fields of [`CSV_HEADER`] for one article.
fn csv_row(a: &ExportedArticle) -> std::io::Result<[String; 13]> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let path = |m: &Option<StoredMedium>| m.as_ref().map(|m| m.path.clone()).unwrap_or_default();
    Ok([
        a.site.clone(),
        a.date.to_string(),
        opt(&a.page_no),
        opt(&a.page_name),
        a.url.clone(),
        opt(&a.pretitle),
        opt(&a.title),
        opt(&a.subtitle),
        opt(&a.author),
        a.paragraphs.join("\n"),
        serde_json::to_string(&a.images)?,
        path(&a.page_scan),
        path(&a.page_pdf),
    ])
}
