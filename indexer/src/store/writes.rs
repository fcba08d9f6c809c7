//! Writes: a batch of manifests and parsed documents in one transaction, media, and failures.
//!
//! Every statement is an idempotent upsert guarded by a content hash; every write to an issue
//! recomputes its state in the same transaction (see the module documentation of `store`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use epaper_common::messages::{DocKind, FetchedDocument, IssueManifest, Record};

use super::batch::{ArticleRow, Item, PageRow, Rows, Segmenter};
use super::{IssueState, Store, StoreError, Tx};

/// Rows per multi-row statement: well under both backends' bind-parameter limits.
const CHUNK: usize = 500;

const RECOMPUTE_STATE: &str = include_str!("sql/recompute_state.sql");
const MANIFEST: &str = include_str!("sql/manifest.sql");
const UPSERT_RAW_DOCUMENTS: &str = include_str!("sql/upsert_raw_documents.sql");
const UPSERT_PAGES: &str = include_str!("sql/upsert_pages.sql");
const UPSERT_ARTICLES: &str = include_str!("sql/upsert_articles.sql");
/// PostgreSQL's articles also take the `search` tsvector (SQLite's FTS5 is kept by triggers).
static PG_UPSERT_ARTICLES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    UPSERT_ARTICLES
        .replace("/* SEARCH COLUMN */", ", search")
        .replace("/* SEARCH SET */", ", search = EXCLUDED.search")
});
const UPSERT_MEDIA: &str = include_str!("sql/upsert_media.sql");

/// A multi-row upsert's text around the place its `VALUES` go.
fn around_values(sql: &'static str) -> (&'static str, &'static str) {
    sql.split_once("/* VALUES */")
        .expect("a multi-row upsert marks where its VALUES go")
}

impl Store {
    /// Records what the crawler found: expected counts, failures, or that there is no issue.
    pub async fn apply_manifest(&self, manifest: &IssueManifest) -> Result<(), StoreError> {
        self.apply(&[Item::Manifest(manifest)]).await
    }

    /// Stores a parsed page or article with the raw document it came from.
    pub async fn store_document(
        &self,
        fetched: &FetchedDocument,
        record: &Record,
    ) -> Result<(), StoreError> {
        self.apply(&[Item::document(fetched, record)]).await
    }

