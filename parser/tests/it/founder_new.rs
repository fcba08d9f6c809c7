//! The new Founder layout (人民日报 `pc/layout`, 光明日报 `html/layout`): URLs, and every field
//! of a page and an article. The fixtures copy the real pages' markup (NOTES 1C, ground truth 3)
//! with made-up text.
use chrono::NaiveDate;
use epaper_common::messages::{
    ArticleRecord, ArticleRef, DocKind, Image, MapSize, PageRecord, PageRef,
};
use epaper_parser::families::founder_new::{matches_url, parse_article, parse_page};
use epaper_parser::label::split_page_label;
use url::Url;

use crate::support::mapped;

const RMRB_PAGE: &str = include_str!("../fixtures/founder_new/rmrb_page.html");
const RMRB_ARTICLE: &str = include_str!("../fixtures/founder_new/rmrb_article.html");
const GMRB_PAGE: &str = include_str!("../fixtures/founder_new/gmrb_page.html");
const GMRB_ARTICLE: &str = include_str!("../fixtures/founder_new/gmrb_article.html");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn page_ref(page_no: &str, page_name: &str, url: &str) -> PageRef {
    PageRef {
        page_no: some(page_no),
        page_name: some(page_name),
        url: url.to_string(),
    }
}

fn article_ref(title: Option<&str>, url: &str) -> ArticleRef {
    ArticleRef {
        title: title.map(str::to_string),
        url: url.to_string(),
        regions: Vec::new(),
    }
}

#[test]
fn urls_of_the_family_are_recognised_and_classic_ones_are_not() {
    let kind = |s: &str| matches_url(&url(s));
    let page = Some(DocKind::Page);
    let article = Some(DocKind::Article);
    assert_eq!(
        kind("https://paper.people.com.cn/rmrb/pc/layout/202603/10/node_01.html"),
        page
    );
    assert_eq!(
        kind("https://paper.people.com.cn/rmrb/pc/content/202603/10/content_30144445.html"),
        article
    );
    assert_eq!(
        kind("https://epaper.gmw.cn/gmrb/html/layout/202506/18/node_01.html"),
        page
    );
    assert_eq!(
        kind("https://epaper.gmw.cn/gmrb/html/content/202506/18/content_51234.html"),
        article
    );
    assert_eq!(
        kind("https://xh.xhby.net/pc/layout/202506/18/node_1.html"),
        page
    );
    assert_eq!(
        kind("https://xh.xhby.net/pc/con/202506/18/content_1234567.html"),
        article
    );
    assert_eq!(
        kind("https://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2023-02/10/node_2.htm"),
        None
    );
    assert_eq!(
        kind("https://digitalpaper.stdaily.com/kjrb/html/2023-02/10/content_548643.htm"),
        None
    );
    assert_eq!(
        kind("https://paper.people.com.cn/rmrb/pc/layout/202603/10/index.html"),
        None
    );
}

