//! The "bmml" system (`/<code>/YYYYMMDD/html/`): URLs, told apart from the classic Founder
//! layout (whose `bmdh` skin shares a word with it), and every field of its two page skins and
//! of an article. The fixtures follow section 4 of `../shared/article-markers.md` with made-up
//! text.

use epaper_common::messages::{ArticleRecord, ArticleRef, DocKind, Image, PageRecord, Record};
use epaper_parser::families::bmml::{detect, matches_url, parse_article, parse_page};
use url::Url;

use crate::support::{article_ref, date, mapped, page_ref};

const DIR: &str = "http://epaper.example.cn/xawb/20250618/html/";
const PAGE: &str = include_str!("../fixtures/bmml/page_2.htm");
const TIT_PAGE: &str = include_str!("../fixtures/bmml/page_2_tit.htm");
const ARTICLE: &str = include_str!("../fixtures/bmml/content_20418.htm");

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn urls_of_the_family_are_recognised_and_classic_ones_are_not() {
    let kind = |s: &str| matches_url(&url(s));
    for file in ["index.htm", "page_1.htm", "page_12.htm"] {
        assert_eq!(kind(&format!("{DIR}{file}")), Some(DocKind::Page), "{file}");
    }
    for file in [
        "content_20418.htm",
        "index_content_3.htm",
        "page_2_content_5.htm",
        "content_20250618003.htm",
    ] {
        assert_eq!(
            kind(&format!("{DIR}{file}")),
            Some(DocKind::Article),
            "{file}"
        );
    }
    for other in [
        "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
        "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
        "http://epaper.example.cn/xawb/20250618/content_20418.htm",
        "http://epaper.example.cn/xawb/2025061/html/page_1.htm",
        "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
    ] {
        assert_eq!(kind(other), None, "{other}");
    }
}

/// The classic skin's `table#bmdhTable` says `bmdh` too: by URL and by markup each family
/// keeps its own documents.
#[test]
fn bmml_and_the_classic_bmdh_skin_never_take_each_others_documents() {
    let classic_bmdh = r#"<html><body>
        <table id="bmdhTable"><tr class="bmdh_tr"><td class="default">
        <a class="rigth_bmdh_href" id="pageLink" href="node_2.htm">第02版：要闻</a></td></tr></table>
        <a id="bigbmshowpdf" href="../../../page/2023-03/22/02/2.pdf">PDF</a>
        <div id="main-ed-map"><map name="PagePicMap"><area href="content_7.htm"></map></div>
        </body></html>"#;
    assert_eq!(detect(classic_bmdh), None);
    let family = |u: &str, html: &str| {
        epaper_parser::detect(&url(u), html).map(|(family, kind)| (family.name, kind))
    };
    let saved = "file:///tmp/saved.html";
    assert_eq!(
        family(saved, classic_bmdh),
        Some(("founder-classic", DocKind::Page))
    );
    assert_eq!(
        family("http://x.cn/kjb/html/2023-03/22/node_2.htm", PAGE),
        Some(("founder-classic", DocKind::Page))
    );
    assert_eq!(family(saved, PAGE), Some(("bmml", DocKind::Page)));
    assert_eq!(family(saved, ARTICLE), Some(("bmml", DocKind::Article)));
    assert_eq!(
        family(&format!("{DIR}content_20418.htm"), ""),
        Some(("bmml", DocKind::Article))
    );
    let record = epaper_parser::parse(&format!("{DIR}page_2.htm"), PAGE.as_bytes(), None);
    assert!(matches!(record, Ok(Record::Page(_))), "{record:?}");
}

