//! The archive behind one interface, on PostgreSQL (services) or SQLite (the embedded mode).
//!
//! Both backends run the same SQL text, written to the common subset (`$n` placeholders,
//! `ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM`); the [`on_pool!`] macro expands one body
//! for each pool type, so the two cannot drift apart. Where they must differ (row locks) the
//! difference is spelled out at the call.
//!
//! Invariants:
//! - every write is an idempotent upsert keyed by URL (articles, pages, raw documents) or by
//!   (site, date) (issues), so a redelivered or replayed message leaves the same rows;
//! - an unchanged document (same content hash) writes nothing;
//! - an issue's state is recomputed in the same transaction as every write to it, under a lock
//!   on the issue row (PostgreSQL) or the database write lock (SQLite), so two indexers racing
//!   on one issue still leave the right state.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use epaper_common::messages::{
    ArticleRecord, DocKind, FetchedDocument, Image, IssueManifest, PageRecord,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, Row, SqlitePool};

static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Expands `$body` once per backend with `$pool` bound to the concrete pool.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            Store::Postgres($pool) => $body,
            Store::Sqlite($pool) => $body,
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with postgres://, postgresql:// or sqlite://")]
    UnknownScheme,
    #[error(
        "database URL parameter {0} is not supported (only `password` may carry a secret: the \
         driver would log the value of a parameter it does not know)"
    )]
    SecretParameter(String),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// sqlx logs the name and value of a PostgreSQL connection parameter it does not know (at
/// `warn`), so a credential-like parameter it does not take (libpq's `sslpassword`, a `token`
/// …) would be printed in clear: refused, by name only. `password` and the key file's path
/// (`sslkey`) are parameters sqlx knows.
fn refuse_unknown_secret_parameters(url: &str) -> Result<(), StoreError> {
    const KNOWN: [&str; 3] = ["password", "sslkey", "ssl-key"];
    let Some((_, query)) = url.split_once('?') else {
        return Ok(());
    };
    for (name, _) in url::form_urlencoded::parse(query.as_bytes()) {
        if !KNOWN.contains(&name.as_ref()) && epaper_common::config::is_secret_param(&name) {
            return Err(StoreError::SecretParameter(name.into_owned()));
        }
    }
    Ok(())
}

impl StoreError {
    /// Connection trouble and lock timeouts pass; bad data does not.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Sqlx(sqlx::Error::Database(db)) => {
                // PostgreSQL classes 22 (data) and 23 (constraints) will fail again.
                !db.code()
                    .is_some_and(|code| code.starts_with("22") || code.starts_with("23"))
            }
            StoreError::Sqlx(
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Protocol(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed,
            ) => true,
            _ => false,
        }
    }
}

/// One article as `epaper export` writes it (contract 5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedArticle {
    pub site: String,
    pub date: NaiveDate,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub url: String,
    pub pretitle: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub paragraphs: Vec<String>,
    /// The article's images, each with its stored copy where the media store holds one.
    pub images: Vec<ExportedImage>,
    /// The scan and the PDF of the article's 版, where the media store holds them.
    pub page_scan: Option<StoredMedium>,
    pub page_pdf: Option<StoredMedium>,
}

/// An article image as exported: the parsed fields and, once fetched, where its bytes are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedImage {
    pub url: String,
    pub caption: Option<String>,
    pub stored: Option<StoredMedium>,
}

/// A stored medium: its SHA-256, size, and its path under the media store's root
/// (`<aa>/<sha256>`, contract 5), which is also its key in an object store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMedium {
    pub url: String,
    pub sha256: String,
    pub size: i64,
    pub path: String,
}

impl StoredMedium {
    /// Parses the `kind url sha256 size` lines the export query aggregates, by kind.
    fn parse_lines(lines: Option<&str>) -> Vec<(String, StoredMedium)> {
        lines
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut parts = line.split(' ');
                let (kind, url, sha256, size) =
                    (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
                Some((
                    kind.to_string(),
                    StoredMedium {
                        url: url.to_string(),
                        path: format!("{}/{sha256}", sha256.get(..2)?),
                        sha256: sha256.to_string(),
                        size: size.parse().ok()?,
                    },
                ))
            })
            .collect()
    }
}

/// Which articles to export.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub site: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Part of every article's content hash: bump it when segmentation changes, so that the next
/// re-parse rewrites every article's search text.
const SEARCH_VERSION: &str = "search-v1";

fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

