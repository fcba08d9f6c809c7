//! The classic Founder layout's restyled skins (`../shared/families.md`, "Founder classic and its
//! restyled skins"): the URLs of [`super::Classic`] with another page markup each. The "bmdh"
//! skin is served under a paper's code (`bhrb/html/YYYY-MM/DD/`), as the hosts of many small
//! papers serve it, with the `table.wz` article template; the 大河网 "layout-catalogue" skin and
//! the 浙江 papers' "main-ednav" skin keep the classic article of [`crate::sample::render`]. The
//! markup is the one `parser/tests/fixtures/classic/` models, with the generator's text.

use std::fmt::Write;

use super::{At, Layout, href, plain_link};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};
use crate::sample::render;

/// The "bmdh" skin: `table#bmdhTable a.rigth_bmdh_href` (sic), `td#currentBM`,
/// `a#bigbmshowpdf`, the map in `div#main-ed-map`, and `table.wz` articles.
pub struct Bmdh;

/// The 大河网 skin: `ul.layout-catalogue-list li.layout-catalogue-item`, `span.pic-info-summary`.
pub struct Catalogue;

/// The 浙江 papers' skin: `div.main-ednav-nav dl dt a#pageLink`, `ul.main-ed-articlenav-list`.
pub struct Ednav;

/// The code the "bmdh" paper is served under.
const BMDH_CODE: &str = "bhrb";

fn bmdh_dir(issue: &Issue) -> String {
    format!("{BMDH_CODE}/html/{}/", issue.date.format("%Y-%m/%d"))
}

/// `第01版：要闻`, escaped.
fn label(page: &Page) -> String {
    format!("第{}版：{}", page.page_no, escape(&page.page_name))
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \
         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
         <title>{}</title>\n</head>\n<body>\n",
        escape(title)
    )
}

/// The image map over the scan of the page at `from`: every article with `?div=-1`, every
/// other one again with `?div=0`, as real maps list them.
fn image_map(at: &At<'_>, from: &str, name: &str) -> String {
    let mut out = format!("<map name=\"{name}\">");
    for (k, article) in at.page().articles.iter().enumerate() {
        let to = href(from, &at.article_path(article));
        let top = 10 + k * 120;
        let _ = write!(
            out,
            "<area shape=\"polygon\" coords=\"10,{top},340,{top},340,{b},10,{b}\" href=\"{to}?div=-1\">",
            b = top + 100
        );
        if k % 2 == 0 {
            let _ = write!(
                out,
                "<area shape=\"polygon\" coords=\"10,{top},40,{top},40,{b},10,{b}\" href=\"{to}?div=0\">",
                b = top + 20
            );
        }
    }
    let scan = href(from, &at.layout.scan_path(at.issue(), at.page()));
    let _ = write!(
        out,
        "</map>\n<img src=\"{scan}\" border=\"0\" usemap=\"#{name}\" />\n"
    );
    out
}

/// Plain 上一期 / 下一期 links to the first page of the adjacent issues.
fn issue_links(at: &At<'_>, from: &str) -> String {
    at.issue_link_block(from, "<div class=\"period\">", plain_link, "</div>\n")
}

/// `table#bmdhTable`: a row per 版, its link and its PDF.
fn bmdh_table(at: &At<'_>, from: &str) -> String {
    let issue = at.issue();
    let mut out = String::from("<table id=\"bmdhTable\" width=\"100%\" border=\"0\"><tbody>\n");
    for (k, page) in issue.pages.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr class=\"bmdh_tr{}\"><td class=\"default\"><a class=\"rigth_bmdh_href\" href=\"{}\">{}</a></td>\
             <td align=\"center\"><a href=\"{}\"><img src=\"../../../tplimg/pdf.gif\" border=\"0\" /></a></td></tr>",
            if k % 2 == 1 { " pile1" } else { "" },
            href(from, &at.page_path(page)),
            label(page),
            href(from, &at.layout.pdf_path(issue, page)),
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

impl Layout for Bmdh {
    fn name(&self) -> &'static str {
        "founder-classic/bmdh"
    }

    fn profile(&self) -> &'static str {
        "sample-founder-classic-bmdh"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        format!("{}node_{}.htm", bmdh_dir(issue), page.node)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        format!("{}content_{}.htm", bmdh_dir(issue), article.id)
    }

    fn scan_path(&self, issue: &Issue, page: &Page) -> String {
        let date = issue.date.format("%Y-%m/%d");
        format!("{BMDH_CODE}/page/{date}/{}/page_b.png", page.page_no)
    }

    fn pdf_path(&self, issue: &Issue, page: &Page) -> String {
        let date = issue.date.format("%Y-%m/%d");
        format!("{BMDH_CODE}/page/{date}/{}/page.pdf", page.page_no)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = at.page_path(page);
        let mut html = head("样报数字报");
        let _ = write!(
            html,
            "<table class=\"main-ed-tool\"><tr><td id=\"currentBM\"><strong>{}</strong></td><td>",
            label(page)
        );
        if let Some(next) = issue.pages.get(at.page_idx + 1) {
            let _ = write!(
                html,
                "<a id=\"ed_next\" href=\"{}\">下一版</a>",
                href(&from, &at.page_path(next))
            );
        }
        let _ = write!(
            html,
            "</td></tr></table>\n<div id=\"main-ed-map\">\n{}</div>\n\
             <table cellspacing=\"0\" cellpadding=\"1\" border=\"0\"><tbody>\n",
            image_map(at, &from, "PagePicMap")
        );
        for article in &page.articles {
            let _ = writeln!(
                html,
                "<tr class=\"wzlb_tr\"><td class=\"default\"><div style=\"display:inline\" id=\"mp{}\">\
                 <a href=\"{}\">{}</a></div></td></tr>",
                article.id,
                href(&from, &at.article_path(article)),
                escape(&article.title)
            );
        }
        html.push_str("</tbody></table>\n");
        html.push_str(&bmdh_table(at, &from));
        let _ = write!(
            html,
            "<div class=\"main-ed-pdf\"><a id=\"bigbmshowpdf\" href=\"{}\">下载本版PDF</a></div>\n{}\
             </body>\n</html>\n",
            href(&from, &self.pdf_path(issue, page)),
            issue_links(at, &from)
        );
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        let from = at.article_path(article);
        let row =
            |text: &str| format!("<tr valign=\"top\"><td align=\"center\">{text}</td></tr>\n");
        let mut html = head(&format!("{}--样报", article.title));
        let _ = write!(
            html,
            "<table><tr><td id=\"currentBM\"><strong>{}</strong></td></tr></table>\n{}\
             <table class=\"wz\" width=\"100%\"><tbody>\n{}{}{}{}<tr><td>\n",
            label(at.page()),
            bmdh_table(at, &from),
            row(&escape(article.pretitle.as_deref().unwrap_or(""))),
            row(&escape(&article.title)),
            row(&escape(article.subtitle.as_deref().unwrap_or(""))),
            row(&format!(
                "<founder-author>{}</founder-author>",
                escape(&article.author)
            )),
        );
        // One `table#newspic` per picture (the id repeats, as the template writes it).
        for image in &article.images {
            let _ = writeln!(
                html,
                "<table id=\"newspic\" align=\"center\"><tr><td><img src=\"{}\" border=\"0\" /></td></tr>\
                 <tr><td align=\"center\">{}</td></tr></table>",
                href(&from, &image.file),
                escape(&image.caption)
            );
        }
        html.push_str("<div id=\"ozoom\"><founder-content>");
        push_paragraphs(&mut html, article);
        html.push_str("</founder-content></div>\n</td></tr></tbody></table>\n</body>\n</html>\n");
        html
    }
}

