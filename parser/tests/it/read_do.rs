//! The read.do system: documents named by their query, which its records keep (the naming
//! parameters only, in one order) while every other family's records still drop it; every
//! field of a page and an article. The fixtures copy the structure the public crawlers describe
//! (`../shared/article-markers.md` section 7) with made-up text.

use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord, Record};
use epaper_parser::families::read_do::matches_url;
use url::Url;

use crate::support::{article, article_ref, date, mapped, page, page_ref};

const ROOT: &str = "http://paper.example.cn/epaper/";
const PAGE_HTML: &str = include_str!("../fixtures/read_do/page.html");
const ARTICLE_HTML: &str = include_str!("../fixtures/read_do/article.html");
const HUMOR_PAGE_HTML: &str = include_str!("../fixtures/read_do/humor_page.html");

fn page_url(eid: u32) -> String {
    format!("{ROOT}read.do?m=i&iid=6120&eid={eid}&idate=2_2025-06-18")
}

fn article_url(sid: u32) -> String {
    format!("{ROOT}read.do?m=i&iid=6120&eid=41235&sid={sid}&idate=2_2025-06-18")
}

#[test]
fn read_do_urls_are_told_by_their_query() {
    let kind = |s: &str| matches_url(&Url::parse(s).unwrap());
    assert_eq!(kind(&page_url(41235)), Some(DocKind::Page));
    assert_eq!(
        kind("http://aq.example.cn/epaper/read.do?m=i&iid=11042&idate=2_2023-03-01"),
        Some(DocKind::Page)
    );
    assert_eq!(kind(&article_url(512345)), Some(DocKind::Article));
    for other in [
        "http://paper.example.cn/epaper/read.do?m=getIssueByMonth",
        "http://paper.example.cn/epaper/read.do",
        "http://paper.example.cn/epaper/read.do?m=pdf&iid=6120",
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
        "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn a_page_keeps_the_naming_query_of_every_link_in_one_order() {
    // Served with its parameters in another order, a session id and a fragment.
    let served =
        format!("{ROOT}read.do?idate=2_2025-06-18&eid=41235&m=i&iid=6120&jsessionid=8F3A#top");
    let record = page(&served, PAGE_HTML.as_bytes());
    let upload = "http://paper.example.cn/epaper/upload/2025/06/18/";
    assert_eq!(
        record,
        PageRecord {
            url: page_url(41235),
            date: date(2025, 6, 18),
            page_no: Some("02".into()),
            page_name: Some("要闻".into()),
            pages: vec![
                page_ref("01", "要闻", &page_url(41234)),
                page_ref("02", "要闻", &page_url(41235)),
                page_ref("03", "皖江经济", &page_url(41236)),
            ],
            // `@title`, not the cut text; the article linked twice once; another issue's left
            // out; the one only the map links last, untitled.
            articles: mapped(
                vec![
                    article_ref("长江岸线生态修复又添新绿", &article_url(512344)),
                    article_ref("黄梅戏进校园 唱响新时代", &article_url(512345)),
                    ArticleRef {
                        title: None,
                        url: article_url(512346),
                        regions: Vec::new(),
                    },
                ],
                &[
                    &[&[5., 5., 395., 150.]],
                    &[&[5., 160., 395., 300.]],
                    &[&[5., 310., 395., 560.]]
                ],
            ),
            image_url: Some(format!("{upload}a7c1e0b2_b.jpg")),
            map_size: None,
            pdf_url: Some(format!("{upload}a7c1e0b2.pdf")),
            prev_issue_url: Some(format!("{ROOT}read.do?m=i&iid=6119&idate=2_2025-06-17")),
            next_issue_url: Some(format!("{ROOT}read.do?m=i&iid=6121&idate=2_2025-06-19")),
        }
    );
}

#[test]
fn an_article_gives_its_two_title_lines_body_byline_and_pictures() {
    let record = article(&article_url(512345), ARTICLE_HTML.as_bytes(), None);
    let upload = "http://paper.example.cn/epaper/upload/2025/06/18/";
    assert_eq!(
        record,
        ArticleRecord {
            url: article_url(512345),
            date: date(2025, 6, 18),
            page_no: Some("02".into()),
            page_name: Some("要闻".into()),
            pretitle: None,
            title: Some("黄梅戏进校园 唱响新时代".into()),
            subtitle: Some("全市六十所中小学开设戏曲课".into()),
            author: Some("汪小蕾".into()),
            paragraphs: vec![
                "本学期起，全市六十所中小学开设了戏曲课，黄梅戏名家走进课堂，手把手教学生唱念做打。".into(),
                "“以前觉得戏曲离我们很远，现在每周都盼着上这节课。”一名初二学生说。".into(),
                "据介绍，下一步还将组织校园戏曲展演，让更多孩子登台亮相。".into(),
            ],
            images: vec![
                Image {
                    url: format!("{upload}512345_1.jpg"),
                    caption: None,
                },
                Image {
                    url: format!("{upload}512345_2.jpg"),
                    caption: None,
                },
            ],
        }
    );
}

/// 海口日报's shape: the article list `div.humor ul li a`, titled by the links' text (no
/// `@title`), with host-relative links; no image map.
#[test]
fn a_humor_list_page_gives_its_articles_with_their_titles() {
    let root = "https://szb.example.cn/epaper/";
    let url = format!("{root}read.do?m=i&iid=8801&eid=90103&idate=1_2024-08-22");
    let record = page(&url, HUMOR_PAGE_HTML.as_bytes());
    let page_at = |eid: u32| format!("{root}read.do?m=i&iid=8801&eid={eid}&idate=1_2024-08-22");
    let article_at =
        |sid: u32| format!("{root}read.do?m=i&iid=8801&eid=90103&sid={sid}&idate=1_2024-08-22");
    let upload = "https://szb.example.cn/epaper/upload/2024/08/22/";
    assert_eq!(
        record,
        PageRecord {
            url: url.clone(),
            date: date(2024, 8, 22),
            page_no: Some("03".into()),
            page_name: Some("城事".into()),
            pages: vec![
                page_ref("01", "要闻", &page_at(90101)),
                page_ref("02", "综合", &page_at(90102)),
                page_ref("03", "城事", &page_at(90103)),
            ],
            articles: vec![
                article_ref("骑楼老街夜市今晚开市", &article_at(700301)),
                article_ref("椰林步道新添二十处休憩点", &article_at(700302)),
                article_ref("台风过后 环卫工人连夜清障", &article_at(700303)),
            ],
            // The scan is the image of a map (as the other read.do papers have it); this page
            // has none.
            image_url: None,
            map_size: None,
            pdf_url: Some(format!("{upload}c4d2e9f1.pdf")),
            prev_issue_url: None,
            next_issue_url: None,
        }
    );
}

/// The exception is read.do's alone: the same query on another family's page and links is
/// dropped as it always was.
#[test]
fn other_families_still_drop_every_query() {
    let html = "<html><body><div id=pageList>\
        <a id=pageLink href='node_1.htm?m=i&iid=7'>第01版：要闻</a>\
        <a id=pageLink href='node_2.htm?idate=2_2023-03-22'>第02版：国内</a></div>\
        <MAP NAME=PagePicMap><Area href='content_1001.htm?m=i&sid=9&div=-1'></MAP>\
        <a href='content_1001.htm?sid=9'>标题</a></body></html>";
    let url = "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm?m=i&iid=7&idate=2_2023-03-22";
    let Ok(Record::Page(record)) = epaper_parser::parse(url, html.as_bytes(), None) else {
        panic!("a classic page")
    };
    let dir = "http://paper.example.cn/kjb/html/2023-03/22/";
    assert_eq!(record.url, format!("{dir}node_2.htm"));
    let pages: Vec<&str> = record.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(
        pages,
        [format!("{dir}node_1.htm"), format!("{dir}node_2.htm")]
    );
    let articles: Vec<&str> = record.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(articles, [format!("{dir}content_1001.htm")]);
    let new_layout = "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html?m=i&iid=7";
    let html = include_str!("../fixtures/founder_new/rmrb_page.html");
    let Ok(Record::Page(record)) = epaper_parser::parse(new_layout, html.as_bytes(), None) else {
        panic!("a new-layout page")
    };
    let links = std::iter::once(&record.url)
        .chain(record.pages.iter().map(|p| &p.url))
        .chain(record.articles.iter().map(|a| &a.url));
    for link in links {
        assert!(!link.contains('?'), "{link}");
    }
}
