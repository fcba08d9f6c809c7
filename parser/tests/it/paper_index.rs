//! The PaperIndex / "Articel" system: URLs, and every field of its pages (the li.banci and the
//! 半岛都市报 variants, and the whole-issue index) and of its articles (the neirong and the id
//! styles). The fixtures in `fixtures/paper_index/` say which facts of each they model; the GBK
//! ones are served as GBK, as their papers serve them.

use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord};
use epaper_parser::families::paper_index::matches_url;
use url::Url;

use crate::support::{article, article_ref, date, gbk_with_crlf, mapped, page, page_ref};

const LIST_PAGE: &str = include_str!("../fixtures/paper_index/Page01TB.htm");
const BANDAO_PAGE: &str = include_str!("../fixtures/paper_index/PageA01BC.htm");
const INDEX: &str = include_str!("../fixtures/paper_index/PageArticleIndexLB.htm");
const NEIRONG_ARTICLE: &str = include_str!("../fixtures/paper_index/Articel02003BC.htm");
const ID_ARTICLE: &str = include_str!("../fixtures/paper_index/ArticelA03002JQ.htm");

fn untitled(url: &str) -> ArticleRef {
    ArticleRef {
        title: None,
        url: url.into(),
        regions: Vec::new(),
    }
}

#[test]
fn urls_of_the_system_are_recognised_and_other_families_are_not() {
    let kind = |s: &str| matches_url(&Url::parse(s).unwrap());
    let page = Some(DocKind::Page);
    let article = Some(DocKind::Article);
    for (url, expected) in [
        (
            "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
            page,
        ),
        (
            "http://paper.example.cn/dzrb/content/20240305/Page12NU.htm",
            page,
        ),
        (
            "https://paper.example.cn/bddsb/20240305/PageA01BC.htm",
            page,
        ),
        (
            "http://paper.example.cn/lzcb/content/20240305/Page01a.htm",
            page,
        ),
        (
            "http://paper.example.cn/fzrb/content/20240305/PageArticleIndexBT.htm",
            page,
        ),
        (
            "http://paper.example.cn/dzrb/content/20240305/Articel01003MT.htm",
            article,
        ),
        (
            "https://paper.example.cn/bddsb/20240305/ArticelA01002BC.htm",
            article,
        ),
        // The entry and the issue's first redirect are meta refreshes, no page of the system.
        ("http://paper.example.cn/dzrb/content/PaperIndex.htm", None),
        (
            "http://paper.example.cn/dzrb/content/20240305/IssueIndex.htm",
            None,
        ),
        ("http://paper.example.cn/dzrb/content/Page01TB.htm", None),
        (
            "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
            None,
        ),
        (
            "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
            None,
        ),
        (
            "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
            None,
        ),
    ] {
        assert_eq!(kind(url), expected, "{url}");
    }
}

#[test]
fn list_page_served_as_gbk_gives_every_field() {
    let base = "http://paper.example.cn/dzrb/content/20240305/";
    let url = format!("{base}Page01TB.htm");
    let record = page(&url, &gbk_with_crlf(LIST_PAGE));
    let expected = PageRecord {
        url: url.clone(),
        date: date(2024, 3, 5),
        page_no: Some("01".into()),
        page_name: Some("要闻".into()),
        pages: vec![
            page_ref("01", "要闻", &url),
            page_ref("02", "综合", &format!("{base}Page02TB.htm")),
            page_ref("03", "乡村", &format!("{base}Page03TB.htm")),
        ],
        // The title list's order, trimmed, then the map's area the list lacks; the footer's
        // article of another date is no article of this issue.
        articles: mapped(
            vec![
                article_ref("春灌时节 水渠边上忙", &format!("{base}Articel01001TB.htm")),
                article_ref("小镇图书馆夜读灯常亮", &format!("{base}Articel01002TB.htm")),
                article_ref(
                    "一张“明白纸”讲清惠农政策",
                    &format!("{base}Articel01003TB.htm"),
                ),
                untitled(&format!("{base}Articel01004TB.htm")),
            ],
            &[
                &[&[10., 10., 470., 160.]],
                &[&[10., 170., 230., 400.]],
                &[],
                &[&[240., 170., 470., 400.]],
            ],
        ),
        image_url: Some("http://paper.example.cn/dzrb/images/20240305/01/01_b.jpg".into()),
        map_size: None,
        pdf_url: Some("http://paper.example.cn/dzrb/images/20240305/01/01.pdf".into()),
        prev_issue_url: Some("http://paper.example.cn/dzrb/content/20240304/Page01TB.htm".into()),
        next_issue_url: Some("http://paper.example.cn/dzrb/content/20240306/Page01TB.htm".into()),
    };
    assert_eq!(record, expected);
}

