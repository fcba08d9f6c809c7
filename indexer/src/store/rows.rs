//! The shapes rows are read into, by column name, and their checked conversion into the types
//! the rest of the code uses. A stored value that does not convert (an unknown kind, corrupt
//! JSON, an impossible status) is a [`StoreError::Corrupt`] naming the row, never a default.
//!
//! Rows whose columns are already the public type's fields (`IssueRow`, `StoredPage`,
//! `Failure`, `UnfinishedIssue`) derive `FromRow` where they are defined.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use epaper_common::messages::{
    ArticleRef, CompressedBytes, DocKind, FetchedDocument, Image, Region, Validator,
};

use super::StoreError;
use super::reads::{ExportedArticle, ExportedImage, PageRegions, SearchHit, StoredMedium};

/// A row of `raw_documents` (`sql/raw_documents.sql`).
#[derive(sqlx::FromRow)]
pub(super) struct RawDocumentRow {
    url: String,
    site: String,
    issue_date: NaiveDate,
    kind: String,
    status: i64,
    content_type: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    fetched_at: DateTime<Utc>,
    body: Vec<u8>,
    http_head: Option<String>,
}

impl TryFrom<RawDocumentRow> for FetchedDocument {
    type Error = StoreError;

    fn try_from(row: RawDocumentRow) -> Result<Self, StoreError> {
        let corrupt = |reason: String| StoreError::corrupt("raw_documents", &row.url, reason);
        let kind = DocKind::parse(&row.kind)
            .ok_or_else(|| corrupt(format!("unknown kind {:?}", row.kind)))?;
        let status = u16::try_from(row.status)
            .map_err(|_| corrupt(format!("impossible HTTP status {}", row.status)))?;
        let http = row
            .http_head
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|error| corrupt(format!("unreadable http_head: {error}")))?;
        Ok(FetchedDocument {
            url: row.url,
            site: row.site,
            issue_date: row.issue_date,
            kind,
            status,
            content_type: row.content_type,
            etag: row.etag,
            last_modified: row.last_modified,
            fetched_at: row.fetched_at,
            body: CompressedBytes::from_compressed(row.body),
            http,
        })
    }
}

/// An article with its media as `kind url sha256 size` lines (`sql/export.sql`).
#[derive(sqlx::FromRow)]
pub(super) struct ExportRow {
    site: String,
    issue_date: NaiveDate,
    page_no: Option<String>,
    page_name: Option<String>,
    url: String,
    pretitle: Option<String>,
    title: Option<String>,
    subtitle: Option<String>,
    author: Option<String>,
    paragraphs: String,
    images: String,
    own_media: Option<String>,
    page_media: Option<String>,
    page_regions: Option<String>,
}

impl TryFrom<ExportRow> for ExportedArticle {
    type Error = StoreError;

    fn try_from(row: ExportRow) -> Result<Self, StoreError> {
        let paragraphs = json_column(&row.paragraphs, "paragraphs", &row.url)?;
        let images: Vec<Image> = json_column(&row.images, "images", &row.url)?;
        let regions = article_regions(row.page_regions.as_deref(), &row.url)?;
        let own_media = StoredMedium::parse_lines(row.own_media.as_deref());
        let page_media = StoredMedium::parse_lines(row.page_media.as_deref());
        let page_medium = |kind: &str| {
            page_media
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, m)| m.clone())
        };
        let images = images
            .into_iter()
            .map(|image| ExportedImage {
                stored: own_media
                    .iter()
                    .find(|(_, m)| m.url == image.url)
                    .map(|(_, m)| m.clone()),
                url: image.url,
                caption: image.caption,
            })
            .collect();
        Ok(ExportedArticle {
            site: row.site,
            date: row.issue_date,
            page_no: row.page_no,
            page_name: row.page_name,
            url: row.url,
            pretitle: row.pretitle,
            title: row.title,
            subtitle: row.subtitle,
            author: row.author,
            paragraphs,
            images,
            page_scan: page_medium("scan"),
            page_pdf: page_medium("pdf"),
            regions,
        })
    }
}

/// The regions `url` has in the pages' `article_regions` objects (one a line), each once and at
/// most [`MAX_REGIONS`](epaper_common::messages::MAX_REGIONS).
fn article_regions(lines: Option<&str>, url: &str) -> Result<Vec<Region>, StoreError> {
    let mut article = ArticleRef::new(None, url.to_string());
    for line in lines.unwrap_or_default().lines() {
        let mut by_url: HashMap<String, Vec<Region>> =
            serde_json::from_str(line).map_err(|error| {
                StoreError::corrupt("pages", url, format!("article_regions: {error}"))
            })?;
        for region in by_url.remove(url).unwrap_or_default() {
            article.add_region(region);
        }
    }
    Ok(article.regions)
}

/// A page's `article_regions` column (`Store::page_regions`).
#[derive(sqlx::FromRow)]
pub(super) struct PageRegionsRow {
    url: String,
    article_regions: String,
}

impl TryFrom<PageRegionsRow> for PageRegions {
    type Error = StoreError;

    /// The JSON object read back, every region checked again by `Region`'s deserialiser and
    /// each article's list capped as `ArticleRef::add_region` caps it.
    fn try_from(row: PageRegionsRow) -> Result<PageRegions, StoreError> {
        let by_url: HashMap<String, Vec<Region>> = serde_json::from_str(&row.article_regions)
            .map_err(|error| {
                StoreError::corrupt("pages", &row.url, format!("article_regions: {error}"))
            })?;
        let articles = by_url
            .into_iter()
            .map(|(url, regions)| {
                let mut article = ArticleRef::new(None, url);
                for region in regions {
                    article.add_region(region);
                }
                (article.url, article.regions)
            })
            .collect();
        Ok(PageRegions {
            url: row.url,
            articles,
        })
    }
}

/// A full-text hit before its snippet is cut (`sql/search_*.sql`).
#[derive(sqlx::FromRow)]
pub(super) struct SearchRow {
    site: String,
    issue_date: NaiveDate,
    page_no: Option<String>,
    url: String,
    title: Option<String>,
    paragraphs: String,
    rank: f64,
}

impl SearchRow {
    /// The hit, with a snippet around the first of `terms` in its title or text.
    pub fn into_hit(self, terms: &[String]) -> Result<SearchHit, StoreError> {
        let paragraphs: Vec<String> = json_column(&self.paragraphs, "paragraphs", &self.url)?;
        let snippet =
            crate::search::snippet(self.title.as_deref().unwrap_or(""), &paragraphs, terms, 80);
        Ok(SearchHit {
            site: self.site,
            date: self.issue_date,
            page_no: self.page_no,
            url: self.url,
            title: self.title,
            snippet,
            rank: self.rank,
        })
    }
}

/// The validators of one archived document (`validators.rs`).
#[derive(sqlx::FromRow)]
pub(super) struct ValidatorRow {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl From<ValidatorRow> for Validator {
    fn from(row: ValidatorRow) -> Self {
        Validator {
            url: row.url,
            etag: row.etag,
            last_modified: row.last_modified,
        }
    }
}

/// A JSON column of an `articles` row, read back or named as corrupt.
fn json_column<T: serde::de::DeserializeOwned>(
    text: &str,
    column: &str,
    url: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::corrupt("articles", url, format!("{column}: {error}")))
}
