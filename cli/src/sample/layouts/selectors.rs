//! A one-off e-paper system of our own design, which no layout family knows: the sample site's
//! stand-in for the quarter of papers with a system of their own, crawled with the bundled
//! profile `sample-selectors` (`layout = "selectors"`), whose `[selectors]` table describes it.
//! Pages are `epaper/YYYY/MM/DD/page-NN.html`, articles `art-N.html` beside them, and the markup
//! is the one `parser/tests/fixtures/selectors/` models: the sheet menu `aside.sheets` (with the
//! 上一期 / 下一期 links in it), `h2.sheet-label`, `figure.sheet` with the scan and the PDF,
//! `ul.stories` and an image map; an article in `article.story`.
//!
//! What must stay true: every document parses, with that table, back to the generator's data;
//! the system prints every field ([`super::Fields::ALL`]).

use std::fmt::Write;

use chrono::Datelike;

use super::{At, Layout, href};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

/// The one-off system, `--layout selectors`.
pub struct OneOff;

/// `epaper/YYYY/MM/DD/`, the directory of everything of an issue.
fn issue_dir(issue: &Issue) -> String {
    format!("epaper/{}/", issue.date.format("%Y/%m/%d"))
}

/// `2024年03月04日 星期一`, as the masthead prints it.
fn date_line(issue: &Issue) -> String {
    const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let weekday = WEEKDAYS[issue.date.weekday().num_days_from_monday() as usize];
    format!("{} 星期{weekday}", issue.date.format("%Y年%m月%d日"))
}

/// The sheet menu: every page of the issue, the about page, and on a page (`with_issues`) the
/// 上一期 / 下一期 links.
fn sheets(at: &At<'_>, from: &str, with_issues: bool) -> String {
    let mut out = String::from("<aside class=\"sheets\">\n  <ol>\n");
    for page in &at.issue().pages {
        let _ = writeln!(
            out,
            "    <li><a class=\"sheet-link\" href=\"{}\">{}版：{}</a></li>",
            href(from, &at.page_path(page)),
            page.page_no,
            escape(&page.page_name)
        );
    }
    out.push_str("  </ol>\n");
    let _ = writeln!(
        out,
        "  <p class=\"sheet-about\"><a href=\"{}\">关于本报</a></p>",
        href(from, "about.html")
    );
    if with_issues {
        out.push_str("  <p class=\"issue-nav\">");
        if let Some(prev) = at.prev_issue() {
            let to = at.first_page_path(prev);
            let _ = write!(out, "<a href=\"{}\">上一期</a> ", href(from, &to));
        }
        if let Some(next) = at.next_issue() {
            let to = at.first_page_path(next);
            let _ = write!(out, "<a href=\"{}\">下一期</a>", href(from, &to));
        }
        out.push_str("</p>\n");
    }
    out.push_str("</aside>\n");
    out
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n<body>\n",
        escape(title)
    )
}

impl Layout for OneOff {
    fn name(&self) -> &'static str {
        "selectors"
    }

    fn profile(&self) -> &'static str {
        "sample-selectors"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}page-{}.html", issue_dir(issue), page.page_no)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        format!("{}art-{}.html", issue_dir(issue), article.id)
    }

    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}page-{}.png", issue_dir(issue), page.page_no)
    }

    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}page-{}.pdf", issue_dir(issue), page.page_no)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let (issue, page) = (at.issue(), at.page());
        let here = at.page_path(page);
        let mut html = head("样报 · 数字报");
        let _ = write!(
            html,
            "<header class=\"masthead\"><span class=\"issue-date\">{}</span></header>\n{}\
             <main>\n<h2 class=\"sheet-label\">第{}版：{}</h2>\n<figure class=\"sheet\">\
             <img class=\"sheet-scan\" src=\"{}\" usemap=\"#sheetmap\">\
             <figcaption><a class=\"sheet-pdf\" href=\"{}\" download>下载本版PDF</a></figcaption>\
             </figure>\n<ul class=\"stories\">\n",
            date_line(issue),
            sheets(at, &here, true),
            page.page_no,
            escape(&page.page_name),
            href(&here, &self.scan_path(issue, page)),
            href(&here, &self.pdf_path(issue, page)),
        );
        for article in &page.articles {
            let _ = writeln!(
                html,
                "<li><a class=\"story-link\" href=\"{}\">{}</a></li>",
                href(&here, &at.article_path(article)),
                escape(&article.title)
            );
        }
        html.push_str("</ul>\n<map name=\"sheetmap\">");
        for (k, article) in page.articles.iter().enumerate() {
            let top = k * 200;
            let _ = write!(
                html,
                "<area class=\"story-area\" shape=\"rect\" coords=\"0,{top},300,{}\" href=\"{}\">",
                top + 190,
                href(&here, &at.article_path(article))
            );
        }
        html.push_str("</map>\n</main>\n<footer>样报社版权所有</footer>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let (issue, page) = (at.issue(), at.page());
        let here = at.article_path(article);
        let line = |class: &str, text: &Option<String>| match text {
            Some(text) => format!("<p class=\"{class}\">{}</p>\n", escape(text)),
            None => String::new(),
        };
        let mut html = head(&format!("{} - 样报", article.title));
        let _ = write!(
            html,
            "<header class=\"masthead\"></header>\n{}<article class=\"story\">\n\
             <div class=\"story-meta\"><span class=\"story-sheet\">第{}版：{}</span> \
             <time class=\"story-date\">{}</time></div>\n{}<h1 class=\"story-title\">{}</h1>\n{}\
             <p class=\"story-byline\">本报记者 {}</p>\n",
            sheets(at, &here, false),
            page.page_no,
            escape(&page.page_name),
            issue.date.format("%Y-%m-%d"),
            line("story-kicker", &article.pretitle),
            escape(&article.title),
            line("story-deck", &article.subtitle),
            escape(&article.author),
        );
        for image in &article.images {
            let _ = writeln!(
                html,
                "<figure class=\"story-photo\"><img src=\"{}\" alt=\"\">\
                 <figcaption>{}</figcaption></figure>",
                href(&here, &image.file),
                escape(&image.caption)
            );
        }
        html.push_str("<div class=\"story-body\">\n");
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
        // The byline printed again at the end, which leaves the body.
        let _ = write!(
            html,
            "<p>（本报记者 {}）</p>\n</div>\n</article>\n</body>\n</html>\n",
            escape(&article.author)
        );
        html
    }
}
