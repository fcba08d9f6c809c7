//! The printed page in the console's reader, in headless chromium: the regions over the scan
//! are where the sample site's image map puts them, scaled to the scan as displayed; they are
//! links to their articles, and the page view walks pages and issues. Run inside the console
//! test that already built the archive (one embedded run, no new one).
//!
//! The classic sample shows its scans at half their size and maps them in that space (as
//! 人民日报 does), so a reader that drew the map in the scan's own pixels would put every region
//! at half its place: the regions are measured against the map's space, not the scan's.

use std::collections::BTreeMap;
use std::path::Path;

use epaper_indexer::ExportedArticle;

use crate::browser::Browser;
use crate::support::site_manifest;

/// How far, in CSS pixels, a region's link may be from where the map says.
const TOLERANCE: f64 = 3.0;

/// A box on the screen: left, top, width, height.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Rect {
    fn from_json(value: &serde_json::Value) -> Rect {
        let get = |name: &str| {
            value[name]
                .as_f64()
                .unwrap_or_else(|| panic!("{name} in {value}"))
        };
        Rect {
            x: get("x"),
            y: get("y"),
            width: get("width"),
            height: get("height"),
        }
    }

    fn near(&self, other: &Rect) -> bool {
        (self.x - other.x).abs() <= TOLERANCE
            && (self.y - other.y).abs() <= TOLERANCE
            && (self.width - other.width).abs() <= TOLERANCE
            && (self.height - other.height).abs() <= TOLERANCE
    }
}

/// The union of an article's regions (`[{shape, coords}]` as the manifest spells them), in the
/// map's space.
fn bounds_of(regions: &serde_json::Value) -> Rect {
    let (mut left, mut top, mut right, mut bottom) = (f64::MAX, f64::MAX, 0f64, 0f64);
    for region in regions.as_array().unwrap() {
        let coords: Vec<f64> = region["coords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .collect();
        for point in coords.chunks_exact(2) {
            left = left.min(point[0]);
            right = right.max(point[0]);
            top = top.min(point[1]);
            bottom = bottom.max(point[1]);
        }
    }
    Rect {
        x: left,
        y: top,
        width: right - left,
        height: bottom - top,
    }
}

/// The article URL a console link names (`/article?url=…`, absolute or not).
fn article_of(href: &str) -> String {
    let query = href.split_once('?').expect("a query").1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "url")
        .expect("a url parameter")
        .1
        .into_owned()
}

/// The width and height a PNG's header declares, read here and not by the console's code.
fn png_size(bytes: &[u8]) -> (f64, f64) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG scan");
    let side = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as f64;
    (side(16), side(20))
}

impl Browser {
    async fn rect(&self, element: &str) -> Rect {
        Rect::from_json(
            &self
                .call(
                    "GET",
                    &format!("/element/{element}/rect"),
                    serde_json::Value::Null,
                )
                .await,
        )
    }

