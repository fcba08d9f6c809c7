//! The QPaper system (怒江日报, 永州日报; the parser's `tests/fixtures/qpaper/`):
//! `Html/YYYY-MM-DD/Qpaper.html` for the first 版, `Qpaper_N.html` for the others and
//! `<id>.html` per article. A page has the 版 list `div#bancilist` (the current entry
//! `li.active`), the 版 name in `span.banming2`, the scan `img#mappaper` with its map in
//! `div.paper_rect`, the PDF among the buttons of `div#map_buttons` and the title list
//! `div#doclist`; an article keeps the 版 list and has `div#yinti`, `div#doctitle`,
//! `div#subdoctitle` and `div#doccontent`, its byline the last paragraph.

use std::fmt::Write;

use super::{At, Layout, href, plain_link};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

pub struct Qpaper;

fn dir(issue: &Issue) -> String {
    format!("Html/{}/", issue.date.format("%Y-%m-%d"))
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
         <title>{}</title>\n</head>\n<body>\n",
        escape(title)
    )
}

/// The 版 list, the current 版 marked `li.active`: pages and articles both carry it.
fn banci_list(at: &At<'_>, here: &str) -> String {
    let mut out = String::from("<div id=\"bancilist\">\n<ul>\n");
    for (page_idx, page) in at.issue().pages.iter().enumerate() {
        let class = if page_idx == at.page_idx {
            " class=\"active\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<li{class}><a href=\"{}\">第{}版：{}</a></li>",
            href(here, &at.page_path(page)),
            page.page_no,
            escape(&page.page_name)
        );
    }
    out.push_str("</ul>\n</div>\n");
    out
}

/// The date and the 上一期 / 下一期 links, to the first 版 of those issues.
fn issue_links(at: &At<'_>, here: &str) -> String {
    let open = format!(
        "<div class=\"head\"><span class=\"today\">{}</span>\n",
        at.issue().date.format("%Y年%-m月%-d日")
    );
    at.issue_link_block(here, &open, plain_link, "</div>\n")
}

/// The 版 name, the scan with its hotspots, and the buttons: 上一版, the PDF, 下一版.
fn paper_rect(at: &At<'_>, here: &str) -> String {
    let (issue, page) = (at.issue(), at.page());
    let mut out = format!(
        "<div class=\"banming\"><span class=\"banming1\">第{}版</span>\
         <span class=\"banming2\">{}</span></div>\n\
         <div class=\"paper_rect\"><img id=\"mappaper\" src=\"{}\" usemap=\"#PaperMap\" border=\"0\">\n\
         <map name=\"PaperMap\">\n",
        page.page_no,
        escape(&page.page_name),
        href(here, &at.layout.scan_path(issue, page))
    );
    for (k, article) in page.articles.iter().enumerate() {
        let top = 3 + k * 160;
        let _ = writeln!(
            out,
            "<area shape=\"polygon\" coords=\"3,{top},300,{top},300,{},3,{}\" href=\"{}\">",
            top + 150,
            top + 150,
            href(here, &at.article_path(article))
        );
    }
    out.push_str("</map>\n</div>\n<div id=\"map_buttons\">\n");
    let pages = &issue.pages;
    if let Some(prev) = at.page_idx.checked_sub(1).map(|idx| &pages[idx]) {
        let to = href(here, &at.page_path(prev));
        let _ = writeln!(out, "<a class=\"button fl\" href=\"{to}\">上一版</a>");
    }
    let pdf = href(here, &at.layout.pdf_path(issue, page));
    let _ = writeln!(
        out,
        "<a class=\"button fl\" href=\"{pdf}\" target=\"_blank\">PDF下载</a>"
    );
    if let Some(next) = pages.get(at.page_idx + 1) {
        let to = href(here, &at.page_path(next));
        let _ = writeln!(out, "<a class=\"button fr\" href=\"{to}\">下一版</a>");
    }
    out.push_str("</div>\n");
    out
}

impl Layout for Qpaper {
    fn name(&self) -> &'static str {
        "qpaper"
    }

    fn profile(&self) -> &'static str {
        "sample-qpaper"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        match page.node {
            1 => format!("{}Qpaper.html", dir(issue)),
            node => format!("{}Qpaper_{node}.html", dir(issue)),
        }
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        format!("{}{}.html", dir(issue), article.id)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let page = at.page();
        let here = at.page_path(page);
        let mut html = head("样报");
        html.push_str(&issue_links(at, &here));
        html.push_str(&paper_rect(at, &here));
        html.push_str(&banci_list(at, &here));
        html.push_str("<div id=\"doclist\">\n<ul>\n");
        for article in &page.articles {
            let _ = writeln!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                href(&here, &at.article_path(article)),
                escape(&article.title)
            );
        }
        html.push_str("</ul>\n</div>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let here = at.article_path(article);
        let block = |id: &str, text: Option<&str>| {
            text.map(|text| format!("<div id=\"{id}\">{}</div>\n", escape(text)))
                .unwrap_or_default()
        };
        let mut html = head(&article.title);
        html.push_str(&banci_list(at, &here));
        let _ = write!(
            html,
            "<div class=\"article\">\n{}{}{}<div id=\"doccontent\">\n<div>\n",
            block("yinti", article.pretitle.as_deref()),
            block("doctitle", Some(&article.title)),
            block("subdoctitle", article.subtitle.as_deref()),
        );
        for image in &article.images {
            let _ = writeln!(
                html,
                "<table align=\"center\"><tr><td><img src=\"{}\"></td></tr>\
                 <tr><td><p>{}</p></td></tr></table>",
                href(&here, &image.file),
                escape(&image.caption)
            );
        }
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
        let _ = write!(
            html,
            "<p>\u{3000}\u{3000}（记者 {}）</p>\n</div>\n</div>\n</div>\n</body>\n</html>\n",
            escape(&article.author)
        );
        html
    }
}
