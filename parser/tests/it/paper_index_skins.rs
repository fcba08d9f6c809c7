//! The PaperIndex / "Articel" skins whose 版 list no marker names (法治日报's `a.atitle` table,
//! `a.18`, `div.gebanlist_2`, `ul.gebanlist.showbox`, `ul.pc_ul`): the list is every link to a
//! 版 of the issue; and the title markers of the templates beside the neirong and id styles
//! (大众日报's dzwww header, `span#contenttitle`, `div.news_title`, 法治日报's centred strong).
//! The fixtures in `fixtures/paper_index/` (`fzrb_*`, `dzrb_*`) say which facts they model.

use epaper_common::messages::{ArticleRecord, ArticleRef, PageRecord};

use crate::support::{article, article_ref, date, mapped, page, page_ref};

const ATITLE_PAGE: &str = include_str!("../fixtures/paper_index/fzrb_Page02TB.htm");
const ATITLE_ARTICLE: &str = include_str!("../fixtures/paper_index/fzrb_Articel02001TB.htm");
const DZWWW_ARTICLE: &str = include_str!("../fixtures/paper_index/dzrb_Articel01003MT.htm");

const FZRB: &str = "http://paper.example.cn/fzrb/content/20230525/";

#[test]
fn atitle_page_lists_every_page_its_own_pdf_and_its_articles_in_list_order() {
    let url = format!("{FZRB}Page02TB.htm");
    let record = page(&url, ATITLE_PAGE.as_bytes());
    let images = "http://paper.example.cn/fzrb/images/20230525/";
    let expected = PageRecord {
        url: url.clone(),
        date: date(2023, 5, 25),
        page_no: Some("02".into()),
        page_name: Some("政法新闻".into()),
        // The thumbnail's link to 01 has no text: the label is the `a.atitle` one. 上一版 /
        // 下一版 and the whole-issue index are no entries; the order is the document's.
        pages: vec![
            page_ref("01", "要闻", &format!("{FZRB}Page01TB.htm")),
            page_ref("02", "政法新闻", &url),
            page_ref("03", "法学院", &format!("{FZRB}Page03TB.htm")),
        ],
        // The title table's order, then what only the map links; not the map's order.
        articles: mapped(
            vec![
                article_ref(
                    "社区调解室搬进了小区凉亭",
                    &format!("{FZRB}Articel02001TB.htm"),
                ),
                article_ref(
                    "普法夜校开课 居民带着问题来",
                    &format!("{FZRB}Articel02002TB.htm"),
                ),
                article_ref(
                    "一份合同范本省下一场官司",
                    &format!("{FZRB}Articel02003TB.htm"),
                ),
                ArticleRef {
                    title: None,
                    url: format!("{FZRB}Articel02004TB.htm"),
                    regions: Vec::new(),
                },
            ],
            &[
                &[&[10., 10., 230., 300.]],
                &[&[240., 10., 460., 300.]],
                &[],
                &[&[10., 310., 460., 600.]],
            ],
        ),
        image_url: Some(format!("{images}02/02_b.jpg")),
        // The PDF in this 版's row of the list, not the first of the list.
        map_size: None,
        pdf_url: Some(format!("{images}02/02.pdf")),
        prev_issue_url: Some("http://paper.example.cn/fzrb/content/20230524/Page01TB.htm".into()),
        next_issue_url: Some("http://paper.example.cn/fzrb/content/20230526/Page01TB.htm".into()),
    };
    assert_eq!(record.pages, expected.pages);
    assert_eq!(record, expected);
}

/// The other 版-list skins the sources name, each as a page with that list, a 下一版 link and a
/// link to another issue's page: the same three pages come out of each.
#[test]
fn unmarked_page_lists_of_other_skins_are_read_by_their_links() {
    let lists = [
        // 伊犁日报, 天山建设报: `a.18`.
        "<div><a class=\"18\" href=\"Page01BC.htm\">第01版：要闻</a>\
         <a class=\"18\" href=\"Page02BC.htm\">第02版：综合</a>\
         <a class=\"18\" href=\"Page03BC.htm\">第03版：专版</a></div>",
        // 吐鲁番日报: `div.gebanlist_2 a`.
        "<div class=\"gebanlist_2\"><a href=\"Page01BC.htm\">01版：要闻</a>\
         <a href=\"./Page02BC.htm\">02版：综合</a><a href=\"Page03BC.htm\">03版：专版</a></div>",
        // 潍坊晚报: `ul.gebanlist.showbox li a`.
        "<ul class=\"gebanlist showbox\"><li><a href=\"Page01BC.htm\">第01版 要闻</a></li>\
         <li><a href=\"Page02BC.htm\">第02版 综合</a></li>\
         <li><a href=\"Page03BC.htm\">第03版 专版</a></li></ul>",
        // 南方农村报: `ul.pc_ul li p a`, a thumbnail link before each label.
        "<ul class=\"pc_ul\"><li><a href=\"Page01BC.htm\"><img src=\"s1.jpg\"></a>\
         <p><a href=\"Page01BC.htm\">第01版：要闻</a></p></li>\
         <li><a href=\"Page02BC.htm\"><img src=\"s2.jpg\"></a><p><a href=\"Page02BC.htm\">第02版：综合</a></p></li>\
         <li><a href=\"Page03BC.htm\"><img src=\"s3.jpg\"></a><p><a href=\"Page03BC.htm\">第03版：专版</a></p></li></ul>",
    ];
    let base = "http://paper.example.cn/ylrb/content/20240305/";
    let url = format!("{base}Page02BC.htm");
    for list in lists {
        let html = format!(
            "<html><head><meta charset=\"utf-8\"></head><body>\
             <a href=\"Page03BC.htm\">下一版</a>\
             <a href=\"../20240304/Page01BC.htm\">第01版：要闻</a>\
             <a href=\"http://other.example.cn/ylrb/content/20240305/Page04BC.htm\">第04版：外站</a>\
             {list}<a href=\"Articel02001BC.htm\">新闻标题</a></body></html>"
        );
        let record = page(&url, html.as_bytes());
        let pages: Vec<(Option<&str>, Option<&str>, &str)> = record
            .pages
            .iter()
            .map(|p| (p.page_no.as_deref(), p.page_name.as_deref(), p.url.as_str()))
            .collect();
        assert_eq!(
            pages,
            [
                (
                    Some("01"),
                    Some("要闻"),
                    format!("{base}Page01BC.htm").as_str()
                ),
                (Some("02"), Some("综合"), url.as_str()),
                (
                    Some("03"),
                    Some("专版"),
                    format!("{base}Page03BC.htm").as_str()
                ),
            ],
            "{list}"
        );
        assert_eq!(
            (record.page_no.as_deref(), record.page_name.as_deref()),
            (Some("02"), Some("综合")),
            "{list}"
        );
    }
}

