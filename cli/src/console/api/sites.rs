//! `GET /api/v1/sites`: the sites this console knows (its profiles) and those its archive holds
//! issues of, each with its issue counts by state.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::super::Shared;
use super::error::{ApiError, ErrorBody};
use super::params::Params;

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteList {
    /// By id.
    pub sites: Vec<SiteInfo>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteInfo {
    /// The id every other route takes as `site`.
    pub id: String,
    /// The paper's name, from its profile; null for a site only the archive knows.
    pub name: Option<String>,
    /// The e-paper system of its current layout (profile `layout`).
    pub layout: Option<String>,
    /// A test profile (the sample site).
    pub test_site: bool,
    /// Whether the console has a profile of it (only those can be replayed).
    pub has_profile: bool,
    /// The archive's issues of the site by state (`complete`, `partial`, …).
    pub issues: BTreeMap<String, i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/sites",
    tag = "archive",
    responses(
        (status = 200, description = "every known site", body = SiteList),
        (status = 400, description = "a parameter was given (this route takes none)",
            body = ErrorBody),
    )
)]
pub async fn sites(
    State(console): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SiteList>, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let mut sites: BTreeMap<String, SiteInfo> = console
        .sites
        .all()
        .iter()
        .map(|site| {
            let profile = &site.profile;
            let info = SiteInfo {
                id: profile.id.clone(),
                name: Some(profile.name.clone()),
                layout: Some(profile.layout.to_string()),
                test_site: profile.test_site,
                has_profile: true,
                issues: BTreeMap::new(),
            };
            (profile.id.clone(), info)
        })
        .collect();
    for (site, state, n) in console.store.issue_states().await? {
        let info = sites.entry(site.clone()).or_insert_with(|| SiteInfo {
            id: site,
            name: None,
            layout: None,
            test_site: false,
            has_profile: false,
            issues: BTreeMap::new(),
        });
        info.issues.insert(state.as_str().to_string(), n);
    }
    Ok(Json(SiteList {
        sites: sites.into_values().collect(),
    }))
}
