//! The classic Founder layout (`html/YYYY-MM/DD/node_N.htm`, `content_N.htm`): the sample
//! site's first and default system, rendered by [`crate::sample::render`].
//!
//! Its scans are twice the size its pages show them at (`<img width=… height=…>`, the map's
//! space), as 人民日报 shows a larger scan at 400 × 575 and maps it in that space: the reader
//! must draw the regions in the page's space, not the scan's pixels.

use epaper_common::messages::Region;

use super::{At, Layout, map_space};
use crate::sample::generate::{Article, Issue, Page};
use crate::sample::render;

pub struct Classic;

impl Layout for Classic {
    fn name(&self) -> &'static str {
        "founder-classic"
    }

    fn profile(&self) -> &'static str {
        "sample"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        issue.page_url(page)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        issue.article_url(article)
    }

    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        issue.scan_url(page)
    }

    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        issue.pdf_url(page)
    }

    fn displayed_size(&self, page: &Page) -> Option<(u32, u32)> {
        Some(map_space(page))
    }

    fn scan_size(&self, page: &Page) -> (u32, u32) {
        let (width, height) = map_space(page);
        (2 * width, 2 * height)
    }

    fn article_regions(&self, k: usize) -> Vec<Region> {
        render::map_regions(k)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        render::page_html(at.paper, at.issue_idx, at.page_idx)
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        render::article_html(at.issue(), at.page(), article)
    }
}
