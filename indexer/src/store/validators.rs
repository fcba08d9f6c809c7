//! What a conditional re-crawl sends: the ETag and Last-Modified of the articles archived.

use chrono::NaiveDate;
use epaper_common::messages::{DocKind, Validator};

use super::rows::ValidatorRow;
use super::{Store, StoreError};

impl Store {
    /// The validators (ETag, Last-Modified) of the articles archived for an issue, for a
    /// conditional re-crawl. Pages are left out: the crawler needs their bytes for the links.
    pub async fn validators(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<Vec<Validator>, StoreError> {
        let rows: Vec<ValidatorRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT url, etag, last_modified FROM raw_documents
                 WHERE site = $1 AND issue_date = $2 AND kind = $3
                   AND (etag IS NOT NULL OR last_modified IS NOT NULL)
                 ORDER BY url",
            )
            .bind(site)
            .bind(date)
            .bind(DocKind::Article.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Validator::from).collect())
    }
}
