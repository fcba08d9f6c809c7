//! `GET /api/v1/articles?url=…`: one article as `epaper export` gives it (contract 1's fields,
//! the stored media of the article and its page, its regions on the scan), and the article
//! types the issue and export routes share.

use axum::Json;
use axum::extract::{RawQuery, State};
use chrono::NaiveDate;
use epaper_common::messages::{self, Region, Shape};
use epaper_indexer::store::{ExportedImage, StoredMedium};
use epaper_indexer::{ExportFilter, ExportedArticle};
use serde::Serialize;
use utoipa::ToSchema;

use super::super::{Console, Shared};
use super::error::{ApiError, ErrorBody};
use super::params::Params;

/// Article URLs longer than this are refused (no archived URL is near it).
const MAX_URL_CHARS: usize = 2048;

/// One article: the same fields, in the same order, as a line of `epaper export --format jsonl`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Article {
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
    pub images: Vec<ArticleImage>,
    /// The stored scan of the article's 版, where the media store holds it.
    pub page_scan: Option<Medium>,
    /// The stored PDF of the article's 版, where the media store holds it.
    pub page_pdf: Option<Medium>,
    /// Where the article sits on its 版's scan; `[]` where the page maps none.
    pub regions: Vec<ScanRegion>,
    /// The space `regions` are in: the size the page that maps them displays its scan at;
    /// null where it gave none (then they are in the scan's own pixels) or there are none.
    pub regions_size: Option<MapSize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleImage {
    pub url: String,
    pub caption: Option<String>,
    pub stored: Option<Medium>,
}

/// A stored medium: its source URL, SHA-256, size in bytes and path under the media store's
/// root (`<aa>/<sha256>`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Medium {
    pub url: String,
    pub sha256: String,
    pub size: i64,
    pub path: String,
}

/// A region of the page scan (contract 1's `Region`), in the space of its page's `map_size`
/// (an article's `regions_size`), or in the scan's own pixels where that is null: a point
/// (x, y) is at (x / width, y / height) of the scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanRegion {
    pub shape: RegionShape,
    /// `rect`: x1,y1,x2,y2 (two opposite corners); `poly`: x1,y1,x2,y2,… (three points or more).
    pub coords: Vec<f32>,
}

/// The size, in CSS pixels, a page displays its scan at (contract 1's `PageRecord.map_size`):
/// the space its image map's coordinates are in, whatever the scan's own size.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapSize {
    /// 1 to 60000.
    pub width: u32,
    /// 1 to 60000.
    pub height: u32,
}

impl From<messages::MapSize> for MapSize {
    fn from(messages::MapSize { width, height }: messages::MapSize) -> MapSize {
        MapSize { width, height }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegionShape {
    Rect,
    Poly,
}

impl From<Region> for ScanRegion {
    fn from(region: Region) -> ScanRegion {
        ScanRegion {
            shape: match region.shape {
                Shape::Rect => RegionShape::Rect,
                Shape::Poly => RegionShape::Poly,
            },
            coords: region.coords,
        }
    }
}

impl From<StoredMedium> for Medium {
    fn from(
        StoredMedium {
            url,
            sha256,
            size,
            path,
        }: StoredMedium,
    ) -> Medium {
        Medium {
            url,
            sha256,
            size,
            path,
        }
    }
}

impl From<ExportedImage> for ArticleImage {
    fn from(
        ExportedImage {
            url,
            caption,
            stored,
        }: ExportedImage,
    ) -> ArticleImage {
        ArticleImage {
            url,
            caption,
            stored: stored.map(Medium::from),
        }
    }
}

impl From<ExportedArticle> for Article {
    // Destructured whole: a field added to the export does not compile here until the API
    // has it too.
    fn from(article: ExportedArticle) -> Article {
        let ExportedArticle {
            site,
            date,
            page_no,
            page_name,
            url,
            pretitle,
            title,
            subtitle,
            author,
            paragraphs,
            images,
            page_scan,
            page_pdf,
            regions,
            regions_size,
        } = article;
        Article {
            site,
            date,
            page_no,
            page_name,
            url,
            pretitle,
            title,
            subtitle,
            author,
            paragraphs,
            images: images.into_iter().map(ArticleImage::from).collect(),
            page_scan: page_scan.map(Medium::from),
            page_pdf: page_pdf.map(Medium::from),
            regions: regions.into_iter().map(ScanRegion::from).collect(),
            regions_size: regions_size.map(MapSize::from),
        }
    }
}

/// Every article of one issue, in export order.
pub async fn articles_of(
    console: &Console,
    site: &str,
    date: NaiveDate,
) -> Result<Vec<ExportedArticle>, ApiError> {
    let filter = ExportFilter {
        site: Some(site.to_string()),
        from: Some(date),
        to: Some(date),
    };
    let mut articles = Vec::new();
    console
        .store
        .export(&filter, |article| {
            articles.push(article);
            Ok(())
        })
        .await?;
    Ok(articles)
}

/// One article by its URL.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    tag = "archive",
    params(("url" = String, Query, description = "the article's URL, exactly as archived")),
    responses(
        (status = 200, description = "the article", body = Article),
        (status = 400, description = "no url, or one too long", body = ErrorBody),
        (status = 404, description = "no such article in the archive", body = ErrorBody),
    )
)]
pub async fn article(
    State(console): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Article>, ApiError> {
    let params = Params::parse(raw.as_deref(), &["url"])?;
    let Some(url) = params.get("url") else {
        return Err(ApiError::bad_request("url is required"));
    };
    if url.chars().count() > MAX_URL_CHARS {
        return Err(ApiError::bad_request(format!(
            "url is longer than {MAX_URL_CHARS} characters"
        )));
    }
    let not_found = || ApiError::not_found("no article with that url in the archive");
    let (site, date) = console
        .store
        .article_issue(url)
        .await?
        .ok_or_else(not_found)?;
    articles_of(&console, &site, date)
        .await?
        .into_iter()
        .find(|article| article.url == url)
        .map(|article| Json(Article::from(article)))
        .ok_or_else(not_found)
}
