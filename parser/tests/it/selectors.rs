//! `layout = "selectors"`: a one-off system of our own design (the fixtures' comments say what
//! they model), read by the `[selectors]` table of the bundled `sample-selectors` profile, which
//! the sample site's `selectors` layout is crawled with. Whole records, the URL rules, hostile
//! links, a link flood, the parse stage, and no panic on any bytes.

use std::time::{Duration, Instant};

use epaper_common::messages::{
    ArticleRecord, CompressedBytes, DocKind, FetchedDocument, Image, Message, PageRecord, Record,
};
use epaper_common::sites::{self, Selectors};
use epaper_parser::ParseError;
use epaper_parser::families::selectors::{compile, kind};
use epaper_parser::html::{MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE};
use proptest::prelude::*;
use url::Url;

use crate::support::{article_ref, date, page_ref};

const PAGE_URL: &str = "https://paper.example.cn/epaper/2024/03/04/page-02.html";
const ARTICLE_URL: &str = "https://paper.example.cn/epaper/2024/03/04/art-2001.html";
const PAGE: &str = include_str!("../fixtures/selectors/page-02.html");
const ARTICLE: &str = include_str!("../fixtures/selectors/art-2001.html");

/// The table of the bundled profile `sample-selectors`.
fn table() -> Selectors {
    sites::get("sample-selectors")
        .unwrap()
        .selectors
        .expect("the sample-selectors profile has a [selectors] table")
}

fn parse(url: &str, html: &str, table: &Selectors) -> Result<Record, ParseError> {
    epaper_parser::parse_with(url, html.as_bytes(), Some("text/html"), Some(table))
}

fn page(url: &str, html: &str, table: &Selectors) -> PageRecord {
    match parse(url, html, table) {
        Ok(Record::Page(page)) => page,
        other => panic!("{url} should parse as a page, got {other:?}"),
    }
}

