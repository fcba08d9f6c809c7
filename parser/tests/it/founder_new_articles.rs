//! The new Founder layout's article templates beside 人民日报's and 光明日报's: PreTitle (nav-list,
//! layoutlist and webtree papers), newsdeta (Chunkicon, Therestlist) and the pad/mobile
//! template; every field of an article of each. The fixtures copy the structure
//! `../shared/families.md` and `article-markers.md` (1b–1d) describe, with made-up text.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, Image};
use epaper_parser::families::founder_new::parse_article;
use url::Url;

const NAV_LIST: &str = include_str!("../fixtures/founder_new/navlist_article.html");
const LAYOUTLIST: &str = include_str!("../fixtures/founder_new/layoutlist_article.html");
const CHUNKICON: &str = include_str!("../fixtures/founder_new/chunkicon_article.html");
const THERESTLIST: &str = include_str!("../fixtures/founder_new/therestlist_article.html");
const WEBTREE: &str = include_str!("../fixtures/founder_new/webtree_article.html");
const PAD: &str = include_str!("../fixtures/founder_new/pad_article.html");

const PAD_URL: &str = "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html";

fn parsed(html: &str, url: &str) -> ArticleRecord {
    parse_article(html, &Url::parse(url).unwrap())
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}

fn image(url: String, caption: Option<&str>) -> Image {
    Image {
        url,
        caption: caption.map(str::to_string),
    }
}

fn june_18() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 6, 18)
}

#[test]
fn a_nav_list_article_gives_every_field_of_the_pre_title_template() {
    let base = "https://paper.example.cn/gsrb/pc/";
    let url = format!("{base}con/202506/18/c412346.html");
    let expected = ArticleRecord {
        url: url.clone(),
        date: june_18(),
        // The template prints no 版 and has no metadata comment.
        page_no: None,
        page_name: None,
        pretitle: some("教育均衡在行动"),
        title: some("牧区小学用上“空中课堂”"),
        subtitle: some("一根网线连起城乡课堂"),
        // The body's first paragraph, which leaves the body.
        author: some("马青山"),
        paragraphs: strings(&[
            "早上八点，草原深处的一所小学里，三十多个孩子盯着屏幕，跟着城里的老师读英语。",
            "“以前缺英语老师，现在每周有四节直播课。”校长说。",
        ]),
        // The attachment with its caption row, the picture in the body without one; the
        // `.gif` rule left out.
        images: vec![
            image(
                format!("{base}pic/202506/18/7e2f9b41-3c5d-4a8e-b1f0-6d2c9a7e4b33.jpg"),
                Some("孩子们在教室里上英语直播课。 本报记者  马青山摄"),
            ),
            image(
                format!("{base}pic/202506/18/c91d0e2a-6f47-4b1c-8a3e-5e7f1d2c0a98.jpg"),
                None,
            ),
        ],
    };
    assert_eq!(parsed(NAV_LIST, &url), expected);
}

#[test]
fn a_layoutlist_article_gives_every_field_with_the_metadatas_ban() {
    let base = "https://paper.example.cn/xzrb/pc/paper/";
    let url = format!("{base}c/202506/18/c_20002.html");
    let expected = ArticleRecord {
        url: url.clone(),
        date: june_18(),
        // `<nodename>02版：时政新闻</nodename>` of the metadata comment.
        page_no: some("02"),
        page_name: some("时政新闻"),
        pretitle: some("历时三年"),
        // The `<br>` of the title is a space between its halves.
        title: some("古城修缮工程 全面完工"),
        // `p#SubTitle` is empty; the metadata has it.
        subtitle: some("老街区焕发新活力"),
        // The body's last paragraph, `（记者 顿珠 卓玛）`.
        author: some("顿珠 卓玛"),
        paragraphs: strings(&[
            "经过三年施工，古城的街巷、院落和排水系统全部完成修缮。",
            "工程采用传统工艺，尽量保留原有的石材和木料。",
        ]),
        images: vec![image(
            format!("{base}pic/202506/18/xzrb_20002_1.jpg"),
            Some("修缮后的古城街巷。"),
        )],
    };
    assert_eq!(parsed(LAYOUTLIST, &url), expected);
}

#[test]
fn a_chunkicon_article_gives_every_field_of_the_newsdeta_template() {
    let base = "https://paper.example.cn/PC/";
    let url = format!("{base}content/202506/18/content_1202.html");
    let expected = ArticleRecord {
        url: url.clone(),
        date: june_18(),
        // `版次：A02`; the article names no 版.
        page_no: some("A02"),
        page_name: None,
        // The `p`s around the `h3`, without the line of 版次, source and date.
        pretitle: some("银发服务再升级"),
        title: some("社区食堂开到家门口"),
        subtitle: some("全市已建成助餐点一百二十个"),
        // The hidden `作者：…`.
        author: some("许嘉禾"),
        paragraphs: strings(&[
            "中午十一点半，社区食堂已经坐满了人。",
            "一荤两素一汤，老人只需付十元。",
            "街道还为行动不便的老人提供送餐服务。",
        ]),
        // Each picture captioned by the `p.imgbt` after it; the second's is empty.
        images: vec![
            image(
                format!("{base}pic/202506/18/4f8a2c61-0d3e-4b7a-9c15-2e6d8b0f1a77.jpg"),
                Some("老人在社区食堂用餐。 本报记者 许嘉禾 摄"),
            ),
            image(
                format!("{base}pic/202506/18/9a3e5d07-c2b4-4f68-81d9-7b0e6c3f5d22.jpg"),
                None,
            ),
        ],
    };
    assert_eq!(parsed(CHUNKICON, &url), expected);
}

