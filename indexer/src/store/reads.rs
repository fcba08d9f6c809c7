//! Reads: the export of articles (contract 5), pages, media and failures, the raw documents a
//! re-parse reads, and full-text search.

use std::sync::LazyLock;

use chrono::NaiveDate;
use epaper_common::messages::{FetchedDocument, MapSize, Region};
use futures_util::TryStreamExt;
use serde::Serialize;

use super::rows::{ExportRow, PageRegionsRow, RawDocumentRow, SearchRow, StoredPageRow};
use super::{Store, StoreError};

/// Which articles to export.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub site: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
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
    /// Where the article sits on its 版's scan (contract 1's `ArticleRef.regions`), from the
    /// image maps of the pages that link it; `[]` where they have none.
    pub regions: Vec<Region>,
    /// The space `regions` are in: the size the page that maps them displays its scan at
    /// (contract 1's `PageRecord.map_size`); `None` where that page gave none (then they are in
    /// the scan's own pixels) or the article has no regions. Regions of pages whose maps are
    /// in another space than the first page's (by URL) are left out: they could not be drawn
    /// over one scan together.
    pub regions_size: Option<MapSize>,
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
    pub(super) fn parse_lines(lines: Option<&str>) -> Vec<(String, StoredMedium)> {
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

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write: {0}")]
    Io(std::io::Error),
}

/// One row of the `failures` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Failure {
    pub site: String,
    #[sqlx(rename = "issue_date")]
    pub date: NaiveDate,
    pub url: String,
    pub stage: String,
    pub kind: String,
    pub reason: String,
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
    /// The size the page displays its scan at, the space of its articles' regions
    /// (`PageRecord::map_size`); `None` where it gave none, and then they are in the scan's
    /// own pixels.
    pub map_size: Option<MapSize>,
}

/// Where the articles a page's image map links sit on its scan (`pages.article_regions`), as
/// the parser read them: in the page's [`StoredPage::map_size`], else the scan's pixels;
/// articles without regions are absent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageRegions {
    /// The page's URL (`StoredPage::url`).
    pub url: String,
    /// By article URL, each article's regions, at most `MAX_REGIONS`.
    pub articles: std::collections::BTreeMap<String, Vec<Region>>,
}

/// A row of the `media` table: which URL gave which stored bytes, for which page or article.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MediaRow {
    pub url: String,
    pub site: String,
    pub issue_date: NaiveDate,
    pub kind: String,
    pub owner_url: String,
    pub content_type: Option<String>,
    pub size: i64,
    pub sha256: String,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
    /// The status it was served with, and the status line's rest and headers (JSON of
    /// `HttpHead`), when kept.
    pub http_status: Option<i64>,
    pub http_head: Option<String>,
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

const EXPORT: &str = include_str!("sql/export.sql");
static PG_EXPORT: LazyLock<String> = LazyLock::new(|| {
    EXPORT
        .replace(
            "{agg}",
            "string_agg(m.kind || ' ' || m.url || ' ' || m.sha256 || ' ' || m.size, E'\\n')",
        )
        .replace(
            "{regions_agg}",
            "string_agg({regions_line}, E'\\n' ORDER BY p.url)",
        )
        .replace("{regions_line}", REGIONS_LINE)
});
static SQLITE_EXPORT: LazyLock<String> = LazyLock::new(|| {
    EXPORT
        .replace(
            "{agg}",
            "group_concat(m.kind || ' ' || m.url || ' ' || m.sha256 || ' ' || m.size, char(10))",
        )
        .replace(
            "{regions_agg}",
            "group_concat({regions_line}, char(10) ORDER BY p.url)",
        )
        .replace("{regions_line}", REGIONS_LINE)
});
/// A page's regions as the export reads them: `width height {article_regions}`, `-` for a
/// side the page did not give (`rows::article_regions` reads it).
const REGIONS_LINE: &str = "COALESCE(CAST(p.map_width AS TEXT), '-') || ' ' || \
     COALESCE(CAST(p.map_height AS TEXT), '-') || ' ' || p.article_regions";
const RAW_DOCUMENTS: &str = include_str!("sql/raw_documents.sql");
const PAGES_OF: &str = include_str!("sql/pages_of.sql");
const PG_SEARCH: &str = include_str!("sql/search_postgres.sql");
const SQLITE_SEARCH: &str = include_str!("sql/search_sqlite.sql");

impl Store {
    /// Every stored article matching `filter`, in (site, date, page, URL) order, handed to
    /// `sink` one at a time so that exports of any size stream.
    pub async fn export(
        &self,
        filter: &ExportFilter,
        mut sink: impl FnMut(ExportedArticle) -> std::io::Result<()>,
    ) -> Result<u64, ExportError> {
        let mut n = 0u64;
        let mut each = |row: ExportRow| -> Result<(), ExportError> {
            sink(ExportedArticle::try_from(row)?).map_err(ExportError::Io)?;
            n += 1;
            Ok(())
        };
        on_pool!(self, |pool| {
            let mut rows = sqlx::query_as::<_, ExportRow>(self.export_sql())
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .fetch(pool);
            while let Some(row) = rows.try_next().await.map_err(StoreError::from)? {
                each(row)?;
            }
        });
        Ok(n)
    }

