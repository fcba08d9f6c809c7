//! `epaper export`: stored articles as JSON lines or CSV, each with the stored media of the
//! article and its page; or the raw archive as WARC (`crate::warc::export`).
//!
//! Output goes to stdout, or with `--out FILE` to `FILE.partial`, renamed to FILE once the
//! export is complete: a failed export leaves no file that looks whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use epaper_indexer::media::MediaStore;

use epaper_common::config::Settings;
use epaper_indexer::store::StoredMedium;
use epaper_indexer::{ExportFilter, ExportedArticle, Store};
use indicatif::ProgressBar;

use super::args::{Db, Filter};
use crate::connect::open_store;
use crate::progress;
use crate::warc::export::write_warc;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: Db,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    #[command(flatten)]
    filter: Filter,
    /// Write to FILE instead of stdout (`-`).
    #[arg(long, default_value = "-")]
    out: PathBuf,
    /// warc: the media store to read media from (default: media.dir; none: media left out).
    #[arg(long)]
    media_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object a line, every field, with the stored media of the article and its page.
    Jsonl,
    /// One row an article; paragraphs joined by newlines, images as JSON, the stored scan and
    /// PDF of its page as paths under the media directory, then its regions on the scan as
    /// JSON, the same array as JSONL's `regions`, and last the space they are in as JSONL's
    /// `regions_size` (`{"width":…,"height":…}`, empty where null).
    Csv,
    /// WARC/1.1, a gzip member per record: a warcinfo record, a response record per archived
    /// page and article (status line, headers, exact bytes), a resource record per medium.
    Warc,
}

const CSV_HEADER: [&str; 15] = [
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
    // Last, so that scripts reading the earlier columns by position keep working.
    "regions",
    "regions_size",
];

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let store = open_store(&args.db.url(settings), 2).await?;
    let filter = ExportFilter::from(args.filter);
    let out = Output::open(&args.out)?;
    let what = match args.format {
        ExportFormat::Warc => "WARC records written",
        _ => "articles exported",
    };
    let bar = progress::spinner(what);
    let (n, out) = match args.format {
        ExportFormat::Jsonl => write_jsonl(&store, &filter, &bar, out).await?,
        ExportFormat::Csv => write_csv(&store, &filter, &bar, out).await?,
        ExportFormat::Warc => {
            let media =
                match &args.media_dir {
                    Some(dir) => Some(MediaStore::new(dir).with_context(|| {
                        format!("opening the media directory {}", dir.display())
                    })?),
                    None => MediaStore::from_settings(&settings.media)?,
                };
            let caps = settings.crawler.size_caps();
            let (done, out) = write_warc(&store, &filter, media.as_ref(), caps, out, &bar).await?;
            tracing::info!(
                n_documents = done.n_documents,
                n_synthesized = done.n_synthesized,
                n_media = done.n_media,
                n_media_missing = done.n_media_missing,
                "WARC written"
            );
            (done.n_documents + done.n_media, out)
        }
    };
    out.commit()?;
    bar.finish_and_clear();
    tracing::info!(n, "exported");
    store.close().await;
    Ok(())
}

/// Where an export goes: stdout, or a `.partial` file renamed into place by [`Output::commit`].
enum Output {
    Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>),
    File {
        file: std::io::BufWriter<std::fs::File>,
        partial: PathBuf,
        path: PathBuf,
    },
}

impl Output {
    fn open(path: &Path) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            return Ok(Output::Stdout(std::io::BufWriter::new(
                std::io::stdout().lock(),
            )));
        }
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        Ok(Output::File {
            file: std::io::BufWriter::new(file),
            partial,
            path: path.to_path_buf(),
        })
    }

    /// Flushes, and puts a file in its place.
    fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut out) => Ok(out.flush()?),
            Output::File {
                file,
                partial,
                path,
            } => {
                let file = file.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                std::fs::rename(&partial, &path).with_context(|| {
                    format!("renaming {} to {}", partial.display(), path.display())
                })
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::File { file, .. } => file.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}

async fn write_jsonl(
    store: &Store,
    filter: &ExportFilter,
    bar: &ProgressBar,
    mut out: Output,
) -> anyhow::Result<(u64, Output)> {
    let n = store
        .export(filter, |article| {
            bar.inc(1);
            serde_json::to_writer(&mut out, &article)?;
            out.write_all(b"\n")
        })
        .await?;
    Ok((n, out))
}

