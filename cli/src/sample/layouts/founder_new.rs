//! The new Founder layout's five page skins for the sample site: nav-list, layoutlist,
//! Chunkicon, Therestlist and webtree, each in the URL shapes and markup that
//! `parser/tests/fixtures/founder_new/` models (`../shared/families.md`, "Founder new layout").
//! Pages live in `YYYYMM/DD` directories; nav-list, layoutlist and webtree articles are the
//! PreTitle template (`p#PreTitle`, `h2#Title`, `p#SubTitle`, the 版 in the metadata comment's
//! `nodename`), Chunkicon and Therestlist articles the newsdeta template (`div.newsdetatit`).
//!
//! What must stay true: every document parses back to the generator's data for the fields
//! [`Layout::fields`] names. Chunkicon articles print the 版 number (`版次：01`) but not its
//! name, so that skin leaves the page name out.

use std::fmt::Write;

use super::{At, Fields, Layout, href};
use crate::html::escape;
use crate::sample::generate::{Article, Issue, Page};

/// The page skins of the new Founder layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skin {
    NavList,
    LayoutList,
    Chunkicon,
    Therestlist,
    Webtree,
}

/// The new Founder layout in one skin.
pub struct FounderNew(pub Skin);

pub const NAV_LIST: FounderNew = FounderNew(Skin::NavList);
pub const LAYOUTLIST: FounderNew = FounderNew(Skin::LayoutList);
pub const CHUNKICON: FounderNew = FounderNew(Skin::Chunkicon);
pub const THERESTLIST: FounderNew = FounderNew(Skin::Therestlist);
pub const WEBTREE: FounderNew = FounderNew(Skin::Webtree);

/// `YYYYMM/DD`, the date directories of every URL of this layout.
fn date_dirs(issue: &Issue) -> String {
    issue.date.format("%Y%m/%d").to_string()
}

impl FounderNew {
    /// The page directory and file, and the article directory and file, as each skin's papers
    /// write them: 甘肃日报's `pc/layout` + `pc/con/…/cN.html`, 西藏日报's `pc/paper/layout` +
    /// `pc/paper/c/…/c_N.html`, 深圳特区报's `PC/layout/…/colA01.html`, 重庆晚报's pages and
    /// articles side by side in `html/`, 证券时报's `col/`.
    fn page_file(&self, issue: &Issue, page: &Page) -> String {
        let dirs = date_dirs(issue);
        let no = &page.page_no;
        match self.0 {
            Skin::NavList => format!("gsrb/pc/layout/{dirs}/node_{no}.html"),
            Skin::LayoutList => format!("xzrb/pc/paper/layout/{dirs}/node_{no}.html"),
            Skin::Chunkicon => format!("PC/layout/{dirs}/col{no}.html"),
            Skin::Therestlist => format!("lnsb/html/{dirs}/node_{:03}.html", page.node),
            Skin::Webtree => format!("zqsb/col/{dirs}/node_{no}.html"),
        }
    }

    fn article_file(&self, issue: &Issue, article: &Article) -> String {
        let (dirs, id) = (date_dirs(issue), article.id);
        match self.0 {
            Skin::NavList => format!("gsrb/pc/con/{dirs}/c{id}.html"),
            Skin::LayoutList => format!("xzrb/pc/paper/c/{dirs}/c_{id}.html"),
            Skin::Chunkicon => format!("PC/content/{dirs}/content_{id}.html"),
            Skin::Therestlist => format!("lnsb/html/{dirs}/content_{id}.html"),
            Skin::Webtree => format!("zqsb/content/{dirs}/content_{id}.html"),
        }
    }
}

