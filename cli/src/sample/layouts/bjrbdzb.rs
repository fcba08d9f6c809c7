//! 北京日报's bjrbdzb system and the plist papers of the same directories, in the markup the
//! parser's fixtures model (`parser/tests/fixtures/bjrb/`, `parser/src/families/bjrb.rs`).
//!
//! [`Bjrbdzb`]: one document per issue, `bjrb/mobile/YYYY/YYYYMMDD/YYYYMMDD_m.html`, holding
//! every 版; the 版 after the first are `…_m.html?page=K`, which the server answers with the
//! same document (it routes by path), as bjrbdzb's does. Besides: `bjrb/period/YYYYMM/period.js`
//! (the month's publication days) and `bjrb/paperindex.htm` (the script redirect to the latest
//! issue). Articles print no 版 name.
//!
//! [`Plist`]: the index `fzrb/YYYY/YYYYMMDD/YYYYMMDD_plist.htm` (the profile's entry), a page
//! per 版 `YYYYMMDD_NNN/YYYYMMDD_NNN.html` with the scan's image map, articles
//! `YYYYMMDD_NNN_K.htm`. A page here also prints the index's table of 版 (the reader shows it
//! beside the page), from which the parser reads its label, the page list and its PDF.

use std::fmt::Write;

use super::{At, Extra, Fields, Layout, href, map_space};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

/// What both systems print of an article: not the 版 name.
const FIELDS: Fields = Fields {
    page_name: false,
    ..Fields::ALL
};

fn ymd(issue: &Issue) -> String {
    issue.date.format("%Y%m%d").to_string()
}

/// The position of `page` in its issue, from 0.
fn page_idx(issue: &Issue, page: &Page) -> usize {
    issue
        .pages
        .iter()
        .position(|p| p.node == page.node)
        .expect("a page of the issue")
}

/// The 版 directory's name, `YYYYMMDD_NNN`.
fn ban(issue: &Issue, page: &Page) -> String {
    format!("{}_{:03}", ymd(issue), page_idx(issue, page) + 1)
}

/// The position of `article` on `page`, from 1, as the article file names count.
fn article_no(page: &Page, article: &Article) -> usize {
    page.articles
        .iter()
        .position(|a| a.id == article.id)
        .expect("an article of the page")
        + 1
}

pub struct Bjrbdzb;

impl Bjrbdzb {
    fn issue_dir(issue: &Issue) -> String {
        format!("bjrb/mobile/{}/{}/", issue.date.format("%Y"), ymd(issue))
    }

    fn document(issue: &Issue) -> String {
        format!("{}{}_m.html", Self::issue_dir(issue), ymd(issue))
    }

    fn media(issue: &Issue, page: &Page, ext: &str) -> String {
        format!(
            "{}{}/news-bjrb-00000-{}-m-{:03}-300.{ext}",
            Self::issue_dir(issue),
            ban(issue, page),
            ymd(issue),
            page_idx(issue, page) + 1
        )
    }

    /// `period.js` of the month of `at`'s issue: every issue of the paper in that month.
    fn period_js(at: &At<'_>) -> Extra {
        let month = at.issue().date.format("%Y%m").to_string();
        let days: Vec<String> = at
            .paper
            .issues
            .iter()
            .filter(|issue| issue.date.format("%Y%m").to_string() == month)
            .map(|issue| format!("\"{}\"", ymd(issue)))
            .collect();
        Extra {
            path: format!("bjrb/period/{month}/period.js"),
            content_type: "application/javascript; charset=utf-8",
            body: format!("var datelist=[{}];\n", days.join(",")).into_bytes(),
        }
    }

    /// The latest issue's redirect, served by the last issue only.
    fn paperindex(at: &At<'_>) -> Option<Extra> {
        if at.next_issue().is_some() {
            return None;
        }
        let target = href("bjrb/paperindex.htm", &Self::document(at.issue()));
        let body = format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\
             <script>window.location.href=\"{target}\";</script></head><body></body></html>\n"
        );
        Some(Extra {
            path: "bjrb/paperindex.htm".to_string(),
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
        })
    }

    fn nav_items(issue: &Issue, html: &mut String) {
        let from = Self::document(issue);
        for (k, page) in issue.pages.iter().enumerate() {
            let _ = write!(
                html,
                "<div class=\"nav-items\">\n<div class=\"nav-panel-heading\" \
                 pdf_href=\"../{}/news-bjrb-00000-{}-m-{:03}-300.pdf\">第{}版 {}</div>\n\
                 <ul class=\"nav-list-group\">\n",
                ban(issue, page),
                ymd(issue),
                k + 1,
                page.page_no,
                escape(&page.page_name)
            );
            for article in &page.articles {
                let path = Self.article_path(issue, page, article);
                let _ = writeln!(
                    html,
                    "<li><a data-newid=\"bjrb{}\" data-href=\"./{}#page{k}\">{}</a></li>",
                    article.id,
                    href(&from, &path),
                    escape(&article.title)
                );
            }
            html.push_str("</ul>\n</div>\n");
        }
    }
}

