//! The read.do system (安庆晚报, 颍州晚报; the parser's `families/read_do.rs` and its
//! `tests/fixtures/read_do/`): every document is `epaper/read.do`, named by its query. A 版 is
//! `read.do?m=i&iid=<issue>&eid=<版>&idate=2_YYYY-MM-DD`, an article adds `&sid=<article>`, and
//! the issue itself (what the month index lists) is `read.do?m=i&iid=<issue>&idate=…`, which
//! shows the first 版. No URL follows from the date alone: the site answers
//! `POST epaper/read.do?m=getIssueByMonth` with the form `newspaperId=2&date=YYYY-MM-DD` (or
//! `yyyymm=YYYYMM`, 海口日报's form; `sample/routing.rs` reads both) by the
//! month's issues as JSON (`{"data":[{"path":…}, …]}`), and the server routes these documents
//! by their query (`sample/routing.rs`).
//!
//! A page has the 版 list `span.listTitleL a`, its label and PDF in `div.leftTitle`, the scan
//! with its image map (the regions of [`render::map_regions`], each article's boxes) and the
//! title list `div#link a` (whole titles in `@title`); an article has `p.articleTitle`,
//! `p.articleTitle2` (the 副题), pictures in `div#article_image` (uncaptioned), the body
//! `div.articleContent` with the byline last, and the reader's `div.leftTitle`. No 引题.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use epaper_common::messages::Region;

use super::{At, Extra, Fields, Layout, href};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};
use crate::sample::render;
use crate::sample::routing::Routing;

pub struct ReadDo;

/// The sample paper's id in the system (`newspaperId`, the `N` of `idate=N_…`).
pub const NEWSPAPER_ID: u32 = 2;

/// The document every read.do URL names, relative to the site root.
pub const READ_DO_PATH: &str = "epaper/read.do";

/// The issue's id in the system: a number of the date, as the system's own ids grow by issue.
fn iid(issue: &Issue) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a real day");
    1000 + (issue.date - epoch).num_days()
}

fn idate(issue: &Issue) -> String {
    format!("{NEWSPAPER_ID}_{}", issue.date.format("%Y-%m-%d"))
}

/// The issue's own URL (no 版), as the month index lists it.
pub fn issue_path(issue: &Issue) -> String {
    format!(
        "{READ_DO_PATH}?m=i&iid={}&idate={}",
        iid(issue),
        idate(issue)
    )
}

/// The key the month index of `year`-`month` is kept under: what `sample/routing.rs` makes of
/// a POST for it.
pub fn month_index_key(newspaper_id: u32, year: i32, month: u32) -> String {
    format!(
        "{READ_DO_PATH}?m=getIssueByMonth newspaperId={newspaper_id} month={year:04}-{month:02}"
    )
}

fn head(title: &str) -> String {
    format!(
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
         <title>{}</title>\n</head>\n<body>\n",
        escape(title)
    )
}

/// `div.leftTitle`: this 版's label and its PDF, on pages and articles alike.
fn left_title(at: &At<'_>, here: &str) -> String {
    let (issue, page) = (at.issue(), at.page());
    format!(
        "<div class=\"leftTitle\"><span>第{}版：{}</span> <a href=\"{}\" target=\"_blank\">PDF下载</a></div>\n",
        page.page_no,
        escape(&page.page_name),
        escape(&href(here, &at.layout.pdf_path(issue, page)))
    )
}

/// The scan and its map: every article's regions, each an `area` to the article.
fn page_image(at: &At<'_>, here: &str) -> String {
    let (issue, page) = (at.issue(), at.page());
    let mut out = format!(
        "<div class=\"pageImage\"><img src=\"{}\" width=\"400\" usemap=\"#pagemap\" />\n<map name=\"pagemap\">\n",
        escape(&href(here, &at.layout.scan_path(issue, page)))
    );
    for (k, article) in page.articles.iter().enumerate() {
        for region in render::map_regions(k) {
            let coords: Vec<String> = region.coords.iter().map(f32::to_string).collect();
            let _ = writeln!(
                out,
                "<area shape=\"polygon\" coords=\"{}\" href=\"{}\" />",
                coords.join(","),
                escape(&href(here, &at.article_path(article)))
            );
        }
    }
    out.push_str("</map>\n</div>\n");
    out
}

/// The 版 list, every 版 of the issue.
fn page_list(at: &At<'_>, here: &str) -> String {
    let mut out = String::from("<div class=\"listTitle\">\n");
    for page in &at.issue().pages {
        let _ = writeln!(
            out,
            "<span class=\"listTitleL\"><a href=\"{}\">第{}版：{}</a></span>",
            escape(&href(here, &at.page_path(page))),
            page.page_no,
            escape(&page.page_name)
        );
    }
    out.push_str("</div>\n");
    out
}

/// The date and the 上一期 / 下一期 links.
fn top(at: &At<'_>, here: &str) -> String {
    let mut out = String::from("<div class=\"top\">\n");
    for (to, label) in at.issue_links(here) {
        let _ = writeln!(out, "<a href=\"{}\">{label}</a>", escape(&to));
    }
    let _ = writeln!(
        out,
        "<span class=\"today\">{}</span>\n</div>",
        at.issue().date.format("%Y年%m月%d日")
    );
    out
}

