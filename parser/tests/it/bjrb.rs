//! 北京日报's bjrbdzb system and the plist papers: URLs, every 版 of the one issue document under
//! its `?page=K` URL, the plist index and pages, both article templates, and the UTF-8 pages
//! that declare gb2312 (`period.js` is read by `epaper_parser::calendar`). The fixtures copy the
//! structure the public crawlers describe (`../shared/article-markers.md` section 5) with
//! made-up text.

use epaper_common::messages::{ArticleRecord, DocKind, Image, MapSize, PageRecord};
use epaper_parser::families::bjrb::matches_url;
use url::Url;

use crate::support::{article, article_ref, date, gbk_with_crlf, mapped, page, page_ref};

const ISSUE_URL: &str = "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html";
const ISSUE_HTML: &str = include_str!("../fixtures/bjrb/20250618_m.html");
const ARTICLE_URL: &str =
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_002/content_20250618_002_3.htm";
const ARTICLE_HTML: &str = include_str!("../fixtures/bjrb/content_20250618_002_3.htm");
const PLIST_URL: &str = "http://paper.example.cn/fzrb/2025/20250618/20250618_plist.htm";
const PLIST_HTML: &str = include_str!("../fixtures/bjrb/20250618_plist.htm");
const PLIST_PAGE_URL: &str =
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html";
const PLIST_PAGE_HTML: &str = include_str!("../fixtures/bjrb/20250618_002.html");
const PLIST_ARTICLE_URL: &str =
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002_3.htm";
const PLIST_ARTICLE_HTML: &str = include_str!("../fixtures/bjrb/20250618_002_3.htm");

const ISSUE_DIR: &str = "http://paper.example.cn/bjrb/mobile/2025/20250618/";
const PLIST_DIR: &str = "http://paper.example.cn/fzrb/2025/20250618/";
/// What bjrbdzb serves: UTF-8 under a page and a header that both say gb2312.
const GB2312: Option<&str> = Some("text/html; charset=gb2312");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn issue(url: &str) -> PageRecord {
    match epaper_parser::parse(url, ISSUE_HTML.as_bytes(), GB2312) {
        Ok(epaper_common::messages::Record::Page(page)) => page,
        other => panic!("{url} should parse as a page, got {other:?}"),
    }
}

fn ban(k: usize) -> String {
    match k {
        0 => ISSUE_URL.to_string(),
        _ => format!("{ISSUE_URL}?page={k}"),
    }
}

fn scan_and_pdf(k: usize) -> (Option<String>, Option<String>) {
    let file = format!("{ISSUE_DIR}20250618_00{k}/news-bjrb-00000-20250618-m-00{k}-300");
    (Some(format!("{file}.jpg")), Some(format!("{file}.pdf")))
}

fn issue_record(k: usize, page_no: &str, page_name: &str, articles: &[(&str, &str)]) -> PageRecord {
    let (image_url, pdf_url) = scan_and_pdf(k + 1);
    PageRecord {
        url: ban(k),
        date: date(2025, 6, 18),
        page_no: Some(page_no.into()),
        page_name: Some(page_name.into()),
        pages: vec![
            page_ref("01", "头版", &ban(0)),
            page_ref("02", "要闻", &ban(1)),
            page_ref("03", "城市副刊", &ban(2)),
        ],
        articles: articles
            .iter()
            .map(|(title, file)| article_ref(title, &format!("{ISSUE_DIR}{file}")))
            .collect(),
        image_url,
        map_size: None,
        pdf_url,
        prev_issue_url: None,
        next_issue_url: None,
    }
}