    /// Applies a batch in one transaction: multi-row upserts for raw documents, pages and
    /// articles, then the state of every issue the batch touched. Issue rows are locked in
    /// (site, date) order, so two indexers with overlapping batches cannot deadlock.
    pub async fn apply(&self, items: &[Item<'_>]) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        let mut rows = Rows::prepare(items);
        let mut tx = self.begin().await?;
        touch_issues(&mut tx, &rows.issues, now).await?;
        for manifest in &rows.manifests {
            apply_manifest(&mut tx, manifest, now).await?;
        }
        // Leave out the articles whose stored hash is already theirs. The upsert would write
        // nothing for them, but every proposed row costs its segmentation and tsvector before
        // PostgreSQL finds the conflict: re-ingesting unchanged articles cost nearly as much as
        // inserting them (BENCHMARKS.md). No other writer can change these rows before
        // commit: they belong to the issues locked above (SQLite: the transaction holds the
        // write lock since its first statement).
        let stored = stored_hashes(&mut tx, &rows.articles).await?;
        rows.articles
            .retain(|row| stored.get(&row.article.url) != Some(&row.content_hash));
        let tsvectors = matches!(self, Store::Postgres(_));
        let mut segmenter = Segmenter::start(&mut rows.articles, tsvectors);
        upsert_raw_documents(&mut tx, &rows.raw).await?;
        upsert_pages(&mut tx, &rows.pages, now).await?;
        // Each chunk is written as soon as it is segmented, while the next one is.
        let mut written = 0;
        while let Some(chunk) = segmenter.next().await {
            let segmented = &mut rows.articles[written..written + chunk.len()];
            for (row, (search_text, search)) in segmented.iter_mut().zip(chunk) {
                row.search_text = search_text;
                row.search = search;
            }
            upsert_articles(&mut tx, segmented, now).await?;
            written += segmented.len();
        }
        assert_eq!(
            written,
            rows.articles.len(),
            "every article is segmented and written"
        );
        for (site, date) in &rows.issues {
            recompute_state(&mut tx, site, *date, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records a stored medium (its bytes already in the media store) and updates its issue.
    pub async fn store_media(
        &self,
        fetched: &FetchedDocument,
        owner_url: &str,
        stored: &crate::media::Stored,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let issue = [(fetched.site.as_str(), fetched.issue_date)];
        let mut tx = self.begin().await?;
        touch_issues(&mut tx, &issue, now).await?;
        on_tx!(&mut tx, |conn| {
            sqlx::query(UPSERT_MEDIA)
                .bind(&fetched.url)
                .bind(&fetched.site)
                .bind(fetched.issue_date)
                .bind(fetched.kind.as_str())
                .bind(owner_url)
                .bind(&fetched.content_type)
                .bind(stored.size as i64)
                .bind(&stored.sha256)
                .bind(fetched.fetched_at)
                .bind(fetched.http.as_ref().map(|_| i64::from(fetched.status)))
                .bind(
                    fetched
                        .http
                        .as_ref()
                        .map(|head| serde_json::to_string(head).expect("a head serializes")),
                )
                .execute(&mut *conn)
                .await?;
        });
        recompute_state(&mut tx, &fetched.site, fetched.issue_date, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a document or message that could not be handled, keyed so that a repeat of the
    /// same failure updates the row instead of adding one.
    pub async fn record_failure(
        &self,
        site: &str,
        date: NaiveDate,
        url: &str,
        stage: &str,
        kind: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO failures (site, issue_date, url, stage, kind, reason, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (site, issue_date, url, stage) DO UPDATE SET kind = EXCLUDED.kind,
                    reason = EXCLUDED.reason, recorded_at = EXCLUDED.recorded_at",
            )
            .bind(site)
            .bind(date)
            .bind(url)
            .bind(stage)
            .bind(kind)
            .bind(reason)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}

/// Creates the rows of issues not seen before (as `parsing`) and, on PostgreSQL, locks every
/// issue row of the write in (site, date) order. SQLite needs no row lock: a write transaction
/// holds the database's write lock.
async fn touch_issues(
    tx: &mut Tx,
    issues: &[(&str, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(&mut *tx, |conn| {
        let mut touch =
            sqlx::QueryBuilder::new("INSERT INTO issues (site, issue_date, state, updated_at) ");
        touch.push_values(issues, |mut b, (site, date)| {
            b.push_bind(*site)
                .push_bind(*date)
                .push_bind(IssueState::Parsing)
                .push_bind(now);
        });
        touch.push(" ON CONFLICT (site, issue_date) DO NOTHING");
        touch.build().execute(&mut *conn).await?;
    });
    if let Tx::Postgres(tx) = tx {
        let mut lock = sqlx::QueryBuilder::new("SELECT 1 FROM issues WHERE (site, issue_date) IN ");
        lock.push_tuples(issues, |mut b, (site, date)| {
            b.push_bind(*site).push_bind(*date);
        });
        lock.push(" ORDER BY site, issue_date FOR UPDATE");
        lock.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// The manifest's counts on its issue, and its fetch failures in place of the ones recorded
/// before: the manifest is the truth about what failed to fetch for this issue.
async fn apply_manifest(
    tx: &mut Tx,
    manifest: &IssueManifest,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let count = |wanted: fn(DocKind) -> bool| {
        manifest.failures.iter().filter(|f| wanted(f.kind)).count() as i64
    };
    on_tx!(tx, |conn| {
        sqlx::query(MANIFEST)
            .bind(&manifest.site)
            .bind(manifest.date)
            .bind(manifest.pages.len() as i64)
            .bind(manifest.articles.len() as i64)
            .bind(count(|k| k == DocKind::Page))
            .bind(count(|k| k == DocKind::Article))
            .bind(manifest.absent)
            .bind(now)
            .bind(manifest.media.len() as i64)
            .bind(count(DocKind::is_media))
            .bind(IssueState::Absent)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM failures WHERE site = $1 AND issue_date = $2 AND stage = 'crawl'")
            .bind(&manifest.site)
            .bind(manifest.date)
            .execute(&mut *conn)
            .await?;
        for failure in &manifest.failures {
            sqlx::query(
                "INSERT INTO failures (site, issue_date, url, stage, kind, reason, recorded_at)
                 VALUES ($1, $2, $3, 'crawl', $4, $5, $6)
                 ON CONFLICT (site, issue_date, url, stage) DO UPDATE SET reason = EXCLUDED.reason",
            )
            .bind(&manifest.site)
            .bind(manifest.date)
            .bind(&failure.url)
            .bind(failure.kind.as_str())
            .bind(&failure.reason)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// The stored content hash of each of these articles that is stored, by URL.
async fn stored_hashes(
    tx: &mut Tx,
    articles: &[ArticleRow<'_>],
) -> Result<HashMap<String, String>, StoreError> {
    let mut stored = HashMap::new();
    for chunk in articles.chunks(CHUNK) {
        on_tx!(&mut *tx, |conn| {
            let mut q =
                sqlx::QueryBuilder::new("SELECT url, content_hash FROM articles WHERE url IN (");
            let mut urls = q.separated(", ");
            for row in chunk {
                urls.push_bind(&row.article.url);
            }
            q.push(")");
            let found: Vec<(String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
            stored.extend(found);
        });
    }
    Ok(stored)
}

async fn upsert_raw_documents(
    tx: &mut Tx,
    raw: &[(&FetchedDocument, String)],
) -> Result<(), StoreError> {
    let (head, tail) = around_values(UPSERT_RAW_DOCUMENTS);
    for chunk in raw.chunks(CHUNK) {
        on_tx!(&mut *tx, |conn| {
            let mut q = sqlx::QueryBuilder::new(head);
            q.push_values(chunk, |mut b, (doc, sha)| {
                b.push_bind(&doc.url)
                    .push_bind(&doc.site)
                    .push_bind(doc.issue_date)
                    .push_bind(doc.kind.as_str())
                    .push_bind(doc.status as i64)
                    .push_bind(&doc.content_type)
                    .push_bind(&doc.etag)
                    .push_bind(&doc.last_modified)
                    .push_bind(doc.fetched_at)
                    .push_bind(doc.body.compressed())
                    .push_bind(sha)
                    .push_bind(
                        doc.http
                            .as_ref()
                            .map(|head| serde_json::to_string(head).expect("a head serializes")),
                    );
            });
            q.push(tail);
            q.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

async fn upsert_pages(
    tx: &mut Tx,
    pages: &[PageRow<'_>],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (head, tail) = around_values(UPSERT_PAGES);
    for chunk in pages.chunks(CHUNK) {
        on_tx!(&mut *tx, |conn| {
            let mut q = sqlx::QueryBuilder::new(head);
            q.push_values(chunk, |mut b, row| {
                b.push_bind(&row.page.url)
                    .push_bind(row.site)
                    .push_bind(row.date)
                    .push_bind(row.page_idx)
                    .push_bind(&row.page.page_no)
                    .push_bind(&row.page.page_name)
                    .push_bind(&row.page.image_url)
                    .push_bind(&row.page.pdf_url)
                    .push_bind(&row.article_urls)
                    .push_bind(&row.article_regions)
                    .push_bind(row.page.map_size.map(|size| i64::from(size.width)))
                    .push_bind(row.page.map_size.map(|size| i64::from(size.height)))
                    .push_bind(&row.content_hash)
                    .push_bind(now);
            });
            q.push(tail);
            q.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

async fn upsert_articles(
    tx: &mut Tx,
    articles: &[ArticleRow<'_>],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    /// The columns both backends store, in the statement's order.
    macro_rules! push_common {
        ($b:expr, $row:expr) => {{
            let row = $row;
            let a = row.article;
            $b.push_bind(&a.url)
                .push_bind(row.site)
                .push_bind(row.date)
                .push_bind(&a.page_no)
                .push_bind(&a.page_name)
                .push_bind(&a.pretitle)
                .push_bind(&a.title)
                .push_bind(&a.subtitle)
                .push_bind(&a.author)
                .push_bind(&row.paragraphs)
                .push_bind(&row.images)
                .push_bind(&row.content_hash)
                .push_bind(now)
                .push_bind(&row.search_text);
        }};
    }
    for chunk in articles.chunks(CHUNK) {
        match &mut *tx {
            Tx::Postgres(tx) => {
                let (head, tail) = around_values(&PG_UPSERT_ARTICLES);
                let mut q = sqlx::QueryBuilder::new(head);
                q.push_values(chunk, |mut b, row| {
                    push_common!(b, row);
                    // The tsvector built here, sent in binary; where the indexer could not
                    // build it, PostgreSQL computes it from the text as it always did.
                    b.push("COALESCE(")
                        .push_bind_unseparated(&row.search)
                        .push_unseparated(", to_tsvector('simple', ")
                        .push_bind_unseparated(
                            row.search.is_none().then_some(row.search_text.as_str()),
                        )
                        .push_unseparated("))");
                });
                q.push(tail);
                q.build().execute(&mut **tx).await?;
            }
            Tx::Sqlite(tx) => {
                let (head, tail) = around_values(UPSERT_ARTICLES);
                let mut q = sqlx::QueryBuilder::new(head);
                q.push_values(chunk, |mut b, row| push_common!(b, row));
                q.push(tail);
                q.build().execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}

/// The issue's state from what is stored (`sql/recompute_state.sql`).
async fn recompute_state(
    tx: &mut Tx,
    site: &str,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(RECOMPUTE_STATE)
            .bind(site)
            .bind(date)
            .bind(now)
            .bind(IssueState::Absent)
            .bind(IssueState::Parsing)
            .bind(IssueState::Partial)
            .bind(IssueState::Complete)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}
