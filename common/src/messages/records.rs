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
/// which keeps only finite, non-negative coordinates of a well-formed shape; a message that
/// carries any other does not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedRegion")]
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
                coords.len().is_multiple_of(2)
                    && (6..=2 * MAX_REGION_POINTS).contains(&coords.len())
            }
        };
        let valid = coords.iter().all(|c| c.is_finite() && *c >= 0.0);
        (fits && valid).then_some(Region { shape, coords })
    }
}

/// A region as a message spells it, before [`Region::new`] checks it.
#[derive(Deserialize)]
struct UncheckedRegion {
    shape: Shape,
    coords: Vec<f32>,
}

impl TryFrom<UncheckedRegion> for Region {
    type Error = &'static str;

    fn try_from(region: UncheckedRegion) -> Result<Region, Self::Error> {
        Region::new(region.shape, region.coords)
            .ok_or("a region needs finite, non-negative coordinates that fit its shape")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_left_out_when_empty_and_checked_when_read() {
        let plain: ArticleRef =
            serde_json::from_str(r#"{"title":null,"url":"http://a/b"}"#).unwrap();
        assert_eq!(plain, ArticleRef::new(None, "http://a/b".into()));
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"title":null,"url":"http://a/b"}"#
        );
        let json = r#"{"title":null,"url":"http://a/b","regions":[{"shape":"rect","coords":[1.0,2.0,3.5,4.0]}]}"#;
        let mapped: ArticleRef = serde_json::from_str(json).unwrap();
        assert_eq!(
            mapped.regions,
            vec![Region::new(Shape::Rect, vec![1.0, 2.0, 3.5, 4.0]).unwrap()]
        );
        assert_eq!(serde_json::to_string(&mapped).unwrap(), json);
        for bad in [
            r#"{"shape":"rect","coords":[-1.0,2.0,3.0,4.0]}"#,
            r#"{"shape":"rect","coords":[1.0,2.0,3.0]}"#,
            r#"{"shape":"poly","coords":[1.0,2.0,3.0,4.0]}"#,
            r#"{"shape":"circle","coords":[1.0,2.0,3.0]}"#,
        ] {
            assert!(serde_json::from_str::<Region>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_article_keeps_each_region_once_and_at_most_sixteen() {
        let mut article = ArticleRef::new(None, "http://a/b".into());
        for i in 0..40 {
            let region = Region::new(Shape::Rect, vec![0.0, 0.0, (i % 20) as f32, 1.0]).unwrap();
            article.add_region(region);
        }
        let widths: Vec<f32> = article.regions.iter().map(|r| r.coords[2]).collect();
        assert_eq!(widths, (0..16).map(|i| i as f32).collect::<Vec<_>>());
    }
}
