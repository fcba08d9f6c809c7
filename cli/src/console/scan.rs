//! A page's scan with its articles' regions drawn over it as links: the printed page as the
//! reader sees it.
//!
//! The regions are the parser's (`Region`: an image map's `area` or a positioned hotspot, read
//! as the page printed them), in the space the page displayed its scan at: the `width` and
//! `height` of the scan's `img`, which the page records as its map size (`StoredPage::map_size`;
//! 人民日报 maps a larger scan at 400 × 575). Where the page recorded none, the map is taken to
//! be in the scan's natural pixels, as an `img` without a size is displayed.
//!
//! The overlay is an inline SVG over the `img`, whose `viewBox` is that space (the map size, else
//! the scan's natural size read from the stored bytes' header, [`scan_size`]) stretched over the
//! scan, so the regions scale with the image whatever size the stylesheet gives it: no script
//! and no inline style, which the CSP forbids. Every value is put in by `maud` (titles escaped,
//! attributes quoted), every coordinate is clamped to the space and written as a plain number,
//! and only the console's own `/article` URLs are links.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use epaper_common::messages::{MapSize, Region, Shape};
use maud::{Markup, html};

use super::Console;

/// How much of a stored scan is read to find its size: a JPEG's frame header may follow
/// large EXIF or ICC segments, but never by more than this in the papers' scans.
const HEAD_CAP: usize = 256 * 1024;
/// The largest side a scan may have to be drawn over (the crawler refuses scans of more than
/// 200 M pixels; a side over this is a header that lies).
const MAX_SIDE: u64 = 60_000;
/// Sizes remembered (content-addressed, so never stale); the map is emptied when full.
const CACHE_CAP: usize = 4096;

static SIZES: LazyLock<Mutex<HashMap<String, Option<ScanSize>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A scan's natural size in pixels, both sides at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ScanSize {
    pub width: u32,
    pub height: u32,
}

impl ScanSize {
    /// The size an image header declares, when it is one a scan can have.
    pub(super) fn new(width: u64, height: u64) -> Option<ScanSize> {
        let side = 1..=MAX_SIDE;
        (side.contains(&width) && side.contains(&height)).then_some(ScanSize {
            width: width as u32,
            height: height as u32,
        })
    }

    /// The space a page's regions are in: its map size where it recorded one, else this, the
    /// scan's natural size.
    pub(super) fn regions_space(self, map_size: Option<MapSize>) -> ScanSize {
        map_size.map_or(self, |map| ScanSize {
            width: map.width,
            height: map.height,
        })
    }
}

/// The natural size of the stored scan `sha256`, read from at most [`HEAD_CAP`] bytes of its
/// header; `None` when the store does not hold it or its header does not say.
pub(super) async fn scan_size(console: &Console, sha256: &str) -> Option<ScanSize> {
    if let Some(known) = SIZES.lock().expect("sizes lock").get(sha256) {
        return *known;
    }
    let size = read_size(console, sha256).await;
    let mut sizes = SIZES.lock().expect("sizes lock");
    if sizes.len() >= CACHE_CAP {
        sizes.clear();
    }
    sizes.insert(sha256.to_string(), size);
    size
}

async fn read_size(console: &Console, sha256: &str) -> Option<ScanSize> {
    use futures_util::StreamExt as _;
    let store = console.media.as_ref()?;
    let mut object = match store.open(sha256).await {
        Ok(object) => object?,
        Err(error) => {
            tracing::warn!(sha256, error = %error, "reading a scan's header failed");
            return None;
        }
    };
    let mut head: Vec<u8> = Vec::new();
    while head.len() < HEAD_CAP {
        let chunk = object.chunks.next().await?.ok()?;
        let room = HEAD_CAP - head.len();
        head.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if let Some((width, height)) = epaper_crawler::image_size(&head) {
            return ScanSize::new(width, height);
        }
    }
    None
}

