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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRef {
    pub title: Option<String>,
    pub url: String,
    /// Where the article sits on the page scan, in the scan's pixels, from the page's image map
    /// or hotspots; empty where the page has none (and absent from older messages).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
}

impl ArticleRef {
    /// An article reference without regions.
    pub fn new(title: Option<String>, url: String) -> ArticleRef {
        ArticleRef {
            title,
            url,
            regions: Vec::new(),
        }
    }

    /// Adds a region unless it is already there or the article has [`MAX_REGIONS`] already.
    pub fn add_region(&mut self, region: Region) {
        if self.regions.len() < MAX_REGIONS && !self.regions.contains(&region) {
            self.regions.push(region);
        }
    }
}

/// At most this many regions an article, so that a hostile map cannot bloat a record.
pub const MAX_REGIONS: usize = 16;
/// At most this many points a polygon.
pub const MAX_REGION_POINTS: usize = 64;

/// The shape of a [`Region`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// `coords` is x1,y1,x2,y2: two opposite corners.
    Rect,
    /// `coords` is x1,y1,x2,y2,…: at least three points.
    Poly,
}

/// An area of the page scan, in the scan's pixel coordinates. Built through [`Region::new`],
/// which keeps only finite, non-negative coordinates of a well-formed shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub shape: Shape,
    pub coords: Vec<f32>,
}

impl Region {
    /// The region, or `None` when a coordinate is not finite or is negative, or the count does
    /// not fit the shape (a rect has 4; a poly an even number, 3 to [`MAX_REGION_POINTS`]
    /// points).
    pub fn new(shape: Shape, coords: Vec<f32>) -> Option<Region> {
        let fits = match shape {
            Shape::Rect => coords.len() == 4,
            Shape::Poly => {
                coords.len() % 2 == 0 && (6..=2 * MAX_REGION_POINTS).contains(&coords.len())
            }
        };
        let valid = coords.iter().all(|c| c.is_finite() && *c >= 0.0);
        (fits && valid).then_some(Region { shape, coords })
    }
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