#[test]
fn urls_of_both_systems_are_recognised_and_other_families_are_not() {
    let kind = |s: &str| matches_url(&url(s));
    for page in [ISSUE_URL, PLIST_URL, PLIST_PAGE_URL] {
        assert_eq!(kind(page), Some(DocKind::Page), "{page}");
    }
    assert_eq!(kind(&format!("{ISSUE_URL}?page=3")), Some(DocKind::Page));
    for article in [ARTICLE_URL, PLIST_ARTICLE_URL] {
        assert_eq!(kind(article), Some(DocKind::Article), "{article}");
    }
    for other in [
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
        "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
        "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
        "http://paper.example.cn/bjrb/paperindex.htm",
        "http://paper.example.cn/bjrb/period/202506/period.js",
        "http://paper.example.cn/epaper/read.do?m=i&iid=6120&idate=2_2025-06-18",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

#[test]
fn the_issue_document_is_its_first_page_and_lists_every_page_by_its_query() {
    let expected = issue_record(
        0,
        "01",
        "头版",
        &[
            (
                "城市副中心绿道全线贯通",
                "20250618_001/content_20250618_001_1.htm",
            ),
            // The first of the two titles the document gives it, inner U+3000 kept.
            (
                "夏粮收购　有序展开",
                "20250618_001/content_20250618_001_2.htm",
            ),
            (
                "胡同里的社区食堂开张了",
                "20250618_001/content_20250618_001_3.htm",
            ),
        ],
    );
    assert_eq!(issue(ISSUE_URL), expected);
    // `?page=0` is the first 版, under its one URL; a cache-buster is dropped.
    assert_eq!(
        issue(&format!("{ISSUE_URL}?page=0&v=1750204800#page0")),
        expected
    );
}

#[test]
fn each_page_of_the_issue_document_is_read_under_its_own_url() {
    // The reader's cache-buster and the fragment go; `page` stays.
    let second = issue(&format!("{ISSUE_URL}?v=1750204800&page=1#page1"));
    assert_eq!(
        second,
        issue_record(
            1,
            "02",
            "要闻",
            &[
                (
                    "科技园区迎来首批入驻企业",
                    "20250618_002/content_20250618_002_1.htm"
                ),
                // Its link to the day before's article is not this issue's.
                (
                    "老旧小区加装电梯提速",
                    "20250618_002/content_20250618_002_3.htm"
                ),
            ],
        )
    );
    let third = issue(&ban(2));
    assert_eq!(
        third,
        issue_record(
            2,
            "03",
            "城市副刊",
            &[("夏夜的什刹海", "20250618_003/content_20250618_003_1.htm")],
        )
    );
}

#[test]
fn a_page_the_issue_document_does_not_have_is_an_empty_page_of_the_issue() {
    let record = issue(&format!("{ISSUE_URL}?page=7"));
    let mut expected = issue_record(0, "01", "", &[]);
    expected.url = format!("{ISSUE_URL}?page=7");
    (expected.page_no, expected.page_name) = (None, None);
    (expected.image_url, expected.pdf_url) = (None, None);
    assert_eq!(record, expected);
    // A `page` that is no number names the first 版.
    assert_eq!(issue(&format!("{ISSUE_URL}?page=x")).url, ISSUE_URL);
}

#[test]
fn a_utf8_article_declared_gb2312_reads_whole() {
    let expected = ArticleRecord {
        url: ARTICLE_URL.into(),
        date: date(2025, 6, 18),
        page_no: Some("02".into()),
        page_name: None,
        pretitle: Some("一年新增四百余部".into()),
        title: Some("老旧小区加装电梯提速".into()),
        subtitle: Some("居民议事会让“一楼难题”有了解法".into()),
        author: Some("陈思远 刘晓雯".into()),
        paragraphs: vec![
            "清晨七点，朝阳区一处老小区的楼门口，施工队已经开始忙碌。这栋六层楼的电梯井道上周刚刚完成吊装。".into(),
            "“以前最担心的是一楼住户不同意，现在大家坐下来一起算账，补偿方案也摆在桌面上。”社区工作人员说。".into(),
            "据了解，今年以来，全市老旧小区新增加装电梯四百余部，另有一批项目正在公示。".into(),
        ],
        images: vec![Image {
            url: "http://paper.example.cn/bjrb/resfile/2025-06-18/02/pic_1.jpg".into(),
            caption: Some("施工人员正在安装电梯导轨。 本报记者 陈思远摄".into()),
        }],
    };
    for content_type in [GB2312, None, Some("text/html")] {
        let record = article(ARTICLE_URL, ARTICLE_HTML.as_bytes(), content_type);
        assert_eq!(record, expected, "{content_type:?}");
    }
}

#[test]
fn the_plist_index_is_a_page_list_without_a_page_of_its_own() {
    let record = page(PLIST_URL, &gbk_with_crlf(PLIST_HTML));
    let page_url = |n: u32| format!("{PLIST_DIR}20250618_00{n}/20250618_00{n}.html");
    assert_eq!(
        record,
        PageRecord {
            url: PLIST_URL.into(),
            date: date(2025, 6, 18),
            page_no: None,
            page_name: None,
            pages: vec![
                page_ref("01", "要闻", &page_url(1)),
                page_ref("02", "综合新闻", &page_url(2)),
                page_ref("03", "闽江潮", &page_url(3)),
            ],
            articles: vec![],
            image_url: None,
            map_size: None,
            pdf_url: None,
            prev_issue_url: None,
            next_issue_url: None,
        }
    );
}

#[test]
fn a_plist_page_gives_its_map_articles_and_scan_and_its_number_from_its_directory() {
    let record = page(PLIST_PAGE_URL, &gbk_with_crlf(PLIST_PAGE_HTML));
    let article = |k: u32| format!("{PLIST_DIR}20250618_002/20250618_002_{k}.htm");
    let expected = PageRecord {
        url: PLIST_PAGE_URL.into(),
        date: date(2025, 6, 18),
        page_no: Some("02".into()),
        page_name: None,
        pages: vec![],
        // Each once, titled by its first area that has a title; the notice of another day left
        // out.
        articles: mapped(
            vec![
                article_ref("闽江两岸夜景提升工程完工", &article(1)),
                article_ref("古厝修缮留住乡愁", &article(2)),
                article_ref("社区书屋成了孩子们的暑期乐园", &article(3)),
            ],
            &[
                &[&[10., 12., 350., 160.]],
                &[&[10., 170., 180., 380.]],
                &[&[185., 170., 350., 380.], &[185., 385., 350., 420.]],
            ],
        ),
        image_url: Some("http://paper.example.cn/fzrb/pic/2025-06/18/fzrb20250618002.jpg".into()),
        map_size: MapSize::new(360, 520),
        pdf_url: None,
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(record, expected);
    // A page that prints the index's table beside its map takes its label and PDF from its row.
    let table_start = PLIST_HTML.find("<table").unwrap();
    let table_end = PLIST_HTML.find("</table>").unwrap() + "</table>".len();
    let table = PLIST_HTML[table_start..table_end].replace("./2025", "../2025");
    let with_list = PLIST_PAGE_HTML.replace("<div id=\"pagepic\">", &format!("{table}<div>"));
    let record = page(PLIST_PAGE_URL, &gbk_with_crlf(&with_list));
    assert_eq!(record.page_name.as_deref(), Some("综合新闻"));
    assert_eq!(record.pages.len(), 3);
    assert_eq!(
        record.pdf_url,
        Some(format!("{PLIST_DIR}20250618_002/fzrb20250618002.pdf"))
    );
    assert_eq!(record.articles, expected.articles);
}

#[test]
fn a_gbk_plist_article_gives_every_field() {
    let record = article(
        PLIST_ARTICLE_URL,
        &gbk_with_crlf(PLIST_ARTICLE_HTML),
        Some("text/html"),
    );
    assert_eq!(
        record,
        ArticleRecord {
            url: PLIST_ARTICLE_URL.into(),
            date: date(2025, 6, 18),
            page_no: Some("02".into()),
            page_name: None,
            pretitle: Some("放假第一周".into()),
            title: Some("社区书屋成了孩子们的暑期乐园".into()),
            subtitle: Some("志愿者轮流值守 开放时间延长到晚上八点".into()),
            author: Some("林晓雨".into()),
            paragraphs: vec![
                "暑假第一周，鼓楼区一间社区书屋里坐满了小读者。书架上新添了三百多册绘本和科普读物。".into(),
                "书屋负责人介绍，今年起由居民志愿者轮流值守，开放时间也从下午五点延长到晚上八点。".into(),
                "“放学后有个安静的地方看书写作业，家长也放心。”一位家长说。".into(),
            ],
            images: vec![Image {
                url: "http://paper.example.cn/fzrb/pic/2025-06/18/20250618_002_3_1.jpg".into(),
                caption: Some("孩子们在社区书屋里阅读。 林晓雨摄".into()),
            }],
        }
    );
}

/// The plist index has no articles and its pages no page list, so the shared detection test,
/// which asks for both, leaves them to this one.
#[test]
fn the_plist_index_and_page_saved_under_another_name_are_read_by_their_markup() {
    for (html, pages, articles) in [(PLIST_HTML, 3, 0), (PLIST_PAGE_HTML, 0, 3)] {
        let saved = epaper_parser::parse("file:///tmp/saved.html", html.as_bytes(), None);
        let Ok(epaper_common::messages::Record::Page(record)) = saved else {
            panic!("not read as a page: {saved:?}")
        };
        // Relative links have no web address under a file name.
        assert_eq!((record.pages.len(), record.articles.len()), (0, 0));
        let at_url = page(
            if pages > 0 { PLIST_URL } else { PLIST_PAGE_URL },
            html.as_bytes(),
        );
        assert_eq!(
            (at_url.pages.len(), at_url.articles.len()),
            (pages, articles)
        );
    }
}
