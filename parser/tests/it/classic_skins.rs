//! The classic Founder layout's restyled skins (`../shared/families.md`, "Founder classic and
//! its restyled skins"): the "bmdh", "layout-catalogue" and "main-ednav" page lists, and the
//! `table.wz` article template. Each keeps `html/YYYY-MM/DD/node_N.htm` and `content_N.htm`;
//! the fixtures in `fixtures/classic/` say which facts of each skin they model.

use epaper_common::messages::{ArticleRecord, DocKind, Image, PageRecord};
use epaper_parser::families::classic::matches_url;
use url::Url;

use crate::support::{article, article_ref, date, mapped, page, page_ref, utf8_with_bom_and_crlf};

const BMDH_PAGE: &str = include_str!("../fixtures/classic/bmdh_node_2.htm");
const WZ_ARTICLE: &str = include_str!("../fixtures/classic/wz_content_20321.htm");
const CATALOGUE_PAGE: &str = include_str!("../fixtures/classic/catalogue_node_1.htm");
const EDNAV_PAGE: &str = include_str!("../fixtures/classic/ednav_node_79.htm");

fn none_title(url: &str) -> epaper_common::messages::ArticleRef {
    epaper_common::messages::ArticleRef {
        title: None,
        url: url.into(),
        regions: Vec::new(),
    }
}

#[test]
fn the_skins_keep_the_classic_urls_also_under_a_papers_code() {
    let kind = |s: &str| matches_url(&Url::parse(s).unwrap());
    for (url, expected) in [
        (
            "http://epaper.example.cn/bhrb/html/2024-03/05/node_2.htm",
            Some(DocKind::Page),
        ),
        (
            "http://epaper.example.cn/bhrb/html/2024-03/05/content_20321.htm",
            Some(DocKind::Article),
        ),
        (
            "https://newpaper.example.cn/dhb/html/2024-03/05/node_1.htm",
            Some(DocKind::Page),
        ),
        (
            "http://paper.example.cn/html/2024-03/05/node_79.htm",
            Some(DocKind::Page),
        ),
        (
            "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
            None,
        ),
        (
            "http://paper.example.cn/dzrb/content/20240305/Articel01003TB.htm",
            None,
        ),
    ] {
        assert_eq!(kind(url), expected, "{url}");
    }
}

#[test]
fn bmdh_page_gives_its_list_current_page_own_pdf_map_and_issue_links() {
    let base = "http://epaper.example.cn/bhrb/html/2024-03/05/";
    let url = format!("{base}node_2.htm");
    let record = page(&url, &utf8_with_bom_and_crlf(BMDH_PAGE));
    let expected = PageRecord {
        url: url.clone(),
        date: date(2024, 3, 5),
        page_no: Some("02".into()),
        page_name: Some("综合新闻".into()),
        pages: vec![
            page_ref("01", "要闻", &format!("{base}node_1.htm")),
            page_ref("02", "综合新闻", &url),
            page_ref("03", "北部湾", &format!("{base}node_3.htm")),
        ],
        // The title list's order, trimmed, then the area the list leaves out, each once
        // without its `?div=`; the footer's "about us" of 2010 is no article of this issue.
        articles: mapped(
            vec![
                article_ref("小巷里的“共享菜园”", &format!("{base}content_20321.htm")),
                article_ref(
                    "渔港码头迎来开海第一船",
                    &format!("{base}content_20322.htm"),
                ),
                article_ref(
                    "社区食堂 把饭菜做到老人心坎上",
                    &format!("{base}content_20323.htm"),
                ),
                none_title(&format!("{base}content_20324.htm")),
            ],
            &[
                &[
                    &[10., 10., 240., 10., 240., 200., 10., 200.],
                    &[10., 10., 240., 10., 240., 120., 10., 120.],
                ],
                &[&[250., 10., 490., 10., 490., 300., 250., 300.]],
                &[&[10., 210., 240., 210., 240., 500., 10., 500.]],
                &[&[250., 310., 490., 310., 490., 500., 250., 500.]],
            ],
        ),
        image_url: Some(
            "http://epaper.example.cn/bhrb/page/2024-03/05/02/bhrb20240305002_b.jpg".into(),
        ),
        // `a#bigbmshowpdf`, not the first PDF of the page list (the 1st 版's).
        map_size: None,
        pdf_url: Some(
            "http://epaper.example.cn/bhrb/page/2024-03/05/02/bhrb20240305002.pdf".into(),
        ),
        prev_issue_url: Some("http://epaper.example.cn/bhrb/html/2024-03/04/node_1.htm".into()),
        next_issue_url: Some("http://epaper.example.cn/bhrb/html/2024-03/06/node_1.htm".into()),
    };
    assert_eq!(record, expected);
}

