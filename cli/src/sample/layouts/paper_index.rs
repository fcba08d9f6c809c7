//! The PaperIndex / "Articel" system (`../shared/families.md`, "PaperIndex / Articel"), served
//! under a paper's code: pages `dzrb/content/YYYYMMDD/PageNNTB.htm` in the `li.banci` variant,
//! articles `ArticelNNKKKTB.htm` (sic; `KKK` the article's place on its 版) in the neirong
//! style, the whole-issue index `PageArticleIndexTB.htm` (the test profile's entry), and the
//! meta refreshes `content/PaperIndex.htm` → `YYYYMMDD/IssueIndex.htm` → the first page. The
//! markup is the one `parser/tests/fixtures/paper_index/` models, with the generator's text.

use std::fmt::Write;

use super::{At, Extra, Layout, href};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

pub struct PaperIndex;

/// The paper's code and its two-letter page code.
const CODE: &str = "dzrb";
const PAGE_CODE: &str = "TB";
const HTML: &str = "text/html; charset=utf-8";

fn issue_dir(issue: &Issue) -> String {
    format!("{CODE}/content/{}/", issue.date.format("%Y%m%d"))
}

/// The whole-issue index of `issue`.
fn index_path(issue: &Issue) -> String {
    format!("{}PageArticleIndex{PAGE_CODE}.htm", issue_dir(issue))
}

/// `第01版：要闻`, escaped.
fn label(page: &Page) -> String {
    format!("第{}版：{}", page.page_no, escape(&page.page_name))
}

fn head() -> String {
    "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
     <title>样报数字报</title>\n</head>\n<body>\n"
        .to_string()
}

/// The page list, `li.banci` per 版.
fn page_list(at: &At<'_>, from: &str) -> String {
    let mut out = String::from("<ul class=\"banci_list\">\n");
    for page in &at.issue().pages {
        let _ = writeln!(
            out,
            "<li class=\"banci\"><a href=\"{}\">{}</a></li>",
            href(from, &at.page_path(page)),
            label(page)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// 上一期 / 下一期: to `path` of the adjacent issues.
fn issue_links(at: &At<'_>, from: &str, path: impl Fn(&Issue) -> String) -> String {
    let mut out = String::from("<div class=\"qihao\">");
    for (issue, text) in [(at.prev_issue(), "上一期"), (at.next_issue(), "下一期")] {
        if let Some(issue) = issue {
            let _ = write!(out, "<a href=\"{}\">{text}</a> ", href(from, &path(issue)));
        }
    }
    out.push_str("</div>\n");
    out
}

fn refresh(to: &str) -> Vec<u8> {
    format!(
        "<html><head><meta http-equiv=\"refresh\" content=\"0; URL={to}\"></head><body></body></html>\n"
    )
    .into_bytes()
}

impl Layout for PaperIndex {
    fn name(&self) -> &'static str {
        "paper-index"
    }

    fn profile(&self) -> &'static str {
        "sample-paper-index"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}Page{}{PAGE_CODE}.htm", issue_dir(issue), page.page_no)
    }

    fn article_path(&self, issue: &Issue, page: &Page, article: &Article) -> String {
        let place = page
            .articles
            .iter()
            .position(|a| a.id == article.id)
            .map_or(0, |idx| idx + 1);
        format!(
            "{}Articel{}{place:03}{PAGE_CODE}.htm",
            issue_dir(issue),
            page.page_no
        )
    }

    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        let date = issue.date.format("%Y%m%d");
        format!("{CODE}/images/{date}/{no}/{no}_b.png", no = page.page_no)
    }

    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        let date = issue.date.format("%Y%m%d");
        format!("{CODE}/images/{date}/{no}/{no}.pdf", no = page.page_no)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = at.page_path(page);
        let mut html = head();
        let _ = write!(
            html,
            "<div class=\"bmname\"><span class=\"banci-{}\">{}</span>",
            page.page_no,
            label(page)
        );
        if let Some(next) = issue.pages.get(at.page_idx + 1) {
            let _ = write!(
                html,
                " <a href=\"{}\">下一版</a>",
                href(&from, &at.page_path(next))
            );
        }
        let scan = href(&from, &self.scan_path(issue, page));
        let _ = write!(
            html,
            "</div>\n<div class=\"bmpic\"><img src=\"{scan}\" border=\"0\" usemap=\"#PagePicMap\">\n\
             <map name=\"PagePicMap\">"
        );
        for article in &page.articles {
            let to = href(&from, &at.article_path(article));
            let _ = write!(
                html,
                "<area shape=\"rect\" coords=\"1,1,2,2\" href=\"{to}\">"
            );
        }
        let _ = write!(
            html,
            "</map></div>\n<div class=\"pdf\"><a href=\"{}\">下载本版PDF</a></div>\n<ul id=\"newslist\">\n",
            href(&from, &self.pdf_path(issue, page))
        );
        for article in &page.articles {
            let _ = writeln!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                href(&from, &at.article_path(article)),
                escape(&article.title)
            );
        }
        html.push_str("</ul>\n");
        html.push_str(&page_list(at, &from));
        html.push_str(&issue_links(at, &from, |issue| {
            self.page_path(issue, &issue.pages[0])
        }));
        html.push_str("</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let page = at.page();
        let from = at.article_path(article);
        let mut html = head();
        let _ = write!(
            html,
            "<div class=\"bmname\"><span class=\"banci-{}\">{}</span></div>\n{}<div class=\"neirong\">\n",
            page.page_no,
            label(page),
            page_list(at, &from)
        );
        if let Some(pretitle) = &article.pretitle {
            let _ = writeln!(html, "<h3>{}</h3>", escape(pretitle));
        }
        let _ = writeln!(html, "<h2>{}</h2>", escape(&article.title));
        if let Some(subtitle) = &article.subtitle {
            let _ = writeln!(html, "<h4>{}</h4>", escape(subtitle));
        }
        if !article.images.is_empty() {
            html.push_str("<span id=\"imagelist\">");
            for image in &article.images {
                let _ = write!(
                    html,
                    "<table align=\"center\"><tr><td><img src=\"{}\" border=\"0\"></td></tr>\
                     <tr><td>{}</td></tr></table>",
                    href(&from, &image.file),
                    escape(&image.caption)
                );
            }
            html.push_str("</span>\n");
        }
        // No author field in this system: the byline is the body's first paragraph.
        let _ = write!(
            html,
            "<span id=\"contenttext\"><p>\u{3000}\u{3000}本报记者 {}</p>",
            escape(&article.author)
        );
        for (k, paragraph) in article.paragraphs.iter().enumerate() {
            if article.subheadings.contains(&k) {
                let _ = write!(html, "<p><strong>{}</strong></p>", escape(paragraph));
            } else {
                let _ = write!(html, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
            }
            if k == 0 {
                html.push_str("<p>&nbsp;</p>");
            }
        }
        html.push_str("</span>\n</div>\n</body>\n</html>\n");
        html
    }

    /// The whole-issue index and the two meta refreshes that lead to the issue (the site-wide
    /// `PaperIndex.htm` names the last issue rendered).
    fn extras(&self, at: &At<'_>) -> Vec<Extra> {
        let issue = at.issue();
        let first_page = self.page_path(issue, &issue.pages[0]);
        let issue_index = format!("{}IssueIndex.htm", issue_dir(issue));
        let paper_index = format!("{CODE}/content/PaperIndex.htm");
        vec![
            Extra {
                path: index_path(issue),
                content_type: HTML,
                body: self.index_html(at).into_bytes(),
            },
            Extra {
                body: refresh(&href(&issue_index, &first_page)),
                path: issue_index.clone(),
                content_type: HTML,
            },
            Extra {
                body: refresh(&href(&paper_index, &issue_index)),
                path: paper_index,
                content_type: HTML,
            },
        ]
    }
}