impl Layout for FounderNew {
    fn name(&self) -> &'static str {
        match self.0 {
            Skin::NavList => "founder-new/nav-list",
            Skin::LayoutList => "founder-new/layoutlist",
            Skin::Chunkicon => "founder-new/chunkicon",
            Skin::Therestlist => "founder-new/therestlist",
            Skin::Webtree => "founder-new/webtree",
        }
    }

    fn profile(&self) -> &'static str {
        match self.0 {
            Skin::NavList => "sample-founder-new-nav-list",
            Skin::LayoutList => "sample-founder-new-layoutlist",
            Skin::Chunkicon => "sample-founder-new-chunkicon",
            Skin::Therestlist => "sample-founder-new-therestlist",
            Skin::Webtree => "sample-founder-new-webtree",
        }
    }

    fn page_path(&self, issue: &Issue, page: &Page) -> String {
        self.page_file(issue, page)
    }

    fn article_path(&self, issue: &Issue, _page: &Page, article: &Article) -> String {
        self.article_file(issue, article)
    }

    fn page_html(&self, at: &At<'_>) -> String {
        let list = match self.0 {
            Skin::NavList => nav_list_page(at),
            Skin::LayoutList => layoutlist_page(at),
            Skin::Chunkicon => chunkicon_page(at),
            Skin::Therestlist => therestlist_page(at),
            Skin::Webtree => webtree_page(at),
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>样报</title>\n</head>\n<body>\n{list}</body>\n</html>\n"
        )
    }

    fn article_html(&self, at: &At<'_>, article: &Article) -> String {
        match self.0 {
            Skin::NavList | Skin::LayoutList | Skin::Webtree => pre_title(self.0, at, article),
            Skin::Chunkicon => chunkicon_article(at, article),
            Skin::Therestlist => therestlist_article(at, article),
        }
    }

    fn fields(&self) -> Fields {
        Fields {
            page_name: self.0 != Skin::Chunkicon,
            ..Fields::ALL
        }
    }
}

/// Everything a page links to, relative to the page.
struct Links<'a> {
    at: &'a At<'a>,
    from: String,
}

impl<'a> Links<'a> {
    fn new(at: &'a At<'a>) -> Self {
        let from = at.page_path(at.page());
        Links { at, from }
    }

    fn page(&self, page: &Page) -> String {
        href(&self.from, &self.at.page_path(page))
    }

    fn article(&self, article: &Article) -> String {
        href(&self.from, &self.at.article_path(article))
    }

    fn pdf(&self, page: &Page) -> String {
        href(&self.from, &self.at.layout.pdf_path(self.at.issue(), page))
    }

    fn scan(&self, page: &Page) -> String {
        href(&self.from, &self.at.layout.scan_path(self.at.issue(), page))
    }

    /// The scan under its image map, one area per article, the first also as a `?div=-1`
    /// twin, as real maps list some articles twice.
    fn scan_and_map(&self) -> String {
        let page = self.at.page();
        let mut out = format!(
            "<img src=\"{}\" usemap=\"#PagePicMap\" border=\"0\">\n<map name=\"PagePicMap\">\n",
            self.scan(page)
        );
        for (k, article) in page.articles.iter().enumerate() {
            let (top, bottom) = (10 + k * 120, 120 + k * 120);
            let _ = writeln!(
                out,
                "<area shape=\"polygon\" coords=\"10,{top},390,{top},390,{bottom},10,{bottom}\" \
                 href=\"{}\">",
                self.article(article)
            );
        }
        if let Some(first) = page.articles.first() {
            let _ = writeln!(
                out,
                "<area shape=\"polygon\" coords=\"10,10,40,10,40,30,10,30\" href=\"{}?div=-1\">",
                self.article(first)
            );
        }
        out.push_str("</map>\n");
        out
    }
}

fn label(page: &Page) -> String {
    format!("第{}版：{}", page.page_no, escape(&page.page_name))
}

fn nav_list_page(at: &At<'_>) -> String {
    let links = Links::new(at);
    let mut out = format!(
        "<div class=\"header clearfix\"><span class=\"date\">{}</span>\
         <a class=\"calendar\" href=\"javascript:void(0)\">往期回顾</a></div>\n\
         <div class=\"paper-img\">{}</div>\n<div class=\"nav-list\"><ul class=\"list-unstyled\">\n",
        at.issue().date.format("%Y年%m月%d日"),
        links.scan_and_map()
    );
    for page in &at.issue().pages {
        let _ = writeln!(
            out,
            "<li><a class=\"btn btn-block\" href=\"{}\">{}版：{}</a>\
             <a class=\"pdf\" href=\"{}\" target=\"_blank\">PDF</a></li>",
            links.page(page),
            page.page_no,
            escape(&page.page_name),
            links.pdf(page)
        );
    }
    out.push_str("</ul></div>\n<ul class=\"list-unstyled article-list\">\n");
    for article in &at.page().articles {
        let _ = writeln!(
            out,
            "<li class=\"resultList\"><a href=\"{}\"><h4>{}</h4></a></li>",
            links.article(article),
            escape(&article.title)
        );
    }
    out.push_str("</ul>\n");
    out
}

