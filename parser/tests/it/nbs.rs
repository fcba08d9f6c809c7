//! The 人民日报 / 光明日报 nbs layout: URLs, the full titles a page only writes in scripts and a
//! hidden block, and every field of a page and an article.
//!
//! The fixtures copy the markup of the real 人民日报 page of 2017-10-16 (ground truth 5 in
//! `../shared/real-pages/NOTES.md`) and of the article hooks public crawlers use, but all
//! their text is made up.

use chrono::NaiveDate;
use epaper_common::messages::{
    ArticleRecord, ArticleRef, DocKind, Image, MapSize, PageRecord, PageRef,
};
use epaper_parser::families::nbs::{matches_url, parse_article, parse_page};
use epaper_parser::label::split_page_label;
use url::Url;

use crate::support::mapped;

const PAGE_URL_STR: &str = "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm";
const PAGE_HTML: &str = include_str!("../fixtures/nbs/nbs.D110000renmrb_02.htm");
const ARTICLE_URL_STR: &str =
    "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm";
const ARTICLE_HTML: &str = include_str!("../fixtures/nbs/nw.D110000renmrb_20180306_2-02.htm");

const DIR: &str = "http://paper.example.cn/rmrb/html/2018-03/06/";
const SCANS: &str = "http://paper.example.cn/rmrb/page/2018-03/06/";

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn page_ref(page_no: &str, page_name: &str, file: &str) -> PageRef {
    PageRef {
        page_no: Some(page_no.into()),
        page_name: Some(page_name.into()),
        url: format!("{DIR}{file}"),
    }
}

fn article_ref(title: &str, file: &str) -> ArticleRef {
    ArticleRef {
        title: Some(title.into()),
        url: format!("{DIR}{file}"),
        regions: Vec::new(),
    }
}

#[test]
fn urls_of_both_papers_are_recognised_and_others_are_not() {
    let kind = |s: &str| matches_url(&url(s));
    assert_eq!(kind(PAGE_URL_STR), Some(DocKind::Page));
    assert_eq!(kind(ARTICLE_URL_STR), Some(DocKind::Article));
    assert_eq!(
        kind("http://epaper.gmw.cn/gmrb/html/2019-03/12/nbs.D110000gmrb_01.htm"),
        Some(DocKind::Page)
    );
    assert_eq!(
        kind("http://epaper.gmw.cn/gmrb/html/2019-03/12/nw.D110000gmrb_20190312_3-01.htm"),
        Some(DocKind::Article)
    );
    assert_eq!(
        kind("http://paper.example.cn/rmrb/html/2018-03/06/node_2.htm"),
        None
    );
    assert_eq!(
        kind("http://paper.example.cn/rmrb/pc/content/202603/10/content_30144445.html"),
        None
    );
    assert_eq!(
        kind("http://paper.example.cn/rmrb/html/2018-03/06/node_1921.htm"),
        None
    );
}

#[test]
fn the_printed_label_with_an_ascii_colon_splits_like_the_page_list_label() {
    let split = |s: &str| split_page_label(s);
    let expected = (Some("01".to_string()), Some("要闻".to_string()));
    assert_eq!(split("01版:要闻"), expected);
    assert_eq!(split("第01版：要闻"), expected);
}

#[test]
fn a_page_gives_its_issue_its_articles_with_full_titles_and_its_scans() {
    let page = parse_page(PAGE_HTML, &url(PAGE_URL_STR));
    assert_eq!(
        page,
        PageRecord {
            url: PAGE_URL_STR.into(),
            date: NaiveDate::from_ymd_opt(2018, 3, 6),
            page_no: Some("02".into()),
            page_name: Some("要闻".into()),
            pages: vec![
                page_ref("01", "要闻", "nbs.D110000renmrb_01.htm"),
                page_ref("02", "要闻", "nbs.D110000renmrb_02.htm"),
                page_ref("03", "乡村振兴·走基层", "nbs.D110000renmrb_03.htm"),
                page_ref("04", "国际", "nbs.D110000renmrb_04.htm"),
            ],
            articles: mapped(
                vec![
                    article_ref("春耕时节田间忙", "nw.D110000renmrb_20180306_1-02.htm"),
                    article_ref(
                        "山区小学开设科学课 孩子们在实验中认识世界",
                        "nw.D110000renmrb_20180306_2-02.htm"
                    ),
                    // A video item: an icon anchor and a title anchor, one href.
                    article_ref("古镇老街焕新颜", "nw.D110000renmrb_20180306_3-02.htm"),
                    // Longer than the 20 characters view() shows.
                    article_ref(
                        "“数字乡村”建设让农产品卖出好价钱，农民增收有了新路子",
                        "nw.D110000renmrb_20180306_4-02.htm"
                    ),
                ],
                &[
                    &[&[2., 2., 397., 2., 397., 120., 2., 120.]],
                    &[&[2., 130., 195., 130., 195., 380., 2., 380.]],
                    &[&[204., 130., 397., 130., 397., 380., 204., 380.]],
                    &[&[2., 390., 397., 390., 397., 567., 2., 567.]]
                ],
            ),
            image_url: Some(format!("{SCANS}02/rmrb2018030602_b.jpg")),
            map_size: MapSize::new(400, 575),
            pdf_url: Some(format!("{SCANS}02/rmrb2018030602.pdf")),
            prev_issue_url: None,
            next_issue_url: None,
        }
    );
}