const RECOMPUTE_STATE: &str = "
UPDATE issues SET state = CASE
    WHEN state = 'absent' THEN 'absent'
    WHEN n_articles_expected IS NULL OR n_pages_expected IS NULL THEN 'parsing'
    WHEN (SELECT COUNT(*) FROM articles a WHERE a.site = issues.site AND a.issue_date = issues.issue_date)
            + n_article_failures >= n_articles_expected
     AND (SELECT COUNT(*) FROM pages p WHERE p.site = issues.site AND p.issue_date = issues.issue_date)
            + n_page_failures >= n_pages_expected
     AND (SELECT COUNT(*) FROM media m WHERE m.site = issues.site AND m.issue_date = issues.issue_date)
            + n_media_failures >= COALESCE(n_media_expected, 0)
    THEN CASE WHEN n_article_failures + n_page_failures + n_media_failures > 0
              THEN 'partial' ELSE 'complete' END
    ELSE 'parsing' END,
    updated_at = $3
WHERE site = $1 AND issue_date = $2";

/// Rows per multi-row statement: well under both backends' bind-parameter limits.
const CHUNK: usize = 500;

/// One unit of work for [`Store::apply`].
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Manifest(&'a IssueManifest),
    Document {
        fetched: &'a FetchedDocument,
        page: Option<&'a PageRecord>,
        article: Option<&'a ArticleRecord>,
    },
}

struct PageRow<'a> {
    page: &'a PageRecord,
    site: &'a str,
    date: NaiveDate,
    page_idx: Option<i64>,
    article_urls: String,
    content_hash: String,
}

struct ArticleRow<'a> {
    article: &'a ArticleRecord,
    site: &'a str,
    date: NaiveDate,
    paragraphs: String,
    images: String,
    content_hash: String,
    /// What full-text search sees, until [`segment_articles`] turns it into `search_text`.
    searchable: String,
    search_text: String,
}

