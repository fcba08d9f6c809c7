//! `epaper reparse`: archived raw documents through the parser again, stored in place. The site
//! is not touched. A document that no longer parses is recorded in `failures`, and its old
//! record is kept. A paper whose profile has the `selectors` layout is read by its table as the
//! profiles (`sites.dir` with the bundled ones) have it now, so a corrected table fixes the
//! archive without a crawl.

use epaper_common::config::{Settings, SizeCaps};
use epaper_common::messages::FetchedDocument;
use epaper_common::sites::Sites;
use epaper_indexer::store::StoreError;
use epaper_indexer::{ExportFilter, Store};

use super::args::{Db, Filter};
use crate::connect::open_store;
use crate::progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: Db,
    #[command(flatten)]
    filter: Filter,
}

pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let caps = settings.crawler.size_caps();
    let sites = Sites::load(&settings.sites)?;
    let store = open_store(&args.db.url(settings), 2).await?;
    let filter = ExportFilter::from(args.filter);
    let (mut n_ok, mut n_failed) = (0u64, 0u64);
    let bar = progress::spinner("raw documents re-parsed");
    let n = store
        .raw_documents(&filter, async |fetched| {
            bar.inc(1);
            if reparse(&store, &sites, &fetched, caps).await? {
                n_ok += 1;
            } else {
                n_failed += 1;
            }
            Ok(())
        })
        .await?;
    bar.finish_and_clear();
    store.close().await;
    println!("{n} raw documents re-parsed: {n_ok} stored, {n_failed} failed");
    Ok(())
}

/// Parses one archived document and stores the record, or records why it does not parse;
/// whether it parsed.
async fn reparse(
    store: &Store,
    sites: &Sites,
    fetched: &FetchedDocument,
    caps: SizeCaps,
) -> Result<bool, StoreError> {
    let custom = sites.selectors(&fetched.site, fetched.issue_date);
    let parsed = fetched
        .inflate(caps)
        .map_err(anyhow::Error::from)
        .and_then(|raw| {
            let content_type = fetched.content_type.as_deref();
            Ok(epaper_parser::parse_with(
                &fetched.url,
                &raw,
                content_type,
                custom,
            )?)
        });
    match parsed {
        Ok(record) => {
            store.store_document(fetched, &record).await?;
            Ok(true)
        }
        Err(error) => {
            tracing::warn!(url = %fetched.url, error = %format!("{error:#}"), "does not parse");
            store
                .record_failure(
                    &fetched.site,
                    fetched.issue_date,
                    &fetched.url,
                    "parse",
                    "permanent",
                    &format!("{error:#}"),
                )
                .await?;
            Ok(false)
        }
    }
}
