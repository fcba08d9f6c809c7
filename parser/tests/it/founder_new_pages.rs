//! The new Founder layout's page skins (nav-list, layoutlist, Chunkicon, Therestlist, webtree):
//! every field of a page (版) of each. The fixtures copy the skins' structure as
//! `../shared/families.md` and `article-markers.md` (1, 1a) describe it, with made-up text.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRef, PageRecord, PageRef};
use epaper_parser::families::founder_new::parse_page;
use url::Url;

use crate::support::mapped;

const NAV_LIST: &str = include_str!("../fixtures/founder_new/navlist_page.html");
const LAYOUTLIST: &str = include_str!("../fixtures/founder_new/layoutlist_page.html");
const CHUNKICON: &str = include_str!("../fixtures/founder_new/chunkicon_page.html");
const THERESTLIST: &str = include_str!("../fixtures/founder_new/therestlist_page.html");
const WEBTREE: &str = include_str!("../fixtures/founder_new/webtree_page.html");

fn parsed(html: &str, url: &str) -> PageRecord {
    parse_page(html, &Url::parse(url).unwrap())
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// The pages of an issue from (number, name, URL) triples.
fn pages(listed: &[(&str, &str, String)]) -> Vec<PageRef> {
    listed
        .iter()
        .map(|(page_no, page_name, url)| PageRef {
            page_no: some(page_no),
            page_name: some(page_name),
            url: url.clone(),
        })
        .collect()
}

/// The articles of a page from (title, URL) pairs.
fn articles(listed: &[(Option<&str>, String)]) -> Vec<ArticleRef> {
    listed
        .iter()
        .map(|(title, url)| ArticleRef {
            title: title.map(str::to_string),
            url: url.clone(),
            regions: Vec::new(),
        })
        .collect()
}

#[test]
fn a_nav_list_page_gives_every_field_and_its_own_pdf() {
    let base = "https://paper.example.cn/gsrb/pc/";
    let layout = |n: &str| format!("{base}layout/202506/18/node_{n}.html");
    let con = |n: u32| format!("{base}con/202506/18/c{n}.html");
    let expected = PageRecord {
        url: layout("02"),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("02"),
        page_name: some("综合新闻"),
        pages: pages(&[
            ("01", "要闻", layout("01")),
            ("02", "综合新闻", layout("02")),
            ("03", "经济观察", layout("03")),
        ]),
        // The `h4` titles in order; the map-only article once, without its `?div=-1` twin; the
        // footer's article of another date left out.
        articles: mapped(
            articles(&[
                (Some("河谷新区首批企业投产"), con(412345)),
                (Some("牧区小学用上“空中课堂”"), con(412346)),
                (Some("夏收机具调度有序"), con(412347)),
                (None, con(412348)),
            ]),
            &[
                &[&[12.5, 20.0, 400.25, 20.0, 400.25, 210.5, 12.5, 210.5]],
                &[&[12.5, 220.0, 200.75, 220.0, 200.75, 430.0, 12.5, 430.0]],
                &[&[210.0, 220.0, 400.25, 220.0, 400.25, 430.0, 210.0, 430.0]],
                &[
                    &[12.5, 440.0, 400.25, 440.0, 400.25, 580.0, 12.5, 580.0],
                    &[12.5, 560.0, 60.0, 560.0, 60.0, 580.0, 12.5, 580.0],
                ],
            ],
        ),
        image_url: Some(format!(
            "{base}pic/202506/18/5d1e7a20-8c3b-4f1a-9e62-0b7c4d2a9f11.jpg"
        )),
        // The `a.pdf` beside this page's `a.btn`, not the first in the list.
        map_size: None,
        pdf_url: Some(format!("{base}attachement/202506/18/0a1b2c3d-02.pdf")),
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(parsed(NAV_LIST, &layout("02")), expected);
}

#[test]
fn a_layoutlist_page_gives_every_field_and_the_pdf_written_as_text() {
    let base = "https://paper.example.cn/xzrb/pc/paper/";
    let layout = |n: &str| format!("{base}layout/202506/18/node_{n}.html");
    let article = |n: u32| format!("{base}c/202506/18/c_{n}.html");
    let expected = PageRecord {
        url: layout("02"),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("02"),
        page_name: some("时政新闻"),
        pages: pages(&[
            ("01", "要闻", layout("01")),
            ("02", "时政新闻", layout("02")),
            ("03", "高原经济", layout("03")),
            ("04", "文化", layout("04")),
        ]),
        articles: mapped(
            articles(&[
                (Some("高原牧场迎来转场季"), article(20001)),
                (Some("古城修缮工程全面完工"), article(20002)),
            ]),
            &[
                &[&[5., 5., 395., 5., 395., 260., 5., 260.]],
                &[&[5., 270., 395., 270., 395., 560., 5., 560.]],
            ],
        ),
        image_url: Some(format!("{base}pic/202506/18/xzrb20250618_02.jpg.2")),
        // `div.pull-right a` is a JS button; `p#pdfUrl` holds the address.
        map_size: None,
        pdf_url: Some(format!("{base}attachement/202506/18/xzrb20250618_02.pdf")),
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(parsed(LAYOUTLIST, &layout("02")), expected);
}

#[test]
fn a_chunkicon_page_gives_every_field_and_the_pdf_of_its_own_item() {
    let base = "https://paper.example.cn/PC/";
    let layout = |n: &str| format!("{base}layout/202506/18/col{n}.html");
    let content = |n: u32| format!("{base}content/202506/18/content_{n}.html");
    let expected = PageRecord {
        url: layout("A02"),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("A02"),
        page_name: some("鹏城新闻"),
        pages: pages(&[
            ("A01", "要闻", layout("A01")),
            ("A02", "鹏城新闻", layout("A02")),
            ("A03", "湾区", layout("A03")),
        ]),
        articles: mapped(
            articles(&[
                (Some("河畔绿道再延长十公里"), content(1201)),
                (Some("社区食堂开到家门口"), content(1202)),
            ]),
            &[
                &[&[8., 10., 392., 10., 392., 300., 8., 300.]],
                &[&[8., 310., 392., 310., 392., 575., 8., 575.]],
            ],
        ),
        image_url: Some(format!(
            "{base}pic/202506/18/6b0f2d9e-41c7-4e25-9a3d-8e1c7f5b2a04.jpg"
        )),
        // The second link of this 版's `p`, which has no text.
        map_size: None,
        pdf_url: Some(format!("{base}attachement/202506/18/d2a1c0b9-A02.pdf")),
        // `div.newsnextleft a` / `div.newsnextright a` are the neighbouring 版, not issues.
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(parsed(CHUNKICON, &layout("A02")), expected);
}

#[test]
fn a_therestlist_page_gives_every_field_with_its_issue_links() {
    let site = "https://paper.example.cn/lnsb/";
    let html_dir = |day: &str, file: &str| format!("{site}html/202506/{day}/{file}");
    let node = |n: &str| html_dir("18", &format!("node_{n}.html"));
    let content = |n: u32| html_dir("18", &format!("content_{n}.html"));
    let expected = PageRecord {
        url: node("003"),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("03"),
        page_name: some("城事"),
        // Each item's thumbnail link comes first and has no text: the labelled link names it.
        pages: pages(&[
            ("01", "要闻", node("001")),
            ("02", "沂蒙新闻", node("002")),
            ("03", "城事", node("003")),
        ]),
        articles: mapped(
            articles(&[
                (Some("老城区雨污分流改造启动"), content(7001)),
                (Some("夜市烟火气回来了"), content(7002)),
                (None, content(7003)),
            ]),
            &[
                &[&[0., 0., 400., 280.]],
                &[&[0., 290., 400., 580.]],
                &[&[0., 590., 400., 620.]],
            ],
        ),
        image_url: Some(format!("{site}pic/202506/18/lnsb_003.jpg")),
        map_size: None,
        pdf_url: Some(format!("{site}attachement/202506/18/lnsb_003.pdf")),
        prev_issue_url: Some(html_dir("17", "node_001.html")),
        next_issue_url: Some(html_dir("19", "node_001.html")),
    };
    assert_eq!(parsed(THERESTLIST, &node("003")), expected);
}

#[test]
fn the_therestlist_label_leaves_out_the_pdf_link_it_holds() {
    // Without the page list, the label printed in `div.newslisttit em` names the page.
    let start = THERESTLIST.find("<div class=\"Therestlist\">").unwrap();
    let end = THERESTLIST.find("<div class=\"paper\">").unwrap();
    let html = format!("{}{}", &THERESTLIST[..start], &THERESTLIST[end..]);
    let page = parsed(
        &html,
        "https://paper.example.cn/lnsb/html/202506/18/node_003.html",
    );
    assert_eq!(
        (page.page_no, page.page_name),
        (some("03"), some("城事")),
        "{:?}",
        page.pages
    );
}

#[test]
fn a_webtree_page_gives_every_field_and_only_its_own_branch_of_the_issue() {
    let base = "https://paper.example.cn/zqsb/";
    let node = |n: &str| format!("{base}col/202506/18/node_{n}.html");
    let content = |n: u32| format!("{base}content/202506/18/content_{n}.html");
    let expected = PageRecord {
        url: node("A001"),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("A001"),
        page_name: some("封面"),
        pages: pages(&[
            ("A001", "封面", node("A001")),
            ("A002", "要闻", node("A002")),
            ("A003", "评论", node("A003")),
        ]),
        // A001's `dd`, not the whole tree.
        articles: mapped(
            articles(&[
                (Some("上半年新增上市公司六十家"), content(9001)),
                (Some("债券市场交投活跃"), content(9002)),
            ]),
            &[
                &[&[5., 5., 395., 5., 395., 300., 5., 300.]],
                &[&[5., 310., 395., 310., 395., 560., 5., 560.]],
            ],
        ),
        image_url: Some(format!("{base}pic/202506/18/zqsb_A001.jpg")),
        map_size: None,
        pdf_url: Some(format!("{base}attachement/202506/18/zqsb_A001.pdf")),
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(parsed(WEBTREE, &node("A001")), expected);
}

#[test]
fn a_webtree_page_of_another_ban_lists_that_bans_branch() {
    // The same tree served at A002 (its map, which is A001's, left out).
    let start = WEBTREE.find("<map").unwrap();
    let end = WEBTREE.find("</map>").unwrap() + "</map>".len();
    let html = format!("{}{}", &WEBTREE[..start], &WEBTREE[end..]);
    let url = "https://paper.example.cn/zqsb/col/202506/18/node_A002.html";
    let page = parsed(&html, url);
    assert_eq!(
        (page.page_no.as_deref(), page.page_name.as_deref()),
        (Some("A002"), Some("要闻"))
    );
    assert_eq!(
        page.articles,
        articles(&[(
            Some("多地出台措施支持科技企业融资"),
            "https://paper.example.cn/zqsb/content/202506/18/content_9003.html".to_string()
        )])
    );
    // Under a URL the tree does not list, no branch is this page's.
    let elsewhere = parsed(
        &html,
        "https://paper.example.cn/zqsb/col/202506/18/node_B001.html",
    );
    assert!(elsewhere.articles.is_empty(), "{:?}", elsewhere.articles);
    assert_eq!(elsewhere.pages.len(), 3);
}
