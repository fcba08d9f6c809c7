//! The e-paper systems the sample site can render (`epaper sample-site --layout NAME`): the same
//! generated [`Paper`] in each system's URLs and markup, so that every layout family the parser
//! knows is crawled end to end against a ground truth.
//!
//! A system is one [`Layout`] in [`LAYOUTS`], with a bundled test profile (`config/sites/`,
//! `test_site = true`) whose entry template names its first page of an issue. What must stay
//! true: every document a layout serves parses, with `epaper_parser::parse_with` and its
//! profile's `[selectors]` (for the `selectors` layout; `None` for the families), back to the
//! generator's data for the fields the layout says it prints ([`Fields`]); the test at the end
//! of this module checks that for every layout, and the end-to-end tests crawl one issue of each.

mod bjrbdzb;
mod bmml;
mod classic;
mod classic_skins;
mod founder_new;
mod paper_index;
mod qpaper;
pub mod read_do;
mod selectors;
mod shtml;

use std::fmt::Write;

use epaper_common::messages::Region;

use super::generate::{Article, Issue, Page, Paper};
use super::routing::Routing;

pub use bjrbdzb::{Bjrbdzb, Plist};
pub use bmml::Bmml;
pub use classic::Classic;
pub use classic_skins::{Bmdh, Catalogue, Ednav};
pub use founder_new::FounderNew;
pub use paper_index::PaperIndex;
pub use qpaper::Qpaper;
pub use read_do::ReadDo;
pub use selectors::OneOff;
pub use shtml::Shtml;

/// One e-paper system's URL scheme and markup.
pub trait Layout: Send + Sync {
    /// `family` or `family/skin`, as `--layout` takes it.
    fn name(&self) -> &'static str;
    /// The id of the bundled test profile that crawls it.
    fn profile(&self) -> &'static str;
    /// Where a page (版) is served, relative to the site root (no leading `/`).
    fn page_path(&self, issue: &Issue, page: &Page) -> String;
    /// Where an article is served, relative to the site root.
    fn article_path(&self, issue: &Issue, page: &Page, article: &Article) -> String;
    /// Where a page's scan is served.
    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        format!(
            "images/{}/{}/page_b.png",
            issue.date.format("%Y-%m/%d"),
            page.page_no
        )
    }
    /// Where a page's PDF is served.
    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        format!(
            "images/{}/{}/page.pdf",
            issue.date.format("%Y-%m/%d"),
            page.page_no
        )
    }
    /// The size, in CSS pixels, the page shows its scan at, printed as the scan `img`'s `width`
    /// and `height`: the space its image map's coordinates are in ([`map_space`]), which the
    /// parser records as the page's `map_size`. `None` where the page prints no size: the scan
    /// is then shown at its own size, which must be that space.
    fn displayed_size(&self, page: &Page) -> Option<(u32, u32)> {
        let _ = page;
        None
    }
    /// The pixel size of a page's scan: the map's space ([`map_space`]) where the page shows
    /// the scan at its own size; a layout that shows it scaled ([`Layout::displayed_size`])
    /// makes it another size.
    fn scan_size(&self, page: &Page) -> (u32, u32) {
        map_space(page)
    }
    /// The regions the page's image map gives its `k`-th article, in the map's space
    /// ([`map_space`]); none where the system's sample prints no map with coordinates.
    fn article_regions(&self, k: usize) -> Vec<Region> {
        let _ = k;
        Vec::new()
    }
    /// The page `at` names, as this system prints it.
    fn page_html(&self, at: &At<'_>) -> String;
    /// One article of the page `at` names.
    fn article_html(&self, at: &At<'_>, article: &Article) -> String;
    /// Documents of an issue besides its pages, articles and media (an entry that redirects,
    /// a whole-issue index, a list of publication days); `at` names the issue's first page.
    fn extras(&self, at: &At<'_>) -> Vec<Extra> {
        let _ = at;
        Vec::new()
    }
    /// How the server finds its documents: by path, or (read.do) by query and form.
    fn routing(&self) -> Routing {
        Routing::Path
    }
    /// What of contract 1 the system prints; the parse of the others must be `None`.
    fn fields(&self) -> Fields {
        Fields::ALL
    }
}

/// A document served beside the pages and articles.
pub struct Extra {
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The article fields a system prints (the title and paragraphs always are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub pretitle: bool,
    pub subtitle: bool,
    pub author: bool,
    /// Image captions.
    pub captions: bool,
    /// The 版 name (not only its number) on the article page.
    pub page_name: bool,
}

impl Fields {
    pub const ALL: Fields = Fields {
        pretitle: true,
        subtitle: true,
        author: true,
        captions: true,
        page_name: true,
    };
}

/// The space a page's image map is drawn in, in CSS pixels: room for each article's box at the
/// largest spacing a layout uses.
pub fn map_space(page: &Page) -> (u32, u32) {
    let rows = u32::try_from(page.articles.len()).unwrap_or(u32::MAX);
    (400, rows.saturating_mul(200).saturating_add(20).max(600))
}

/// Every layout, the default (classic Founder, what `sample` crawls) first.
pub static LAYOUTS: &[&dyn Layout] = &[
    &Classic,
    &Shtml,
    &Bmml,
    &Qpaper,
    &founder_new::NAV_LIST,
    &founder_new::LAYOUTLIST,
    &founder_new::CHUNKICON,
    &founder_new::THERESTLIST,
    &founder_new::WEBTREE,
    &Bmdh,
    &Catalogue,
    &Ednav,
    &PaperIndex,
    &Bjrbdzb,
    &Plist,
    &OneOff,
    &ReadDo,
];

/// The layout `--layout` names.
pub fn by_name(name: &str) -> Option<&'static dyn Layout> {
    LAYOUTS.iter().copied().find(|layout| layout.name() == name)
}

/// The names `--layout` takes, for its help and errors.
pub fn names() -> Vec<&'static str> {
    LAYOUTS.iter().map(|layout| layout.name()).collect()
}

