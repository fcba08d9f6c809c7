//! `GET /api/v1/export.jsonl`: the stored articles matching the filters as JSON lines, byte for
//! byte the lines of `epaper export --format jsonl`, streamed: the store reads the next row only
//! when the body has taken the last (a bounded channel), so an export of any size holds a few
//! lines in memory and a client that goes away stops the read.
//!
//! Once the body has started, the status is sent; a failure after that ends the body without
//! its final chunk, which HTTP clients report as an incomplete transfer, and is logged.

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use epaper_indexer::ExportFilter;
use futures_util::stream;
use tokio::sync::mpsc;

use super::super::Shared;
use super::articles::Article;
use super::error::{ApiError, ErrorBody};
use super::params::Params;

/// Lines waiting between the store and the body.
const LINES_IN_FLIGHT: usize = 64;

#[utoipa::path(
    get,
    path = "/api/v1/export.jsonl",
    tag = "archive",
    params(
        ("site" = Option<String>, Query, description = "a site id"),
        ("from" = Option<chrono::NaiveDate>, Query, description = "first issue date, YYYY-MM-DD"),
        ("to" = Option<chrono::NaiveDate>, Query, description = "last issue date, YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "one article (as /api/v1/articles gives it) a line, \
            in (site, date, page, URL) order", content_type = "application/x-ndjson",
            body = Article),
        (status = 400, description = "a parameter is malformed or unknown", body = ErrorBody),
    )
)]
pub async fn export(
    State(console): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &["site", "from", "to"])?;
    let (from, to) = params.range()?;
    let filter = ExportFilter {
        site: params.site(&console).await?,
        from,
        to,
    };
    let (lines, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(LINES_IN_FLIGHT);
    tokio::spawn(async move {
        let sent = console
            .store
            .export_each(&filter, |article| {
                let lines = lines.clone();
                async move {
                    let mut line = serde_json::to_vec(&article)?;
                    line.push(b'\n');
                    lines
                        .send(Ok(Bytes::from(line)))
                        .await
                        .map_err(|_| std::io::Error::other("the client went away"))
                }
            })
            .await;
        match sent {
            Ok(n) => tracing::debug!(n_articles = n, "export streamed"),
            Err(error) => {
                tracing::warn!(error = %error, "export stream ended early");
                let _ = lines
                    .send(Err(std::io::Error::other("export failed")))
                    .await;
            }
        }
    });
    let body = stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|line| (line, receiver))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(body),
    )
        .into_response())
}
