//! The console's JSON API, `/api/v1/…`, and its OpenAPI 3 document, `/api/openapi.json`.
//!
//! - `GET /api/v1/sites` — the known sites with their issue counts by state ([`sites`]);
//! - `GET /api/v1/issues?site=&from=&to=&state=&cursor=&limit=` — issues a page at a time;
//! - `GET /api/v1/issues/{site}/{date}` — one issue: pages with their article references and
//!   regions, and its articles ([`issues`]);
//! - `GET /api/v1/articles?url=` — one article as the export gives it ([`articles`]);
//! - `GET /api/v1/search?q=&site=&from=&to=&cursor=&limit=` — `epaper search`'s ranking;
//! - `GET /api/v1/export.jsonl?site=&from=&to=` — `epaper export`'s lines, streamed;
//! - `GET /api/v1/queues` — queue backlogs and issue states (needs the broker);
//! - `POST /api/v1/issues/{site}/{date}/replay` — needs the console's token as a bearer token.
//!
//! The routes and the document come from the same code: each handler's `#[utoipa::path]`
//! declares its method, path, parameters and responses, and `utoipa_axum`'s `routes!` mounts
//! the handler at that very path, so a route cannot be served undocumented or documented
//! unserved. Field names are those of contract 1 and of `epaper export` (the article type is
//! destructured whole from the export's, so the two cannot drift).
//!
//! Every parameter is parsed before it reaches the store ([`params`]); every error is JSON with
//! a stable code ([`error`]), including the refusals of the guard and the router (a handler's
//! plain-text rejection is turned into JSON by [`json_errors`]). Pagination is by opaque cursor
//! ([`cursor`]). The console's guard stands in front of all of it: host allow-list, token
//! (when `console.token` is set), and for the replay a bearer token; there are no CORS headers.

mod articles;
mod cursor;
mod error;
mod export;
mod issues;
mod params;
mod queues;
mod replay;
mod search;
mod sites;

use std::sync::LazyLock;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;

use super::Shared;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "epaper archive API",
        description = "Read an e-paper archive (sites, issues, articles, search, export, \
            queues) and send issues back to the crawler. Errors are \
            {\"error\":{\"code\":…,\"message\":…}} with a stable code.",
        version = "1"
    ),
    components(schemas(error::ErrorBody, error::ErrorCode)),
    modifiers(&BearerToken),
    tags(
        (name = "archive", description = "what the archive holds"),
        (name = "operations", description = "queues and replays"),
    )
)]
struct ApiDoc;

/// The `bearer` security scheme the replay names: the console's `console.token`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API's routes and their document, built together.
fn parts() -> (Router<Shared>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sites::sites))
        .routes(routes!(issues::issues))
        .routes(routes!(issues::issue))
        .routes(routes!(replay::replay))
        .routes(routes!(articles::article))
        .routes(routes!(search::search))
        .routes(routes!(export::export))
        .routes(routes!(queues::queues))
        .routes(routes!(document))
        .split_for_parts()
}

/// The OpenAPI document of every route [`router`] serves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "archive",
    responses((status = 200, description = "the OpenAPI 3 document of this API",
        content_type = "application/json", body = Object))
)]
async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
        .into_response()
}

/// The API's routes, to be merged into the console's router; anything else under `/api/` is a
/// JSON `not_found`.
pub(super) fn router() -> Router<Shared> {
    parts()
        .0
        .route(
            "/api/{*rest}",
            any(async || ApiError::not_found("no such API route (see /api/openapi.json)")),
        )
        .layer(from_fn(json_errors))
}

/// Turns a refusal that is not JSON (axum's rejections of a malformed path, a wrong method)
/// into the API's error body with the same status.
async fn json_errors(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static("application/json"));
    if status.is_success() || status.is_redirection() || is_json {
        return response;
    }
    let message = match status.canonical_reason() {
        Some(reason) => format!("refused: {}", reason.to_lowercase()),
        None => "refused".to_string(),
    };
    ApiError::for_status(status, message).into_response()
}

/// A refusal of the console's guard for a request under `/api/`, as the API's JSON error.
pub(super) fn refusal(status: axum::http::StatusCode, message: &str) -> Response {
    ApiError::for_status(status, message).into_response()
}