#[test]
fn atitle_article_takes_its_title_from_the_centred_strong() {
    let url = format!("{FZRB}Articel02001TB.htm");
    let record = article(&url, ATITLE_ARTICLE.as_bytes(), None);
    let expected = ArticleRecord {
        url: url.clone(),
        date: date(2023, 5, 25),
        page_no: Some("02".into()),
        page_name: None,
        pretitle: None,
        title: Some("社区调解室搬进了小区凉亭".into()),
        subtitle: None,
        author: Some("丙丁".into()),
        paragraphs: vec![
            "每周三傍晚，城东一个小区的凉亭里总会摆上两张桌子，人民调解员和社区民警在这里听居民讲“烦心事”。".into(),
            "“以前邻里有点小摩擦，要跑好几个地方，现在下楼就能说清楚。”一位居民说。".into(),
            "据统计，调解室开设半年来，已化解各类邻里纠纷四十余起。".into(),
        ],
        images: Vec::new(),
    };
    assert_eq!(record, expected);
}

/// 大众日报's dzwww template: the title from the header; the editor and the source in
/// `div.infor` are no author (the byline is the body's), and its publish time, the evening
/// before, is no date (the URL's is).
#[test]
fn dzwww_article_reads_its_header_title_and_takes_no_author_from_the_editor() {
    let url = "http://paper.example.cn/dzrb/content/20240305/Articel01003MT.htm";
    let record = article(url, DZWWW_ARTICLE.as_bytes(), None);
    let expected = ArticleRecord {
        url: url.into(),
        date: date(2024, 3, 5),
        page_no: Some("01".into()),
        page_name: Some("要闻".into()),
        pretitle: None,
        title: Some("乡村夜校亮起来 农技课程排满月".into()),
        subtitle: None,
        author: Some("庚辛".into()),
        paragraphs: vec![
            "入春以来，镇上的农民夜校每晚都坐满了人，果树修剪、大棚管理等课程排到了月底。".into(),
            "“白天在地里干，晚上来学，学了第二天就能用。”一名种植户说。".into(),
        ],
        images: Vec::new(),
    };
    assert_eq!(record, expected);
    // Without a byline in the body, no author at all: not the editor.
    let html = DZWWW_ARTICLE.replace("<p>　　本报记者　庚辛</p>", "");
    let record = article(url, html.as_bytes(), None);
    assert_eq!(record.author, None);
    assert_eq!(record.title, expected.title);
}

/// 鲁中晨报's `span#contenttitle` and 南方农村报's `div.news_title`, each on an article that has
/// no other title block, over a `<title>` that is the site's.
#[test]
fn other_title_markers_give_the_title() {
    for block in [
        "<span id=\"contenttitle\">老城墙下的早市</span>",
        "<div class=\"news_title\">老城墙下的早市</div>",
    ] {
        let html = format!(
            "<html><head><meta charset=\"utf-8\"><title>示例晨报</title></head><body>\
             {block}<span id=\"contenttext\"><p>早市一早就热闹起来。</p></span></body></html>"
        );
        let url = "http://paper.example.cn/lzcb/content/20240305/Articel05002a.htm";
        let record = article(url, html.as_bytes(), None);
        assert_eq!(record.title.as_deref(), Some("老城墙下的早市"), "{block}");
        assert_eq!(record.paragraphs, ["早市一早就热闹起来。"], "{block}");
    }
}

/// Saved under a URL of no family, these skins are still this system's pages and articles.
#[test]
fn the_skins_are_recognised_by_their_markup() {
    use epaper_common::messages::Record;
    let saved = url::Url::parse("file:///tmp/saved.html").unwrap();
    for (html, is_page) in [
        (ATITLE_PAGE, true),
        (ATITLE_ARTICLE, false),
        (DZWWW_ARTICLE, false),
    ] {
        let (family, _) = epaper_parser::detect(&saved, html).unwrap();
        assert_eq!(family.name, "paper-index");
        let record = epaper_parser::parse(saved.as_str(), html.as_bytes(), None).unwrap();
        assert_eq!(matches!(record, Record::Page(_)), is_page, "{record:?}");
    }
}