impl PaperIndex {
    /// `PageArticleIndexTB.htm`: a `div.linkto` per 版, its `h4` the 版's link and PDF, then
    /// its articles with the URL in `daoxiang`; 上一期 / 下一期 to the adjacent issues' index.
    fn index_html(&self, at: &At<'_>) -> String {
        let issue = at.issue();
        let from = index_path(issue);
        let mut html = head();
        for (page_idx, page) in issue.pages.iter().enumerate() {
            let _ = write!(
                html,
                "<div class=\"linkto\">\n<h4><a href=\"{}\">{}</a> <a class=\"pdf\" href=\"{}\">PDF</a></h4>\n<ul>\n",
                href(&from, &self.page_path(issue, page)),
                label(page),
                href(&from, &self.pdf_path(issue, page))
            );
            let at = at.at_page(page_idx);
            for article in &page.articles {
                let _ = writeln!(
                    html,
                    "<li><a href=\"javascript:void(0)\" daoxiang=\"{}\">{}</a></li>",
                    href(&from, &at.article_path(article)),
                    escape(&article.title)
                );
            }
            html.push_str("</ul>\n</div>\n");
        }
        html.push_str(&issue_links(at, &from, index_path));
        html.push_str("</body>\n</html>\n");
        html
    }
}

#[cfg(test)]
mod tests {
    use epaper_common::messages::Record;

    use super::*;
    use crate::sample::generate::paper;

    /// The test profile's entry, the whole-issue index, lists every 版 and every article of
    /// the issue in order, and links the adjacent issues' index.
    #[test]
    fn the_whole_issue_index_parses_to_every_page_and_article() {
        let base = "http://sample.example.cn/";
        let paper = paper(3);
        let at = At {
            paper: &paper,
            issue_idx: 1,
            page_idx: 0,
            layout: &PaperIndex,
        };
        let issue = at.issue();
        let extras = PaperIndex.extras(&at);
        let index = extras
            .iter()
            .find(|extra| extra.path == index_path(issue))
            .expect("the index is served");
        let url = format!("{base}{}", index.path);
        let Ok(Record::Page(record)) = epaper_parser::parse(&url, &index.body, Some(HTML)) else {
            panic!("{url} does not parse as a page");
        };
        let pages: Vec<(Option<String>, String)> = record
            .pages
            .iter()
            .map(|p| (p.page_no.clone(), p.url.clone()))
            .collect();
        let want: Vec<(Option<String>, String)> = issue
            .pages
            .iter()
            .map(|p| {
                (
                    Some(p.page_no.clone()),
                    format!("{base}{}", at.page_path(p)),
                )
            })
            .collect();
        assert_eq!(pages, want);
        let articles: Vec<(Option<String>, String)> = record
            .articles
            .iter()
            .map(|a| (a.title.clone(), a.url.clone()))
            .collect();
        let want: Vec<(Option<String>, String)> = (0..issue.pages.len())
            .flat_map(|page_idx| {
                let at = at.at_page(page_idx);
                at.page().articles.iter().map(move |a| {
                    (
                        Some(a.title.clone()),
                        format!("{base}{}", at.article_path(a)),
                    )
                })
            })
            .collect();
        assert_eq!(articles, want);
        let adjacent = |issue: Option<&Issue>| issue.map(|i| format!("{base}{}", index_path(i)));
        assert_eq!(record.prev_issue_url, adjacent(at.prev_issue()));
        assert_eq!(record.next_issue_url, adjacent(at.next_issue()));
        assert_eq!(
            (record.page_no, record.image_url, record.pdf_url),
            (None, None, None)
        );
    }
}
