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
    /// The size the page displays its scan at (the `width` and `height` of the image its map
    /// or hotspots are drawn over), which is the space its articles' regions are in; `None`
    /// where the page gives none, and then the regions are in the scan's own pixels. Left out
    /// of the JSON when `None` (and absent from older messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_size: Option<MapSize>,
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
    /// Where the article sits on the page scan, from the page's image map or hotspots, in the
    /// space of the page's [`PageRecord::map_size`] (the scan's own pixels where it has none);
    /// empty where the page has none (and absent from older messages).
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

/// An area of the page scan, in the coordinates the page's map is in ([`PageRecord::map_size`],
/// else the scan's pixels). Built through [`Region::new`],
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

/// The largest side a [`MapSize`] may have: no page displays its scan larger (the console
/// refuses scans with a larger side too), so a larger value is markup that lies.
pub const MAX_MAP_SIDE: u32 = 60_000;

/// The size, in CSS pixels, a page displays its scan at: the space an image map's `coords` and
/// a hotspot's box are in, which need not be the scan's own pixels (人民日报 shows a scan of
/// another size at `width="400" height="575"`). A region at (x, y) is at (x / width, y /
/// height) of the scan, whatever its size. Built through [`MapSize::new`]: both sides from 1 to
/// [`MAX_MAP_SIDE`]; a message with any other does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedMapSize")]
pub struct MapSize {
    pub width: u32,
    pub height: u32,
}

impl MapSize {
    /// The size, or `None` when a side is 0 or over [`MAX_MAP_SIDE`].
    pub fn new(width: u32, height: u32) -> Option<MapSize> {
        let side = 1..=MAX_MAP_SIDE;
        (side.contains(&width) && side.contains(&height)).then_some(MapSize { width, height })
    }
}

/// A map size as a message spells it, before [`MapSize::new`] checks it.
#[derive(Deserialize)]
struct UncheckedMapSize {
    width: u32,
    height: u32,
}

impl TryFrom<UncheckedMapSize> for MapSize {
    type Error = &'static str;

    fn try_from(size: UncheckedMapSize) -> Result<MapSize, Self::Error> {
        MapSize::new(size.width, size.height)
            .ok_or("a map size needs both sides from 1 to 60000 pixels")
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
    fn a_page_without_a_map_size_reads_and_writes_without_one() {
        let old = r#"{"url":"http://a/n","date":null,"page_no":null,"page_name":null,"pages":[],"articles":[],"image_url":null,"pdf_url":null,"prev_issue_url":null,"next_issue_url":null}"#;
        let page: PageRecord = serde_json::from_str(old).unwrap();
        assert_eq!(page.map_size, None);
        assert_eq!(serde_json::to_string(&page).unwrap(), old);
        let sized = old.replace(
            r#""image_url":null,"#,
            r#""image_url":null,"map_size":{"width":400,"height":575},"#,
        );
        let page: PageRecord = serde_json::from_str(&sized).unwrap();
        assert_eq!(page.map_size, MapSize::new(400, 575));
        assert_eq!(serde_json::to_string(&page).unwrap(), sized);
        for bad in [
            r#"{"width":0,"height":575}"#,
            r#"{"width":400,"height":60001}"#,
            r#"{"width":-4,"height":5}"#,
            r#"{"width":4.5,"height":5}"#,
            r#"{"width":400}"#,
        ] {
            assert!(serde_json::from_str::<MapSize>(bad).is_err(), "{bad}");
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