/// A batch turned into rows: hashes and JSON computed once, each URL once (the last occurrence
/// wins, as it would have one message at a time), issues sorted for locking. Search text is
/// segmented later, and only for the articles that are new or changed.
struct Rows<'a> {
    issues: Vec<(&'a str, NaiveDate)>,
    manifests: Vec<&'a IssueManifest>,
    raw: Vec<(&'a FetchedDocument, String)>,
    pages: Vec<PageRow<'a>>,
    articles: Vec<ArticleRow<'a>>,
}

impl<'a> Rows<'a> {
    fn prepare(items: &[Item<'a>]) -> Rows<'a> {
        use std::collections::{BTreeSet, HashMap};
        let mut issues = BTreeSet::new();
        let mut manifests = Vec::new();
        let mut raw: HashMap<&str, usize> = HashMap::new();
        let mut rows = Rows {
            issues: Vec::new(),
            manifests: Vec::new(),
            raw: Vec::new(),
            pages: Vec::new(),
            articles: Vec::new(),
        };
        let mut pages: HashMap<&str, usize> = HashMap::new();
        let mut articles: HashMap<&str, usize> = HashMap::new();
        for item in items {
            match *item {
                Item::Manifest(manifest) => {
                    issues.insert((manifest.site.as_str(), manifest.date));
                    manifests.push(manifest);
                }
                Item::Document {
                    fetched,
                    page,
                    article,
                } => {
                    let site = fetched.site.as_str();
                    let date = fetched.issue_date;
                    issues.insert((site, date));
                    let sha = format!("{:x}", Sha256::digest(fetched.body.compressed()));
                    upsert_row(&mut rows.raw, &mut raw, &fetched.url, (fetched, sha));
                    if let Some(page) = page {
                        upsert_row(
                            &mut rows.pages,
                            &mut pages,
                            &page.url,
                            page_row(page, site, date),
                        );
                    }
                    if let Some(article) = article {
                        upsert_row(
                            &mut rows.articles,
                            &mut articles,
                            &article.url,
                            article_row(article, site, date),
                        );
                    }
                }
            }
        }
        rows.issues = issues.into_iter().collect();
        rows.manifests = manifests;
        rows
    }
}

fn upsert_row<'a, T>(
    rows: &mut Vec<T>,
    index: &mut std::collections::HashMap<&'a str, usize>,
    key: &'a str,
    row: T,
) {
    match index.get(key) {
        Some(&i) => rows[i] = row,
        None => {
            index.insert(key, rows.len());
            rows.push(row);
        }
    }
}

fn page_row<'a>(page: &'a PageRecord, site: &'a str, date: NaiveDate) -> PageRow<'a> {
    let article_urls =
        serde_json::to_string(&page.articles.iter().map(|a| &a.url).collect::<Vec<_>>())
            .expect("strings serialize");
    let page_idx = page
        .pages
        .iter()
        .position(|p| p.url == page.url)
        .map(|i| i as i64);
    let content_hash = hash(&[
        page.page_no.as_deref().unwrap_or(""),
        page.page_name.as_deref().unwrap_or(""),
        page.image_url.as_deref().unwrap_or(""),
        page.pdf_url.as_deref().unwrap_or(""),
        &article_urls,
        &page_idx.map(|i| i.to_string()).unwrap_or_default(),
    ]);
    PageRow {
        page,
        site,
        date,
        page_idx,
        article_urls,
        content_hash,
    }
}

fn article_row<'a>(article: &'a ArticleRecord, site: &'a str, date: NaiveDate) -> ArticleRow<'a> {
    let paragraphs = serde_json::to_string(&article.paragraphs).expect("strings serialize");
    let images = serde_json::to_string(&article.images).expect("images serialize");
    let content_hash = hash(&[
        SEARCH_VERSION,
        article.page_no.as_deref().unwrap_or(""),
        article.page_name.as_deref().unwrap_or(""),
        article.pretitle.as_deref().unwrap_or(""),
        article.title.as_deref().unwrap_or(""),
        article.subtitle.as_deref().unwrap_or(""),
        article.author.as_deref().unwrap_or(""),
        &paragraphs,
        &images,
    ]);
    ArticleRow {
        article,
        site,
        date,
        paragraphs,
        images,
        content_hash,
        searchable: crate::search::searchable_text(article),
        search_text: String::new(),
    }
}

/// Segments the articles' search text on a blocking thread: jieba is CPU work, and the caller
/// has database round trips to overlap it with.
fn segment_articles(articles: &mut [ArticleRow<'_>]) -> tokio::task::JoinHandle<Vec<String>> {
    let texts: Vec<String> = articles
        .iter_mut()
        .map(|row| std::mem::take(&mut row.searchable))
        .collect();
    tokio::task::spawn_blocking(move || {
        texts
            .iter()
            .map(|text| crate::search::segment(text))
            .collect()
    })
}

impl Store {
    /// Connects by URL scheme: `postgres://`/`postgresql://` or `sqlite://PATH` (created if
    /// missing).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        refuse_unknown_secret_parameters(url)?;
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(std::time::Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Store::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections.max(1))
                .connect_with(options)
                .await?;
            Ok(Store::Sqlite(pool))
        } else {
            Err(StoreError::UnknownScheme)
        }
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Postgres(pool) => PG_MIGRATOR.run(pool).await?,
            Store::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Postgres(_) => "postgres",
            Store::Sqlite(_) => "sqlite",
        }
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// Records what the crawler found: expected counts, failures, or that there is no issue.
    pub async fn apply_manifest(&self, manifest: &IssueManifest) -> Result<(), StoreError> {
        self.apply(&[Item::Manifest(manifest)]).await
    }

    /// Stores a parsed page or article with the raw document it came from.
    pub async fn store_document(
        &self,
        fetched: &FetchedDocument,
        page: Option<&PageRecord>,
        article: Option<&ArticleRecord>,
    ) -> Result<(), StoreError> {
        self.apply(&[Item::Document {
            fetched,
            page,
            article,
        }])
        .await
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
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let mut touch = sqlx::QueryBuilder::new(
                "INSERT INTO issues (site, issue_date, state, updated_at) ",
            );
            touch.push_values(&rows.issues, |mut b, (site, date)| {
                b.push_bind(*site)
                    .push_bind(*date)
                    .push_bind("parsing")
                    .push_bind(now);
            });
            touch.push(" ON CONFLICT (site, issue_date) DO NOTHING");
            touch.build().execute(&mut *tx).await?;
            if matches!(self, Store::Postgres(_)) {
                let mut lock =
                    sqlx::QueryBuilder::new("SELECT 1 FROM issues WHERE (site, issue_date) IN ");
                lock.push_tuples(&rows.issues, |mut b, (site, date)| {
                    b.push_bind(*site).push_bind(*date);
                });
                lock.push(" ORDER BY site, issue_date FOR UPDATE");
                lock.build().execute(&mut *tx).await?;
            }
            for manifest in &rows.manifests {
                let count = |wanted: fn(DocKind) -> bool| {
                    manifest.failures.iter().filter(|f| wanted(f.kind)).count() as i64
                };
                let n_page_failures = count(|k| k == DocKind::Page);
                let n_article_failures = count(|k| k == DocKind::Article);
                let n_media_failures = count(DocKind::is_media);
                sqlx::query(
                    "UPDATE issues SET n_pages_expected = $3, n_articles_expected = $4,
                        n_page_failures = $5, n_article_failures = $6,
                        state = CASE WHEN $7 THEN 'absent' ELSE state END, updated_at = $8,
                        n_media_expected = $9, n_media_failures = $10
                     WHERE site = $1 AND issue_date = $2",
                )
                .bind(&manifest.site)
                .bind(manifest.date)
                .bind(manifest.pages.len() as i64)
                .bind(manifest.articles.len() as i64)
                .bind(n_page_failures)
                .bind(n_article_failures)
                .bind(manifest.absent)
                .bind(now)
                .bind(manifest.media.len() as i64)
                .bind(n_media_failures)
                .execute(&mut *tx)
                .await?;
                // The manifest is the truth about fetch failures of this issue: replace them.
                sqlx::query(
                    "DELETE FROM failures WHERE site = $1 AND issue_date = $2 AND stage = 'crawl'",
                )
                .bind(&manifest.site)
                .bind(manifest.date)
                .execute(&mut *tx)
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
                    .execute(&mut *tx)
                    .await?;
                }
            }
            // Leave out the articles whose stored hash is already theirs. The upsert below would
            // write nothing for them, but PostgreSQL computes the generated tsvector of every
            // proposed row before it finds the conflict: re-ingesting unchanged articles cost
            // nearly as much as inserting them (BENCHMARKS.md). No other writer can change
            // these rows before commit: they belong to the issues locked above (SQLite: the
            // transaction holds the write lock since its first statement).
            let mut stored = std::collections::HashMap::new();
            for chunk in rows.articles.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT url, content_hash FROM articles WHERE url IN (",
                );
                let mut urls = q.separated(", ");
                for row in chunk {
                    urls.push_bind(&row.article.url);
                }
                q.push(")");
                for row in q.build().fetch_all(&mut *tx).await? {
                    let url: String = row.try_get(0)?;
                    let content_hash: String = row.try_get(1)?;
                    stored.insert(url, content_hash);
                }
            }
            rows.articles
                .retain(|row| stored.get(&row.article.url) != Some(&row.content_hash));
            let segmenting = segment_articles(&mut rows.articles);
            for chunk in rows.raw.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO raw_documents (url, site, issue_date, kind, status, content_type, etag,
                        last_modified, fetched_at, body, sha256) ",
                );
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
                        .push_bind(sha);
                });
                q.push(
                    " ON CONFLICT (url) DO UPDATE SET status = EXCLUDED.status,
                        content_type = EXCLUDED.content_type, etag = EXCLUDED.etag,
                        last_modified = EXCLUDED.last_modified, fetched_at = EXCLUDED.fetched_at,
                        body = EXCLUDED.body, sha256 = EXCLUDED.sha256
                     WHERE raw_documents.sha256 IS DISTINCT FROM EXCLUDED.sha256",
                );
                q.build().execute(&mut *tx).await?;
            }
            for chunk in rows.pages.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO pages (url, site, issue_date, page_idx, page_no, page_name,
                        image_url, pdf_url, article_urls, content_hash, updated_at) ",
                );
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
                        .push_bind(&row.content_hash)
                        .push_bind(now);
                });
                q.push(
                    " ON CONFLICT (url) DO UPDATE SET page_idx = EXCLUDED.page_idx,
                        page_no = EXCLUDED.page_no, page_name = EXCLUDED.page_name,
                        image_url = EXCLUDED.image_url, pdf_url = EXCLUDED.pdf_url,
                        article_urls = EXCLUDED.article_urls,
                        content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at
                     WHERE pages.content_hash IS DISTINCT FROM EXCLUDED.content_hash",
                );
                q.build().execute(&mut *tx).await?;
            }
            // A blocking task runs to completion once spawned, so the only error is its panic.
            let search_texts = segmenting
                .await
                .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
            for (row, search_text) in rows.articles.iter_mut().zip(search_texts) {
                row.search_text = search_text;
            }
            for chunk in rows.articles.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO articles (url, site, issue_date, page_no, page_name, pretitle, title,
                        subtitle, author, paragraphs, images, content_hash, updated_at, search_text) ",
                );
                q.push_values(chunk, |mut b, row| {
                    let a = row.article;
                    b.push_bind(&a.url)
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
                });
                q.push(
                    " ON CONFLICT (url) DO UPDATE SET page_no = EXCLUDED.page_no,
                        page_name = EXCLUDED.page_name, pretitle = EXCLUDED.pretitle,
                        title = EXCLUDED.title, subtitle = EXCLUDED.subtitle,
                        author = EXCLUDED.author, paragraphs = EXCLUDED.paragraphs,
                        images = EXCLUDED.images, content_hash = EXCLUDED.content_hash,
                        updated_at = EXCLUDED.updated_at, search_text = EXCLUDED.search_text
                     WHERE articles.content_hash IS DISTINCT FROM EXCLUDED.content_hash",
                );
                q.build().execute(&mut *tx).await?;
            }
            for (site, date) in &rows.issues {
                sqlx::query(RECOMPUTE_STATE)
                    .bind(*site)
                    .bind(*date)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Marks issues as queued when they are put into the flow; an issue already further along
    /// keeps its state.
    pub async fn mark_queued(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, 'queued', $3)
                 ON CONFLICT (site, issue_date) DO NOTHING",
            )
            .bind(site)
            .bind(date)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Issue counts by site and state.
    pub async fn issue_states(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT site, state, COUNT(*) AS n FROM issues GROUP BY site, state ORDER BY site, state",
            )
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
                .collect()
        })
    }

    /// The state of one issue, if the archive knows it.
    pub async fn issue_state(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Option<String>, StoreError> {
        on_pool!(self, |pool| {
            let row = sqlx::query("SELECT state FROM issues WHERE site = $1 AND issue_date = $2")
                .bind(site)
                .bind(date)
                .fetch_optional(pool)
                .await?;
            Ok(match row {
                Some(row) => Some(row.try_get(0)?),
                None => None,
            })
        })
    }

    /// Every stored article matching `filter`, in (site, date, page, URL) order, handed to
    /// `sink` one at a time so that exports of any size stream.
    pub async fn export(
        &self,
        filter: &ExportFilter,
        mut sink: impl FnMut(ExportedArticle) -> std::io::Result<()>,
    ) -> Result<u64, ExportError> {
        use futures_util::TryStreamExt;
        // The media of the article (its images) and of its 版 (scan, PDF) come along as
        // `kind url sha256 size` lines; URLs hold no spaces or line breaks.
        let agg = match self {
            Store::Postgres(_) => {
                "string_agg(m.kind || ' ' || m.url || ' ' || m.sha256 || ' ' || m.size, E'\\n')"
            }
            Store::Sqlite(_) => {
                "group_concat(m.kind || ' ' || m.url || ' ' || m.sha256 || ' ' || m.size, char(10))"
            }
        };
        let sql = format!(
            "SELECT a.site, a.issue_date, a.page_no, a.page_name, a.url, a.pretitle, a.title,
                a.subtitle, a.author, a.paragraphs, a.images,
                (SELECT {agg} FROM media m WHERE m.owner_url = a.url),
                (SELECT {agg} FROM media m WHERE m.owner_url = (
                    SELECT p.url FROM pages p WHERE p.site = a.site AND p.issue_date = a.issue_date
                      AND p.page_no = a.page_no ORDER BY p.url LIMIT 1))
             FROM articles a
             WHERE ($1 IS NULL OR a.site = $1) AND ($2 IS NULL OR a.issue_date >= $2)
               AND ($3 IS NULL OR a.issue_date <= $3)
             ORDER BY a.site, a.issue_date, a.page_no, a.url"
        );
        let mut n = 0u64;
        on_pool!(self, |pool| {
            // Safe: the only part put in is one of the two constant aggregates above.
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .fetch(pool);
            while let Some(row) = rows.try_next().await.map_err(StoreError::from)? {
                let paragraphs: String = row.try_get(9).map_err(StoreError::from)?;
                let images: String = row.try_get(10).map_err(StoreError::from)?;
                let images: Vec<Image> =
                    serde_json::from_str(&images).map_err(ExportError::Corrupt)?;
                let own_media: Option<String> = row.try_get(11).map_err(StoreError::from)?;
                let own_media = StoredMedium::parse_lines(own_media.as_deref());
                let page_media: Option<String> = row.try_get(12).map_err(StoreError::from)?;
                let page_media = StoredMedium::parse_lines(page_media.as_deref());
                let page_medium = |kind: &str| {
                    page_media
                        .iter()
                        .find(|(k, _)| k == kind)
                        .map(|(_, m)| m.clone())
                };
                let article = ExportedArticle {
                    site: row.try_get(0).map_err(StoreError::from)?,
                    date: row.try_get(1).map_err(StoreError::from)?,
                    page_no: row.try_get(2).map_err(StoreError::from)?,
                    page_name: row.try_get(3).map_err(StoreError::from)?,
                    url: row.try_get(4).map_err(StoreError::from)?,
                    pretitle: row.try_get(5).map_err(StoreError::from)?,
                    title: row.try_get(6).map_err(StoreError::from)?,
                    subtitle: row.try_get(7).map_err(StoreError::from)?,
                    author: row.try_get(8).map_err(StoreError::from)?,
                    paragraphs: serde_json::from_str(&paragraphs).map_err(ExportError::Corrupt)?,
                    images: images
                        .into_iter()
                        .map(|image| ExportedImage {
                            stored: own_media
                                .iter()
                                .find(|(_, m)| m.url == image.url)
                                .map(|(_, m)| m.clone()),
                            url: image.url,
                            caption: image.caption,
                        })
                        .collect(),
                    page_scan: page_medium("scan"),
                    page_pdf: page_medium("pdf"),
                };
                sink(article).map_err(ExportError::Io)?;
                n += 1;
            }
            Ok(n)
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored JSON is corrupt: {0}")]
    Corrupt(serde_json::Error),
    #[error("cannot write: {0}")]
    Io(std::io::Error),
}

impl Store {
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

    /// Marks an issue as being crawled, unless it is already further along.
    pub async fn mark_crawling(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, 'crawling', $3)
                 ON CONFLICT (site, issue_date) DO UPDATE SET state = 'crawling', updated_at = EXCLUDED.updated_at
                 WHERE issues.state IN ('queued', 'failed')",
            )
            .bind(site)
            .bind(date)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Marks an issue whose crawl gave up as `failed`, unless its manifest already arrived.
    pub async fn mark_failed(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, 'failed', $3)
                 ON CONFLICT (site, issue_date) DO UPDATE SET state = 'failed', updated_at = EXCLUDED.updated_at
                 WHERE issues.n_pages_expected IS NULL AND issues.state <> 'absent'",
            )
            .bind(site)
            .bind(date)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Every archived raw document matching `filter` (by site and issue date), in URL order,
    /// handed to `sink` one at a time; `epaper reparse` sends them through the parser again.
    pub async fn raw_documents(
        &self,
        filter: &ExportFilter,
        mut sink: impl AsyncFnMut(FetchedDocument) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        use futures_util::TryStreamExt;
        let sql = "SELECT url, site, issue_date, kind, status, content_type, etag, last_modified,
                fetched_at, body
             FROM raw_documents
             WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
               AND ($3 IS NULL OR issue_date <= $3)
             ORDER BY site, issue_date, kind DESC, url";
        // Collect the keys first: the sink writes to the same database, and SQLite would
        // deadlock a writer behind an open read cursor on a one-connection pool.
        let mut documents = Vec::new();
        on_pool!(self, |pool| {
            let mut rows = sqlx::query(sql)
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .fetch(pool);
            while let Some(row) = rows.try_next().await? {
                let kind: String = row.try_get(3)?;
                let status: i64 = row.try_get(4)?;
                documents.push(FetchedDocument {
                    url: row.try_get(0)?,
                    site: row.try_get(1)?,
                    issue_date: row.try_get(2)?,
                    kind: DocKind::parse(&kind).unwrap_or(DocKind::Article),
                    status: status as u16,
                    content_type: row.try_get(5)?,
                    etag: row.try_get(6)?,
                    last_modified: row.try_get(7)?,
                    fetched_at: row.try_get(8)?,
                    body: epaper_common::messages::CompressedBytes::from_compressed(
                        row.try_get(9)?,
                    ),
                });
            }
        });
        let n = documents.len() as u64;
        for document in documents {
            sink(document).await?;
        }
        Ok(n)
    }
}

/// A search request: `epaper search QUERY [--site --from --to --limit]`.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub text: String,
    pub filter: ExportFilter,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub site: String,
    pub date: NaiveDate,
    pub page_no: Option<String>,
    pub url: String,
    pub title: Option<String>,
    pub snippet: String,
    pub rank: f64,
}