#[test]
fn titles_come_from_the_script_alone_and_from_the_hidden_block_alone() {
    let page_url = url(PAGE_URL_STR);
    let titles = |html: &str| {
        parse_page(html, &page_url)
            .articles
            .into_iter()
            .map(|a| a.title)
            .collect::<Vec<_>>()
    };
    let expected = vec![
        Some("春耕时节田间忙".to_string()),
        Some("山区小学开设科学课 孩子们在实验中认识世界".to_string()),
        Some("古镇老街焕新颜".to_string()),
        Some("“数字乡村”建设让农产品卖出好价钱，农民增收有了新路子".to_string()),
    ];
    assert_eq!(titles(&PAGE_HTML.replace("id=mp_nw", "id=gone")), expected);
    assert_eq!(
        titles(&PAGE_HTML.replace("document.write(view(", "gone(")),
        expected
    );
}

#[test]
fn without_the_page_list_the_printed_label_and_the_date_line_are_used() {
    let html = PAGE_HTML
        .replace("id=pageLink", "id=gone")
        .replace("class=\"l_t\"", "class=\"gone\"");
    // No date in this URL: the date comes from `div#riqi_`.
    let page = parse_page(
        &html,
        &url("http://paper.example.cn/rmrb/nbs.D110000renmrb_02.htm"),
    );
    assert!(page.pages.is_empty());
    assert_eq!(page.page_no.as_deref(), Some("02"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    assert_eq!(page.date, NaiveDate::from_ymd_opt(2018, 3, 6));
}

#[test]
fn an_article_gives_its_titles_byline_body_and_pictures() {
    let article = parse_article(ARTICLE_HTML, &url(ARTICLE_URL_STR));
    assert_eq!(
        article,
        ArticleRecord {
            url: ARTICLE_URL_STR.into(),
            date: NaiveDate::from_ymd_opt(2018, 3, 6),
            page_no: Some("02".into()),
            page_name: Some("要闻".into()),
            pretitle: Some("聚焦教育均衡".into()),
            title: Some("山区小学开设科学课 孩子们在实验中认识世界".into()),
            subtitle: Some("县里为十二所村小配齐实验器材".into()),
            author: Some("本报记者 王小明 李华".into()),
            paragraphs: vec![
                "清晨八点，山坳里的村小响起了上课铃。四年级的教室里，二十多名学生围着一张长桌，认真记录着烧杯里的变化。".into(),
                "“以前只能看课本上的图，现在可以自己动手做实验了。”一名学生举起手中的放大镜说。".into(),
                "据介绍，去年以来，县里为十二所村小配齐了实验器材， 并组织城区教师定期下乡授课。".into(),
                "下一步，当地还将建设流动科普站，让更多孩子走近科学。".into(),
            ],
            images: vec![
                Image {
                    url: "http://paper.example.cn/rmrb/res/1/20180306/1520290000000_1.jpg"
                        .into(),
                    caption: Some("学生们在科学课上观察植物发芽。 本报记者 王小明摄".into()),
                },
                Image {
                    url: "http://paper.example.cn/rmrb/res/1/20180306/1520290000000_2.jpg"
                        .into(),
                    caption: None,
                },
            ],
        }
    );
}

/// 光明日报's article: no h4, the byline in `div.lai span` (`作者：…`), no 版 label but the
/// one in the source line.
#[test]
fn a_guangming_article_takes_its_byline_and_page_from_the_source_line() {
    let html = r#"<html><body><div class="text_c">
        <h1>河畔新绿</h1>
        <div class="lai"><span>作者：赵明</span>&nbsp;&nbsp;<span>《示例报》（ 2019年03月12日 05版）</span></div>
        <div class="c_c"><div id="ozoom"><p>　　岸边的柳树发了新芽。</p></div></div>
    </div></body></html>"#;
    let article = parse_article(
        html,
        &url("http://epaper.example.cn/gmrb/nw.D110000gmrb_20190312_3-05.htm?div=-1"),
    );
    assert_eq!(
        article.url,
        "http://epaper.example.cn/gmrb/nw.D110000gmrb_20190312_3-05.htm"
    );
    assert_eq!(article.title.as_deref(), Some("河畔新绿"));
    assert_eq!(article.pretitle, None);
    assert_eq!(article.subtitle, None);
    assert_eq!(article.author.as_deref(), Some("赵明"));
    assert_eq!(article.page_no.as_deref(), Some("05"));
    assert_eq!(article.page_name, None);
    // No date directory in this URL: from the file name.
    assert_eq!(article.date, NaiveDate::from_ymd_opt(2019, 3, 12));
    assert_eq!(article.paragraphs, vec!["岸边的柳树发了新芽。".to_string()]);
    assert!(article.images.is_empty());
}