/// The URL shapes of every skin and of the pad pages (families.md "Founder new layout",
/// article-markers.md 1): page files `node_XX`, `colXX`, `lXX`, `n_1` in any directory with
/// `YYYYMM/DD`; articles `content_N` there, `cN`/`c_N` under an article directory.
#[test]
fn urls_of_every_skin_and_of_the_pad_pages_are_recognised() {
    let kind = |s: &str| matches_url(&url(s));
    for page in [
        "https://paper.example.cn/gsrb/pc/layout/202506/18/node_02.html",
        "http://paper.example.cn/PC/layout/202208/19/node_A01.html",
        "https://paper.example.cn/PC/layout/202506/18/colA01.html",
        "https://paper.example.cn/gsrb/202205/08/col01.html",
        "https://paper.example.cn/szb/pc/202506/18/l01.html",
        "https://paper.example.cn/xx/pc/column/202506/18/lWBA01.html",
        "https://paper.example.cn/xzrb/pc/paper/layout/202506/18/n_1.html",
        "https://paper.example.cn/cqwb/html/202506/18/node_001.html",
        "https://paper.example.cn/zqsb/col/202506/18/node_A001.html",
        "https://paper.example.cn/xx/layout/202506/18/node_01B.html",
        "https://paper.example.cn/xx/layout/202506/18/node_JSA01.html",
        "https://paper.example.cn/hbrb/pad/column/202506/18/node_01.html",
    ] {
        assert_eq!(kind(page), Some(DocKind::Page), "{page}");
    }
    for article in [
        "https://paper.example.cn/gsrb/pc/con/202506/18/c412346.html",
        "https://paper.example.cn/ahfzb/pc/con/202506/18/content_1.html",
        "https://paper.example.cn/gzrb/pc/cont/202506/18/content_77.html",
        "https://paper.example.cn/xzrb/pc/paper/c/202506/18/c_20002.html",
        "https://paper.example.cn/PC/content/202506/18/content_1202.html",
        "https://paper.example.cn/lnsb/html/202506/18/content_7002.html",
        "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html",
    ] {
        assert_eq!(kind(article), Some(DocKind::Article), "{article}");
    }
    for other in [
        // Classic and nbs.
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
        "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
        // Entry points and other files of the new layout.
        "https://paper.example.cn/gsrb/pc/layout/index.html",
        "https://paper.example.cn/gsrb/pc/layout/202506/18/index.html",
        // `cN` outside an article directory.
        "https://paper.example.cn/gsrb/pc/layout/202506/18/c412346.html",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn the_page_label_without_di_splits_too() {
    assert_eq!(split_page_label("01版：要闻"), (some("01"), some("要闻")));
    assert_eq!(split_page_label("01版: 头版"), (some("01"), some("头版")));
}

/// The map's space is the `width` and `height` of the scan's `img` when both are plain pixel
/// numbers; a page that gives one of them, or a value that is no pixel count, gives no space,
/// and its regions stay as they were written.
#[test]
fn the_map_size_is_the_scans_plain_pixel_width_and_height_or_none() {
    const SIZED: &str = r#"<img width="400" height="575" src="#;
    assert_eq!(RMRB_PAGE.matches(SIZED).count(), 1);
    let page_url = url("https://paper.people.com.cn/rmrb/pc/layout/202506/18/node_02.html");
    let with = |attrs: &str| {
        parse_page(
            &RMRB_PAGE.replace(SIZED, &format!("<img {attrs} src=")),
            &page_url,
        )
    };
    assert_eq!(
        with(r#"width="400px" height="575px""#).map_size,
        MapSize::new(400, 575)
    );
    let plain = parse_page(RMRB_PAGE, &page_url);
    for attrs in [
        "",
        r#"width="400""#,
        r#"width="100%" height="100%""#,
        r#"width="0" height="575""#,
        r#"width="-400" height="575""#,
        r#"width="400.5" height="575""#,
        r#"width="1e3" height="575""#,
        r#"width="4294967296" height="575""#,
        r#"width="60001" height="575""#,
        r#"width="400" height="575;background:url(x)""#,
        r#"width="&#52;00" height="5&#x37;5x""#,
    ] {
        let page = with(attrs);
        assert_eq!(page.map_size, None, "{attrs}");
        // Everything else is read as before, regions included.
        assert_eq!(page.articles, plain.articles, "{attrs}");
        assert_eq!(page.image_url, plain.image_url, "{attrs}");
    }
}

#[test]
fn rmrb_page_gives_every_contract_field() {
    let base = "https://paper.people.com.cn/rmrb/pc/";
    let page_url = format!("{base}layout/202506/18/node_02.html");
    let record = parse_page(RMRB_PAGE, &url(&page_url));
    let content = |n: u32| format!("{base}content/202506/18/content_{n}.html");
    let expected = PageRecord {
        url: page_url.clone(),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("02"),
        page_name: some("要闻"),
        pages: vec![
            page_ref(
                "01",
                "要闻",
                &format!("{base}layout/202506/18/node_01.html"),
            ),
            page_ref("02", "要闻", &page_url),
            page_ref(
                "03",
                "评论",
                &format!("{base}layout/202506/18/node_03.html"),
            ),
            page_ref(
                "04",
                "国际",
                &format!("{base}layout/202506/18/node_04.html"),
            ),
        ],
        // Titles trimmed, the inner double space folded; the map-only article once, without
        // its `?div=-1` twin; the footer's notice of another date left out.
        articles: mapped(
            vec![
                article_ref(Some("全国夏粮收购进度过半"), &content(40000101)),
                article_ref(Some("科技小院  让田间地头更有“科技范”"), &content(40000102)),
                article_ref(
                    Some("黄河沿岸生态修复取得新进展（美丽中国）"),
                    &content(40000103),
                ),
                article_ref(None, &content(40000104)),
            ],
            // Read as f32: the fixture's 396.64952 and 571.83718375 are these.
            &[
                &[&[10.5, 20.25, 190.125, 20.25, 190.125, 180.5, 10.5, 180.5]],
                &[&[
                    200.75, 20.25, 396.5, 20.25, 396.5, 250.0625, 200.75, 250.0625,
                ]],
                &[&[
                    3.771628, 260.5, 396.6495, 260.5, 396.6495, 420.125, 3.771628, 420.125,
                ]],
                &[
                    &[
                        3.771628, 430.0, 396.6495, 430.0, 396.6495, 571.83716, 3.771628, 571.83716,
                    ],
                    &[3.5, 540.0, 60.25, 540.0, 60.25, 571.5, 3.5, 571.5],
                ],
            ],
        ),
        image_url: Some(format!(
            "{base}pic/202506/18/0f3c2a1e-5b7d-4c11-9e0a-6d2b8f41c7aa.jpg.2"
        )),
        map_size: MapSize::new(400, 575),
        pdf_url: Some(format!(
            "{base}attachement/202506/18/7a1e9c44-2d3b-4f6e-8c5a-1b0d9e2f3a47.pdf"
        )),
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(record, expected);
}

#[test]
fn rmrb_article_gives_every_contract_field() {
    let base = "https://paper.people.com.cn/rmrb/pc/";
    let article_url = format!("{base}content/202506/18/content_40000102.html");
    let record = parse_article(RMRB_ARTICLE, &url(&article_url));
    let expected = ArticleRecord {
        url: article_url,
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        // `第 02 版` of the dateline, named by the page list the article carries.
        page_no: some("02"),
        page_name: some("要闻"),
        pretitle: some("聚焦夏粮生产"),
        title: some("科技小院  让田间地头更有“科技范”"),
        subtitle: some("专家团队常驻村里 农户种地有了“明白人”"),
        // The empty `<author>` of the metadata falls through to `p.sec`, without its date.
        author: some("本报记者 王晓明 李青禾"),
        paragraphs: vec![
            "清晨六点，村东头的麦田里已经有了人影。几名戴草帽的年轻人蹲在地头， \
             一边翻看土样，一边在本子上记着数据。"
                .to_string(),
            "“他们来了以后，种地心里有底了。”种粮大户老周说。".to_string(),
            "据介绍，科技小院今年已在当地推广节水灌溉技术两万余亩。".to_string(),
        ],
        images: vec![
            Image {
                url: format!("{base}pic/202506/18/b41d2c7e-0a9f-4e3b-8d6c-2f5a1e7b9c30.jpg"),
                caption: some("科技小院的专家在麦田里查看墒情。 本报记者  王晓明摄"),
            },
            Image {
                url: format!("{base}pic/202506/18/e2c9f0a4-7b13-4d8e-a5f6-3c1b2d4e5f60.jpg"),
                caption: None,
            },
        ],
    };
    assert_eq!(record, expected);
}

#[test]
fn the_metadata_author_wins_over_the_printed_line() {
    let html = RMRB_ARTICLE.replace("<author></author>", "<author>王晓明 李青禾</author>");
    let record = parse_article(
        &html,
        &url("https://paper.people.com.cn/rmrb/pc/content/202506/18/content_40000102.html"),
    );
    assert_eq!(record.author, some("王晓明 李青禾"));
}

#[test]
fn gmrb_page_gives_every_contract_field() {
    let base = "https://epaper.gmw.cn/gmrb/html/";
    let page_url = format!("{base}layout/202506/18/node_01.html");
    let record = parse_page(GMRB_PAGE, &url(&page_url));
    let content = |n: u32| format!("{base}content/202506/18/content_{n}.html");
    let expected = PageRecord {
        url: page_url.clone(),
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("01"),
        page_name: some("头版"),
        // No `a#pageLink`: the labelled node links of this directory, not `下一版`.
        pages: vec![
            page_ref("01", "头版", &page_url),
            page_ref(
                "02",
                "要闻",
                &format!("{base}layout/202506/18/node_02.html"),
            ),
            page_ref(
                "03",
                "文化周刊",
                &format!("{base}layout/202506/18/node_03.html"),
            ),
        ],
        articles: mapped(
            vec![
                article_ref(Some("古籍修复师的“慢功夫”"), &content(51234)),
                article_ref(Some("高校毕业生就业服务持续加力"), &content(51235)),
            ],
            &[
                &[&[5., 5., 300., 5., 300., 200., 5., 200.]],
                &[&[5., 210., 300., 210., 300., 400., 5., 400.]],
            ],
        ),
        image_url: Some(format!("{base}pic/202506/18/gmrb20250618_01.jpg")),
        map_size: None,
        pdf_url: Some(format!("{base}attachement/202506/18/gmrb20250618_01.pdf")),
        // `a#goPrePeriod href="#"` is JS only.
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(record, expected);
}

#[test]
fn gmrb_article_gives_every_contract_field() {
    let base = "https://epaper.gmw.cn/gmrb/html/";
    let article_url = format!("{base}content/202506/18/content_51234.html");
    let record = parse_article(GMRB_ARTICLE, &url(&article_url));
    let expected = ArticleRecord {
        url: article_url,
        date: NaiveDate::from_ymd_opt(2025, 6, 18),
        page_no: some("01"),
        page_name: some("头版"),
        pretitle: some("守护文脉"),
        title: some("古籍修复师的“慢功夫”"),
        subtitle: None,
        author: some("本报记者 陈思远"),
        paragraphs: vec![
            "一张残页，要补上百个虫洞。".to_string(),
            "“急不得，一急就坏事。”她笑着说。".to_string(),
        ],
        images: vec![Image {
            url: format!("{base}pic/202506/18/gmrb_51234_1.jpg"),
            caption: some("修复师在工作台前比对纸样。"),
        }],
    };
    assert_eq!(record, expected);
}