const PG_SEARCH: &str = "
SELECT site, issue_date, page_no, url, title, paragraphs,
       ts_rank(search, plainto_tsquery('simple', $1))::float8 AS rank
FROM articles
WHERE search @@ plainto_tsquery('simple', $1)
  AND ($2 IS NULL OR site = $2) AND ($3 IS NULL OR issue_date >= $3)
  AND ($4 IS NULL OR issue_date <= $4)
ORDER BY rank DESC, issue_date DESC, url
LIMIT $5";

const SQLITE_SEARCH: &str = "
SELECT a.site, a.issue_date, a.page_no, a.url, a.title, a.paragraphs,
       -bm25(articles_fts) AS rank
FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
WHERE articles_fts MATCH $1
  AND ($2 IS NULL OR a.site = $2) AND ($3 IS NULL OR a.issue_date >= $3)
  AND ($4 IS NULL OR a.issue_date <= $4)
ORDER BY rank DESC, a.issue_date DESC, a.url
LIMIT $5";

impl Store {
    /// Articles holding every word of the query, best first, with a snippet each.
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        let terms = crate::search::query_terms(&query.text);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // Terms hold only letters and digits (query_terms), so quoting them is enough.
        let (sql, expression) = match self {
            Store::Postgres(_) => (PG_SEARCH, terms.join(" ")),
            Store::Sqlite(_) => (
                SQLITE_SEARCH,
                terms
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        on_pool!(self, |pool| {
            let rows = sqlx::query(sql)
                .bind(&expression)
                .bind(&query.filter.site)
                .bind(query.filter.from)
                .bind(query.filter.to)
                .bind(query.limit)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    let title: Option<String> = row.try_get(4)?;
                    let paragraphs: String = row.try_get(5)?;
                    let paragraphs: Vec<String> =
                        serde_json::from_str(&paragraphs).unwrap_or_default();
                    Ok(SearchHit {
                        site: row.try_get(0)?,
                        date: row.try_get(1)?,
                        page_no: row.try_get(2)?,
                        url: row.try_get(3)?,
                        snippet: crate::search::snippet(
                            title.as_deref().unwrap_or(""),
                            &paragraphs,
                            &terms,
                            80,
                        ),
                        title,
                        rank: row.try_get(6)?,
                    })
                })
                .collect()
        })
    }
}