    /// As [`Store::export`], with a sink that may wait (a bounded channel to an HTTP body):
    /// the next row is read only when the sink's future has finished with the last, so a slow
    /// reader holds the export back instead of filling memory.
    pub async fn export_each<F>(
        &self,
        filter: &ExportFilter,
        mut sink: impl FnMut(ExportedArticle) -> F,
    ) -> Result<u64, ExportError>
    where
        F: Future<Output = std::io::Result<()>>,
    {
        let mut n = 0u64;
        on_pool!(self, |pool| {
            let mut rows = sqlx::query_as::<_, ExportRow>(self.export_sql())
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .fetch(pool);
            while let Some(row) = rows.try_next().await.map_err(StoreError::from)? {
                sink(ExportedArticle::try_from(row)?)
                    .await
                    .map_err(ExportError::Io)?;
                n += 1;
            }
        });
        Ok(n)
    }

    /// The export query of this backend: the string aggregate is the one difference.
    fn export_sql(&self) -> &'static str {
        match self {
            Store::Postgres(_) => PG_EXPORT.as_str(),
            Store::Sqlite(_) => SQLITE_EXPORT.as_str(),
        }
    }

    /// Every archived raw document matching `filter` (by site and issue date), in URL order,
    /// handed to `sink` one at a time; `epaper reparse` sends them through the parser again.
    pub async fn raw_documents(
        &self,
        filter: &ExportFilter,
        mut sink: impl AsyncFnMut(FetchedDocument) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        // Read every document before the first goes to the sink: the sink writes to the same
        // database, and SQLite would deadlock a writer behind an open read cursor on a
        // one-connection pool.
        let rows: Vec<RawDocumentRow> = on_pool!(self, |pool| {
            sqlx::query_as(RAW_DOCUMENTS)
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .fetch_all(pool)
                .await?
        });
        let n = rows.len() as u64;
        for row in rows {
            sink(FetchedDocument::try_from(row)?).await?;
        }
        Ok(n)
    }

    /// Every archived raw document matching `filter`, in the order of [`Store::raw_documents`],
    /// handed to `sink` as the rows arrive: one document in memory at a time, however large the
    /// archive (`epaper export --format warc`). The sink must not write to this store.
    pub async fn each_raw_document(
        &self,
        filter: &ExportFilter,
        mut sink: impl FnMut(FetchedDocument) -> std::io::Result<()>,
    ) -> Result<u64, ExportError> {
        let mut n = 0u64;
        on_pool!(self, |pool| {
            let mut rows = sqlx::query_as::<_, RawDocumentRow>(RAW_DOCUMENTS)
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .fetch(pool);
            while let Some(row) = rows.try_next().await.map_err(StoreError::from)? {
                sink(FetchedDocument::try_from(row)?).map_err(ExportError::Io)?;
                n += 1;
            }
        });
        Ok(n)
    }

    /// The `media` rows matching `filter`, by URL: what the WARC export writes a record of
    /// each stored medium from (its bytes are in the media store, under `sha256`).
    pub async fn media_rows(&self, filter: &ExportFilter) -> Result<Vec<MediaRow>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT url, site, issue_date, kind, owner_url, content_type, size, sha256,
                        fetched_at, http_status, http_head
                 FROM media
                 WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY site, issue_date, url",
            )
            .bind(&filter.site)
            .bind(filter.from)
            .bind(filter.to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The stored pages of one issue, in issue order, with their stored scan and PDF.
    pub async fn pages_of(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Vec<StoredPage>, StoreError> {
        let rows: Vec<StoredPageRow> = on_pool!(self, |pool| {
            sqlx::query_as(PAGES_OF)
                .bind(site)
                .bind(date)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(StoredPage::try_from).collect()
    }

    /// The article regions of every stored page of an issue, by page URL order.
    pub async fn page_regions(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Vec<PageRegions>, StoreError> {
        let rows: Vec<PageRegionsRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT url, article_regions FROM pages
                 WHERE site = $1 AND issue_date = $2 ORDER BY url",
            )
            .bind(site)
            .bind(date)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(PageRegions::try_from).collect()
    }

    /// The issue an article belongs to, by its URL.
    pub async fn article_issue(
        &self,
        url: &str,
    ) -> Result<Option<(String, NaiveDate)>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as("SELECT site, issue_date FROM articles WHERE url = $1")
                .bind(url)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Recorded failures, newest issues first.
    pub async fn failures(&self, filter: &ExportFilter) -> Result<Vec<Failure>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT site, issue_date, url, stage, kind, reason FROM failures
                 WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY issue_date DESC, site, stage, url",
            )
            .bind(&filter.site)
            .bind(filter.from)
            .bind(filter.to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Media of the archive matching the filter: (url, kind, owner URL, sha256), by URL.
    pub async fn media(
        &self,
        filter: &ExportFilter,
    ) -> Result<Vec<(String, String, String, String)>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT url, kind, owner_url, sha256 FROM media
                 WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
                   AND ($3 IS NULL OR issue_date <= $3)
                 ORDER BY url",
            )
            .bind(&filter.site)
            .bind(filter.from)
            .bind(filter.to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Articles holding every word of the query, best first, with a snippet each.
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        let terms = crate::search::query_terms(&query.text);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // The one difference between the backends: the full-text index and its query syntax.
        // Terms hold only letters and digits (query_terms), so quoting them is enough for FTS5.
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
        let rows: Vec<SearchRow> = on_pool!(self, |pool| {
            sqlx::query_as(sql)
                .bind(&expression)
                .bind(&query.filter.site)
                .bind(query.filter.from)
                .bind(query.filter.to)
                .bind(query.limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(|row| row.into_hit(&terms)).collect()
    }
}