#[test]
fn a_page_with_the_thumbnail_list_gives_every_contract_field() {
    let page_url = format!("{DIR}page_2.htm");
    let record = parse_page(PAGE, &url(&page_url));
    let at = |file: &str| format!("{DIR}{file}");
    let expected = PageRecord {
        url: page_url.clone(),
        date: date(2025, 6, 18),
        page_no: some("02"),
        page_name: some("要闻"),
        pages: vec![
            page_ref("01", "头版", &at("page_1.htm")),
            page_ref("02", "要闻", &page_url),
            page_ref("03", "城市", &at("page_3.htm")),
        ],
        // The title list, then the map's own article without a title; the other paper's
        // article in the footer is not this page's.
        articles: mapped(
            vec![
                article_ref("江边绿道全线贯通", &at("content_20417.htm")),
                article_ref("高温天 户外工作者有了“歇脚站”", &at("content_20418.htm")),
                article_ref("短讯", &at("content_20419.htm")),
                ArticleRef {
                    title: None,
                    url: at("content_20420.htm"),
                    regions: Vec::new(),
                },
            ],
            &[
                &[&[5., 5., 400., 180.]],
                &[&[5., 190., 400., 380.]],
                &[],
                &[&[5., 390., 400., 520.]],
            ],
        ),
        image_url: some("http://epaper.example.cn/xawb/20250618/images/02.jpg"),
        map_size: None,
        pdf_url: some("http://epaper.example.cn/xawb/20250618/pdf/02.pdf"),
        prev_issue_url: some("http://epaper.example.cn/xawb/20250617/html/index.htm"),
        next_issue_url: some("http://epaper.example.cn/xawb/20250619/html/index.htm"),
    };
    assert_eq!(record, expected);
}

#[test]
fn without_an_image_map_the_scan_is_the_thumbnail_of_the_pages_own_entry() {
    let html = PAGE.replace("usemap=", "data-map=");
    let record = parse_page(&html, &url(&format!("{DIR}page_3.htm")));
    assert_eq!(
        record.image_url,
        some("http://epaper.example.cn/xawb/20250618/images/03_s.jpg")
    );
    assert_eq!(
        (record.page_no, record.page_name),
        (some("03"), some("城市"))
    );
}

#[test]
fn a_page_with_the_tit_list_takes_the_pdf_beside_its_own_entry() {
    let dir = "https://epaper.example.cn/xnsb/20250618/html/";
    let page_url = format!("{dir}page_2.htm");
    let record = parse_page(TIT_PAGE, &url(&page_url));
    let expected = PageRecord {
        url: page_url.clone(),
        date: date(2025, 6, 18),
        page_no: some("02"),
        page_name: some("财经"),
        pages: vec![
            page_ref("01", "头版", &format!("{dir}page_1.htm")),
            page_ref("02", "财经", &page_url),
        ],
        articles: vec![
            article_ref(
                "小微企业贷款利率再降",
                &format!("{dir}page_2_content_1.htm"),
            ),
            article_ref("夜间消费券本周发放", &format!("{dir}page_2_content_2.htm")),
        ],
        image_url: None,
        map_size: None,
        pdf_url: some("https://epaper.example.cn/xnsb/20250618/pdf/02.pdf"),
        prev_issue_url: None,
        next_issue_url: None,
    };
    assert_eq!(record, expected);
}

#[test]
fn an_article_gives_every_contract_field() {
    let article_url = format!("{DIR}content_20418.htm");
    let record = parse_article(ARTICLE, &url(&article_url));
    let expected = ArticleRecord {
        url: article_url,
        date: date(2025, 6, 18),
        // `content_N.htm` does not name its page, and nothing on it prints the 版.
        page_no: None,
        page_name: None,
        pretitle: some("城市温度"),
        title: some("高温天 户外工作者有了“歇脚站”"),
        subtitle: some("全市已开放爱心驿站一百二十个"),
        author: some("叶知行"),
        paragraphs: vec![
            "连日高温，街头的爱心驿站成了环卫工人、快递员的“加油站”。".into(),
            "驿站里备有饮用水、防暑药品和微波炉，每天早七点到晚九点开放。".into(),
        ],
        images: vec![Image {
            url: "http://epaper.example.cn/xawb/20250618/images/20418_1.jpg".into(),
            caption: some("环卫工人在驿站里喝水休息。"),
        }],
    };
    assert_eq!(record, expected);
}

#[test]
fn a_page_n_content_m_article_is_on_the_listed_page_n() {
    let record = parse_article(ARTICLE, &url(&format!("{DIR}page_2_content_20418.htm")));
    assert_eq!(
        (record.page_no, record.page_name),
        (some("02"), some("要闻"))
    );
    // A page the kept list lacks: the printed `div.b_bot`, else nothing.
    let unlisted = url(&format!("{DIR}page_7_content_20418.htm"));
    assert_eq!(parse_article(ARTICLE, &unlisted).page_no, None);
    let printed = ARTICLE.replace(
        "<div class=\"bmnr\">",
        "<div class=\"b_bot\">第07版：副刊</div><div class=\"bmnr\">",
    );
    let record = parse_article(&printed, &unlisted);
    assert_eq!(
        (record.page_no, record.page_name),
        (some("07"), some("副刊"))
    );
}