impl Layout for ReadDo {
    fn name(&self) -> &'static str {
        "read-do"
    }

    fn profile(&self) -> &'static str {
        "sample-read-do"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        format!(
            "{READ_DO_PATH}?m=i&iid={}&eid={}&idate={}",
            iid(issue),
            iid(issue) * 100 + i64::from(page.node),
            idate(issue)
        )
    }

    fn article_path(&self, issue: &Issue, page: &Page, article: &Article) -> String {
        format!(
            "{READ_DO_PATH}?m=i&iid={}&eid={}&sid={}&idate={}",
            iid(issue),
            iid(issue) * 100 + i64::from(page.node),
            article.id,
            idate(issue)
        )
    }

    fn routing(&self) -> Routing {
        Routing::ReadDo
    }

    fn article_regions(&self, k: usize) -> Vec<Region> {
        render::map_regions(k)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let page = at.page();
        let here = at.page_path(page);
        let mut html = head("样报数字报");
        html.push_str(&top(at, &here));
        html.push_str("<div class=\"left\">\n");
        html.push_str(&left_title(at, &here));
        html.push_str(&page_image(at, &here));
        html.push_str("</div>\n<div class=\"right\">\n");
        html.push_str(&page_list(at, &here));
        html.push_str("<div id=\"link\">\n<ul>\n");
        for article in &page.articles {
            // The list cuts long titles short; the whole title is in `@title`.
            let shown: String = article.title.chars().take(8).collect();
            let _ = writeln!(
                html,
                "<li><a href=\"{}\" title=\"{}\">{}</a></li>",
                escape(&href(&here, &at.article_path(article))),
                escape(&article.title),
                escape(&shown)
            );
        }
        html.push_str("</ul>\n</div>\n</div>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let here = at.article_path(article);
        let mut html = head(&article.title);
        html.push_str("<div class=\"left\">\n");
        html.push_str(&left_title(at, &here));
        let _ = writeln!(
            html,
            "</div>\n<div class=\"right\">\n<p class=\"articleTitle\">{}</p>",
            escape(&article.title)
        );
        if let Some(subtitle) = &article.subtitle {
            let _ = writeln!(html, "<p class=\"articleTitle2\">{}</p>", escape(subtitle));
        }
        if !article.images.is_empty() {
            html.push_str("<div id=\"article_image\">\n");
            for image in &article.images {
                let _ = writeln!(
                    html,
                    "<img src=\"{}\" />",
                    escape(&href(&here, &image.file))
                );
            }
            html.push_str("</div>\n");
        }
        html.push_str("<div class=\"articleContent\">\n");
        for paragraph in &article.paragraphs {
            let _ = writeln!(html, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
        }
        let _ = write!(
            html,
            "<p>\u{3000}\u{3000}（记者 {}）</p>\n</div>\n</div>\n</body>\n</html>\n",
            escape(&article.author)
        );
        html
    }

    /// The issue's own URL (the first 版, as the index lists it) and its month's index.
    fn extras(&self, at: &At<'_>) -> Vec<Extra> {
        let issue = at.issue();
        let (year, month) = (issue.date.year(), issue.date.month());
        let listed: Vec<serde_json::Value> = at
            .paper
            .issues
            .iter()
            .filter(|other| other.date.year() == year && other.date.month() == month)
            .map(|other| {
                serde_json::json!({
                    "path": format!("/{}", issue_path(other)),
                    "date": other.date.format("%Y-%m-%d").to_string(),
                    "iid": iid(other),
                })
            })
            .collect();
        let index = serde_json::json!({ "data": listed, "success": true });
        vec![
            Extra {
                path: issue_path(issue),
                content_type: "text/html; charset=utf-8",
                body: self.page_html(&at.at_page(0)).into_bytes(),
            },
            Extra {
                path: month_index_key(NEWSPAPER_ID, year, month),
                content_type: "application/json;charset=UTF-8",
                body: serde_json::to_vec(&index).expect("the index serializes"),
            },
        ]
    }

    fn fields(&self) -> Fields {
        Fields {
            pretitle: false,
            captions: false,
            ..Fields::ALL
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::*;
    use crate::sample::{Faults, Site, paper};

    async fn ask(site: &Site, method: Method, path: &str, form: &str) -> (u16, Vec<u8>) {
        site.ask(method, path, form).await
    }

    /// The month index answers the date form (安庆, 社科报) and 海口日报's `yyyymm` form alike,
    /// and the issue it lists is served.
    #[tokio::test]
    async fn the_month_index_answers_both_month_forms_with_the_issue() {
        let paper = paper(1);
        let base = "http://127.0.0.1:1/";
        let site = Site::with_offsite(
            &paper,
            base.into(),
            Faults::None,
            "http://127.0.0.2:9/".into(),
            &ReadDo,
        );
        let date = paper.issues[0].date;
        let index = format!("{READ_DO_PATH}?m=getIssueByMonth");
        let by_date = format!(
            "newspaperId={NEWSPAPER_ID}&date={}",
            date.format("%Y-%m-%d")
        );
        let by_month = format!("newspaperId={NEWSPAPER_ID}&yyyymm={}", date.format("%Y%m"));
        let (status, listed) = ask(&site, Method::POST, &index, &by_date).await;
        assert_eq!(status, 200);
        assert_eq!(
            ask(&site, Method::POST, &index, &by_month).await,
            (200, listed.clone())
        );
        let index_url = url::Url::parse(&format!("{base}{index}")).unwrap();
        let issues =
            epaper_parser::calendar::read_do_issues(&listed, &index_url, NEWSPAPER_ID).unwrap();
        let entry = issues.get(&date).expect("the issue listed for its day");
        let path = entry.strip_prefix(base).expect("on the site");
        assert_eq!(ask(&site, Method::GET, path, "").await.0, 200, "{entry}");
    }
}
