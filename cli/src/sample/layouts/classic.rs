//! The classic Founder layout (`html/YYYY-MM/DD/node_N.htm`, `content_N.htm`): the sample
//! site's first and default system, rendered by [`crate::sample::render`].

use epaper_common::messages::Region;

use super::{At, Layout};
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