fn layoutlist_page(at: &At<'_>) -> String {
    let links = Links::new(at);
    let mut out = String::from("<div class=\"left-nav\"><ul id=\"layoutlist\">\n");
    for page in &at.issue().pages {
        let _ = writeln!(
            out,
            "<li class=\"posRelative\"><a href=\"{}\">{}</a></li>",
            links.page(page),
            label(page)
        );
    }
    let page = at.page();
    let next = at
        .issue()
        .pages
        .get(at.page_idx + 1)
        .map(|next| {
            format!(
                "<a class=\"nextArt\" href=\"{}\">下一版</a>",
                links.page(next)
            )
        })
        .unwrap_or_default();
    let _ = write!(
        out,
        "</ul></div>\n<div class=\"center-paper\"><div class=\"paper-title clearfix\">\
         <span id=\"layout\">{}</span><div class=\"pull-right\">\
         <a href=\"javascript:void(0);\" onclick=\"downloadPdf();\">PDF下载</a>{next}</div></div>\n\
         <p id=\"pdfUrl\" style=\"display:none\">{}</p>\n<div class=\"paper-img\">{}</div></div>\n\
         <div class=\"right-list\"><ul id=\"articlelist\">\n",
        label(page),
        links.pdf(page),
        links.scan_and_map()
    );
    for article in &page.articles {
        let _ = writeln!(
            out,
            "<li class=\"clearfix\"><a href=\"{}\">{}</a></li>",
            links.article(article),
            escape(&article.title)
        );
    }
    out.push_str("</ul></div>\n");
    out
}

fn chunkicon_page(at: &At<'_>) -> String {
    let links = Links::new(at);
    let mut out = String::from(
        "<div class=\"newsside\"><div class=\"Chunkiconbox\"><em class=\"Chunem\"></em>\
         <div class=\"Chunkiconlist\">\n",
    );
    for page in &at.issue().pages {
        let _ = writeln!(
            out,
            "<p>\n<a href=\"{}\">{}</a>\n<a href=\"{}\" target=_blank></a>\n</p>",
            links.page(page),
            label(page),
            links.pdf(page)
        );
    }
    let page = at.page();
    let _ = write!(
        out,
        "</div></div></div>\n<div class=\"newsconimg\">{}</div>\n\
         <div class=\"newsshow\" id=\"ScroLeft\"><div class=\"newslisttit\">\
         <span class=\"newstime\">{}</span><em>{}</em></div>\n<div class=\"newslist\"><ul>\n",
        links.scan_and_map(),
        at.issue().date.format("%Y年%m月%d日"),
        label(page)
    );
    for article in &page.articles {
        let _ = writeln!(
            out,
            "<li><h3><a href=\"{}\" >{}</a></h3><p>{}</p></li>",
            links.article(article),
            escape(&article.title),
            escape(article.paragraphs.first().map_or("", String::as_str))
        );
    }
    out.push_str("</ul></div></div>\n");
    let pages = &at.issue().pages;
    let neighbours = [
        ("newsnextleft", at.page_idx.checked_sub(1)),
        ("newsnextright", Some(at.page_idx + 1)),
    ];
    for (class, idx) in neighbours {
        if let Some(next) = idx.and_then(|idx| pages.get(idx)) {
            let _ = writeln!(
                out,
                "<div class=\"{class}\"><a href=\"{}\">&nbsp;</a></div>",
                links.page(next)
            );
        }
    }
    out
}

/// 上一期 and 下一期 as links to the first page of the adjacent issues, where they exist.
fn issue_links(at: &At<'_>, links: &Links<'_>) -> String {
    let mut out = String::new();
    let adjacent = [("上一期", at.prev_issue()), ("下一期", at.next_issue())];
    for (text, issue) in adjacent {
        if let Some(issue) = issue {
            let to = href(&links.from, &at.first_page_path(issue));
            let _ = write!(out, "<a href=\"{to}\">{text}</a>");
        }
    }
    out
}

