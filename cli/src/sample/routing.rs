//! How the sample site finds the document a request names. Every layout but one names its
//! documents by path ([`Routing::Path`]: the query is ignored, as a static site does). The
//! read.do system names every document `epaper/read.do` and tells them apart by the query
//! ([`Routing::ReadDo`]): a GET of `read.do` is routed by its naming parameters (`m`, `iid`,
//! `eid`, `sid`, `idate`, written in that order, as the layout writes its paths), and a POST of
//! `read.do?m=getIssueByMonth` with the form `newspaperId=N&date=YYYY-MM-DD` (or, as 海口日报's
//! installation asks, `newspaperId=N&yyyymm=YYYYMM`) gets the month's issue index.
//!
//! What must stay true: a query that names no document (another parameter, one given twice, an
//! unknown method, a form without its fields) is a 404 like any unknown path; a POST body is
//! read up to [`MAX_FORM_BYTES`] and no further (over it: 413); and a layout routed by path is
//! answered exactly as before, whatever the method or the query.

use axum::body::Body;
use axum::http::{Method, Uri};

use super::layouts::read_do::{READ_DO_PATH, month_index_key};

/// The largest form body read; a month's index request is some 40 bytes.
pub const MAX_FORM_BYTES: usize = 4096;

/// The parameters that name a read.do document, in the order its paths are written.
const NAMING: [&str; 5] = ["m", "iid", "eid", "sid", "idate"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// By path only.
    Path,
    /// `epaper/read.do` by its query, and the POST month index.
    ReadDo,
}

/// What a request names: the key of a resource, or why none.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Key(String),
    NotFound,
    /// The POST body is over [`MAX_FORM_BYTES`].
    TooLarge,
}

impl Routing {
    /// The resource a request names (its body read only for a read.do POST).
    pub async fn route(self, method: &Method, uri: &Uri, body: Body) -> Route {
        let path = uri.path().trim_start_matches('/');
        if self == Routing::Path || path != READ_DO_PATH {
            return Route::Key(path.to_string());
        }
        let query = uri.query().unwrap_or_default();
        if *method == Method::POST {
            let Ok(form) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
                return Route::TooLarge;
            };
            return month_index(query, &form).map_or(Route::NotFound, Route::Key);
        }
        document(query).map_or(Route::NotFound, Route::Key)
    }
}

/// The key of the read.do document a GET query names: only the naming parameters, each once.
fn document(query: &str) -> Option<String> {
    let mut values: [Option<String>; 5] = Default::default();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let at = NAMING.iter().position(|n| *n == name)?;
        if values[at].replace(value.into_owned()).is_some() {
            return None;
        }
    }
    if values[0].as_deref() != Some("i") {
        return None;
    }
    let pairs: Vec<String> = NAMING
        .iter()
        .zip(values)
        .filter_map(|(name, value)| Some(format!("{name}={}", value?)))
        .collect();
    Some(format!("{READ_DO_PATH}?{}", pairs.join("&")))
}

/// The key of the month index a POST asks for: `m=getIssueByMonth`, and a form naming the
/// paper and the month, as any day of it (`date`) or as `yyyymm`; both at once name none.
fn month_index(query: &str, form: &[u8]) -> Option<String> {
    if query != "m=getIssueByMonth" {
        return None;
    }
    let (mut paper, mut month, mut n_months) = (None, None, 0);
    for (name, value) in url::form_urlencoded::parse(form) {
        let day = match &*name {
            "newspaperId" => {
                paper = value.parse::<u32>().ok();
                continue;
            }
            "date" => chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok(),
            // `%Y%m` alone is no date to chrono: read it as the month's first day.
            "yyyymm" if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) => {
                chrono::NaiveDate::parse_from_str(&format!("{value}01"), "%Y%m%d").ok()
            }
            "yyyymm" => None,
            _ => continue,
        };
        month = day;
        n_months += 1;
    }
    use chrono::Datelike;
    let month = month.filter(|_| n_months == 1)?;
    Some(month_index_key(paper?, month.year(), month.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn route(method: Method, uri: &str, body: &str) -> Route {
        let uri: Uri = uri.parse().unwrap();
        Routing::ReadDo
            .route(&method, &uri, Body::from(body.to_string()))
            .await
    }

    #[tokio::test]
    async fn read_do_documents_are_routed_by_their_query() {
        let key = |k: &str| Route::Key(k.to_string());
        assert_eq!(
            route(
                Method::GET,
                "/epaper/read.do?idate=2_2024-03-04&eid=7&iid=5&m=i",
                ""
            )
            .await,
            key("epaper/read.do?m=i&iid=5&eid=7&idate=2_2024-03-04")
        );
        assert_eq!(
            route(Method::GET, "/images/2024-03/04/01/page_b.png?x=1", "").await,
            key("images/2024-03/04/01/page_b.png")
        );
        for unknown in [
            "/epaper/read.do",
            "/epaper/read.do?m=i&iid=5&iid=6",
            "/epaper/read.do?m=i&iid=5&jsessionid=1",
            "/epaper/read.do?m=getIssueByMonth",
        ] {
            assert_eq!(
                route(Method::GET, unknown, "").await,
                Route::NotFound,
                "{unknown}"
            );
        }
        // The month index: any day of the month names it.
        assert_eq!(
            route(
                Method::POST,
                "/epaper/read.do?m=getIssueByMonth",
                "newspaperId=2&date=2024-03-17"
            )
            .await,
            key(&month_index_key(2, 2024, 3))
        );
        // 海口日报's form names the same index.
        assert_eq!(
            route(
                Method::POST,
                "/epaper/read.do?m=getIssueByMonth",
                "newspaperId=2&yyyymm=202403"
            )
            .await,
            key(&month_index_key(2, 2024, 3))
        );
        for (query, form) in [
            ("m=getIssueByMonth", "newspaperId=2&yyyymm=2024-03"),
            ("m=getIssueByMonth", "newspaperId=2&yyyymm=202413"),
            ("m=getIssueByMonth", "newspaperId=2&yyyymm=2024031"),
            (
                "m=getIssueByMonth",
                "newspaperId=2&yyyymm=202403&date=2024-03-17",
            ),
            ("m=getIssueByMonth", "newspaperId=2"),
            ("m=getIssueByMonth", "date=2024-03-17"),
            ("m=getIssueByMonth", "newspaperId=x&date=2024-03-17"),
            ("m=i", "newspaperId=2&date=2024-03-17"),
        ] {
            let uri = format!("/epaper/read.do?{query}");
            assert_eq!(
                route(Method::POST, &uri, form).await,
                Route::NotFound,
                "{form}"
            );
        }
        let huge = "a".repeat(MAX_FORM_BYTES + 1);
        assert_eq!(
            route(Method::POST, "/epaper/read.do?m=getIssueByMonth", &huge).await,
            Route::TooLarge
        );
        // A layout routed by path ignores the query and the method, as before.
        let uri: Uri = "/epaper/read.do?m=i&iid=5".parse().unwrap();
        assert_eq!(
            Routing::Path
                .route(&Method::POST, &uri, Body::from("x"))
                .await,
            key("epaper/read.do")
        );
    }
}