#[test]
fn bmdh_page_without_its_list_reads_its_label_from_current_bm() {
    let start = BMDH_PAGE.find("<table id=\"bmdhTable\"").unwrap();
    let end = BMDH_PAGE[start..].find("</table>").unwrap() + start + "</table>".len();
    let html = format!("{}{}", &BMDH_PAGE[..start], &BMDH_PAGE[end..]);
    let record = page(
        "http://epaper.example.cn/bhrb/html/2024-03/05/node_2.htm",
        html.as_bytes(),
    );
    assert!(record.pages.is_empty());
    assert_eq!(
        (record.page_no.as_deref(), record.page_name.as_deref()),
        (Some("02"), Some("综合新闻"))
    );
}

fn wz_expected(url: &str) -> ArticleRecord {
    ArticleRecord {
        url: url.into(),
        date: date(2024, 3, 5),
        page_no: Some("02".into()),
        page_name: Some("综合新闻".into()),
        pretitle: Some("春日里的邻里故事".into()),
        title: Some("小巷里的“共享菜园”".into()),
        // The `<br>` of the 副题 is a space between its two lines.
        subtitle: Some("闲置角落变身绿色客厅 居民轮流认领打理".into()),
        author: Some("本报记者 甲乙 通讯员 丙丁".into()),
        paragraphs: vec![
            "老城区的一条小巷尽头，原本堆满杂物的空地如今种上了青菜、葱蒜和几株番茄。".into(),
            "“地方不大，可大家一有空就过来看看。”住在巷口的王大爷说，菜园由十几户人家轮流认领。"
                .into(),
            "社区工作人员介绍，下一步还打算在菜园旁搭一个小凉棚，方便居民坐下来聊天。".into(),
        ],
        images: vec![Image {
            url: "http://epaper.example.cn/bhrb/res/2024-03/05/02/res01_attpic_brief.jpg".into(),
            caption: Some("居民在菜园里给新栽的青菜浇水\u{3000}\u{3000}本报记者 甲乙 摄".into()),
        }],
    }
}

#[test]
fn wz_article_gives_its_title_rows_byline_element_body_and_picture() {
    let url = "http://epaper.example.cn/bhrb/html/2024-03/05/content_20321.htm";
    let record = article(url, &utf8_with_bom_and_crlf(WZ_ARTICLE), None);
    let expected = wz_expected(url);
    assert_eq!(record.title, expected.title);
    assert_eq!(record.pretitle, expected.pretitle);
    assert_eq!(record.subtitle, expected.subtitle);
    assert_eq!(record.author, expected.author);
    assert_eq!(record.paragraphs, expected.paragraphs);
    assert_eq!(record.images, expected.images);
    assert_eq!(record, expected);
}

#[test]
fn wz_article_with_an_empty_pretitle_row_has_no_pretitle_and_keeps_the_title() {
    let html = WZ_ARTICLE.replace(">春日里的邻里故事</td>", ">&nbsp;</td>");
    let url = "http://epaper.example.cn/bhrb/html/2024-03/05/content_20321.htm";
    let record = article(url, html.as_bytes(), None);
    assert_eq!(record.pretitle, None);
    assert_eq!(record.title.as_deref(), Some("小巷里的“共享菜园”"));
    assert_eq!(
        record.subtitle.as_deref(),
        Some("闲置角落变身绿色客厅 居民轮流认领打理")
    );
}

#[test]
fn wz_article_without_founder_author_takes_the_byline_the_body_prints() {
    let html = WZ_ARTICLE
        .replace(
            "<tr valign=\"top\"><td align=\"center\"><founder-author>本报记者 甲乙 通讯员 丙丁</founder-author></td></tr>",
            "",
        )
        .replace(
            "<founder-content><p>",
            "<founder-content><p>　　■ 本报记者 戊己</p><p>",
        );
    let url = "http://epaper.example.cn/bhrb/html/2024-03/05/content_20321.htm";
    let record = article(url, html.as_bytes(), None);
    let expected = ArticleRecord {
        author: Some("戊己".into()),
        ..wz_expected(url)
    };
    assert_eq!(record, expected);
}