/// An article's regions on the scan, as one link.
pub(super) struct Hotspot<'a> {
    /// The console's own URL of the article (`/article?url=…`).
    pub href: String,
    pub title: &'a str,
    pub regions: &'a [Region],
    /// The article the page was opened for: drawn highlighted.
    pub current: bool,
}

/// The scan at `src` (its natural `size`) with each hotspot's regions as a link over it, in the
/// space `space` stretched over the whole scan ([`ScanSize::regions_space`]).
pub(super) fn scan_with_regions(
    src: &str,
    size: ScanSize,
    space: ScanSize,
    label: &str,
    hotspots: &[Hotspot<'_>],
) -> Markup {
    let view_box = format!("0 0 {} {}", space.width, space.height);
    html! {
        div.scanbox {
            img.scan src=(src) alt=(label) width=(size.width) height=(size.height);
            @if !hotspots.is_empty() {
                svg.regions xmlns="http://www.w3.org/2000/svg" viewBox=(view_box)
                    preserveAspectRatio="none" role="group" aria-label={ "articles on " (label) } {
                    @for hotspot in hotspots {
                        a.region.current[hotspot.current] href=(hotspot.href)
                            aria-label=(hotspot.title) {
                            title { (hotspot.title) }
                            @for region in hotspot.regions { (shape(region, space)) }
                        }
                    }
                }
            }
        }
    }
}

/// A scan that is not in the media store: a placeholder saying so, and the source as a link
/// when it is a web URL.
pub(super) fn missing_scan(source: Option<&str>, why: &str) -> Markup {
    html! {
        div.scan-missing {
            p { (why) }
            @if let Some(source) = source {
                p { (super::checks::link_or_text(source, "scan-source", "the scan at its source")) }
            }
        }
    }
}

/// One region as an SVG shape, its coordinates clamped to the space they are in.
fn shape(region: &Region, size: ScanSize) -> Markup {
    let (width, height) = (size.width as f32, size.height as f32);
    let x = |value: f32| number(value, width);
    let y = |value: f32| number(value, height);
    match (region.shape, &region.coords[..]) {
        (Shape::Rect, [x1, y1, x2, y2]) => {
            let (x1, y1, x2, y2) = (x(*x1), y(*y1), x(*x2), y(*y2));
            let (left, top, right, bottom) = (x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2));
            html! {
                rect x=(left) y=(top) width=(trimmed(right - left)) height=(trimmed(bottom - top)) {}
            }
        }
        (Shape::Poly, coords) if coords.len() >= 6 => {
            let points: Vec<String> = coords
                .chunks_exact(2)
                .map(|point| format!("{},{}", x(point[0]), y(point[1])))
                .collect();
            html! { polygon points=(points.join(" ")) {} }
        }
        // `Region::new` admits no other; a record from elsewhere is drawn as nothing.
        _ => html! {},
    }
}

/// A coordinate clamped to `0..=limit`, a non-finite one as 0, to a tenth of a pixel.
fn number(value: f32, limit: f32) -> f32 {
    if value.is_finite() {
        trimmed(value.clamp(0.0, limit))
    } else {
        0.0
    }
}

