//! The QPaper system (`/Html/YYYY-MM-DD/Qpaper_N.html`): URLs, and every field of a page and of
//! its two article templates (ids, and classes as 广西法治日报 writes them). The fixtures follow
//! section 6 of `../shared/article-markers.md` with made-up text.

use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord};
use epaper_parser::families::qpaper::{matches_url, parse_article, parse_page};
use url::Url;

use crate::support::{article_ref, date, mapped, page_ref};

const DIR: &str = "http://epaper.example.cn/Html/2025-06-18/";
const PAGE: &str = include_str!("../fixtures/qpaper/Qpaper_2.html");
const ARTICLE: &str = include_str!("../fixtures/qpaper/3100202.html");
const CLASS_ARTICLE: &str = include_str!("../fixtures/qpaper/class_3100301.html");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn urls_of_the_family_are_recognised_and_others_are_not() {
    let kind = |s: &str| matches_url(&url(s));
    assert_eq!(kind(&format!("{DIR}Qpaper.html")), Some(DocKind::Page));
    assert_eq!(kind(&format!("{DIR}Qpaper_12.html")), Some(DocKind::Page));
    assert_eq!(kind(&format!("{DIR}3100202.html")), Some(DocKind::Article));
    assert_eq!(
        kind("http://epaper.example.cn/html/2025-06-18/qpaper_2.html"),
        Some(DocKind::Page)
    );
    for other in [
        "http://epaper.example.cn/Html/2025-06-18/index.html",
        "http://epaper.example.cn/Html/20250618/Qpaper_2.html",
        "http://epaper.example.cn/Html/2025-06-18/a3100202.html",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
        "http://epaper.example.cn/shtml/ycwb/20250618/712345.shtml",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn a_page_gives_every_contract_field() {
    let page_url = format!("{DIR}Qpaper_2.html");
    let record = parse_page(PAGE, &url(&page_url));
    let at = |file: &str| format!("{DIR}{file}");
    let expected = PageRecord {
        url: page_url.clone(),
        date: date(2025, 6, 18),
        page_no: some("02"),
        page_name: some("综合"),
        pages: vec![
            page_ref("01", "要闻", &at("Qpaper.html")),
            page_ref("02", "综合", &page_url),
            page_ref("03", "民生", &at("Qpaper_3.html")),
        ],
        articles: mapped(
            vec![
                article_ref("边境小镇开出首班直通车", &at("3100201.html")),
                article_ref("咖啡豆丰收 种植户算起增收账", &at("3100202.html")),
                article_ref("读者来信", &at("3100203.html")),
                ArticleRef {
                    title: None,
                    url: at("3100204.html"),
                    regions: Vec::new(),
                },
            ],
            &[
                &[&[3., 3., 300., 3., 300., 160., 3., 160.]],
                &[&[3., 170., 300., 170., 300., 330., 3., 330.]],
                &[],
                &[&[3., 340., 300., 340., 300., 420., 3., 420.]],
            ],
        ),
        image_url: some("http://epaper.example.cn/Images/2025-06-18/02_b.jpg"),
        // The PDF button, not the 上一版 button before it.
        map_size: None,
        pdf_url: some("http://epaper.example.cn/Pdf/2025-06-18/02.pdf"),
        prev_issue_url: some("http://epaper.example.cn/Html/2025-06-17/Qpaper.html"),
        next_issue_url: some("http://epaper.example.cn/Html/2025-06-19/Qpaper.html"),
    };
    assert_eq!(record, expected);
}

#[test]
fn without_the_list_the_current_name_of_banming2_is_the_label() {
    let html = PAGE.replace("id=\"bancilist\"", "id=\"gone\"");
    let record = parse_page(&html, &url(&format!("{DIR}Qpaper_2.html")));
    assert!(record.pages.is_empty());
    assert_eq!((record.page_no, record.page_name), (None, some("综合")));
}

#[test]
fn an_article_with_ids_gives_every_contract_field() {
    let article_url = format!("{DIR}3100202.html");
    let record = parse_article(ARTICLE, &url(&article_url));
    let expected = ArticleRecord {
        url: article_url,
        date: date(2025, 6, 18),
        // The current entry of the 版 list the article keeps.
        page_no: some("02"),
        page_name: some("综合"),
        pretitle: some("产业兴边"),
        title: some("咖啡豆丰收 种植户算起增收账"),
        subtitle: some("今年全县咖啡种植面积超过三万亩"),
        author: some("林思齐 周乐天"),
        paragraphs: vec![
            "六月的河谷，咖啡园里一片忙碌。".into(),
            "“今年豆子颗粒饱满，收购价也比去年高。”种植户方一帆说。".into(),
        ],
        images: vec![Image {
            url: "http://epaper.example.cn/Images/2025-06-18/3100202_1.jpg".into(),
            caption: some("村民在晾晒场翻晒咖啡豆。"),
        }],
    };
    assert_eq!(record, expected);
}

#[test]
fn an_article_with_classes_gives_every_contract_field() {
    let article_url = "https://epaper.example.cn/Html/2025-06-18/3100301.html";
    let record = parse_article(CLASS_ARTICLE, &url(article_url));
    let expected = ArticleRecord {
        url: article_url.into(),
        date: date(2025, 6, 18),
        page_no: None,
        page_name: None,
        pretitle: None,
        title: some("社区调解室化解邻里纠纷"),
        subtitle: some("一年调处矛盾两百余件"),
        // Named by the dateline, which stays in the text.
        author: some("许望舒"),
        paragraphs: vec![
            "本报讯（记者 许望舒）走进城东社区调解室，墙上挂满了居民送来的锦旗。".into(),
            "调解员说，大多数纠纷在一杯茶的工夫里就能说开。".into(),
        ],
        images: vec![],
    };
    assert_eq!(record, expected);
}