/// Without its list (and so with no link to another 版 but 下一版, which is no list entry),
/// the page takes its label from `span.banci-NN`.
#[test]
fn list_page_without_its_list_takes_its_label_from_span_banci() {
    let start = LIST_PAGE.find("<ul class=\"banci_list\">").unwrap();
    let end = LIST_PAGE[start..].find("</ul>").unwrap() + start + "</ul>".len();
    let html = format!("{}{}", &LIST_PAGE[..start], &LIST_PAGE[end..]);
    let record = page(
        "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
        &gbk_with_crlf(&html),
    );
    assert!(record.pages.is_empty());
    assert_eq!(
        (record.page_no.as_deref(), record.page_name.as_deref()),
        (Some("01"), Some("要闻"))
    );
}

fn bandao_expected(url: &str, titles: [Option<&str>; 3]) -> PageRecord {
    let base = "https://paper.example.cn/bddsb/20240305/";
    let ids = [
        "ArticelA01001BC.htm",
        "ArticelA01002BC.htm",
        "ArticelA01003BC.htm",
    ];
    PageRecord {
        url: url.into(),
        date: date(2024, 3, 5),
        page_no: Some("A01".into()),
        page_name: Some("头版".into()),
        pages: vec![
            page_ref("A01", "头版", url),
            page_ref("A02", "要闻", &format!("{base}PageA02BC.htm")),
            page_ref("A03", "城市", &format!("{base}PageA03BC.htm")),
        ],
        articles: mapped(
            ids.iter()
                .zip(titles)
                .map(|(id, title)| ArticleRef {
                    title: title.map(str::to_string),
                    url: format!("{base}{id}"),
                    regions: Vec::new(),
                })
                .collect(),
            &[
                &[&[10., 10., 490., 160.]],
                &[&[10., 170., 240., 370.]],
                &[&[250., 170., 490., 370.]],
            ],
        ),
        image_url: Some("https://paper.example.cn/jpg/20240305/A01_b.jpg".into()),
        map_size: None,
        pdf_url: Some("https://paper.example.cn/pdf/20240305/A01.pdf".into()),
        // 上一期 and 下一期 are scripts here: nothing to follow.
        prev_issue_url: None,
        next_issue_url: None,
    }
}

#[test]
fn bandao_page_reads_bracketed_labels_its_title_list_and_pdf() {
    let url = "https://paper.example.cn/bddsb/20240305/PageA01BC.htm";
    let record = page(url, BANDAO_PAGE.as_bytes());
    let titles = [
        Some("海边栈道迎来首批游客"),
        Some("老码头改造成了文化街区"),
        Some("夜市摊主的“数字账本”"),
    ];
    assert_eq!(record, bandao_expected(url, titles));
}

/// Without the title list, the hotspots over the page image give the articles: the title in
/// `neirong` (none where it is empty), the article in `href`, or in `alt` where `href` is a
/// script.
#[test]
fn bandao_page_without_its_title_list_reads_the_hotspots() {
    let start = BANDAO_PAGE.find("<div class=\"bd_newslist\">").unwrap();
    let end = BANDAO_PAGE[start..].find("</div>").unwrap() + start + "</div>".len();
    let html = format!("{}{}", &BANDAO_PAGE[..start], &BANDAO_PAGE[end..]);
    let url = "https://paper.example.cn/bddsb/20240305/PageA01BC.htm";
    let record = page(url, html.as_bytes());
    let titles = [
        Some("海边栈道迎来首批游客"),
        Some("老码头改造成了文化街区"),
        None,
    ];
    assert_eq!(record, bandao_expected(url, titles));
}

