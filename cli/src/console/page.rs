//! What every page shares: the frame (navigation, search box, the one stylesheet) and what a
//! request that fails or is refused shows. A failure's detail goes to the log under a
//! reference; the page shows only the reference.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

/// An error of a page handler: the detail goes to the log under a short reference, the page
/// shows only the reference (the chain names tables, paths and hosts a visitor has no need of).
pub(super) struct Failed(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Failed {
    fn from(error: E) -> Failed {
        Failed(error.into())
    }
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let reference = error_reference();
        tracing::warn!(
            error = %format!("{:#}", self.0),
            reference = %reference,
            "console request failed"
        );
        let body = html! {
            p.error {
                "Something went wrong. The console's log has the details under reference "
                code #reference { (reference) } "."
            }
        };
        (StatusCode::INTERNAL_SERVER_ERROR, page("error", body)).into_response()
    }
}

/// Eight hex digits, different for every call: enough to find one line in a day's log.
pub(super) fn error_reference() -> String {
    use std::hash::BuildHasher as _;
    let random = std::collections::hash_map::RandomState::new();
    format!(
        "{:08x}",
        random.hash_one(std::time::SystemTime::now()) as u32
    )
}

/// A short page that says why a request was refused, with its status.
pub(super) fn refusal(status: StatusCode, why: &str) -> Response {
    (status, page("refused", html! { p.error { (why) } })).into_response()
}

pub(super) type Page = Result<Html<String>, Failed>;

const STYLE: &str = include_str!("style.css");

pub(super) async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

pub(super) fn page(title: &str, body: Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang="zh" {
            head {
                meta charset="utf-8";
                title { (title) " · epaper" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                nav {
                    a href="/" { "calendar" }
                    a href="/failures" { "failures" }
                    form action="/search" {
                        input name="q" id="search-box" placeholder="search";
                        button id="search-button" { "search" }
                    }
                }
                h1 { (title) }
                (body)
            }
        }
    };
    Html(markup.into_string())
}
