//! The "bmml" system (新安晚报, 滨州日报 on `*.joyhua.cn`; the parser's
//! `tests/fixtures/bmml/`): `<code>/YYYYMMDD/html/page_N.htm` per 版 and
//! `page_N_content_M.htm` per article, the whole issue in `index.htm` (版面目录). The 版 list is
//! `div.bmml_con_div` (a thumbnail `a.bmml_con_div_pic` and the name `a.bmml_con_div_name`), the
//! title list `a.bmdh_con_a` in `div.bmdh_con_div`, the PDF in `div.download_pdf`; an article
//! is `div.bmnr_con` with its 引题, title and 副题 blocks and the body `div#zoom`, and keeps the
//! 版 list, whose entry for `page_N.htm` names its 版.

use std::fmt::Write;

use super::{At, Extra, Layout, href, plain_link};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

pub struct Bmml;

/// The sample paper's code in the path.
const CODE: &str = "ybwb";

fn dir(issue: &Issue) -> String {
    format!("{CODE}/{}/html/", issue.date.format("%Y%m%d"))
}

fn head() -> &'static str {
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \
     \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n\
     <html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n\
     <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
     <title>样报</title>\n</head>\n<body>\n"
}

/// The 版 list of the issue as seen from `here`; with thumbnails (each 版's scan) on pages and
/// the issue index, names only beside an article.
fn page_list(at: &At<'_>, here: &str, thumbnails: bool) -> String {
    let issue = at.issue();
    let mut out = String::from("<div class=\"bmml\">\n<div class=\"bmml_con\">\n");
    for page in &issue.pages {
        let to = href(here, &at.page_path(page));
        out.push_str("<div class=\"bmml_con_div\">\n");
        if thumbnails {
            let _ = writeln!(
                out,
                "<a class=\"bmml_con_div_pic\" href=\"{to}\"><img src=\"{}\" /></a>",
                href(here, &at.layout.scan_path(issue, page))
            );
        }
        let _ = writeln!(
            out,
            "<a class=\"bmml_con_div_name\" href=\"{to}\">第{}版：{}</a>\n</div>",
            page.page_no,
            escape(&page.page_name)
        );
    }
    out.push_str("</div>\n</div>\n");
    out
}

/// The date and the 上一期 / 下一期 links, to the first 版 of those issues.
fn issue_links(at: &At<'_>, here: &str) -> String {
    let open = format!(
        "<div class=\"top\"><span class=\"date\">{}</span>\n",
        at.issue().date.format("%Y年%m月%d日")
    );
    at.issue_link_block(here, &open, plain_link, "</div>\n")
}

/// The page picture with its map (some areas with a query the parser drops) and the PDF.
fn page_picture(at: &At<'_>, here: &str) -> String {
    let (issue, page) = (at.issue(), at.page());
    let mut out = format!(
        "<div class=\"bmnr_img\"><img src=\"{}\" usemap=\"#bmmap\" border=\"0\" />\n\
         <map name=\"bmmap\">\n",
        href(here, &at.layout.scan_path(issue, page))
    );
    for (k, article) in page.articles.iter().enumerate() {
        let query = if k % 2 == 1 { "?mark=1" } else { "" };
        let top = 5 + k * 120;
        let _ = writeln!(
            out,
            "<area shape=\"rect\" coords=\"5,{top},400,{}\" href=\"{}{query}\" />",
            top + 100,
            href(here, &at.article_path(article))
        );
    }
    let _ = writeln!(
        out,
        "</map>\n</div>\n<div class=\"download_pdf\"><a href=\"{}\" target=\"_blank\">下载本版PDF</a></div>",
        href(here, &at.layout.pdf_path(issue, page))
    );
    out
}

impl Layout for Bmml {
    fn name(&self) -> &'static str {
        "bmml"
    }

    fn profile(&self) -> &'static str {
        "sample-bmml"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}page_{}.htm", dir(issue), page.node)
    }

    fn article_path(&self, issue: &Issue, page: &Page, article: &Article) -> String {
        format!(
            "{}page_{}_content_{}.htm",
            dir(issue),
            page.node,
            article.id
        )
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let page = at.page();
        let here = at.page_path(page);
        let mut html = head().to_string();
        html.push_str(&issue_links(at, &here));
        html.push_str(&page_list(at, &here, true));
        html.push_str(&page_picture(at, &here));
        html.push_str("<div class=\"bmdh\">\n<div class=\"bmdh_con\">\n");
        for article in &page.articles {
            let _ = writeln!(
                html,
                "<div class=\"bmdh_con_div\"><a class=\"bmdh_con_a\" href=\"{}\">{}</a></div>",
                href(&here, &at.article_path(article)),
                escape(&article.title)
            );
        }
        html.push_str("</div>\n</div>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let here = at.article_path(article);
        let block = |class: &str, text: Option<&str>| {
            text.map(|text| format!("<div class=\"{class}\">{}</div>\n", escape(text)))
                .unwrap_or_default()
        };
        let mut html = head().to_string();
        html.push_str(&page_list(at, &here, false));
        let _ = write!(
            html,
            "<div class=\"bmnr\">\n<div class=\"bmnr_con\">\n{}{}{}\
             <div class=\"bmnr_con_con\">\n<div id=\"zoom\">\n<p>\u{3000}\u{3000}本报记者 {}</p>\n",
            block("bmnr_con_yinti", article.pretitle.as_deref()),
            block("bmnr_con_biaoti", Some(&article.title)),
            block("bmnr_con_futi", article.subtitle.as_deref()),
            escape(&article.author)
        );
        for image in &article.images {
            let _ = writeln!(
                html,
                "<table width=\"100%\"><tr><td align=\"center\"><img src=\"{}\" /></td></tr>\
                 <tr><td align=\"center\">{}</td></tr></table>",
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
                html.push_str("<p></p>\n");
            }
        }
        html.push_str("</div>\n</div>\n</div>\n</div>\n</body>\n</html>\n");
        html
    }

    /// `index.htm`, the issue's 版面目录: every 版 with its thumbnail.
    fn extras(&self, at: &At<'_>) -> Vec<Extra> {
        let here = format!("{}index.htm", dir(at.issue()));
        let mut html = head().to_string();
        html.push_str(&issue_links(at, &here));
        html.push_str(&page_list(at, &here, true));
        html.push_str("</body>\n</html>\n");
        vec![Extra {
            path: here,
            content_type: "text/html; charset=utf-8",
            body: html.into_bytes(),
        }]
    }
}