fn therestlist_page(at: &At<'_>) -> String {
    let links = Links::new(at);
    let mut out = format!(
        "<div class=\"topdate\"><span>{}</span>{}</div>\n<div class=\"Therestlist\"><ul>\n",
        at.issue().date.format("%Y年%m月%d日"),
        issue_links(at, &links)
    );
    for page in &at.issue().pages {
        let to = links.page(page);
        let _ = writeln!(
            out,
            "<li><a href=\"{to}\"><img src=\"{}\" width=\"60\"></a><a href=\"{to}\">{}</a></li>",
            links.scan(page),
            label(page)
        );
    }
    let page = at.page();
    let _ = write!(
        out,
        "</ul></div>\n<div class=\"paper\">{}</div>\n<div class=\"newslisttit\"><em>{}\
         <a href=\"{}\" target=\"_blank\">下载PDF</a></em></div>\n<div class=\"newslist\"><ul>\n",
        links.scan_and_map(),
        label(page),
        links.pdf(page)
    );
    out.push_str(&at.title_items(&links.from, page));
    out.push_str("</ul></div>\n");
    out
}

fn webtree_page(at: &At<'_>) -> String {
    let links = Links::new(at);
    let mut out = String::from("<div class=\"left-tree\"><div id=\"webtree\">\n");
    for page in &at.issue().pages {
        let _ = write!(
            out,
            "<dl>\n<dt><span><a href=\"{}\">{}：{}</a></span></dt>\n<dd><ul class=\"news_list\">\n",
            links.page(page),
            page.page_no,
            escape(&page.page_name)
        );
        out.push_str(&at.title_items(&links.from, page));
        out.push_str("</ul></dd>\n</dl>\n");
    }
    let _ = write!(
        out,
        "</div></div>\n<div class=\"paper-area\"><div class=\"download\">\
         <a href=\"{}\">下载本版PDF</a></div>\n{}</div>\n",
        links.pdf(at.page()),
        links.scan_and_map()
    );
    out
}

/// The body's paragraphs as `<p>`s, subheadings in `<strong>`, an empty paragraph after the
/// first, as real bodies have.
fn paragraphs(article: &Article) -> String {
    let mut out = String::new();
    for (k, paragraph) in article.paragraphs.iter().enumerate() {
        if article.subheadings.contains(&k) {
            let _ = writeln!(out, "<p><strong>{}</strong></p>", escape(paragraph));
        } else {
            let _ = writeln!(out, "<p>\u{3000}\u{3000}{}</p>", escape(paragraph));
        }
        if k == 0 {
            out.push_str("<p>&nbsp;</p>\n");
        }
    }
    out
}

/// Each picture as a table of the picture and its caption row.
fn picture_tables(from: &str, article: &Article) -> String {
    let mut out = String::new();
    for image in &article.images {
        let _ = writeln!(
            out,
            "<table><tr><td><img src=\"{}\"></td></tr><tr><td>{}</td></tr></table>",
            href(from, &image.file),
            escape(&image.caption)
        );
    }
    out
}

/// An optional field escaped, empty when the article has none.
fn optional(text: Option<&str>) -> String {
    escape(text.unwrap_or(""))
}

fn article_head(article: &Article) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n\
         <body>\n",
        escape(&article.title)
    )
}

/// The PreTitle template of nav-list, layoutlist and webtree papers; webtree's body is
/// `div.tc_con_box div.tc_con`, the others' `div#ozoom > founder-content` beside
/// `div.attachment`. The 版 is in the metadata comment's `nodename`.
fn pre_title(skin: Skin, at: &At<'_>, article: &Article) -> String {
    let from = at.article_path(article);
    let page = at.page();
    let byline = format!("<p>■ 本报记者 {}</p>\n", escape(&article.author));
    let wrapper = match skin {
        Skin::LayoutList => "detail-art",
        Skin::Webtree => "tc_con_box",
        _ => "article-box",
    };
    let mut html = article_head(article);
    let _ = write!(
        html,
        "<div class=\"{wrapper}\">\n<p id=\"PreTitle\">{}</p>\n<h2 id=\"Title\">{}</h2>\n\
         <p id=\"SubTitle\">{}</p>\n",
        optional(article.pretitle.as_deref()),
        escape(&article.title),
        optional(article.subtitle.as_deref())
    );
    if skin == Skin::Webtree {
        let _ = write!(
            html,
            "<div class=\"tc_con\">\n{byline}{}{}</div>\n",
            paragraphs(article),
            picture_tables(&from, article)
        );
    } else {
        let _ = write!(
            html,
            "<div class=\"attachment\">{}</div>\n<div id=\"ozoom\"><founder-content>\n\
             <!--enpcontent-->{byline}{}<!--/enpcontent-->\n</founder-content></div>\n",
            picture_tables(&from, article),
            paragraphs(article)
        );
    }
    let _ = write!(
        html,
        "</div>\n</body>\n</html>\n<!--enpproperty <articleid>{}</articleid><date>{} 00:00:00:0</date>\
         <author></author><title>{}</title><subtitle>{}</subtitle><introtitle>{}</introtitle>\
         <nodename>{}版：{}</nodename>/enpproperty-->\n",
        article.id,
        at.issue().date.format("%Y-%m-%d"),
        escape(&article.title),
        optional(article.subtitle.as_deref()),
        optional(article.pretitle.as_deref()),
        page.page_no,
        escape(&page.page_name)
    );
    html
}

