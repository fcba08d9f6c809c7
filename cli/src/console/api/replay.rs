//! `POST /api/v1/issues/{site}/{date}/replay`: the issue sent back to the crawler, as the
//! console's replay button does. Credentials are checked before this runs, by the console's
//! guard: the API's replay takes the console's token as `Authorization: Bearer` and nothing
//! else (a browser never attaches a bearer token by itself, so no other site's page can make
//! one), and needs `console.token` to be set.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::super::Shared;
use super::super::checks::{valid_date, valid_site};
use super::super::replay::send_back;
use super::error::{ApiError, ErrorBody};

#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    pub site: String,
    pub date: NaiveDate,
    /// Always `queued`: the crawl request was confirmed by the broker, then the issue marked.
    pub state: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/issues/{site}/{date}/replay",
    tag = "operations",
    params(
        ("site" = String, Path, description = "a site the console has a profile of"),
        ("date" = NaiveDate, Path, description = "the issue date, YYYY-MM-DD"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "the issue is on its way to the crawler", body = Replayed),
        (status = 400, description = "no profile of the site, or a malformed date",
            body = ErrorBody),
        (status = 401, description = "no token, or a wrong one", body = ErrorBody),
        (status = 403, description = "sent from another site's page", body = ErrorBody),
        (status = 503, description = "the console runs without a broker", body = ErrorBody),
    )
)]
pub async fn replay(
    State(console): State<Shared>,
    Path((site, date)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Replayed>), ApiError> {
    let (true, Some(date)) = (valid_site(&console, &site, false), valid_date(&date)) else {
        return Err(ApiError::bad_request(
            "replay takes a site the console has a profile of and a date YYYY-MM-DD from 1900 \
             to a year from today",
        ));
    };
    let Some(broker) = &console.broker else {
        return Err(ApiError::unavailable(
            "no broker: replay needs the services (this console runs with --no-broker)",
        ));
    };
    send_back(&console, broker, &site, date)
        .await
        .map_err(ApiError::internal)?;
    tracing::info!(site = %site, date = %date, "issue replayed through the API");
    Ok((
        StatusCode::ACCEPTED,
        Json(Replayed {
            site,
            date,
            state: "queued".into(),
        }),
    ))
}