fn article(url: &str, html: &str, table: &Selectors) -> ArticleRecord {
    match parse(url, html, table) {
        Ok(Record::Article(article)) => article,
        other => panic!("{url} should parse as an article, got {other:?}"),
    }
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

#[test]
fn the_table_names_pages_then_articles_and_nothing_else() {
    let system = compile(&table()).unwrap();
    let kind_of = |url: &str| kind(&Url::parse(url).unwrap(), &system);
    assert_eq!(kind_of(PAGE_URL), Some(DocKind::Page));
    assert_eq!(
        kind_of(&format!("{PAGE_URL}?from=menu#top")),
        Some(DocKind::Page)
    );
    assert_eq!(kind_of(ARTICLE_URL), Some(DocKind::Article));
    for other in [
        "https://paper.example.cn/epaper/about.html",
        "https://paper.example.cn/epaper/2024/03/04/page-02.jpg",
        "https://paper.example.cn/html/2024-03/04/node_2.htm",
    ] {
        assert_eq!(kind_of(other), None, "{other}");
        let error = parse(other, PAGE, &table()).unwrap_err();
        assert!(matches!(error, ParseError::OutsideSelectors(_)), "{error}");
        assert!(error.to_string().contains("selectors.page_url"), "{error}");
    }
    // Without its table no family knows the system: the profile alone says how to read it.
    assert!(epaper_parser::parse(PAGE_URL, PAGE.as_bytes(), None).is_err());
    // And a table decides alone: a classic Founder URL is no document of this system.
    let classic = "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm";
    assert!(parse(classic, PAGE, &table()).is_err());
}

#[test]
fn a_page_reads_whole_by_its_selectors() {
    let base = "https://paper.example.cn/epaper/2024/03/";
    let record = page(PAGE_URL, PAGE, &table());
    assert_eq!(
        record,
        PageRecord {
            url: PAGE_URL.into(),
            date: date(2024, 3, 4),
            page_no: some("02"),
            page_name: some("城市"),
            // The about page matches no page URL; 上一期 and 下一期 name other days.
            pages: vec![
                page_ref("01", "要闻", &format!("{base}04/page-01.html")),
                page_ref("02", "城市", &format!("{base}04/page-02.html")),
                page_ref("03", "经济", &format!("{base}04/page-03.html")),
            ],
            // The list's order and titles, each story once, the query dropped, the other
            // host's and the other day's left out, then the story only the image map reaches.
            // The image map's areas mark where two of them are on the scan.
            articles: crate::support::mapped(
                vec![
                    article_ref("老街巷里的 新书房", &format!("{base}04/art-2001.html")),
                    article_ref("夜间公交线路再添三条", &format!("{base}04/art-2002.html")),
                    epaper_common::messages::ArticleRef {
                        title: None,
                        url: format!("{base}04/art-2003.html"),
                        regions: Vec::new(),
                    },
                ],
                &[&[&[0., 0., 300., 200.]], &[], &[&[0., 200., 300., 420.]]],
            ),
            image_url: Some(format!("{base}04/page-02.jpg")),
            map_size: None,
            pdf_url: Some(format!("{base}04/page-02.pdf")),
            prev_issue_url: Some(format!("{base}03/page-01.html")),
            next_issue_url: Some(format!("{base}05/page-01.html")),
        }
    );
}

#[test]
fn an_article_reads_whole_by_its_selectors() {
    let record = article(ARTICLE_URL, ARTICLE, &table());
    assert_eq!(
        record,
        ArticleRecord {
            url: ARTICLE_URL.into(),
            // Printed as 2024-03-04, the only date on an article page.
            date: date(2024, 3, 4),
            page_no: some("02"),
            page_name: some("城市"),
            pretitle: some("社区微更新"),
            title: some("老街巷里的 新书房"),
            subtitle: some("旧仓库改成的阅读空间开放首月接待读者两万人次"),
            author: some("林晓雨 周北辰"),
            // Without the empty paragraph and the byline printed again at the end.
            paragraphs: vec![
                "清晨七点，老街巷口的新书房已经亮起了灯。".into(),
                "这里原是一处闲置多年的仓库，街道邀请居民一起商量改造方案。".into(),
                "书架是邻居们捐的".into(),
                "开放首月，书房共接待读者两万人次，周末的亲子共读活动场场满座。".into(),
            ],
            // Neither the logo nor the share button: they are in no figure of the story.
            images: vec![Image {
                url: "https://paper.example.cn/res/2024/03/04/p2001_1.jpg".into(),
                caption: some("读者在新书房里翻阅地方志。 本报记者 周北辰摄"),
            }],
        }
    );
}

/// The table with only its required keys: what a system does not print is `None`, the date
/// comes from the URL, and a page's label from the page list.
fn required_only() -> Selectors {
    Selectors {
        pretitle: None,
        subtitle: None,
        author: None,
        date: None,
        images: None,
        page_label: None,
        scan: None,
        pdf: None,
        ..table()
    }
}

#[test]
fn fields_the_table_leaves_out_are_none() {
    let record = article(ARTICLE_URL, ARTICLE, &required_only());
    assert_eq!((record.pretitle, record.subtitle), (None, None));
    assert_eq!((record.page_no, record.page_name), (None, None));
    assert_eq!(record.images, []);
    // The date of the URL; the byline the body prints, its paragraph left out either way.
    assert_eq!(record.date, date(2024, 3, 4));
    assert_eq!(record.author.as_deref(), Some("林晓雨 周北辰"));
    assert_eq!(record.paragraphs.len(), 4, "{:?}", record.paragraphs);
    assert_eq!(record.title.as_deref(), Some("老街巷里的 新书房"));

    let record = page(PAGE_URL, PAGE, &required_only());
    assert_eq!((record.image_url, record.pdf_url), (None, None));
    assert_eq!(record.date, date(2024, 3, 4));
    assert_eq!(
        (record.page_no.as_deref(), record.page_name.as_deref()),
        (Some("02"), Some("城市"))
    );
}

#[test]
fn an_error_page_at_an_article_url_is_an_error_not_an_empty_article() {
    let html = "<html><body><div class=error>页面不存在</div></body></html>";
    assert!(parse(ARTICLE_URL, html, &table()).is_err());
}

#[test]
fn a_table_that_does_not_compile_is_an_error_naming_the_key() {
    let broken = Selectors {
        body: "div[".into(),
        ..table()
    };
    let error = parse(ARTICLE_URL, ARTICLE, &broken).unwrap_err();
    assert!(matches!(error, ParseError::BadSelectors(_)), "{error}");
    assert!(error.to_string().contains("selectors.body"), "{error}");
}

fn hostile(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

/// Every link field first carries a hostile link in each spelling of `hostile.rs`: the record
/// is the one of the fixture without them.
#[test]
fn hostile_links_never_reach_a_selectors_page_or_article() {
    let dir = "paper.example.cn/epaper/2024/03/04/";
    let with =
        |file: &str, spelling: &str| hostile(file).replace("EVIL", &spelling.replace("{DIR}", dir));
    let clean = page(PAGE_URL, &with("selectors_page-02.html", "#"), &table());
    assert_eq!(clean.pages.len(), 2, "{clean:#?}");
    assert_eq!(clean.articles.len(), 1, "{clean:#?}");
    let single = [
        &clean.image_url,
        &clean.pdf_url,
        &clean.prev_issue_url,
        &clean.next_issue_url,
    ];
    assert!(single.iter().all(|field| field.is_some()), "{clean:#?}");
    let clean_article = article(ARTICLE_URL, &with("selectors_art-2001.html", "#"), &table());
    assert_eq!(clean_article.images.len(), 1, "{clean_article:#?}");
    for spelling in crate::hostile::HOSTILE_SPELLINGS {
        let record = page(
            PAGE_URL,
            &with("selectors_page-02.html", spelling),
            &table(),
        );
        assert_eq!(record, clean, "{spelling:?}");
        let html = with("selectors_art-2001.html", spelling);
        assert_eq!(
            article(ARTICLE_URL, &html, &table()),
            clean_article,
            "{spelling:?}"
        );
    }
}

/// A table for the page `hostile::many_links` writes.
fn flood_table() -> Selectors {
    Selectors {
        page_url: r"/page_\d+\.html$".into(),
        article_url: r"/art_\d+\.html$".into(),
        page_list: "#pageList a".into(),
        article_list: "ul.news-list a".into(),
        ..required_only()
    }
}

fn flood(n: usize) -> String {
    crate::hostile::many_links(
        n,
        2 * n,
        |i| format!("<a href=page_{i}.html>{i}</a>"),
        |i| format!("<a href=art_{i}.html>t{i}</a>"),
    )
}

fn timed_page(html: &str) -> (Duration, PageRecord) {
    let url = "http://paper.example.cn/epaper/2024/03/04/page_1.html";
    let started = Instant::now();
    let record = page(url, html, &flood_table());
    (started.elapsed(), record)
}

/// As for every family: ten times the links cost about ten times the time, and the lists stop
/// at their caps in first-seen order.
#[test]
fn a_page_of_150k_links_parses_in_linear_time_and_its_lists_are_capped() {
    let (took_small, _) = timed_page(&flood(5_000));
    let html = flood(50_000);
    let (took, record) = timed_page(&html);
    eprintln!("selectors: 150,000 links in {took:?}; 15,000 links in {took_small:?}");
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert!(took < took_small * 30, "{took:?} against {took_small:?}");
    assert_eq!(record.articles.len(), MAX_ARTICLES_PER_PAGE);
    assert_eq!(record.pages.len(), MAX_PAGES_PER_ISSUE);
    assert_eq!(record.articles[0].title.as_deref(), Some("t0"));
    let last = MAX_ARTICLES_PER_PAGE - 1;
    assert_eq!(record.articles[last].title, Some(format!("t{last}")));
}

fn fetched(site: &str, url: &str, html: &str) -> Message {
    Message::Fetched(FetchedDocument {
        site: site.into(),
        issue_date: chrono::NaiveDate::from_ymd_opt(2024, 3, 4).unwrap(),
        kind: DocKind::Page,
        url: url.into(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        etag: None,
        last_modified: None,
        fetched_at: chrono::Utc::now(),
        body: CompressedBytes::compress(html.as_bytes()),
        http: None,
    })
}

#[derive(Default)]
struct Sent(std::sync::Mutex<Vec<Message>>);

impl epaper_common::transport::Outbox for Sent {
    async fn send(&self, message: Message) -> Result<(), epaper_common::error::StageError> {
        self.0.lock().unwrap().push(message);
        Ok(())
    }
}

/// The stage reads a document of a `selectors` site by its profile's table, and one of a site
/// it does not know by family detection, as before.
#[tokio::test]
async fn the_parse_stage_reads_a_selectors_site_by_its_profile() {
    use epaper_common::transport::Handler;
    let stage = epaper_parser::service::ParseStage::default().with_sites(sites::Sites::bundled());
    let out = Sent::default();
    stage
        .handle(fetched("sample-selectors", PAGE_URL, PAGE), &out)
        .await
        .unwrap();
    let Some(Message::Parsed(parsed)) = out.0.lock().unwrap().pop() else {
        panic!("nothing parsed sent")
    };
    assert_eq!(parsed.record, Record::Page(page(PAGE_URL, PAGE, &table())));

    let error = stage
        .handle(fetched("no-such-site", PAGE_URL, PAGE), &out)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("known layout"), "{error}");
    let classic = "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm";
    let html = hostile("node_2.htm").replace("EVIL", "#");
    stage
        .handle(fetched("no-such-site", classic, &html), &out)
        .await
        .unwrap();
    assert!(matches!(
        out.0.lock().unwrap().pop(),
        Some(Message::Parsed(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Arbitrary bytes, and the fixtures cut short at any point, give a record that keeps the
    /// contract or an error, never a panic.
    #[test]
    fn no_bytes_make_the_selectors_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        cut in any::<prop::sample::Index>(),
        url in 0..2usize,
    ) {
        let url = [PAGE_URL, ARTICLE_URL][url];
        let table = table();
        for doc in [bytes, PAGE.as_bytes()[..cut.index(PAGE.len())].to_vec(),
                    ARTICLE.as_bytes()[..cut.index(ARTICLE.len())].to_vec()] {
            match epaper_parser::parse_with(url, &doc, None, Some(&table)) {
                Err(error) => prop_assert!(!error.to_string().is_empty()),
                Ok(Record::Page(page)) => {
                    let links = page.pages.iter().map(|p| &p.url)
                        .chain(page.articles.iter().map(|a| &a.url));
                    for link in links {
                        prop_assert!(link.starts_with("https://paper.example.cn/"), "{link}");
                        prop_assert!(!link.contains(['?', '#']), "{link}");
                    }
                }
                Ok(Record::Article(article)) => {
                    for p in &article.paragraphs {
                        prop_assert!(!p.is_empty() && p.trim() == p, "{p:?}");
                    }
                }
            }
        }
    }
}
