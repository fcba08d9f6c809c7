//! `GET /api/v1/queues`: the work and dead-letter queues of the console's broker (ready
//! messages and consumers, by passive declares, as `epaper status` reads them without the
//! management API) and the archive's issues by site and state: contract 2's keys.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::super::Shared;
use super::error::{ApiError, ErrorBody};
use super::params::Params;

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueReport {
    /// How the queues were read: always `passive_declare` here, which sees ready messages and
    /// consumers but not unacknowledged ones (`unacked_known: false`).
    pub source: String,
    pub queues: Vec<QueueInfo>,
    /// Issues by site, then by state.
    pub issues: BTreeMap<String, BTreeMap<String, i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueInfo {
    pub name: String,
    /// `work` or `dead_letter`.
    pub kind: String,
    pub ready: u64,
    pub unacked: u64,
    pub unacked_known: bool,
    pub consumers: u64,
    /// For a work queue: the messages in its stage's dead-letter queue.
    pub dead_letters: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/queues",
    tag = "operations",
    responses(
        (status = 200, description = "queue backlogs and issue states", body = QueueReport),
        (status = 400, description = "a parameter was given (this route takes none)",
            body = ErrorBody),
        (status = 503, description = "the console runs without a broker", body = ErrorBody),
    )
)]
pub async fn queues(
    State(console): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<QueueReport>, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let Some(broker) = &console.broker else {
        return Err(ApiError::unavailable(
            "no broker: this console was started on an archive alone (--no-broker)",
        ));
    };
    let queues = crate::status::queues_from_declares(broker)
        .await?
        .into_iter()
        .map(|q| QueueInfo {
            name: q.name,
            kind: q.kind.to_string(),
            ready: q.ready,
            unacked: q.unacked,
            unacked_known: q.unacked_known,
            consumers: q.consumers,
            dead_letters: q.dead_letters,
        })
        .collect();
    let mut issues: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for (site, state, n) in console.store.issue_states().await? {
        issues
            .entry(site)
            .or_default()
            .insert(state.as_str().to_string(), n);
    }
    Ok(Json(QueueReport {
        source: "passive_declare".into(),
        queues,
        issues,
    }))
}