/// The XY newsdeta template of Chunkicon papers: the 版 number as `版次：`, the byline only in a
/// hidden `作者：` block, each picture followed by its `p.imgbt` caption.
fn chunkicon_article(at: &At<'_>, article: &Article) -> String {
    let from = at.article_path(article);
    let mut html = article_head(article);
    let _ = write!(
        html,
        "<div class=\"newsshow\" id=\"ScroLeft\">\n<div class=\"newsdetatit\">\n\
         <p style=\"text-align:center;\">{}</p>\n<h3>{}</h3>\n\
         <p style=\"margin-bottom:20px; text-align:center;\">{}</p>\n\
         <p><span class=\"Author\">版次：{}</span><span>来源：样报&nbsp;&nbsp;{}</span></p>\n\
         </div>\n<div class=\"newsdetatext\">\n",
        optional(article.pretitle.as_deref()),
        escape(&article.title),
        optional(article.subtitle.as_deref()),
        at.page().page_no,
        at.issue().date.format("%Y年%m月%d日")
    );
    for image in &article.images {
        let _ = writeln!(
            html,
            "<img src=\"{}\">\n<p class=\"imgbt\">{}</p>",
            href(&from, &image.file),
            escape(&image.caption)
        );
    }
    let _ = write!(
        html,
        "<founder-content>\n{}</founder-content>\n</div>\n\
         <div style=\"display:none;\">作者：{}</div>\n</div>\n</body>\n</html>\n",
        paragraphs(article),
        escape(&article.author)
    );
    html
}

/// The newsdeta template as Therestlist papers write it: `div.intro` and `div.sub`, the date
/// line `p[align=center]`, the 版 in `div.newslisttit em`, the byline the body's first
/// paragraph, each picture in a `div.pic` with its caption line, the next article below.
fn therestlist_article(at: &At<'_>, article: &Article) -> String {
    let from = at.article_path(article);
    let mut html = article_head(article);
    let _ = write!(
        html,
        "<div class=\"newslisttit\"><em>{}</em></div>\n<div class=\"newsdetatit\">\n\
         <div class=\"intro\">{}</div>\n<h3>{}</h3>\n<div class=\"sub\">{}</div>\n\
         <p align=\"center\">{}</p>\n</div>\n<div class=\"newsdetatext\">\n",
        label(at.page()),
        optional(article.pretitle.as_deref()),
        escape(&article.title),
        optional(article.subtitle.as_deref()),
        at.issue().date.format("%Y年%m月%d日")
    );
    for image in &article.images {
        let _ = writeln!(
            html,
            "<div class=\"pic\"><img src=\"{}\"><p>{}</p></div>",
            href(&from, &image.file),
            escape(&image.caption)
        );
    }
    let _ = write!(
        html,
        "<founder-content>\n<!--enpcontent--><p>本报记者 {}</p>\n{}<!--/enpcontent-->\n\
         </founder-content>\n</div>\n",
        escape(&article.author),
        paragraphs(article)
    );
    let articles = &at.page().articles;
    let next = articles
        .iter()
        .position(|a| a.id == article.id)
        .and_then(|k| articles.get(k + 1));
    if let Some(next) = next {
        let _ = writeln!(
            html,
            "<div class=\"newsnext\"><a href=\"{}\">下一篇：{}</a></div>",
            href(&from, &at.article_path(next)),
            escape(&next.title)
        );
    }
    html.push_str("</body>\n</html>\n");
    html
}
