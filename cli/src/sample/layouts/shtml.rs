//! The "shtml" system in its x-publish skin (华商报, 每日经济新闻; the parser's
//! `tests/fixtures/shtml/xpublish_*`): `shtml/<code>/YYYYMMDD/v01.shtml` per 版 and
//! `<id>.shtml` per article, the 版 list in `div.pageNav` (the current entry `li.on`), the title
//! list in `div.titleNav`, the scan in `div#paperPage`, the article in `div#art` (an `h1`, the
//! body in `div#content_div`). Most links are scripts, `gourl('…','_top')` and
//! `window.open('…','_self')`, as on the real sites, so the crawl depends on reading them.
//!
//! The system prints no 引题 and no 副题; the byline is the body's first paragraph.

use std::fmt::Write;

use super::{At, Fields, Layout, href};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

pub struct Shtml;

/// The sample paper's code in the path.
const CODE: &str = "ybwb";

fn dir(issue: &Issue) -> String {
    format!("shtml/{CODE}/{}/", issue.date.format("%Y%m%d"))
}

/// `onclick` of a script link to `to`.
fn gourl(to: &str) -> String {
    format!("href=\"javascript:;\" onclick=\"gourl('{to}','_top')\"")
}

/// The 版 list, the current 版 marked `li.on`: pages and articles both carry it.
fn page_nav(at: &At<'_>, here: &str) -> String {
    let mut out = String::from("<div class=\"pageNav\">\n<ul>\n");
    for (page_idx, page) in at.issue().pages.iter().enumerate() {
        let class = if page_idx == at.page_idx {
            " class=\"on\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<li{class}><a {}>{}版：{}</a></li>",
            gourl(&href(here, &at.page_path(page))),
            page.page_no,
            escape(&page.page_name)
        );
    }
    out.push_str("</ul>\n</div>\n");
    out
}

/// 上一期 / 下一期, opened by script in the same window.
fn issue_links(at: &At<'_>, here: &str) -> String {
    let open = format!(
        "<div class=\"dateNav\"><span class=\"date\">{}</span>\n",
        at.issue().date.format("%Y年%m月%d日")
    );
    let link = |to: &str, label: &str| {
        format!(
            "<a href=\"javascript:void(0);\" onclick=\"window.open('{to}','_self')\">{label}</a>\n"
        )
    };
    at.issue_link_block(here, &open, link, "</div>\n")
}

/// The page picture and its map (every other area a script link), and the PDF button.
fn paper_page(at: &At<'_>, here: &str) -> String {
    let (issue, page) = (at.issue(), at.page());
    let mut out = format!(
        "<div id=\"paperPage\"><img src=\"{}\" usemap=\"#pagemap\" border=\"0\" alt=\"\">\n\
         <map name=\"pagemap\">\n",
        href(here, &at.layout.scan_path(issue, page))
    );
    for (k, article) in page.articles.iter().enumerate() {
        let to = href(here, &at.article_path(article));
        let link = if k % 2 == 0 {
            gourl(&to)
        } else {
            format!("href=\"{to}\"")
        };
        let top = 10 + k * 120;
        let _ = writeln!(
            out,
            "<area shape=\"rect\" coords=\"10,{top},380,{}\" {link}>",
            top + 100
        );
    }
    let _ = write!(
        out,
        "</map>\n</div>\n<div class=\"pageTools\"><a href=\"javascript:void(0);\" \
         onclick=\"window.open('{}','_blank')\">PDF下载</a></div>\n",
        href(here, &at.layout.pdf_path(issue, page))
    );
    out
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
         <title>{}</title>\n\
         <script type=\"text/javascript\">function gourl(u, t) {{ window.open(u, t); }}</script>\n\
         </head>\n<body>\n",
        escape(title)
    )
}

impl Layout for Shtml {
    fn name(&self) -> &'static str {
        "shtml"
    }

    fn profile(&self) -> &'static str {
        "sample-shtml"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}v{}.shtml", dir(issue), page.page_no)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        format!("{}{}.shtml", dir(issue), article.id)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let page = at.page();
        let here = at.page_path(page);
        let mut html = head(&format!(
            "样报数字报-{}版：{}",
            page.page_no, page.page_name
        ));
        html.push_str(&issue_links(at, &here));
        html.push_str(&paper_page(at, &here));
        html.push_str(&page_nav(at, &here));
        html.push_str("<div class=\"titleNav\">\n<ul>\n");
        for article in &page.articles {
            let _ = writeln!(
                html,
                "<li><a {}>{}</a></li>",
                gourl(&href(&here, &at.article_path(article))),
                escape(&article.title)
            );
        }
        html.push_str("</ul>\n</div>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let here = at.article_path(article);
        let mut html = head(&format!("{}-样报", article.title));
        let _ = write!(
            html,
            "<div class=\"left\">\n{}</div>\n<div id=\"art\">\n<h1>{}</h1>\n",
            page_nav(at, &here),
            escape(&article.title)
        );
        for image in &article.images {
            let _ = writeln!(
                html,
                "<table align=\"center\"><tr><td><img src=\"{}\" alt=\"\"></td></tr>\
                 <tr><td><p>{}</p></td></tr></table>",
                href(&here, &image.file),
                escape(&image.caption)
            );
        }
        let _ = writeln!(
            html,
            "<div id=\"content_div\">\n<p>本报记者 {}</p>",
            escape(&article.author)
        );
        for (k, paragraph) in article.paragraphs.iter().enumerate() {
            if article.subheadings.contains(&k) {
                let _ = writeln!(html, "<p><strong>{}</strong></p>", escape(paragraph));
            } else {
                let _ = writeln!(html, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
            }
            if k == 0 {
                html.push_str("<p>&nbsp;</p>\n");
            }
        }
        html.push_str("</div>\n</div>\n</body>\n</html>\n");
        html
    }

    fn fields(&self) -> Fields {
        Fields {
            pretitle: false,
            subtitle: false,
            ..Fields::ALL
        }
    }
}