/// One row of the `failures` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub site: String,
    pub date: NaiveDate,
    pub url: String,
    pub stage: String,
    pub kind: String,
    pub reason: String,
}

impl Store {
    /// The date of the newest issue of `site` the archive holds (complete or partial): where
    /// an incremental crawl starts.
    pub async fn last_issue_date(&self, site: &str) -> Result<Option<NaiveDate>, StoreError> {
        on_pool!(self, |pool| {
            let row = sqlx::query(
                "SELECT issue_date FROM issues
                 WHERE site = $1 AND state IN ('complete', 'partial')
                 ORDER BY issue_date DESC LIMIT 1",
            )
            .bind(site)
            .fetch_optional(pool)
            .await?;
            Ok(match row {
                Some(row) => Some(row.try_get(0)?),
                None => None,
            })
        })
    }

    /// The validators (ETag, Last-Modified) of the articles archived for an issue, for a
    /// conditional re-crawl. Pages are left out: the crawler needs their bytes for the links.
    pub async fn validators(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Vec<epaper_common::messages::Validator>, StoreError> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT url, etag, last_modified FROM raw_documents
                 WHERE site = $1 AND issue_date = $2 AND kind = 'article'
                   AND (etag IS NOT NULL OR last_modified IS NOT NULL)
                 ORDER BY url",
            )
            .bind(site)
            .bind(date)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(epaper_common::messages::Validator {
                        url: row.try_get(0)?,
                        etag: row.try_get(1)?,
                        last_modified: row.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    /// Recorded failures, newest issues first.
    pub async fn failures(&self, filter: &ExportFilter) -> Result<Vec<Failure>, StoreError> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT site, issue_date, url, stage, kind, reason FROM failures
                 WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY issue_date DESC, site, stage, url",
            )
            .bind(&filter.site)
            .bind(filter.from)
            .bind(filter.to)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(Failure {
                        site: row.try_get(0)?,
                        date: row.try_get(1)?,
                        url: row.try_get(2)?,
                        stage: row.try_get(3)?,
                        kind: row.try_get(4)?,
                        reason: row.try_get(5)?,
                    })
                })
                .collect()
        })
    }

    /// Issues in any of `states` (and matching the filter), oldest first: what `epaper replay`
    /// sends back to the crawler.
    pub async fn issues_in_states(
        &self,
        filter: &ExportFilter,
        states: &[String],
    ) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        let states = serde_json::to_string(states).expect("strings serialize");
        let sql = match self {
            Store::Postgres(_) => {
                "SELECT site, issue_date FROM issues
                 WHERE state IN (SELECT jsonb_array_elements_text($4::text::jsonb))
                   AND ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY issue_date, site"
            }
            Store::Sqlite(_) => {
                "SELECT site, issue_date FROM issues
                 WHERE state IN (SELECT value FROM json_each($4))
                   AND ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY issue_date, site"
            }
        };
        on_pool!(self, |pool| {
            let rows = sqlx::query(sql)
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .bind(&states)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect()
        })
    }

    /// Puts an issue back to `queued` for a replay, whatever state it was in.
    pub async fn mark_requeued(&self, site: &str, date: NaiveDate) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, 'queued', $3)
                 ON CONFLICT (site, issue_date) DO UPDATE SET state = 'queued', updated_at = EXCLUDED.updated_at",
            )
            .bind(site)
            .bind(date)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Records a stored medium (its bytes already in the media store) and updates its issue.
    pub async fn store_media(
        &self,
        fetched: &FetchedDocument,
        owner_url: &str,
        stored: &crate::media::Stored,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO issues (site, issue_date, state, updated_at) VALUES ($1, $2, 'parsing', $3)
                 ON CONFLICT (site, issue_date) DO NOTHING",
            )
            .bind(&fetched.site)
            .bind(fetched.issue_date)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if matches!(self, Store::Postgres(_)) {
                sqlx::query("SELECT 1 FROM issues WHERE site = $1 AND issue_date = $2 FOR UPDATE")
                    .bind(&fetched.site)
                    .bind(fetched.issue_date)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO media (url, site, issue_date, kind, owner_url, content_type, size,
                    sha256, fetched_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (url) DO UPDATE SET kind = EXCLUDED.kind, owner_url = EXCLUDED.owner_url,
                    content_type = EXCLUDED.content_type, size = EXCLUDED.size,
                    sha256 = EXCLUDED.sha256, fetched_at = EXCLUDED.fetched_at
                 WHERE media.sha256 IS DISTINCT FROM EXCLUDED.sha256",
            )
            .bind(&fetched.url)
            .bind(&fetched.site)
            .bind(fetched.issue_date)
            .bind(fetched.kind.as_str())
            .bind(owner_url)
            .bind(&fetched.content_type)
            .bind(stored.size as i64)
            .bind(&stored.sha256)
            .bind(fetched.fetched_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(RECOMPUTE_STATE)
                .bind(&fetched.site)
                .bind(fetched.issue_date)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Media of the archive matching the filter: (url, kind, owner URL, sha256), by URL.
    pub async fn media(
        &self,
        filter: &ExportFilter,
    ) -> Result<Vec<(String, String, String, String)>, StoreError> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT url, kind, owner_url, sha256 FROM media
                 WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY url",
            )
            .bind(&filter.site)
            .bind(filter.from)
            .bind(filter.to)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok((
                        row.try_get(0)?,
                        row.try_get(1)?,
                        row.try_get(2)?,
                        row.try_get(3)?,
                    ))
                })
                .collect()
        })
    }
}