#[test]
fn the_whole_issue_index_lists_every_page_and_every_article_in_order() {
    let base = "http://paper.example.cn/ylkqb/content/20240305/";
    let url = format!("{base}PageArticleIndexLB.htm");
    let record = page(&url, INDEX.as_bytes());
    let expected = PageRecord {
        url: url.clone(),
        date: date(2024, 3, 5),
        page_no: None,
        page_name: None,
        pages: vec![
            page_ref("01", "要闻", &format!("{base}Page01LB.htm")),
            page_ref("02", "综合", &format!("{base}Page02LB.htm")),
        ],
        articles: vec![
            article_ref("团场春耕机械全部就位", &format!("{base}Articel01001LB.htm")),
            article_ref("新建果蔬冷库投入使用", &format!("{base}Articel01002LB.htm")),
            article_ref("职工书屋开进连队", &format!("{base}Articel02001LB.htm")),
        ],
        // The PDFs it links are the pages', and it has no scan of its own.
        image_url: None,
        map_size: None,
        pdf_url: None,
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(record, expected);
}

#[test]
fn neirong_article_served_as_gbk_gives_every_field() {
    let url = "http://paper.example.cn/glrb/content/20240305/Articel02003BC.htm";
    let record = article(url, &gbk_with_crlf(NEIRONG_ARTICLE), Some("text/html"));
    let expected = ArticleRecord {
        url: url.into(),
        date: date(2024, 3, 5),
        page_no: Some("02".into()),
        page_name: Some("城事".into()),
        pretitle: Some("山水之间的新去处".into()),
        // The `<br>` in the title is a space between its lines.
        title: Some("漓江边上开了家 “流动书屋”".into()),
        subtitle: Some("志愿者每周末摆摊借书\u{3000}游客也能驻足翻阅".into()),
        author: Some("甲乙".into()),
        paragraphs: vec![
            "周六上午，江边步道旁的几张折叠桌上摆满了图书，吸引不少路过的市民和游客停下脚步。"
                .into(),
            "“书是大家捐的，借走看完再还回来就行。”负责摊位的志愿者小陈说，书屋已经坚持了三个月。"
                .into(),
            "据介绍，下一步书屋还将走进社区和学校。".into(),
        ],
        images: vec![Image {
            url: "http://paper.example.cn/glrb/images/20240305/02/pic1.jpg".into(),
            caption: Some("游客在江边的流动书屋里挑选图书\u{3000}本报记者 甲乙 摄".into()),
        }],
    };
    assert_eq!(record.title, expected.title);
    assert_eq!(record.paragraphs, expected.paragraphs);
    assert_eq!(record, expected);
}

fn id_expected(url: &str) -> ArticleRecord {
    let image = |n: u32, caption: &str| Image {
        url: format!("http://paper.example.cn/wfwb/images/20240305/A03/pic{n}.jpg"),
        caption: Some(caption.into()),
    };
    ArticleRecord {
        url: url.into(),
        date: date(2024, 3, 5),
        // From the URL (`ArticelA03002JQ`); the page names no 版.
        page_no: Some("A03".into()),
        page_name: None,
        pretitle: None,
        title: Some("风筝节开幕在即 老手艺人忙赶工".into()),
        subtitle: Some("一只“龙头蜈蚣”要扎上半个月".into()),
        author: Some("甲乙".into()),
        paragraphs: vec![
            "离风筝节开幕还有十天，城北一间作坊里，几位老手艺人正忙着劈竹、扎骨、糊纸。".into(),
            "“这只‘龙头蜈蚣’有四十多节，光骨架就得扎一个星期。”今年六十多岁的刘师傅说。".into(),
            "作坊里还来了几名大学生，跟着师傅学习传统扎制技艺。".into(),
        ],
        images: vec![
            image(1, "手艺人正在给风筝骨架糊纸"),
            image(2, "扎好的风筝挂满了作坊"),
        ],
    }
}

#[test]
fn id_style_article_gives_every_field_from_lines_split_by_br() {
    let url = "http://paper.example.cn/wfwb/content/20240305/ArticelA03002JQ.htm";
    let record = article(url, ID_ARTICLE.as_bytes(), None);
    let expected = id_expected(url);
    assert_eq!(record.paragraphs, expected.paragraphs);
    assert_eq!(record, expected);
}

/// An article that repeats the page list but prints no label of its own takes the 版 number
/// from its URL and the name from the list.
#[test]
fn an_article_names_its_page_from_the_list_it_repeats() {
    let html = ID_ARTICLE.replace(
        "<div class=\"wrap\">",
        "<div class=\"wrap\"><ul><li class=\"banci\"><a href=\"PageA01JQ.htm\">A01版：头版</a></li>\
         <li class=\"banci\"><a href=\"PageA03JQ.htm\">A03版：民生</a></li></ul>",
    );
    let url = "http://paper.example.cn/wfwb/content/20240305/ArticelA03002JQ.htm";
    let record = article(url, html.as_bytes(), None);
    let expected = ArticleRecord {
        page_name: Some("民生".into()),
        ..id_expected(url)
    };
    assert_eq!(record, expected);
}

/// Saved under a URL of no family, the pages and articles are still this system's.
#[test]
fn pages_and_articles_are_recognised_by_their_markup() {
    use epaper_common::messages::Record;
    let saved = Url::parse("file:///tmp/saved.html").unwrap();
    for (html, gbk, is_page) in [
        (LIST_PAGE, true, true),
        (BANDAO_PAGE, false, true),
        (INDEX, false, true),
        (NEIRONG_ARTICLE, true, false),
        (ID_ARTICLE, false, false),
    ] {
        let (family, _) = epaper_parser::detect(&saved, html).unwrap();
        assert_eq!(family.name, "paper-index");
        let bytes = if gbk {
            gbk_with_crlf(html)
        } else {
            html.as_bytes().to_vec()
        };
        let record = epaper_parser::parse(saved.as_str(), &bytes, None).unwrap();
        assert_eq!(matches!(record, Record::Page(_)), is_page, "{record:?}");
    }
}