impl Layout for Bjrbdzb {
    fn name(&self) -> &'static str {
        "bjrbdzb"
    }

    fn profile(&self) -> &'static str {
        "sample-bjrbdzb"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        match page_idx(issue, page) {
            0 => Self::document(issue),
            k => format!("{}?page={k}", Self::document(issue)),
        }
    }

    fn article_path(&self, issue: &Issue, page: &Page, article: &Article) -> String {
        format!(
            "{}{}/content_{}_{}.htm",
            Self::issue_dir(issue),
            ban(issue, page),
            ban(issue, page),
            article_no(page, article)
        )
    }

    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        Self::media(issue, page, "jpg")
    }

    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        Self::media(issue, page, "pdf")
    }

    /// The issue document, the same for every 版 of the issue.
    fn page_html(&self, at: &At<'_>) -> String {
        let issue = at.issue();
        let from = Self::document(issue);
        let mut html = format!(
            "<!DOCTYPE html>\n<html>\n<head>\n\
             <meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n\
             <title>样报</title>\n</head>\n<body>\n\
             <div class=\"header\"><span class=\"date\">{}</span></div>\n<ul id=\"picList\">\n",
            issue.date.format("%Y年%m月%d日")
        );
        for (k, page) in issue.pages.iter().enumerate() {
            let scan = href(&from, &self.scan_path(issue, page));
            let _ = writeln!(
                html,
                "<li><a href=\"javascript:goPage({k})\" data-source=\"{scan}\"><img src=\"{scan}\" alt=\"\" />{}</a></li>",
                escape(&page.page_name)
            );
        }
        html.push_str("</ul>\n<div class=\"nav-box\">\n");
        Self::nav_items(issue, &mut html);
        html.push_str("</div>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = self.article_path(issue, page, article);
        let optional = |id: &str, text: Option<&str>| {
            text.map(|text| format!("<font id=\"{id}\">{}</font><br />\n", escape(text)))
                .unwrap_or_default()
        };
        let mut html = format!(
            "<!DOCTYPE html>\n<html>\n<head>\n\
             <meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n\
             <title>{}</title>\n</head>\n<body>\n<div id=\"wrapper\">\n<div id=\"scroller\">\n\
             <div class=\"title-box\">\n{}<font id=\"main-title\"><b>{}</b></font><br />\n{}\
             <font id=\"author\">本报记者 {}</font>\n<span id=\"date\">{}</span>\n</div>\n\
             <div class=\"content my-gallery\" id=\"content\">\n",
            escape(&article.title),
            optional("guide", article.pretitle.as_deref()),
            escape(&article.title),
            optional("sub-title", article.subtitle.as_deref()),
            escape(&article.author),
            issue.date.format("%Y年%m月%d日"),
        );
        for (k, paragraph) in article.paragraphs.iter().enumerate() {
            let _ = writeln!(html, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
            if k == 0 {
                html.push_str("<p>\u{3000}\u{3000}</p>\n");
                for image in &article.images {
                    let _ = writeln!(
                        html,
                        "<p style=\"text-align:center;\"><img src=\"{}\" alt=\"{}\" /></p>",
                        href(&from, &image.file),
                        escape(&image.caption)
                    );
                }
            }
        }
        html.push_str("</div>\n</div>\n</div>\n</body>\n</html>\n");
        html
    }

    fn extras(&self, at: &At<'_>) -> Vec<Extra> {
        let mut extras = vec![Self::period_js(at)];
        extras.extend(Self::paperindex(at));
        extras
    }

    fn fields(&self) -> Fields {
        FIELDS
    }
}

pub struct Plist;

impl Plist {
    fn issue_dir(issue: &Issue) -> String {
        format!("fzrb/{}/{}/", issue.date.format("%Y"), ymd(issue))
    }

    fn index(issue: &Issue) -> String {
        format!("{}{}_plist.htm", Self::issue_dir(issue), ymd(issue))
    }

    /// The table of 版 the index prints, and each page beside its map, linked from `from`.
    fn table(&self, issue: &Issue, from: &str) -> String {
        let mut html = String::from("<table width=\"100%\" border=\"0\">\n");
        for page in &issue.pages {
            let _ = writeln!(
                html,
                "<tr><td><div class=\"bancititle\"><a href=\"{}\" target=\"_parent\"><span>第{}版：{}</span></a></div></td>\
                 <td><a href=\"{}\" target=\"_blank\"><img src=\"../../images/pdf.gif\" border=\"0\" /></a></td></tr>",
                href(from, &self.page_path(issue, page)),
                page.page_no,
                escape(&page.page_name),
                href(from, &self.pdf_path(issue, page)),
            );
        }
        html.push_str("</table>\n");
        html
    }
}

impl Layout for Plist {
    fn name(&self) -> &'static str {
        "bjrbdzb/plist"
    }

    fn profile(&self) -> &'static str {
        "sample-bjrbdzb-plist"
    }

    /// The plist page prints its scan's own size as the `img`'s `width` and `height`.
    fn displayed_size(&self, page: &Page) -> Option<(u32, u32)> {
        Some(map_space(page))
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        let ban = ban(issue, page);
        format!("{}{ban}/{ban}.html", Self::issue_dir(issue))
    }

    fn article_path(&self, issue: &Issue, page: &Page, article: &Article) -> String {
        let ban = ban(issue, page);
        let k = article_no(page, article);
        format!("{}{ban}/{ban}_{k}.htm", Self::issue_dir(issue))
    }

    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        format!(
            "fzrb/pic/{}/fzrb{}.jpg",
            issue.date.format("%Y-%m/%d"),
            ban(issue, page).replace('_', "")
        )
    }

    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        let ban = ban(issue, page);
        format!(
            "{}{ban}/fzrb{}.pdf",
            Self::issue_dir(issue),
            ban.replace('_', "")
        )
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = self.page_path(issue, page);
        // The scan's own size, printed: the map's coordinates are in its pixels.
        let (width, height) = map_space(page);
        let mut html = format!(
            "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n\
             <title>样报</title>\n</head>\n<body>\n{}<div id=\"pagepic\">\n\
             <img src=\"{}\" width=\"{width}\" height=\"{height}\" border=\"0\" usemap=\"#Map\" />\n\
             <map name=\"Map\" id=\"Map\">\n",
            self.table(issue, &from),
            href(&from, &self.scan_path(issue, page)),
        );
        for (k, article) in page.articles.iter().enumerate() {
            let top = 10 + 100 * k;
            let _ = writeln!(
                html,
                "<area shape=\"rect\" coords=\"10,{top},350,{}\" href=\"../{}\" title=\"{}\" />",
                top + 90,
                // `../YYYYMMDD_NNN/YYYYMMDD_NNN_K.htm`, as plist writes it: from the issue's
                // directory, one up.
                href(
                    &Self::issue_dir(issue),
                    &self.article_path(issue, page, article)
                ),
                escape(&article.title)
            );
        }
        html.push_str("</map>\n</div>\n</body>\n</html>\n");
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = self.article_path(issue, page, article);
        let heading = |tag: &str, text: Option<&str>| {
            text.map(|text| format!("<{tag}>{}</{tag}>\n", escape(text)))
                .unwrap_or_default()
        };
        let mut html = format!(
            "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n\
             <title>{}</title>\n</head>\n<body>\n<div class=\"css_yt\">\n{}{}{}</div>\n\
             <div id=\"zhenwenzone\">\n<p>\u{3000}\u{3000}本报记者 {}</p>\n",
            escape(&article.title),
            heading("h3", article.pretitle.as_deref()),
            heading("h1", Some(&article.title)),
            heading("h2", article.subtitle.as_deref()),
            escape(&article.author),
        );
        for (k, paragraph) in article.paragraphs.iter().enumerate() {
            let _ = writeln!(html, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
            if k == 0 {
                html.push_str("<p>\u{3000}\u{3000}</p>\n");
                for image in &article.images {
                    let _ = writeln!(
                        html,
                        "<div align=\"center\"><p><img src=\"{}\" border=\"0\" /></p><p>{}</p></div>",
                        href(&from, &image.file),
                        escape(&image.caption)
                    );
                }
            }
        }
        html.push_str("</div>\n</body>\n</html>\n");
        html
    }

    /// The index, the profile's entry.
    fn extras(&self, at: &At<'_>) -> Vec<Extra> {
        let issue = at.issue();
        let path = Self::index(issue);
        let body = format!(
            "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n\
             <title>样报</title>\n</head>\n<body>\n{}</body>\n</html>\n",
            self.table(issue, &path)
        );
        vec![Extra {
            path,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
        }]
    }

    fn fields(&self) -> Fields {
        FIELDS
    }
}
