//! `GET /api/v1/issues` (issues by site, date range and state, a page at a time) and
//! `GET /api/v1/issues/{site}/{date}` (one issue: its pages with their article references and
//! regions, and its articles).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::NaiveDate;
use epaper_indexer::store::IssueFilter;
use epaper_indexer::{IssueRow, StoredPage};
use serde::Serialize;
use utoipa::ToSchema;

use super::super::Shared;
use super::super::checks::valid_date;
use super::articles::{Article, MapSize, ScanRegion, articles_of};
use super::error::{ApiError, ErrorBody};
use super::params::{Params, known_site};

/// An issue as listed: its state and what its manifest expects.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueSummary {
    pub site: String,
    pub date: NaiveDate,
    /// `queued`, `crawling`, `parsing`, `complete`, `partial`, `failed` or `absent`.
    pub state: String,
    /// From the issue's manifest; null until it arrived.
    pub n_pages_expected: Option<i64>,
    pub n_articles_expected: Option<i64>,
}

impl From<IssueRow> for IssueSummary {
    fn from(row: IssueRow) -> IssueSummary {
        IssueSummary {
            site: row.site,
            date: row.date,
            state: row.state.as_str().to_string(),
            n_pages_expected: row.n_pages_expected,
            n_articles_expected: row.n_articles_expected,
        }
    }
}

/// A page of issues, in (site, date) order.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueList {
    pub issues: Vec<IssueSummary>,
    /// Pass back as `cursor` (with the same filters) for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Issues matching the filters, oldest site and date first.
#[utoipa::path(
    get,
    path = "/api/v1/issues",
    tag = "archive",
    params(
        ("site" = Option<String>, Query, description = "a site id (see /api/v1/sites)"),
        ("from" = Option<NaiveDate>, Query, description = "first issue date, YYYY-MM-DD"),
        ("to" = Option<NaiveDate>, Query, description = "last issue date, YYYY-MM-DD"),
        ("state" = Option<String>, Query,
            description = "queued, crawling, parsing, complete, partial, failed or absent"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("limit" = Option<i64>, Query, description = "issues a page, 1 to 500 (50)"),
    ),
    responses(
        (status = 200, description = "a page of issues", body = IssueList),
        (status = 400, description = "a parameter is malformed or unknown", body = ErrorBody),
    )
)]
pub async fn issues(
    State(console): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<IssueList>, ApiError> {
    let params = Params::parse(
        raw.as_deref(),
        &["site", "from", "to", "state", "cursor", "limit"],
    )?;
    let (from, to) = params.range()?;
    let filter = IssueFilter {
        site: params.site(&console).await?,
        from,
        to,
        state: params.state()?,
    };
    let limit = params.limit()?;
    let after: Option<(String, NaiveDate)> = params.cursor("issues")?;
    // One more than asked: whether it exists says whether there is a next page.
    let mut rows = console
        .store
        .issue_page(
            &filter,
            after.as_ref().map(|(site, date)| (site.as_str(), *date)),
            limit + 1,
        )
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = match rows.last() {
        Some(last) if more => Some(params.next_cursor("issues", &(&last.site, last.date))),
        _ => None,
    };
    Ok(Json(IssueList {
        issues: rows.into_iter().map(IssueSummary::from).collect(),
        next_cursor,
    }))
}

/// One issue with its pages and articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueDetail {
    pub site: String,
    pub date: NaiveDate,
    /// The issue's state; null when the archive holds its documents but no state (an archive
    /// written before states were kept).
    pub state: Option<String>,
    /// The stored pages (版) in issue order.
    pub pages: Vec<IssuePage>,
    /// The stored articles in export order (site, date, page, URL).
    pub articles: Vec<Article>,
}

/// A stored page (版) and the articles it lists (contract 1's `PageRecord` fields).
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuePage {
    pub url: String,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub image_url: Option<String>,
    /// The size the page displays its scan at, the space of its articles' `regions`; null
    /// where it gave none (then they are in the scan's own pixels).
    pub map_size: Option<MapSize>,
    pub pdf_url: Option<String>,
    /// The stored scan and PDF, where the media store holds them.
    pub scan: Option<StoredCopy>,
    pub pdf: Option<StoredCopy>,
    /// The page's article references in its own order (contract 1's `ArticleRef`).
    pub articles: Vec<ArticleRef>,
}

/// Where a medium's bytes are in the media store.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredCopy {
    pub sha256: String,
    /// `<aa>/<sha256>` under the media store's root.
    pub path: String,
}

impl StoredCopy {
    fn of(sha256: Option<String>) -> Option<StoredCopy> {
        let sha256 = sha256?;
        let path = format!("{}/{sha256}", sha256.get(..2)?);
        Some(StoredCopy { sha256, path })
    }
}

/// An article as its page lists it: the title (the article's own, once stored), the URL and
/// the regions of the page scan it covers, in the page's `map_size`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRef {
    pub title: Option<String>,
    pub url: String,
    pub regions: Vec<ScanRegion>,
}

#[utoipa::path(
    get,
    path = "/api/v1/issues/{site}/{date}",
    tag = "archive",
    params(
        ("site" = String, Path, description = "a site id"),
        ("date" = NaiveDate, Path, description = "the issue date, YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "the issue", body = IssueDetail),
        (status = 400, description = "the date is malformed", body = ErrorBody),
        (status = 404, description = "no such site or issue", body = ErrorBody),
    )
)]
pub async fn issue(
    State(console): State<Shared>,
    Path((site, date)): Path<(String, String)>,
) -> Result<Json<IssueDetail>, ApiError> {
    let Some(date) = valid_date(&date) else {
        return Err(ApiError::bad_request(
            "date must be a date YYYY-MM-DD from 1900-01-01 to a year from today",
        ));
    };
    if !known_site(&console, &site).await? {
        return Err(ApiError::not_found("no such site"));
    }
    let state = console.store.issue_state(&site, date).await?;
    let pages = console.store.pages_of(&site, date).await?;
    if state.is_none() && pages.is_empty() {
        return Err(ApiError::not_found("no such issue in the archive"));
    }
    let articles = articles_of(&console, &site, date).await?;
    let titles: BTreeMap<&str, Option<&String>> = articles
        .iter()
        .map(|a| (a.url.as_str(), a.title.as_ref()))
        .collect();
    let mut refs = console.store.page_refs(&site, date).await?;
    let pages = pages
        .into_iter()
        .map(|page| {
            let articles = refs
                .remove(&page.url)
                .unwrap_or_default()
                .into_iter()
                .map(|r| ArticleRef {
                    title: titles.get(r.url.as_str()).copied().flatten().cloned(),
                    url: r.url,
                    regions: r.regions.into_iter().map(ScanRegion::from).collect(),
                })
                .collect();
            issue_page(page, articles)
        })
        .collect();
    Ok(Json(IssueDetail {
        site,
        date,
        state: state.map(|s| s.as_str().to_string()),
        pages,
        articles: articles.into_iter().map(Article::from).collect(),
    }))
}

fn issue_page(page: StoredPage, articles: Vec<ArticleRef>) -> IssuePage {
    let StoredPage {
        url,
        page_no,
        page_name,
        image_url,
        pdf_url,
        scan_sha256,
        pdf_sha256,
        map_size,
    } = page;
    IssuePage {
        url,
        page_no,
        page_name,
        image_url,
        map_size: map_size.map(MapSize::from),
        pdf_url,
        scan: StoredCopy::of(scan_sha256),
        pdf: StoredCopy::of(pdf_sha256),
        articles,
    }
}
