//! `GET /api/v1/search`: the articles holding every word of `q`, ranked and with snippets by
//! the same store query as `epaper search`, a page at a time.
//!
//! Ranked results have no stable key to continue after (ranks are floats and tie), so the
//! cursor holds the offset into the ranking; a walk reads at most [`MAX_DEPTH`] hits.

use axum::Json;
use axum::extract::{RawQuery, State};
use chrono::NaiveDate;
use epaper_indexer::{ExportFilter, SearchHit, SearchQuery};
use serde::Serialize;
use utoipa::ToSchema;

use super::super::Shared;
use super::error::{ApiError, ErrorBody};
use super::params::Params;

/// Query text longer than this is refused.
pub const MAX_QUERY_CHARS: usize = 200;
/// How deep into the ranking a walk may page.
pub const MAX_DEPTH: i64 = 1000;

/// One hit: the fields of `epaper search --json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Hit {
    pub site: String,
    pub date: NaiveDate,
    pub page_no: Option<String>,
    pub url: String,
    pub title: Option<String>,
    /// Text around the first match, plain text (not HTML).
    pub snippet: String,
    /// Higher is better; comparable within one archive's backend only.
    pub rank: f64,
}

impl From<SearchHit> for Hit {
    fn from(hit: SearchHit) -> Hit {
        let SearchHit {
            site,
            date,
            page_no,
            url,
            title,
            snippet,
            rank,
        } = hit;
        Hit {
            site,
            date,
            page_no,
            url,
            title,
            snippet,
            rank,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Pass back as `cursor` (with the same q and filters) for the next page; null on the last
    /// (or after the first 1000 hits).
    pub next_cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "archive",
    params(
        ("q" = String, Query, description = "words to look for, all of them (up to 200 characters)"),
        ("site" = Option<String>, Query, description = "a site id"),
        ("from" = Option<NaiveDate>, Query, description = "first issue date, YYYY-MM-DD"),
        ("to" = Option<NaiveDate>, Query, description = "last issue date, YYYY-MM-DD"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("limit" = Option<i64>, Query, description = "hits a page, 1 to 500 (50)"),
    ),
    responses(
        (status = 200, description = "a page of hits, best first", body = SearchResults),
        (status = 400, description = "no q, or a parameter is malformed", body = ErrorBody),
    )
)]
pub async fn search(
    State(console): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResults>, ApiError> {
    let params = Params::parse(
        raw.as_deref(),
        &["q", "site", "from", "to", "cursor", "limit"],
    )?;
    let text = params.get("q").map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(ApiError::bad_request("q is required"));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(format!(
            "q is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let (from, to) = params.range()?;
    let filter = ExportFilter {
        site: params.site(&console).await?,
        from,
        to,
    };
    let limit = params.limit()?;
    let offset: i64 = params.cursor("search")?.unwrap_or(0);
    if !(0..MAX_DEPTH).contains(&offset) {
        return Err(ApiError::bad_request("cursor is out of range"));
    }
    let end = (offset + limit).min(MAX_DEPTH);
    // The same query as `epaper search`, to one past this page: the ranking is the store's.
    let hits = console
        .store
        .search(&SearchQuery {
            text: text.to_string(),
            filter,
            limit: end + 1,
        })
        .await?;
    let more = hits.len() as i64 > end && end < MAX_DEPTH;
    let hits: Vec<Hit> = hits
        .into_iter()
        .skip(offset as usize)
        .take((end - offset) as usize)
        .map(Hit::from)
        .collect();
    Ok(Json(SearchResults {
        hits,
        next_cursor: more.then(|| params.next_cursor("search", &end)),
    }))
}
