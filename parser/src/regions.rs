//! Where an article sits on the page scan: the image map's `area` (`shape`, `coords`) or a
//! positioned hotspot (`style="left:…px; top:…px; width:…px; height:…px"`) that links it, read
//! into a [`Region`] in the coordinates the page wrote. Whatever does not read as a well-formed
//! shape of finite, non-negative numbers is no region; nothing here panics or reads more than a
//! polygon's cap of numbers, whatever the markup. [`PageArticles`] gathers a page's articles
//! from its title lists, image maps and hotspots, the reading the families share.
//!
//! Those coordinates are in the size the page displays its scan at, not necessarily the scan's
//! own pixels (人民日报 shows its scan at `width="400" height="575"` and maps it in that space):
//! [`scan_of`] reads the scan and that size from the same element, the one place every family
//! takes its scan from, so a record's regions and its `map_size` always describe one image.

use epaper_common::messages::{ArticleRef, MAX_REGION_POINTS, MapSize, Region, Shape};
use scraper::ElementRef;
use url::Url;

use crate::html::{Links, MAX_ARTICLES_PER_PAGE, absolute, push_article};
use crate::text::{element_text, non_empty};

/// A page's scan: its URL and the size the page displays it at, the space of its map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub url: Option<String>,
    pub map_size: Option<MapSize>,
}

/// The scan among `images` (the family's scan elements, the `img[usemap]` first): the first
/// whose `src` resolves, with the size that same element gives it ([`map_size_of`]). Nothing
/// when none resolves.
pub fn scan_of<'a>(images: impl IntoIterator<Item = ElementRef<'a>>, base: &Url) -> Scan {
    images
        .into_iter()
        .find_map(|img| {
            let url = absolute(base, img.value().attr("src")?)?;
            Some(Scan {
                url: Some(url),
                map_size: map_size_of(img),
            })
        })
        .unwrap_or_default()
}

/// The size an image is displayed at by its `width` and `height` attributes, when it has both
/// as plain positive pixel numbers (`400`, `400px`) within [`MapSize::new`]'s bounds. A
/// percentage, a number with a fraction or a sign, or anything else is no size: the map's space
/// is then unknown, and a reader takes the scan's own pixels.
pub fn map_size_of(img: ElementRef<'_>) -> Option<MapSize> {
    let side = |name: &str| pixels(img.value().attr(name)?);
    MapSize::new(side("width")?, side("height")?)
}

/// A `width`/`height` value in pixels: ASCII digits, optionally followed by `px`, spaces
/// around; at most 6 digits, so that no value can overflow before the bounds are checked.
fn pixels(value: &str) -> Option<u32> {
    let value = value.trim();
    let digits = match value.len().checked_sub(2) {
        Some(at) if value.is_char_boundary(at) && value[at..].eq_ignore_ascii_case("px") => {
            value[..at].trim_end()
        }
        _ => value,
    };
    let plain =
        !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| digits.parse().ok()).flatten()
}

/// The region an element marks: an `area`'s shape and coordinates, or any other element's
/// positioned box.
pub fn region_of(el: ElementRef<'_>) -> Option<Region> {
    if el.value().name().eq_ignore_ascii_case("area") {
        area_region(
            el.value().attr("shape").unwrap_or("rect"),
            el.value().attr("coords")?,
        )
    } else {
        hotspot_region(el.value().attr("style")?)
    }
}

/// Pushes an article as [`push_article`] does and gives it the region `el` marks, if any. An
/// article the map links twice gets both regions.
pub fn push_mapped(
    articles: &mut Links<ArticleRef>,
    url: String,
    title: Option<String>,
    el: ElementRef<'_>,
) {
    let region = region_of(el);
    push_article(articles, url.clone(), title);
    if let (Some(region), Some(article)) = (region, articles.get_mut(&url)) {
        article.add_region(region);
    }
}

/// A page's articles gathered from its lists and maps in the order a family reads them: each
/// article once, at most [`MAX_ARTICLES_PER_PAGE`], with the first title a link gives it and
/// every region its map areas and hotspots mark. `article_of` says which link targets are
/// articles of the page's issue, as absolute URLs.
pub struct PageArticles<F> {
    articles: Links<ArticleRef>,
    article_of: F,
}

impl<F: Fn(&str) -> Option<String>> PageArticles<F> {
    pub fn new(article_of: F) -> PageArticles<F> {
        PageArticles {
            articles: Links::new(MAX_ARTICLES_PER_PAGE),
            article_of,
        }
    }