/// The body's paragraphs, subheadings in bold, an empty paragraph after the first.
fn push_paragraphs(html: &mut String, article: &Article) {
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
}

impl Layout for Catalogue {
    fn name(&self) -> &'static str {
        "founder-classic/catalogue"
    }

    fn profile(&self) -> &'static str {
        "sample-founder-classic-catalogue"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        issue.page_url(page)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        issue.article_url(article)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = at.page_path(page);
        let mut html = head("样报数字报");
        html.push_str("<ul class=\"layout-catalogue-list\">\n");
        for other in &issue.pages {
            let _ = writeln!(
                html,
                "<li class=\"layout-catalogue-item\"><a href=\"{}\">{}</a>\
                 <a class=\"pdf\" href=\"{}\" target=\"_blank\">PDF</a></li>",
                href(&from, &at.page_path(other)),
                label(other),
                href(&from, &self.pdf_path(issue, other)),
            );
        }
        let _ = write!(
            html,
            "</ul>\n<div class=\"pic-info\"><span class=\"pic-info-summary fl\">{}</span>",
            label(page)
        );
        if let Some(next) = issue.pages.get(at.page_idx + 1) {
            let _ = write!(
                html,
                "<a class=\"pic-info-ctrl pic-info-ctrl-next fr\" href=\"{}\">下一版</a>",
                href(&from, &at.page_path(next))
            );
        }
        let _ = write!(
            html,
            "\n{}</div>\n<div class=\"news-box\"><ul>\n",
            image_map(at, &from, "pagepicmap")
        );
        html.push_str(&at.title_items(&from, page));
        let _ = write!(
            html,
            "</ul>\n{}</div>\n</body>\n</html>\n",
            issue_links(at, &from)
        );
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        render::article_html(at.issue(), at.page(), article)
    }
}

impl Layout for Ednav {
    fn name(&self) -> &'static str {
        "founder-classic/ednav"
    }

    fn profile(&self) -> &'static str {
        "sample-founder-classic-ednav"
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        issue.page_url(page)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        issue.article_url(article)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let (issue, page) = (at.issue(), at.page());
        let from = at.page_path(page);
        let mut html = head("样报");
        html.push_str("<div class=\"main-ednav\"><div class=\"main-ednav-nav\">\n");
        // Every 版's PDF beside its link: the page's own is the one in its own `dl`.
        for other in &issue.pages {
            let _ = writeln!(
                html,
                "<dl><dt><a id=\"pageLink\" href=\"{}\">{}</a></dt><dd><a href=\"{}\">PDF</a></dd></dl>",
                href(&from, &at.page_path(other)),
                label(other),
                href(&from, &self.pdf_path(issue, other)),
            );
        }
        let _ = write!(
            html,
            "</div></div>\n<div class=\"main-ed-map\">\n{}</div>\n\
             <div class=\"main-ed-articlenav\"><ul class=\"main-ed-articlenav-list\">\n",
            image_map(at, &from, "PagePicMap")
        );
        html.push_str(&at.title_items(&from, page));
        let _ = write!(
            html,
            "</ul></div>\n{}</body>\n</html>\n",
            issue_links(at, &from)
        );
        html
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        render::article_html(at.issue(), at.page(), article)
    }
}
