//! The parsed records, the shape of contract 1 (`epaper parse`): the JSON a user sees from
//! `epaper parse` is exactly what the indexer receives.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A parsed document: contract 1 of the design brief, field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Record {
    Page(PageRecord),
    Article(ArticleRecord),
}

impl Record {
    pub fn url(&self) -> &str {
        match self {
            Record::Page(page) => &page.url,
            Record::Article(article) => &article.url,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    pub url: String,
    pub date: Option<NaiveDate>,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub pages: Vec<PageRef>,
    pub articles: Vec<ArticleRef>,
    pub image_url: Option<String>,
    pub pdf_url: Option<String>,
    pub prev_issue_url: Option<String>,
    pub next_issue_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRef {
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRef {
    pub title: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub url: String,
    pub date: Option<NaiveDate>,
    pub page_no: Option<String>,
    pub page_name: Option<String>,
    pub pretitle: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub paragraphs: Vec<String>,
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub caption: Option<String>,
}
