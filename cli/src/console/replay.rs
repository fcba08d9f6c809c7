//! `POST /replay`: an issue sent back to the crawler, as `epaper replay --state` does, and the
//! replay button that posts it.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use epaper_common::broker::Broker;
use indicatif::ProgressBar;
use maud::{Markup, html};
use serde::Deserialize;

use super::checks::{valid_date, valid_site};
use super::page::{Failed, page, refusal};
use super::{Console, Shared};
use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::plan::crawl_request;

pub(super) fn replay_form(console: &Console, site: &str, date: NaiveDate) -> Markup {
    if console.broker.is_none() {
        return html! {
            p {
                "Replay needs the services' broker; on an embedded archive run "
                code { "epaper run --site " (site) " --from " (date) " --to " (date) }
                " again."
            }
        };
    }
    html! {
        form method="post" action="/replay" {
            input type="hidden" name="site" value=(site);
            input type="hidden" name="date" value=(date);
            button.replay id={ "replay-" (site) "-" (date) } { "replay" }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ReplayForm {
    site: String,
    date: String,
}

/// Publishes the issue to the crawl queue (confirmed by the broker) and only then marks it
/// `queued`, so a failed publish never shows an issue as on its way. Only a known profile's
/// site and a date in range are replayed; anything else is refused with 400 and touches
/// nothing.
pub(super) async fn replay(
    State(console): State<Shared>,
    Form(form): Form<ReplayForm>,
) -> Response {
    let Some(broker) = &console.broker else {
        return (
            StatusCode::CONFLICT,
            page(
                "replay",
                html! { p { "No broker: replay needs the services." } },
            ),
        )
            .into_response();
    };
    let date = valid_date(&form.date);
    let (true, Some(date)) = (valid_site(&console, &form.site, false), date) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Replay takes a site the console has a profile of and a date from 1900 to next year.",
        );
    };
    let site = form.site;
    let result = send_back(&console, broker, &site, date).await;
    match result {
        Ok(()) => {
            tracing::info!(site = %site, date = %date, "issue replayed from the console");
            Redirect::to(&format!("/issue/{site}/{date}?replayed=1")).into_response()
        }
        Err(error) => Failed::from(error).into_response(),
    }
}

/// Sends one issue of a known profile back to the crawler: the publish confirmed by the broker,
/// then the issue marked `queued` (the HTML button and the API's replay both come here).
pub(super) async fn send_back(
    console: &Console,
    broker: &Broker,
    site: &str,
    date: NaiveDate,
) -> anyhow::Result<()> {
    // `--base-url` is for profiles without an address of their own (the sample site); a real
    // profile refuses an override, so its replays go to the profile's own host.
    let base_url = console
        .sites
        .get(site)
        .ok()
        .filter(|profile| profile.base_url.is_none())
        .and(console.base_url.clone());
    let plan = Plan {
        issues: vec![crawl_request(site, base_url.as_deref(), date, None)],
        conditional: false,
        mark: Mark::Requeued,
    };
    let publisher = broker.publisher().await?;
    let archive = Archive::Required(&console.store);
    enqueue_issues(archive, &publisher, &plan, &ProgressBar::hidden()).await
}
