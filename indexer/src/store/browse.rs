//! Reads for clients that page through the archive (the console's JSON API): issues in a stable
//! keyset order, one page at a time, and the article references of an issue's pages with their
//! regions on the scan.
//!
//! Keyset, not offset: a page starts after the last (site, date) the client saw, so issues
//! written meanwhile neither repeat nor vanish from a walk already under way.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRef, Region};

use super::issues::IssueRow;
use super::{IssueState, Store, StoreError};

/// Which issues to list.
#[derive(Debug, Clone, Default)]
pub struct IssueFilter {
    pub site: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub state: Option<IssueState>,
}

/// The article references of one stored page (版), in the page's order, each with its regions.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRefs {
    pub url: String,
    pub articles: Vec<ArticleRef>,
}

#[derive(sqlx::FromRow)]
struct PageRefsRow {
    url: String,
    article_urls: String,
    article_regions: String,
}

const ISSUE_PAGE: &str = "SELECT site, issue_date, state, n_pages_expected, n_articles_expected
     FROM issues
     WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
       AND ($3 IS NULL OR issue_date <= $3) AND ($4 IS NULL OR state = $4)
       AND ($5 IS NULL OR site > $5 OR (site = $5 AND issue_date > $6))
     ORDER BY site, issue_date
     LIMIT $7";

impl Store {
    /// Up to `limit` issues matching `filter`, in (site, date) order, after `after` when given.
    pub async fn issue_page(
        &self,
        filter: &IssueFilter,
        after: Option<(&str, NaiveDate)>,
        limit: i64,
    ) -> Result<Vec<IssueRow>, StoreError> {
        let (after_site, after_date) = after.unzip();
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(ISSUE_PAGE)
                .bind(&filter.site)
                .bind(filter.from)
                .bind(filter.to)
                .bind(filter.state)
                .bind(after_site)
                .bind(after_date)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The article references of every stored page of one issue, by page URL: the URLs in the
    /// page's order, with the regions the page maps for each (titles are the articles' own,
    /// which the caller has).
    pub async fn page_refs(
        &self,
        site: &str,
        date: NaiveDate,
    ) -> Result<BTreeMap<String, Vec<ArticleRef>>, StoreError> {
        let rows: Vec<PageRefsRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT url, article_urls, article_regions FROM pages
                 WHERE site = $1 AND issue_date = $2",
            )
            .bind(site)
            .bind(date)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                let refs = PageRefs::try_from(row)?;
                Ok((refs.url, refs.articles))
            })
            .collect()
    }
}

impl TryFrom<PageRefsRow> for PageRefs {
    type Error = StoreError;

    fn try_from(row: PageRefsRow) -> Result<PageRefs, StoreError> {
        let urls: Vec<String> = serde_json::from_str(&row.article_urls).map_err(|error| {
            StoreError::corrupt("pages", &row.url, format!("article_urls: {error}"))
        })?;
        let mut regions: BTreeMap<String, Vec<Region>> = serde_json::from_str(&row.article_regions)
            .map_err(|error| {
                StoreError::corrupt("pages", &row.url, format!("article_regions: {error}"))
            })?;
        let articles = urls
            .into_iter()
            .map(|url| {
                let mut article = ArticleRef::new(None, url);
                for region in regions.remove(&article.url).unwrap_or_default() {
                    article.add_region(region);
                }
                article
            })
            .collect();
        Ok(PageRefs {
            url: row.url,
            articles,
        })
    }
}