/// A page of an issue being rendered, with the paths of everything it links to.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub paper: &'a Paper,
    pub issue_idx: usize,
    pub page_idx: usize,
    pub layout: &'a dyn Layout,
}

impl<'a> At<'a> {
    pub fn issue(&self) -> &'a Issue {
        &self.paper.issues[self.issue_idx]
    }

    pub fn page(&self) -> &'a Page {
        &self.issue().pages[self.page_idx]
    }

    pub fn prev_issue(&self) -> Option<&'a Issue> {
        self.issue_idx
            .checked_sub(1)
            .map(|idx| &self.paper.issues[idx])
    }

    pub fn next_issue(&self) -> Option<&'a Issue> {
        self.paper.issues.get(self.issue_idx + 1)
    }

    /// The path of `page` of this issue.
    pub fn page_path(&self, page: &Page) -> String {
        self.layout.page_path(self.issue(), page)
    }

    /// The path of this page's `article`.
    pub fn article_path(&self, article: &Article) -> String {
        self.layout.article_path(self.issue(), self.page(), article)
    }

    /// The path of the first page of `issue` (another issue's, for 上一期 / 下一期).
    pub fn first_page_path(&self, issue: &Issue) -> String {
        self.layout.page_path(issue, &issue.pages[0])
    }

    /// The 上一期 / 下一期 links of a document at `here`: (relative link to the first 版 of that
    /// issue, its label), for the issues that exist.
    pub fn issue_links(&self, here: &str) -> Vec<(String, &'static str)> {
        [(self.prev_issue(), "上一期"), (self.next_issue(), "下一期")]
            .into_iter()
            .filter_map(|(issue, label)| Some((href(here, &self.first_page_path(issue?)), label)))
            .collect()
    }

    /// The 上一期 / 下一期 block of a document at `here`: `open` (its start tag and what stands
    /// before the links), each of [`At::issue_links`] as `link(to, label)` writes it, `close`.
    pub fn issue_link_block(
        &self,
        here: &str,
        open: &str,
        link: impl Fn(&str, &str) -> String,
        close: &str,
    ) -> String {
        let mut out = open.to_string();
        for (to, label) in self.issue_links(here) {
            out.push_str(&link(&to, label));
        }
        out.push_str(close);
        out
    }

    /// `page`'s title list as a document at `from` links it: `<li><a href="…">title</a></li>`
    /// a line.
    pub fn title_items(&self, from: &str, page: &Page) -> String {
        let mut out = String::new();
        for article in &page.articles {
            let _ = writeln!(
                out,
                "<li><a href=\"{}\">{}</a></li>",
                href(from, &self.article_path(article)),
                crate::html::escape(&article.title)
            );
        }
        out
    }

    /// The same position in another page of the issue.
    pub fn at_page(&self, page_idx: usize) -> At<'a> {
        At { page_idx, ..*self }
    }
}

/// A relative link from the document at site path `from` to the one at `to` (both relative to
/// the site root, as the layouts' paths are).
pub fn href(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dirs, to_file) = to_parts.split_at(to_parts.len() - 1);
    let common = from_dirs
        .iter()
        .zip(to_dirs)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dirs.len() - common);
    for dir in &to_dirs[common..] {
        out.push_str(dir);
        out.push('/');
    }
    out.push_str(to_file[0]);
    out
}

#[cfg(test)]
mod tests;

/// An issue link as a plain anchor, a line.
pub fn plain_link(to: &str, label: &str) -> String {
    format!("<a href=\"{to}\">{label}</a>\n")
}