fn trimmed(value: f32) -> f32 {
    (value.max(0.0) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built past `Region::new`'s checks, as a record from elsewhere could be.
    fn region(shape: Shape, coords: &[f32]) -> Region {
        Region {
            shape,
            coords: coords.to_vec(),
        }
    }

    #[test]
    fn regions_are_links_in_the_scans_pixel_space() {
        let regions = [
            region(Shape::Rect, &[30.0, 40.0, 10.0, 20.0]),
            region(Shape::Poly, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        ];
        let size = ScanSize::new(400, 600).unwrap();
        let hotspots = [Hotspot {
            href: "/article?url=http%3A%2F%2Fa%2Fb".into(),
            title: "头版",
            regions: &regions,
            current: true,
        }];
        let markup = scan_with_regions("/media/ab/x", size, size, "第1版", &hotspots).into_string();
        for want in [
            r#"viewBox="0 0 400 600""#,
            r#"<img class="scan" src="/media/ab/x" alt="第1版" width="400" height="600">"#,
            r#"<a class="region current" href="/article?url=http%3A%2F%2Fa%2Fb" aria-label="头版"><title>头版</title>"#,
            r#"<rect x="10" y="20" width="20" height="20"></rect>"#,
            r#"<polygon points="1,2 3,4 5,6"></polygon>"#,
        ] {
            assert!(markup.contains(want), "{want} in {markup}");
        }
    }

    #[test]
    fn hostile_titles_and_coordinates_stay_inside() {
        let title =
            r#"</title></a></svg><script>alert(1)</script><a href="javascript:x" onfocus="y"#;
        let regions = [
            region(Shape::Rect, &[f32::NAN, -5.0, 1e30, 1e30]),
            region(
                Shape::Poly,
                &[-1.0, 1e9, f32::NEG_INFINITY, 2.0, 3.0, f32::NAN],
            ),
            region(Shape::Poly, &[1.0, 2.0]),
            region(Shape::Rect, &[1.0]),
        ];
        let size = ScanSize::new(100, 200).unwrap();
        let hotspots = [Hotspot {
            href: "/article?url=x".into(),
            title,
            regions: &regions,
            current: false,
        }];
        let markup = scan_with_regions("/media/ab/x", size, size, "p", &hotspots).into_string();
        assert!(!markup.contains("<script"), "{markup}");
        assert!(!markup.contains("javascript:x\""), "{markup}");
        // The title's quotes are entities, so its `onfocus=` stays text inside the attribute.
        assert!(!markup.contains("onfocus=\""), "{markup}");
        assert!(!markup.contains("href=\"javascript"), "{markup}");
        assert!(markup.contains("&lt;/title&gt;&lt;/a&gt;&lt;/svg&gt;&lt;script&gt;"));
        assert_eq!(markup.matches("<a ").count(), 1, "{markup}");
        assert_eq!(markup.matches("</svg>").count(), 1, "{markup}");
        // Non-finite as 0, the rest clamped to the scan; malformed shapes drawn as nothing.
        assert!(
            markup.contains(r#"<rect x="0" y="0" width="100" height="200"></rect>"#),
            "{markup}"
        );
        assert!(
            markup.contains(r#"<polygon points="0,200 0,2 3,0"></polygon>"#),
            "{markup}"
        );
        assert_eq!(markup.matches("<rect").count(), 1, "{markup}");
        assert_eq!(markup.matches("<polygon").count(), 1, "{markup}");
        for number in markup.split('"').filter(|v| v.parse::<f64>().is_ok()) {
            let value: f64 = number.parse().unwrap();
            assert!((0.0..=200.0).contains(&value), "{number} in {markup}");
        }
    }

    #[test]
    fn regions_are_drawn_in_the_space_the_page_mapped_them_in() {
        let regions = [region(Shape::Rect, &[100.0, 200.0, 400.0, 575.0])];
        let hotspots = [Hotspot {
            href: "/article?url=x".into(),
            title: "t",
            regions: &regions,
            current: false,
        }];
        // A scan of 1600 × 2300 shown by its page at 400 × 575: the viewBox is the page's.
        let scan = ScanSize::new(1600, 2300).unwrap();
        let space = scan.regions_space(MapSize::new(400, 575));
        let markup = scan_with_regions("/media/ab/x", scan, space, "p", &hotspots).into_string();
        for want in [
            r#"viewBox="0 0 400 575""#,
            r#"width="1600" height="2300""#,
            r#"<rect x="100" y="200" width="300" height="375"></rect>"#,
        ] {
            assert!(markup.contains(want), "{want} in {markup}");
        }
        // No map size: the scan's own pixels, as before.
        assert_eq!(scan.regions_space(None), scan);
    }

    #[test]
    fn sizes_a_header_cannot_have_are_refused() {
        assert_eq!(ScanSize::new(0, 10), None);
        assert_eq!(ScanSize::new(10, MAX_SIDE + 1), None);
        assert!(ScanSize::new(1, MAX_SIDE).is_some());
    }
}
