//! The "shtml" systems (`/shtml/<code>/YYYYMMDD/`): URLs, links written as `gourl(…)` and
//! `window.open(…)`, and every field of the x-publish and sxrb pages and of the x-publish, sxrb
//! and f-20 articles. The fixtures follow section 3 of `../shared/article-markers.md` with
//! made-up text.

use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord};
use epaper_parser::families::shtml::{matches_url, parse_article, parse_page};
use url::Url;

use crate::support::{article_ref, date, mapped, page_ref};

const XPUBLISH_DIR: &str = "http://epaper.example.cn/shtml/ycwb/20250618/";
const XPUBLISH_PAGE: &str = include_str!("../fixtures/shtml/xpublish_vA2.shtml");
const XPUBLISH_ARTICLE: &str = include_str!("../fixtures/shtml/xpublish_712345.shtml");
const SXRB_DIR: &str = "https://epaper.example.cn/shtml/ysrb/20250618/";
const SXRB_PAGE: &str = include_str!("../fixtures/shtml/sxrb_v02.shtml");
const SXRB_ARTICLE: &str = include_str!("../fixtures/shtml/sxrb_1830012.shtml");
const F20_ARTICLE: &str = include_str!("../fixtures/shtml/f20_5501.shtml");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn urls_of_the_family_are_recognised_and_others_are_not() {
    let kind = |s: &str| matches_url(&url(s));
    let page = Some(DocKind::Page);
    let article = Some(DocKind::Article);
    for file in [
        "v01.shtml",
        "vA1.shtml",
        "vE1.shtml",
        "index.shtml",
        "vlist.shtml",
        "",
    ] {
        assert_eq!(kind(&format!("{XPUBLISH_DIR}{file}")), page, "{file}");
    }
    assert_eq!(kind(&format!("{XPUBLISH_DIR}712345.shtml")), article);
    assert_eq!(kind(&format!("{SXRB_DIR}1830012.shtml?x=1")), article);
    for other in [
        "http://epaper.example.cn/shtml/ycwb/2025061/v01.shtml",
        "http://epaper.example.cn/shtml/ycwb/20250618/v01.html",
        "http://epaper.example.cn/shtml/ycwb/20250618/a712345.shtml",
        "http://epaper.example.cn/ycwb/20250618/712345.shtml",
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
        "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn an_xpublish_page_reads_its_script_links_and_gives_every_contract_field() {
    let page_url = format!("{XPUBLISH_DIR}vA2.shtml");
    let record = parse_page(XPUBLISH_PAGE, &url(&page_url));
    let at = |file: &str| format!("{XPUBLISH_DIR}{file}");
    let images = "http://epaper.example.cn/images/2025-06/18/A2/";
    let expected = PageRecord {
        url: page_url.clone(),
        date: date(2025, 6, 18),
        page_no: some("A2"),
        page_name: some("要闻"),
        pages: vec![
            page_ref("A1", "封面", &at("vA1.shtml")),
            page_ref("A2", "要闻", &page_url),
            page_ref("A3", "城事", &at("vA3.shtml")),
            page_ref("B1", "文体", &at("vB1.shtml")),
        ],
        // The title list in its order (script, plain href, script with a query); the link
        // whose script builds its URL is unreadable, so that article comes from the map without
        // a title, as does the map's own; the footer's article of another day is left out.
        articles: mapped(
            vec![
                article_ref("老城区改造首批居民搬回新家", &at("712345.shtml")),
                article_ref("夜市经济带火 沿河步行街", &at("712346.shtml")),
                article_ref("暑期托管班报名开始", &at("712347.shtml")),
                ArticleRef {
                    title: None,
                    url: at("712348.shtml"),
                    regions: Vec::new(),
                },
                ArticleRef {
                    title: None,
                    url: at("712349.shtml"),
                    regions: Vec::new(),
                },
            ],
            &[
                &[&[10., 10., 380., 200.]],
                &[&[10., 210., 380., 400.]],
                &[],
                &[&[10., 410., 380., 600.]],
                &[&[10., 610., 380., 700.]],
            ],
        ),
        image_url: Some(format!("{images}20250618A2_b.jpg")),
        map_size: None,
        pdf_url: Some(format!("{images}20250618A2.pdf")),
        prev_issue_url: Some("http://epaper.example.cn/shtml/ycwb/20250617/vA1.shtml".into()),
        next_issue_url: Some("http://epaper.example.cn/shtml/ycwb/20250619/vA1.shtml".into()),
    };
    assert_eq!(record, expected);
}

#[test]
fn a_page_missing_from_its_own_list_takes_its_number_from_its_file_name() {
    // Without an entry marked current either.
    let html = XPUBLISH_PAGE.replace("<li class=\"on\">", "<li>");
    let record = parse_page(&html, &url(&format!("{XPUBLISH_DIR}vC3.shtml")));
    assert_eq!((record.page_no, record.page_name), (some("C3"), None));
    let index = parse_page(&html, &url(&format!("{XPUBLISH_DIR}index.shtml")));
    assert_eq!((index.page_no, index.page_name), (None, None));
}

#[test]
fn a_page_missing_from_its_list_but_marked_current_takes_that_label() {
    let html = XPUBLISH_PAGE.replace("gourl('vA2.shtml','_top')", "gourl('vA9.shtml','_top')");
    let record = parse_page(&html, &url(&format!("{XPUBLISH_DIR}vA2.shtml")));
    assert_eq!(
        (record.page_no, record.page_name),
        (some("A2"), some("要闻"))
    );
}

#[test]
fn an_xpublish_article_gives_every_contract_field() {
    let article_url = format!("{XPUBLISH_DIR}712345.shtml");
    let record = parse_article(XPUBLISH_ARTICLE, &url(&article_url));
    let expected = ArticleRecord {
        url: article_url,
        date: date(2025, 6, 18),
        // The current entry of the 版 list the article keeps.
        page_no: some("A2"),
        page_name: some("要闻"),
        pretitle: None,
        title: some("老城区改造首批居民搬回新家"),
        subtitle: None,
        author: some("程远 许清和"),
        paragraphs: strings(&[
            "6月17日上午，老城区东片的第一批居民拿到了新房钥匙。",
            "“等了两年，值了。”七十岁的周大爷说，新楼装了电梯， 他再也不用扶着栏杆一步一歇。",
            "据介绍，东片改造共涉及住户四百余户，其余住户年底前陆续回迁。",
        ]),
        images: vec![Image {
            url: "http://epaper.example.cn/images/2025-06/18/A2/712345_1.jpg".into(),
            caption: some("搬回新家的居民在楼下合影。 记者 程远 摄"),
        }],
    };
    assert_eq!(record, expected);
}

#[test]
fn an_sxrb_page_gives_every_contract_field() {
    let page_url = format!("{SXRB_DIR}v02.shtml");
    let record = parse_page(SXRB_PAGE, &url(&page_url));
    let at = |file: &str| format!("{SXRB_DIR}{file}");
    let expected = PageRecord {
        url: page_url.clone(),
        date: date(2025, 6, 18),
        page_no: some("02"),
        page_name: some("综合"),
        pages: vec![
            page_ref("01", "要闻", &at("v01.shtml")),
            page_ref("02", "综合", &page_url),
            page_ref("03", "经济", &at("v03.shtml")),
        ],
        articles: mapped(
            vec![
                article_ref("山区小学用上“空中课堂”", &at("1830012.shtml")),
                article_ref("果农直播卖桃 一天发货三千单", &at("1830013.shtml")),
                article_ref("图片新闻", &at("1830014.shtml")),
            ],
            &[
                &[&[1., 1., 200., 1., 200., 150., 1., 150.]],
                &[&[1., 160., 200., 160., 200., 300., 1., 300.]],
                &[],
            ],
        ),
        image_url: Some("https://epaper.example.cn/images/sxrb/20250618/02/page.jpg".into()),
        map_size: None,
        pdf_url: Some("https://epaper.example.cn/pdf/sxrb/20250618/02.pdf".into()),
        prev_issue_url: Some("https://epaper.example.cn/shtml/ysrb/20250617/v01.shtml".into()),
        next_issue_url: Some("https://epaper.example.cn/shtml/ysrb/20250619/v01.shtml".into()),
    };
    assert_eq!(record, expected);
}

#[test]
fn an_sxrb_article_gives_every_contract_field() {
    let article_url = format!("{SXRB_DIR}1830012.shtml");
    let record = parse_article(SXRB_ARTICLE, &url(&article_url));
    let expected = ArticleRecord {
        url: article_url,
        date: date(2025, 6, 18),
        page_no: some("02"),
        page_name: some("综合"),
        pretitle: None,
        // The `<br>` in the heading is a space.
        title: some("山区小学用上 “空中课堂”"),
        subtitle: None,
        author: some("韩望舒"),
        paragraphs: strings(&[
            "今年春季学期开始，县里十二所村小接入了城区学校的直播课堂。",
            "音乐、美术等课程由城区老师远程授课，村小老师在教室里配合。",
        ]),
        // Only the article's picture: the share icon above it is the template's.
        images: vec![Image {
            url: "https://epaper.example.cn/images/sxrb/20250618/02/1830012_1.jpg".into(),
            caption: some("孩子们在教室里上直播课。"),
        }],
    };
    assert_eq!(record, expected);
}

#[test]
fn an_f20_article_gives_its_pretitle_title_and_body_without_the_caption() {
    let article_url = "http://epaper.example.cn/shtml/ycfz/20250618/5501.shtml";
    let record = parse_article(F20_ARTICLE, &url(article_url));
    let expected = ArticleRecord {
        url: article_url.into(),
        date: date(2025, 6, 18),
        page_no: None,
        page_name: None,
        pretitle: some("守护舌尖安全"),
        title: some("夏季食品抽检合格率稳步提升"),
        subtitle: None,
        author: some("苏明远"),
        paragraphs: strings(&[
            "记者从市市场监管局获悉，今年以来全市共抽检食品两千余批次。",
            "下一步，监管部门将重点检查校园周边和夜市摊点。",
        ]),
        images: vec![Image {
            url: "http://epaper.example.cn/images/2025-06/18/5501_1.jpg".into(),
            caption: some("执法人员在农贸市场抽取样品。"),
        }],
    };
    assert_eq!(record, expected);
}

#[test]
fn a_f14_without_an_f20_after_it_is_no_pretitle() {
    let html = XPUBLISH_ARTICLE.replace(
        "<div id=\"art\">",
        "<div class=\"f-14\">字号类</div><div id=\"art\">",
    );
    let record = parse_article(&html, &url(&format!("{XPUBLISH_DIR}712345.shtml")));
    assert_eq!(record.pretitle, None);
    assert_eq!(record.title, some("老城区改造首批居民搬回新家"));
}