#[test]
fn catalogue_page_gives_its_list_pdfs_lowercase_map_and_issue_links() {
    let base = "https://newpaper.example.cn/dhb/html/2024-03/05/";
    let url = format!("{base}node_1.htm");
    let record = page(&url, CATALOGUE_PAGE.as_bytes());
    let expected = PageRecord {
        url: url.clone(),
        date: date(2024, 3, 5),
        page_no: Some("A01".into()),
        page_name: Some("头版".into()),
        // The page link of each item, never its `a.pdf`.
        pages: vec![
            page_ref("A01", "头版", &url),
            page_ref("A02", "要闻", &format!("{base}node_2.htm")),
            page_ref("A03", "城事", &format!("{base}node_5.htm")),
        ],
        articles: mapped(
            vec![
                article_ref(
                    "早春农事忙 田间备耕正当时",
                    &format!("{base}content_88101.htm"),
                ),
                article_ref(
                    "老街区“微改造”留住烟火气",
                    &format!("{base}content_88102.htm"),
                ),
                article_ref(
                    "地铁新线开通首日客流平稳",
                    &format!("{base}content_88103.htm"),
                ),
            ],
            &[
                &[&[5., 5., 300., 5., 300., 180., 5., 180.]],
                &[&[5., 190., 300., 190., 300., 420., 5., 420.]],
                &[&[310., 5., 600., 5., 600., 420., 310., 420.]],
            ],
        ),
        image_url: Some("https://newpaper.example.cn/dhb/images/2024-03/05/A01/A01_b.jpg".into()),
        map_size: None,
        pdf_url: Some("https://newpaper.example.cn/dhb/images/2024-03/05/A01/A01.pdf".into()),
        prev_issue_url: Some("https://newpaper.example.cn/dhb/html/2024-03/04/node_1.htm".into()),
        next_issue_url: Some("https://newpaper.example.cn/dhb/html/2024-03/06/node_1.htm".into()),
    };
    assert_eq!(record, expected);
}

#[test]
fn catalogue_page_without_its_list_reads_its_label_from_pic_info_summary() {
    let start = CATALOGUE_PAGE
        .find("<ul class=\"layout-catalogue-list\">")
        .unwrap();
    let end = CATALOGUE_PAGE[start..].find("</ul>").unwrap() + start + "</ul>".len();
    let html = format!("{}{}", &CATALOGUE_PAGE[..start], &CATALOGUE_PAGE[end..]);
    let record = page(
        "https://newpaper.example.cn/dhb/html/2024-03/05/node_1.htm",
        html.as_bytes(),
    );
    assert!(record.pages.is_empty());
    assert_eq!(
        (record.page_no.as_deref(), record.page_name.as_deref()),
        (Some("A01"), Some("头版"))
    );
}

#[test]
fn ednav_page_gives_its_list_articles_and_the_pdf_beside_its_own_link() {
    let base = "http://paper.example.cn/qjwb/html/2024-03/05/";
    let url = format!("{base}node_79.htm");
    let record = page(&url, EDNAV_PAGE.as_bytes());
    let expected = PageRecord {
        url: url.clone(),
        date: date(2024, 3, 5),
        page_no: Some("A0002".into()),
        page_name: Some("城市".into()),
        pages: vec![
            page_ref("A0001", "封面", &format!("{base}node_78.htm")),
            page_ref("A0002", "城市", &url),
            page_ref("A0003", "体育", &format!("{base}node_80.htm")),
        ],
        articles: mapped(
            vec![
                article_ref(
                    "湖畔步道 周末迎来赏花人",
                    &format!("{base}content_5401.htm"),
                ),
                article_ref("老字号点心铺的新口味", &format!("{base}content_5402.htm")),
            ],
            &[
                &[&[1., 1., 300., 1., 300., 250., 1., 250.]],
                &[&[1., 260., 300., 260., 300., 520., 1., 520.]],
            ],
        ),
        image_url: Some("http://paper.example.cn/qjwb/page/2024-03/05/A0002/A0002_b.jpg".into()),
        // Its own `dl`'s PDF, not the first 版's, which comes first in the document.
        map_size: None,
        pdf_url: Some("http://paper.example.cn/qjwb/page/2024-03/05/A0002/A0002.pdf".into()),
        prev_issue_url: Some("http://paper.example.cn/qjwb/html/2024-03/04/node_79.htm".into()),
        next_issue_url: None,
    };
    assert_eq!(record, expected);
}

/// Saved under a URL of no family, each skin's page and the `table.wz` article are still read
/// as this family's page and article.
#[test]
fn every_skin_is_recognised_by_its_markup() {
    use epaper_common::messages::Record;
    for (html, is_page) in [
        (BMDH_PAGE, true),
        (CATALOGUE_PAGE, true),
        (EDNAV_PAGE, true),
        (WZ_ARTICLE, false),
    ] {
        let saved = epaper_parser::parse("file:///tmp/saved.html", html.as_bytes(), None).unwrap();
        assert_eq!(matches!(saved, Record::Page(_)), is_page, "{saved:?}");
        let (family, _) =
            epaper_parser::detect(&Url::parse("file:///tmp/saved.html").unwrap(), html).unwrap();
        assert_eq!(family.name, "founder-classic");
    }
}
