//! The query string of an API request, checked before anything reaches the store: only the
//! parameters the route documents, each at most once, each parsed into its type (a known site,
//! a date in range, a state, a limit within the cap, a query within its length, a cursor this
//! API issued for the same query). Anything else is a `bad_request` naming the parameter.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use epaper_indexer::IssueState;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::super::Console;
use super::super::checks::{site_shaped, valid_date};
use super::cursor;
use super::error::ApiError;

/// Results a page holds when the request names no `limit`.
pub const DEFAULT_LIMIT: i64 = 50;
/// The most a page may hold.
pub const MAX_LIMIT: i64 = 500;
/// A query string longer than this is refused whole.
const MAX_QUERY_STRING: usize = 4096;

/// The parameters of one request, by name.
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Splits and decodes `raw`, refusing parameters the route does not take and repeats.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let raw = raw.unwrap_or_default();
        if raw.len() > MAX_QUERY_STRING {
            return Err(ApiError::bad_request(format!(
                "the query string is longer than {MAX_QUERY_STRING} bytes"
            )));
        }
        let mut params = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            if !allowed.contains(&name.as_ref()) {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter (this route takes: {})",
                    allowed.join(", ")
                )));
            }
            if params.insert(name.to_string(), value.to_string()).is_some() {
                return Err(ApiError::bad_request(format!(
                    "parameter {name} is given more than once"
                )));
            }
        }
        Ok(Params(params))
    }

    /// The raw value of `name`, if given (an empty value counts as not given).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `name` as an issue date, `YYYY-MM-DD` from 1900 to next year.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name)
            .map(|text| {
                valid_date(text).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "{name} must be a date YYYY-MM-DD from 1900-01-01 to a year from today"
                    ))
                })
            })
            .transpose()
    }

    /// `from` and `to`, in order.
    pub fn range(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
        let (from, to) = (self.date("from")?, self.date("to")?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ApiError::bad_request("from is after to"));
        }
        Ok((from, to))
    }

    /// `site`, when given: a site the console has a profile of or the archive holds.
    pub async fn site(&self, console: &Console) -> Result<Option<String>, ApiError> {
        let Some(site) = self.get("site") else {
            return Ok(None);
        };
        if !known_site(console, site).await? {
            return Err(ApiError::bad_request(
                "site is not a site this console knows (see /api/v1/sites)",
            ));
        }
        Ok(Some(site.to_string()))
    }

    /// `state`, when given: one of the issue states.
    pub fn state(&self) -> Result<Option<IssueState>, ApiError> {
        self.get("state")
            .map(|text| {
                text.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "state must be one of {}",
                        IssueState::ALL.map(IssueState::as_str).join(", ")
                    ))
                })
            })
            .transpose()
    }

    /// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when not given.
    pub fn limit(&self) -> Result<i64, ApiError> {
        let Some(text) = self.get("limit") else {
            return Ok(DEFAULT_LIMIT);
        };
        match text.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "limit must be a whole number from 1 to {MAX_LIMIT}"
            ))),
        }
    }

    /// The position `cursor` names, checked to be one this API gave for `scope` and this very
    /// query (the other parameters but `cursor` and `limit`).
    pub fn cursor<K: DeserializeOwned + Serialize>(
        &self,
        scope: &str,
    ) -> Result<Option<K>, ApiError> {
        self.get("cursor")
            .map(|text| cursor::decode(scope, &self.fingerprint(), text))
            .transpose()
    }

    /// The cursor of the position after `key`, for this query.
    pub fn next_cursor<K: Serialize>(&self, scope: &str, key: &K) -> String {
        cursor::encode(scope, &self.fingerprint(), key)
    }

    /// What a cursor is bound to: the query's filters, so a cursor cannot be moved to another.
    fn fingerprint(&self) -> String {
        self.0
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "cursor" | "limit"))
            .map(|(name, value)| format!("{name}={value}\n"))
            .collect()
    }
}

/// Whether `site` names a profile of this console or a site the archive holds issues of.
pub async fn known_site(console: &Console, site: &str) -> Result<bool, ApiError> {
    if !site_shaped(site) {
        return Ok(false);
    }
    if console.sites.get(site).is_ok() {
        return Ok(true);
    }
    Ok(console
        .store
        .issue_states()
        .await?
        .iter()
        .any(|(archived, _, _)| archived == site))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_repeated_and_oversized_parameters_are_refused() {
        assert!(Params::parse(Some("site=a&from=2024-01-01"), &["site", "from"]).is_ok());
        for raw in ["evil=1", "site=a&site=b"] {
            let error = Params::parse(Some(raw), &["site"]).err().unwrap();
            assert_eq!(
                error.code,
                super::super::error::ErrorCode::BadRequest,
                "{raw}"
            );
        }
        let long = format!("site={}", "a".repeat(MAX_QUERY_STRING));
        assert!(Params::parse(Some(&long), &["site"]).is_err());
    }

    #[test]
    fn limits_dates_and_states_are_checked() {
        let ok = Params::parse(
            Some("limit=500&from=2024-01-01&to=2024-01-02&state=partial"),
            &["limit", "from", "to", "state"],
        )
        .unwrap();
        assert_eq!(ok.limit().unwrap(), 500);
        assert!(ok.range().is_ok());
        assert_eq!(ok.state().unwrap(), Some(IssueState::Partial));
        let none = Params::parse(None, &["limit"]).unwrap();
        assert_eq!(none.limit().unwrap(), DEFAULT_LIMIT);
        for raw in ["limit=0", "limit=501", "limit=-1", "limit=1e3", "limit=x"] {
            let params = Params::parse(Some(raw), &["limit"]).unwrap();
            assert!(params.limit().is_err(), "{raw}");
        }
        for raw in [
            "from=2024-13-01",
            "from=1899-12-31",
            "from=2024-01-02&to=2024-01-01",
        ] {
            let params = Params::parse(Some(raw), &["from", "to"]).unwrap();
            assert!(params.range().is_err(), "{raw}");
        }
        let params = Params::parse(Some("state=done"), &["state"]).unwrap();
        assert!(params.state().is_err());
    }

    #[test]
    fn cursors_are_bound_to_their_query() {
        let first = Params::parse(Some("site=a"), &["site", "cursor"]).unwrap();
        let cursor = first.next_cursor("issues", &("a", 3));
        let again = Params::parse(
            Some(&format!("site=a&cursor={cursor}")),
            &["site", "cursor"],
        )
        .unwrap();
        assert_eq!(
            again.cursor::<(String, i32)>("issues").unwrap(),
            Some(("a".to_string(), 3))
        );
        let other = Params::parse(
            Some(&format!("site=b&cursor={cursor}")),
            &["site", "cursor"],
        )
        .unwrap();
        assert!(other.cursor::<(String, i32)>("issues").is_err());
        assert!(again.cursor::<(String, i32)>("search").is_err());
    }
}