    /// Links by `href`, their text the title.
    pub fn listed<'a>(self, links: impl IntoIterator<Item = ElementRef<'a>>) -> Self {
        self.listed_by(links, &["href"], link_text)
    }

    /// Links by the first of `attrs` that names an article, titled by `title`.
    pub fn listed_by<'a>(
        mut self,
        links: impl IntoIterator<Item = ElementRef<'a>>,
        attrs: &[&str],
        title: impl Fn(ElementRef<'_>) -> Option<String>,
    ) -> Self {
        for link in links {
            if let Some(article) = self.article(link, attrs) {
                push_article(&mut self.articles, article, title(link));
            }
        }
        self
    }

    /// Map areas by `href`: no titles, their regions on the scan.
    pub fn mapped<'a>(self, areas: impl IntoIterator<Item = ElementRef<'a>>) -> Self {
        self.mapped_by(areas, &["href"], |_| None)
    }

    /// Areas or hotspots by the first of `attrs` that names an article, titled by `title`,
    /// each with the region it marks.
    pub fn mapped_by<'a>(
        mut self,
        areas: impl IntoIterator<Item = ElementRef<'a>>,
        attrs: &[&str],
        title: impl Fn(ElementRef<'_>) -> Option<String>,
    ) -> Self {
        for area in areas {
            if let Some(article) = self.article(area, attrs) {
                push_mapped(&mut self.articles, article, title(area), area);
            }
        }
        self
    }

    pub fn into_vec(self) -> Vec<ArticleRef> {
        self.articles.into_vec()
    }

    fn article(&self, el: ElementRef<'_>, attrs: &[&str]) -> Option<String> {
        attrs
            .iter()
            .filter_map(|attr| el.value().attr(attr))
            .find_map(&self.article_of)
    }
}

/// A link's text as an article's title, `None` where it has none.
pub fn link_text(link: ElementRef<'_>) -> Option<String> {
    non_empty(&element_text(link))
}

/// A page's articles from its title list (the paper's order, with titles), then its image
/// map's areas (no titles; their regions on the scan): the reading of every family whose
/// pages have both.
pub fn listed_then_mapped(
    doc: &scraper::Html,
    title_list: &scraper::Selector,
    areas: &scraper::Selector,
    article_of: impl Fn(&str) -> Option<String>,
) -> Vec<ArticleRef> {
    PageArticles::new(article_of)
        .listed(doc.select(title_list))
        .mapped(doc.select(areas))
        .into_vec()
}

/// An `area`'s region: `rect`/`rectangle` (two corners, put in order), `poly`/`polygon`, or
/// `circle`/`circ` (its bounding rect, clipped at the scan's edge). Coordinates are separated by
/// commas and/or spaces. `default` (the whole image) and unknown shapes are no region.
pub fn area_region(shape: &str, coords: &str) -> Option<Region> {
    let numbers = numbers(coords)?;
    match shape.trim().to_ascii_lowercase().as_str() {
        "rect" | "rectangle" | "" => match numbers[..] {
            [x1, y1, x2, y2] => rect(x1, y1, x2, y2),
            _ => None,
        },
        "circle" | "circ" => match numbers[..] {
            [x, y, r] if r >= 0.0 => rect((x - r).max(0.0), (y - r).max(0.0), x + r, y + r),
            _ => None,
        },
        "poly" | "polygon" => Region::new(Shape::Poly, numbers),
        _ => None,
    }
}

/// A hotspot's region from its inline style: `left`, `top`, `width` and `height`, in pixels.
pub fn hotspot_region(style: &str) -> Option<Region> {
    let (mut left, mut top, mut width, mut height) = (None, None, None, None);
    for declaration in style.split(';').take(32) {
        let Some((name, value)) = declaration.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_end_matches("px").trim();
        let slot = match name.trim().to_ascii_lowercase().as_str() {
            "left" => &mut left,
            "top" => &mut top,
            "width" => &mut width,
            "height" => &mut height,
            _ => continue,
        };
        *slot = value.parse::<f32>().ok();
    }
    let (left, top) = (left?, top?);
    rect(left, top, left + width?, top + height?)
}

/// The numbers of a `coords` value, or `None` when one is not a number or there are more than
/// a polygon may have.
fn numbers(coords: &str) -> Option<Vec<f32>> {
    let mut numbers = Vec::new();
    for token in coords
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        if numbers.len() == 2 * MAX_REGION_POINTS {
            return None;
        }
        numbers.push(token.parse::<f32>().ok()?);
    }
    Some(numbers)
}

