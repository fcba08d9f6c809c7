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
    /// PDF of its page as paths under the media directory, and last its regions on the scan
    /// as JSON, the same array as JSONL's `regions`.
    Csv,
}

const CSV_HEADER: [&str; 14] = [
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
fn csv_row(a: &ExportedArticle) -> std::io::Result<[String; 14]> {
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
    ])
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use epaper_common::messages::{Region, Shape};

    use super::*;

    fn article(regions: Vec<Region>) -> ExportedArticle {
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
        let articles = [article(vec![rect, poly]), article(Vec::new())];
        let rows = round_trip(&articles);
        assert_eq!(rows.len(), 2);
        let regions_at = CSV_HEADER.iter().position(|h| *h == "regions").unwrap();
        assert_eq!(
            regions_at,
            CSV_HEADER.len() - 1,
            "regions is the last column"
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
    }
}
