//! The shapes rows are read into, by column name, and their checked conversion into the types
//! the rest of the code uses. A stored value that does not convert (an unknown kind, corrupt
//! JSON, an impossible status) is a [`StoreError::Corrupt`] naming the row, never a default.
//!
//! Rows whose columns are already the public type's fields (`IssueRow`, `Failure`,
//! `UnfinishedIssue`) derive `FromRow` where they are defined.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use epaper_common::messages::{
    ArticleRef, CompressedBytes, DocKind, FetchedDocument, Image, MapSize, Region, Validator,
};

use super::StoreError;
use super::reads::{
    ExportedArticle, ExportedImage, PageRegions, SearchHit, StoredMedium, StoredPage,
};

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
        let (regions, regions_size) = article_regions(row.page_regions.as_deref(), &row.url)?;
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
            regions_size,
        })
    }
}

/// The regions `url` has in the pages' `width height {article_regions}` lines (in page URL
/// order), each once and at most [`MAX_REGIONS`](epaper_common::messages::MAX_REGIONS), and the
/// space they are in: the first page that maps the article decides it, and a page whose map is
/// in another space adds nothing (its regions could not be drawn over the same scan).
fn article_regions(
    lines: Option<&str>,
    url: &str,
) -> Result<(Vec<Region>, Option<MapSize>), StoreError> {
    let corrupt = |reason: String| StoreError::corrupt("pages", url, reason);
    let mut article = ArticleRef::new(None, url.to_string());
    let mut space = None;
    for line in lines.unwrap_or_default().lines() {
        let mut parts = line.splitn(3, ' ');
        let (width, height, json) = (parts.next(), parts.next(), parts.next());
        let (Some(width), Some(height), Some(json)) = (width, height, json) else {
            return Err(corrupt(format!(
                "a regions line without its map size: {line:?}"
            )));
        };
        let side = |side: &str| -> Result<Option<i64>, StoreError> {
            match side {
                "-" => Ok(None),
                number => number
                    .parse()
                    .map(Some)
                    .map_err(|_| corrupt(format!("map size side {number:?}"))),
            }
        };
        let size = map_size(side(width)?, side(height)?).map_err(corrupt)?;
        let mut by_url: HashMap<String, Vec<Region>> = serde_json::from_str(json)
            .map_err(|error| corrupt(format!("article_regions: {error}")))?;
        let regions = by_url.remove(url).unwrap_or_default();
        if regions.is_empty() {
            continue;
        }
        match space {
            None => space = Some(size),
            Some(first) if first != size => continue,
            Some(_) => {}
        }
        for region in regions {
            article.add_region(region);
        }
    }
    Ok((article.regions, space.flatten()))
}

/// The map size of a page's `map_width` and `map_height` columns: both or neither, each side
/// one [`MapSize::new`] takes; anything else is the reason the row is corrupt.
fn map_size(width: Option<i64>, height: Option<i64>) -> Result<Option<MapSize>, String> {
    match (width, height) {
        (None, None) => Ok(None),
        (Some(width), Some(height)) => u32::try_from(width)
            .ok()
            .zip(u32::try_from(height).ok())
            .and_then(|(width, height)| MapSize::new(width, height))
            .map(Some)
            .ok_or_else(|| format!("map size {width}x{height} is out of bounds")),
        _ => Err("map_width and map_height: one is set without the other".into()),
    }
}

/// A row of `sql/pages_of.sql`.
#[derive(sqlx::FromRow)]
pub(super) struct StoredPageRow {
    url: String,
    page_no: Option<String>,
    page_name: Option<String>,
    image_url: Option<String>,
    pdf_url: Option<String>,
    scan_sha256: Option<String>,
    pdf_sha256: Option<String>,
    map_width: Option<i64>,
    map_height: Option<i64>,
}

impl TryFrom<StoredPageRow> for StoredPage {
    type Error = StoreError;

    fn try_from(row: StoredPageRow) -> Result<StoredPage, StoreError> {
        let map_size = map_size(row.map_width, row.map_height)
            .map_err(|reason| StoreError::corrupt("pages", &row.url, reason))?;
        Ok(StoredPage {
            url: row.url,
            page_no: row.page_no,
            page_name: row.page_name,
            image_url: row.image_url,
            pdf_url: row.pdf_url,
            scan_sha256: row.scan_sha256,
            pdf_sha256: row.pdf_sha256,
            map_size,
        })
    }
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