/// A rect with its corners put in order (top left first); `min` and `max` would hide a NaN, so
/// finiteness is checked first.
fn rect(x1: f32, y1: f32, x2: f32, y2: f32) -> Option<Region> {
    if ![x1, y1, x2, y2].iter().all(|c| c.is_finite()) {
        return None;
    }
    Region::new(
        Shape::Rect,
        vec![x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect_of(coords: [f32; 4]) -> Option<Region> {
        Some(Region {
            shape: Shape::Rect,
            coords: coords.to_vec(),
        })
    }

    #[test]
    fn shapes_read_with_commas_spaces_and_floats() {
        assert_eq!(
            area_region("RECT", "10,20, 30 40"),
            rect_of([10., 20., 30., 40.])
        );
        assert_eq!(
            area_region("rectangle", "30,40,10,20"),
            rect_of([10., 20., 30., 40.])
        );
        assert_eq!(
            area_region("circle", "10,10,15"),
            rect_of([0., 0., 25., 25.])
        );
        assert_eq!(
            area_region("polygon", "1.5 2 3,4 5,6"),
            Some(Region {
                shape: Shape::Poly,
                coords: vec![1.5, 2., 3., 4., 5., 6.]
            })
        );
        assert_eq!(
            hotspot_region("position:absolute; LEFT: 12.5px;top:3px;width:10px;height:7px"),
            rect_of([12.5, 3., 22.5, 10.])
        );
    }

    #[test]
    fn a_scan_is_sized_only_by_plain_positive_pixel_numbers() {
        let size = |attrs: &str| {
            let html = format!(r##"<img src="/scan.jpg" usemap="#m" {attrs}>"##);
            let doc = scraper::Html::parse_fragment(&html);
            let img = scraper::Selector::parse("img").unwrap();
            let base = Url::parse("http://paper.example.cn/a/node_1.htm").unwrap();
            let scan = scan_of(doc.select(&img), &base);
            assert_eq!(
                scan.url.as_deref(),
                Some("http://paper.example.cn/scan.jpg")
            );
            scan.map_size.map(|s| (s.width, s.height))
        };
        assert_eq!(size(r#"width="400" height="575""#), Some((400, 575)));
        assert_eq!(size(r#"WIDTH=" 400px " HEIGHT=575Px"#), Some((400, 575)));
        assert_eq!(size(r#"width="60000" height="1""#), Some((60000, 1)));
        for hostile in [
            "",
            r#"width="400""#,
            r#"width="100%" height="575""#,
            r#"width="400" height="0""#,
            r#"width="-400" height="575""#,
            r#"width="+400" height="575""#,
            r#"width="400.5" height="575""#,
            r#"width="4e2" height="575""#,
            r#"width="400em" height="575""#,
            r#"width="60001" height="575""#,
            r#"width="99999999999999999999" height="575""#,
            r#"width="" height="575""#,
            r#"width="px" height="575""#,
            r#"width="400 500" height="575""#,
            r#"width="NaN" height="575""#,
        ] {
            assert_eq!(size(hostile), None, "{hostile}");
        }
    }

    #[test]
    fn the_scan_is_the_first_image_whose_source_resolves_and_its_size_is_its_own() {
        let html = r#"<img usemap="x" width="10" height="10" src="javascript:x">
                      <img usemap="y" src="/scan.png"><img src="/other.png" width="5" height="5">"#;
        let doc = scraper::Html::parse_fragment(html);
        let img = scraper::Selector::parse("img").unwrap();
        let base = Url::parse("http://paper.example.cn/").unwrap();
        let scan = scan_of(doc.select(&img), &base);
        assert_eq!(
            scan.url.as_deref(),
            Some("http://paper.example.cn/scan.png")
        );
        assert_eq!(scan.map_size, None);
        assert_eq!(scan_of(std::iter::empty(), &base), Scan::default());
    }

    #[test]
    fn malformed_shapes_are_no_region() {
        for (shape, coords) in [
            ("rect", "1,2,3"),
            ("rect", "NaN,1,2,3"),
            ("rect", "-1,1,2,3"),
            ("rect", "inf,1,2,3"),
            ("rect", "1,2,3,4x"),
            ("poly", "1,2,3,4"),
            ("poly", "1,2,3,4,5"),
            ("default", ""),
            ("star", "1,2,3,4"),
            ("circle", "1,2,-3"),
        ] {
            assert_eq!(area_region(shape, coords), None, "{shape} {coords}");
        }
        let many = vec!["1"; 10_000].join(",");
        assert_eq!(area_region("poly", &many), None);
        assert_eq!(hotspot_region("left:1px;top:2px;width:3px"), None);
        assert_eq!(
            hotspot_region("left:-5px;top:2px;width:3px;height:1px"),
            None
        );
    }
}
