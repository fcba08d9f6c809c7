//! The paper the tests crawl: a classic-Founder issue of three pages and six articles, and the
//! HTML of its pages and articles.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use chrono::NaiveDate;

use super::site::Reply;

pub const DIR: &str = "/html/2024-03/04/";

pub fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).unwrap()
}

/// The page list every page carries.
pub const PAGES: [(u32, &str); 3] = [(1, "要闻"), (2, "经济"), (3, "文化")];

pub const ARTICLES: [(u32, &str, [&str; 2]); 6] = [
    (
        1,
        "春耕备耕有序展开",
        [
            "连日来，各地农民抢抓农时，田间地头一派繁忙景象。",
            "农技人员深入村组，指导选种育秧。",
        ],
    ),
    (
        2,
        "老城区更新项目开工",
        [
            "首批十二个老旧小区改造项目昨日同时开工。",
            "改造内容包括管网更新、加装电梯和增设停车位。",
        ],
    ),
    (
        3,
        "图片新闻：江边晨练",
        ["清晨，市民在江边步道锻炼身体。", "本报记者摄。"],
    ),
    (
        4,
        "小微企业贷款稳步增长",
        [
            "一季度全市小微企业贷款余额同比增长百分之十一。",
            "多家银行推出免抵押信用贷款产品。",
        ],
    ),
    (
        5,
        "港口吞吐量再创新高",
        [
            "今年前两个月，港口货物吞吐量同比增长百分之八。",
            "集装箱航线新增三条。",
        ],
    ),
    (
        6,
        "市图书馆延长开放时间",
        [
            "自本月起，市图书馆每天开放至晚上九点。",
            "读者可在线预约自习座位。",
        ],
    ),
];

/// A classic Founder page: the page list, the image map, then the title list.
pub fn page_html(pages: &[(u32, &str)], titles: &[(&str, &str)], areas: &[&str]) -> String {
    let mut html = String::from(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\
         <title>测试日报</title></head><body>\n<table id=pagelist>",
    );
    for (n, name) in pages {
        let _ = write!(
            html,
            "<tr><td><a id=pageLink href=node_{n}.htm>第{n:02}版：{name}</a></td></tr>"
        );
    }
    html.push_str("</table>\n<img src=page.jpg usemap=#PagePicMap><map name=PagePicMap>");
    for (i, href) in areas.iter().enumerate() {
        let top = i * 100;
        let _ = write!(
            html,
            "<area shape=rect coords=0,{top},300,{} href={href}>",
            top + 90
        );
    }
    html.push_str("</map>\n<table id=titles>");
    for (href, title) in titles {
        let _ = write!(html, "<tr><td><a href={href}>{title}</a></td></tr>");
    }
    html.push_str("</table>\n</body></html>\n");
    html
}

pub fn article_html(title: &str, paragraphs: &[&str]) -> String {
    let mut html = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\
         <title>{title}</title></head><body>\n<table><tr><td class=\"font01\">{title}</td></tr>\
         </table>\n<!--enpcontent-->"
    );
    for p in paragraphs {
        let _ = write!(html, "<p>{p}</p>");
    }
    html.push_str("<!--/enpcontent-->\n</body></html>\n");
    html
}

pub fn article(n: u32) -> String {
    let (_, title, paragraphs) = ARTICLES.iter().find(|(k, _, _)| *k == n).unwrap();
    article_html(title, paragraphs)
}

pub fn path(file: &str) -> String {
    format!("{DIR}{file}")
}

/// The whole issue: three pages, six articles. Article 3 is linked only from the image map,
/// article 1 also from page 2 (a continuation), and every map area carries a `?div=` query.
/// Page 2 answers slowly, so that pages finish out of order.
pub fn issue() -> HashMap<String, Reply> {
    let node_1 = page_html(
        &PAGES,
        &[
            ("content_1.htm", "春耕备耕有序展开"),
            ("content_2.htm", "老城区更新项目开工"),
        ],
        &[
            "content_1.htm?div=-1",
            "content_2.htm?div=-1",
            "content_3.htm?div=-1",
        ],
    );
    let node_2 = page_html(
        &PAGES,
        &[
            ("content_4.htm", "小微企业贷款稳步增长"),
            ("content_5.htm", "港口吞吐量再创新高"),
            ("content_1.htm", "（上接第一版）春耕备耕有序展开"),
        ],
        &["content_4.htm?div=-1", "content_5.htm?div=0"],
    );
    let node_3 = page_html(
        &PAGES,
        &[("content_6.htm", "市图书馆延长开放时间")],
        &["content_6.htm?div=-1", "content_6.htm?div=1"],
    );
    let mut routes = HashMap::new();
    routes.insert(path("node_1.htm"), Reply::Html(node_1));
    routes.insert(
        path("node_2.htm"),
        Reply::Slow(Duration::from_millis(300), node_2),
    );
    routes.insert(path("node_3.htm"), Reply::Html(node_3));
    for (n, _, _) in ARTICLES {
        routes.insert(path(&format!("content_{n}.htm")), Reply::Html(article(n)));
    }
    routes
}

/// The issue with some documents replaced.
pub fn issue_with(
    changes: impl IntoIterator<Item = (&'static str, Reply)>,
) -> HashMap<String, Reply> {
    let mut routes = issue();
    for (file, reply) in changes {
        routes.insert(path(file), reply);
    }
    routes
}