    async fn current_url(&self) -> String {
        self.call("GET", "/url", serde_json::Value::Null)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// Opens the first page of the issue `dates[0]` in the page view and checks its regions against
/// the sample site's manifest, then follows a region to its article and back, and the page and
/// issue links. `url` is the console's, with its trailing `/`.
pub(crate) async fn check_the_printed_page(
    browser: &Browser,
    url: &str,
    site_url: &str,
    dates: &[String],
    articles: &[ExportedArticle],
) {
    let manifest = site_manifest(site_url).await;
    let issue = manifest["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["date"] == dates[0].as_str())
        .expect("the issue in the manifest");
    let page = &issue["pages"][0];
    let expected: BTreeMap<String, Rect> = page["regions"]
        .as_object()
        .expect("the first page has regions in the classic layout")
        .iter()
        .map(|(article, regions)| (article.clone(), bounds_of(regions)))
        .collect();
    assert!(!expected.is_empty(), "{page}");

    browser
        .open(&format!("{url}issue/sample/{}/page/1", dates[0]))
        .await;
    let scan = browser.find("#scan img.scan").await;
    let src = browser.attribute(&scan, "src").await.unwrap();
    let src = if src.starts_with("http") {
        src
    } else {
        format!("{}{src}", url.trim_end_matches('/'))
    };
    let bytes = reqwest::get(src).await.unwrap().bytes().await.unwrap();
    let (natural_width, natural_height) = png_size(&bytes);
    let shown = browser.rect(&scan).await;
    assert!(
        (shown.height - natural_height * shown.width / natural_width).abs() <= TOLERANCE,
        "the scan keeps its proportions: {shown:?} of {natural_width}×{natural_height}"
    );
    // The space the map's coordinates are in: the size the sample page shows its scan at.
    let map_size = &page["map_size"];
    let (map_width, map_height) = (
        map_size["width"]
            .as_f64()
            .expect("the classic page prints its scan's size"),
        map_size["height"]
            .as_f64()
            .expect("the classic page prints its scan's size"),
    );
    assert!(
        (natural_width - 2.0 * map_width).abs() < 1.0
            && (natural_height - 2.0 * map_height).abs() < 1.0,
        "the sample maps its scan at half its size ({map_width}×{map_height} of \
         {natural_width}×{natural_height}), so the map's space is tested"
    );
    let scale = shown.width / map_width;
    assert!(
        (scale - 1.0).abs() > 0.05,
        "the map is shown at another size than its own ({scale}), so the scaling is tested"
    );

    // Every region link sits where the map puts its article, scaled from the map's space to
    // the scan as shown.
    let links = browser.find_all("svg.regions a.region").await;
    let mut seen = Vec::new();
    for link in &links {
        let href = browser.attribute(link, "href").await.unwrap();
        let article = article_of(&href);
        let want = expected
            .get(&article)
            .unwrap_or_else(|| panic!("{article} has no regions on the page in the manifest"));
        let want = Rect {
            x: shown.x + want.x * scale,
            y: shown.y + want.y * scale,
            width: want.width * scale,
            height: want.height * scale,
        };
        let got = browser.rect(link).await;
        assert!(
            got.near(&want),
            "{article}: on screen {got:?}, expected {want:?}"
        );
        seen.push(article);
    }
    seen.sort();
    assert_eq!(
        seen,
        expected.keys().cloned().collect::<Vec<_>>(),
        "one link per article with regions"
    );
    browser
        .screenshot(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/console-page.png"))
        .await;

    // Keyboard: a region link takes the focus like any link.
    let focused = browser
        .execute(
            "const link = document.querySelector('svg.regions a.region'); link.focus(); \
             return document.activeElement === link && link.tabIndex === 0",
        )
        .await;
    assert_eq!(
        focused,
        serde_json::Value::Bool(true),
        "region links are focusable"
    );

    // A click on a region lands on its article.
    let first = &links[0];
    let article = article_of(&browser.attribute(first, "href").await.unwrap());
    browser.click(first).await;
    let title = articles
        .iter()
        .find(|a| a.url == article)
        .and_then(|a| a.title.clone())
        .expect("the article is archived");
    assert_eq!(browser.text(&browser.find("h1").await).await, title);

    // Back to its page: its region highlighted, its text beside the scan.
    browser.click(&browser.find("#on-the-page").await).await;
    let current = browser.find("svg.regions a.region.current").await;
    assert_eq!(
        article_of(&browser.attribute(&current, "href").await.unwrap()),
        article
    );
    let text = browser.text(&browser.find("#current-article").await).await;
    assert!(text.contains(&title), "{text}");

    // Next page, previous page, next issue.
    browser.click(&browser.find("#next-page").await).await;
    browser.find("#previous-page").await;
    assert!(browser.current_url().await.ends_with("/page/2"));
    browser.click(&browser.find("#next-issue").await).await;
    browser.find("#previous-issue").await;
    let at = browser.current_url().await;
    assert!(
        at.ends_with(&format!("/issue/sample/{}/page/1", dates[1])),
        "{at}"
    );
}