#[test]
fn a_therestlist_article_gives_every_field_with_its_printed_ban() {
    let site = "https://paper.example.cn/lnsb/";
    let url = format!("{site}html/202506/18/content_7002.html");
    let expected = ArticleRecord {
        url: url.clone(),
        date: june_18(),
        // `div.newslisttit em`.
        page_no: some("03"),
        page_name: some("城事"),
        pretitle: some("夏夜消费季"),
        title: some("夜市烟火气回来了"),
        subtitle: some("五条特色街区延长营业到凌晨"),
        author: some("孔令宇"),
        paragraphs: strings(&[
            "晚上九点，河畔夜市人头攒动，烧烤摊前排起了长队。",
            "今年，全市五条特色街区把营业时间延长到凌晨一点。",
        ]),
        images: vec![image(
            format!("{site}pic/202506/18/lnsb_7002_1.jpg"),
            Some("市民在夜市选购小吃。"),
        )],
    };
    assert_eq!(parsed(THERESTLIST, &url), expected);
}

#[test]
fn a_webtree_article_gives_every_field_from_its_tc_con_body() {
    let base = "https://paper.example.cn/zqsb/";
    let url = format!("{base}content/202506/18/content_9003.html");
    let expected = ArticleRecord {
        url: url.clone(),
        date: june_18(),
        page_no: None,
        page_name: None,
        // Empty fields are `None`, never `""`.
        pretitle: None,
        title: some("多地出台措施支持科技企业融资"),
        subtitle: None,
        author: some("齐思远"),
        // The caption in the table is no paragraph.
        paragraphs: strings(&[
            "近期，多个省市发布支持科技型企业融资的政策，涉及贷款贴息和风险补偿。",
            "业内人士认为，政策将降低企业的融资成本。",
        ]),
        images: vec![image(
            format!("{base}pic/202506/18/zqsb_9003_1.jpg"),
            Some("某科技园区一角。 资料图"),
        )],
    };
    assert_eq!(parsed(WEBTREE, &url), expected);
}

fn pad_record(author: &str, paragraphs: &[&str]) -> ArticleRecord {
    let base = "https://paper.example.cn/hbrb/pad/";
    ArticleRecord {
        url: PAD_URL.to_string(),
        date: june_18(),
        // `p#nowLayout` holds the number only.
        page_no: some("02"),
        page_name: None,
        pretitle: some("守护一江碧水"),
        title: some("让每一条河流 都清澈起来"),
        subtitle: some("全省河湖长制工作综述"),
        author: some(author),
        paragraphs: strings(paragraphs),
        images: vec![
            image(
                format!("{base}pic/202506/18/8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e5f.jpg.1"),
                Some("巡河员在江边记录水质。"),
            ),
            image(
                format!("{base}pic/202506/18/2b4d6f80-9a1c-4e3d-8b5f-7c9e1a3b5d70.jpg.1"),
                None,
            ),
        ],
    }
}

const PAD_BODY: [&str; 3] = [
    "一条河的变化，往往就在几年之间。",
    "从“没人管”到“有人管”，再到“管得好”，河湖长制让治水有了责任人。",
    "守护一江碧水，需要每个人都出一份力。",
];

#[test]
fn a_pad_article_gives_every_field_and_its_commentator_byline() {
    assert_eq!(parsed(PAD, PAD_URL), pad_record("本报评论员", &PAD_BODY));
}

#[test]
fn a_pad_articles_byline_is_read_from_its_first_or_last_paragraph() {
    let reporter = PAD.replace("□ 本报评论员", "□ 江城日报全媒记者 林一帆");
    assert_eq!(parsed(&reporter, PAD_URL), pad_record("林一帆", &PAD_BODY));
    let credited = PAD.replace("<p>□ 本报评论员</p>\n", "").replace(
        "<!--/enpcontent-->",
        "\n<p>（据新华社武汉6月17日电）</p><!--/enpcontent-->",
    );
    assert_eq!(parsed(&credited, PAD_URL), pad_record("新华社", &PAD_BODY));
}

#[test]
fn the_pads_font_author_is_the_date_and_never_the_byline() {
    // Without a byline in the body or the metadata, the article has none; its date is the one
    // `font#author` prints, even where the URL has no date.
    let unsigned = PAD.replace("<p>□ 本报评论员</p>\n", "");
    let record = parsed(&unsigned, "https://paper.example.cn/saved/article.html");
    assert_eq!(record.author, None);
    assert_eq!(record.date, june_18());
    assert_eq!(record.paragraphs, strings(&PAD_BODY));
    let redated = unsigned.replace(
        "<font id=\"author\">2025年06月18日</font>",
        "<font id=\"author\">2025年06月19日</font>",
    );
    let record = parsed(&redated, "https://paper.example.cn/saved/article.html");
    assert_eq!(record.date, NaiveDate::from_ymd_opt(2025, 6, 19));
}