async fn write_csv(
    store: &Store,
    filter: &ExportFilter,
    bar: &ProgressBar,
    out: Output,
) -> anyhow::Result<(u64, Output)> {
    let mut out = csv::Writer::from_writer(out);
    out.write_record(CSV_HEADER)?;
    let n = store
        .export(filter, |article| {
            bar.inc(1);
            out.write_record(csv_row(&article)?)
                .map_err(std::io::Error::other)
        })
        .await?;
    let out = out.into_inner().map_err(|e| e.into_error())?;
    Ok((n, out))
}

/// The fields of [`CSV_HEADER`] for one article.
fn csv_row(a: &ExportedArticle) -> std::io::Result<[String; 15]> {
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
        serde_json::to_string(&a.regions)?,
        match &a.regions_size {
            Some(size) => serde_json::to_string(size)?,
            None => String::new(),
        },
    ])
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use epaper_common::messages::{MapSize, Region, Shape};

    use super::*;

    fn article(regions: Vec<Region>, regions_size: Option<MapSize>) -> ExportedArticle {
        ExportedArticle {
            site: "sample".into(),
            date: NaiveDate::from_ymd_opt(2025, 6, 17).expect("a date"),
            page_no: Some("01".into()),
            page_name: Some("要闻".into()),
            url: "http://127.0.0.1/a.htm".into(),
            pretitle: None,
            title: Some("标题, with \"quotes\"".into()),
            subtitle: None,
            author: None,
            paragraphs: vec!["一".into(), "二".into()],
            images: Vec::new(),
            page_scan: None,
            page_pdf: None,
            regions,
            regions_size,
        }
    }

    /// Writes `articles` as `epaper export --format csv` does and reads the rows back by header.
    fn round_trip(articles: &[ExportedArticle]) -> Vec<csv::StringRecord> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(CSV_HEADER).unwrap();
        for a in articles {
            out.write_record(csv_row(a).unwrap()).unwrap();
        }
        let bytes = out.into_inner().unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(
            reader.headers().unwrap(),
            &csv::StringRecord::from(CSV_HEADER.to_vec())
        );
        reader.records().map(Result::unwrap).collect()
    }

    #[test]
    fn csv_regions_read_back_as_the_jsonl_regions() {
        let rect = Region::new(Shape::Rect, vec![10.0, 20.0, 300.5, 400.0]).unwrap();
        let poly = Region::new(Shape::Poly, vec![0.0, 0.0, 5.0, 0.0, 5.0, 5.0]).unwrap();
        let articles = [
            article(vec![rect, poly], MapSize::new(400, 575)),
            article(Vec::new(), None),
        ];
        let rows = round_trip(&articles);
        assert_eq!(rows.len(), 2);
        let regions_at = CSV_HEADER.iter().position(|h| *h == "regions").unwrap();
        let size_at = CSV_HEADER
            .iter()
            .position(|h| *h == "regions_size")
            .unwrap();
        assert_eq!(
            (regions_at, size_at),
            (CSV_HEADER.len() - 2, CSV_HEADER.len() - 1),
            "regions, then regions_size, are the last columns"
        );
        for (row, a) in rows.iter().zip(&articles) {
            let from_csv: serde_json::Value = serde_json::from_str(&row[regions_at]).unwrap();
            let jsonl = serde_json::to_value(a).unwrap();
            assert_eq!(from_csv, jsonl["regions"], "{row:?}");
            assert_eq!(&row[6], a.title.as_deref().unwrap());
            assert_eq!(&row[9], "一\n二");
        }
        let first: Vec<Region> = serde_json::from_str(&rows[0][regions_at]).unwrap();
        assert_eq!(first, articles[0].regions);
        assert_eq!(&rows[1][regions_at], "[]");
        // The space as JSONL has it, or nothing where JSONL has null.
        assert_eq!(&rows[0][size_at], r#"{"width":400,"height":575}"#);
        let jsonl = serde_json::to_value(&articles[0]).unwrap();
        let from_csv: serde_json::Value = serde_json::from_str(&rows[0][size_at]).unwrap();
        assert_eq!(from_csv, jsonl["regions_size"]);
        assert_eq!(&rows[1][size_at], "");
        assert_eq!(
            serde_json::to_value(&articles[1]).unwrap()["regions_size"],
            serde_json::Value::Null
        );
    }
}