/// An issue as the console's calendar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueRow {
    pub site: String,
    pub date: NaiveDate,
    pub state: String,
    pub n_pages_expected: Option<i64>,
    pub n_articles_expected: Option<i64>,
}

/// A stored page (版) of an issue, in issue order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPage {
    pub url: String,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub image_url: Option<String>,
    pub pdf_url: Option<String>,
    /// The SHA-256 of the stored scan and PDF, where the media store holds them.
    pub scan_sha256: Option<String>,
    pub pdf_sha256: Option<String>,
}

impl Store {
    /// Every issue of `site` (or of every site), newest first.
    pub async fn issue_list(&self, site: Option<&str>) -> Result<Vec<IssueRow>, StoreError> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT site, issue_date, state, n_pages_expected, n_articles_expected FROM issues
                 WHERE ($1 IS NULL OR site = $1) ORDER BY site, issue_date DESC",
            )
            .bind(site)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(IssueRow {
                        site: row.try_get(0)?,
                        date: row.try_get(1)?,
                        state: row.try_get(2)?,
                        n_pages_expected: row.try_get(3)?,
                        n_articles_expected: row.try_get(4)?,
                    })
                })
                .collect()
        })
    }

    /// The stored pages of one issue, in issue order, with their stored scan and PDF.
    pub async fn pages_of(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Vec<StoredPage>, StoreError> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT p.url, p.page_no, p.page_name, p.image_url, p.pdf_url,
                        (SELECT m.sha256 FROM media m WHERE m.url = p.image_url),
                        (SELECT m.sha256 FROM media m WHERE m.url = p.pdf_url)
                 FROM pages p WHERE p.site = $1 AND p.issue_date = $2
                 ORDER BY p.page_idx, p.page_no, p.url",
            )
            .bind(site)
            .bind(date)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(StoredPage {
                        url: row.try_get(0)?,
                        page_no: row.try_get(1)?,
                        page_name: row.try_get(2)?,
                        image_url: row.try_get(3)?,
                        pdf_url: row.try_get(4)?,
                        scan_sha256: row.try_get(5)?,
                        pdf_sha256: row.try_get(6)?,
                    })
                })
                .collect()
        })
    }

    /// The issue an article belongs to, by its URL.
    pub async fn article_issue(
        &self,
        url: &str,
    ) -> Result<Option<(String, NaiveDate)>, StoreError> {
        on_pool!(self, |pool| {
            let row = sqlx::query("SELECT site, issue_date FROM articles WHERE url = $1")
                .bind(url)
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .transpose()
        })
    }

    /// One round trip to the database (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }
}

/// The issue that has waited longest without finishing (for `epaper status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnfinishedIssue {
    pub site: String,
    pub date: NaiveDate,
    pub state: String,
    /// When its state last changed (a document stored, a manifest in).
    pub since: DateTime<Utc>,
}

impl Store {
    /// The queued, crawling or parsing issue whose state changed longest ago: where work is
    /// stuck, if anywhere.
    pub async fn oldest_unfinished(&self) -> Result<Option<UnfinishedIssue>, StoreError> {
        on_pool!(self, |pool| {
            let row = sqlx::query(
                "SELECT site, issue_date, state, updated_at FROM issues
                 WHERE state IN ('queued', 'crawling', 'parsing')
                 ORDER BY updated_at, issue_date, site LIMIT 1",
            )
            .fetch_optional(pool)
            .await?;
            row.map(|row| {
                Ok(UnfinishedIssue {
                    site: row.try_get(0)?,
                    date: row.try_get(1)?,
                    state: row.try_get(2)?,
                    since: row.try_get(3)?,
                })
            })
            .transpose()
        })
    }
}
