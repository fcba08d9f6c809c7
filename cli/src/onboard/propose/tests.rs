//! A page and an article of a made-up one-off system (not the sample site's), proposed from and
//! then parsed with the proposal: the table reads the page back and the article's fields.
//! Facts modelled: a page list and a title list in containers named by id or class, with a
//! 上一期 link to another date and an "about" link without one in the same menu, a PDF link
//! and an image map; an article whose title is an `h1` without class inside a named block,
//! with 引题 / 副题 / byline / date named by class or id, and a body `div` of paragraphs with a
//! picture.

use epaper_common::messages::Record;

use super::*;

const PAGE_URL: &str = "http://news.example.cn/szb/2024-03-04/b02.html";

const PAGE: &str = r##"<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例晚报</title></head>
<body>
<div id="masthead"><a href="/index.html">首页</a> <span class="riqi">2024年3月4日</span></div>
<div id="banmian"><ul>
  <li><a href="b01.html">第01版 要闻</a></li>
  <li><a href="b02.html">第02版 城事</a></li>
  <li><a href="b03.html">第03版 文体</a></li>
  <li><a href="../2024-03-03/b01.html">上一期</a></li>
  <li><a href="/about.html">关于我们的报纸</a></li>
</ul></div>
<div class="layout-wrap">
  <p class="dangqian">第02版：城事</p>
  <img class="bm-tu" src="b02.jpg" usemap="#m"><map name="m"><area href="wz_1201.html" coords="0,0,9,9"></map>
  <a class="xiazai" href="b02.pdf">下载本版 PDF 文件</a>
</div>
<div class="biaoti-list"><ul>
  <li><a href="wz_1201.html">河边新修了一条步道</a></li>
  <li><a href="wz_1202.html">社区食堂开到了家门口</a></li>
  <li><a href="wz_1203.html">周末的旧书集市又热闹起来</a></li>
</ul></div>
</body></html>"##;

const ARTICLE_URL: &str = "http://news.example.cn/szb/2024-03-04/wz_1201.html";

const ARTICLE: &str = r#"<!DOCTYPE html><html><head><title>河边新修了一条步道</title></head>
<body>
<div id="masthead"><a href="/index.html">首页</a></div>
<div class="wenzhang">
  <div class="bm-info"><span>第02版：城事</span> <span id="pubdate">2024年3月4日</span></div>
  <h3 class="yinti">城东片区改造</h3>
  <h1>河边新修了一条步道</h1>
  <h4 class="fubiaoti">全长三公里，沿途设有休息点</h4>
  <p class="zuozhe">本报记者 林小河</p>
  <div id="zhengwen">
    <p>　　清晨的河边，已经有不少居民在新步道上散步。</p>
    <p>　　步道沿河而建，路面铺设了防滑材料，每隔几百米设有座椅。</p>
    <p><img src="img/1201.jpg"></p>
    <p>　　附近的居民说，以后晚饭后多了一个去处。</p>
  </div>
</div>
<div class="footer">示例晚报社</div>
</body></html>"#;

fn proposed() -> Selectors {
    let page = Url::parse(PAGE_URL).unwrap();
    let part = page_part(PAGE, &page).unwrap();
    let article = Url::parse(ARTICLE_URL).unwrap();
    selectors(part, ARTICLE, &article).unwrap()
}

#[test]
fn the_page_gives_both_kinds_of_document_and_their_lists() {
    let page = Url::parse(PAGE_URL).unwrap();
    let part = page_part(PAGE, &page).unwrap();
    assert_eq!(part.page_url, r"/szb/\d{4}-\d{2}-\d{2}/b\d+\.html$");
    assert_eq!(part.article_url, r"/szb/\d{4}-\d{2}-\d{2}/wz_\d+\.html$");
    assert_eq!(part.page_list, "div#banmian ul a");
    assert_eq!(part.article_list, "div.biaoti-list ul a, map area");
    assert_eq!(
        part.first_article,
        (ARTICLE_URL.to_string(), "河边新修了一条步道".to_string())
    );
    assert_eq!(part.page_label.as_deref(), Some("p.dangqian"));
    assert_eq!(part.scan.as_deref(), Some("img.bm-tu"));
    assert_eq!(part.pdf.as_deref(), Some("a.xiazai"));
}

#[test]
fn the_article_gives_its_fields_where_plainly_named() {
    let table = proposed();
    assert_eq!(table.title, "div.wenzhang h1");
    assert_eq!(table.pretitle.as_deref(), Some("h3.yinti"));
    assert_eq!(table.subtitle.as_deref(), Some("h4.fubiaoti"));
    assert_eq!(table.author.as_deref(), Some("p.zuozhe"));
    assert_eq!(table.date.as_deref(), Some("span#pubdate"));
    assert_eq!(table.body, "div#zhengwen");
    assert_eq!(table.images.as_deref(), Some("div#zhengwen img"));
    assert_eq!(
        table.page_label.as_deref(),
        Some("p.dangqian, div.bm-info span")
    );
    table.check().unwrap();
}

#[test]
fn the_proposal_reads_the_page_and_the_article_back() {
    let table = proposed();
    let page = epaper_parser::parse_with(PAGE_URL, PAGE.as_bytes(), None, Some(&table)).unwrap();
    let Record::Page(page) = page else {
        panic!("not a page: {page:?}")
    };
    let pages: Vec<&str> = page.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(
        pages,
        [
            "http://news.example.cn/szb/2024-03-04/b01.html",
            "http://news.example.cn/szb/2024-03-04/b02.html",
            "http://news.example.cn/szb/2024-03-04/b03.html",
        ]
    );
    assert_eq!(page.articles.len(), 3, "{:?}", page.articles);
    assert_eq!(page.page_no.as_deref(), Some("02"));
    assert!(
        page.pdf_url.is_some() && page.image_url.is_some(),
        "{page:?}"
    );

    let article =
        epaper_parser::parse_with(ARTICLE_URL, ARTICLE.as_bytes(), None, Some(&table)).unwrap();
    let Record::Article(article) = article else {
        panic!("not an article: {article:?}")
    };
    assert_eq!(article.title.as_deref(), Some("河边新修了一条步道"));
    assert_eq!(article.pretitle.as_deref(), Some("城东片区改造"));
    assert_eq!(
        article.subtitle.as_deref(),
        Some("全长三公里，沿途设有休息点")
    );
    assert_eq!(article.author.as_deref(), Some("林小河"));
    assert_eq!(article.paragraphs.len(), 3, "{:?}", article.paragraphs);
    assert_eq!(article.images.len(), 1);
    assert_eq!(article.page_no.as_deref(), Some("02"));
    assert_eq!(article.date, NaiveDate::from_ymd_opt(2024, 3, 4));
}

#[test]
fn a_page_without_dated_links_gives_the_reason_and_no_guess() {
    let page = Url::parse(PAGE_URL).unwrap();
    let bare = "<html><body><a href=\"/about.html\">关于我们的报纸</a></body></html>";
    let error = page_part(bare, &page).unwrap_err();
    assert!(
        error.contains("no link on the page to a page (版) of 2024-03-04"),
        "{error}"
    );
    // Pages, but no link with a title's length of text.
    let no_articles = PAGE.replace("wz_", "../wz_");
    let no_articles = no_articles.replace("<li><a href=\"../wz_", "<li><a href=\"/x/wz_");
    let error = page_part(&no_articles, &page).unwrap_err();
    assert!(
        error.contains("no links on the page to articles of 2024-03-04"),
        "{error}"
    );
    let undated = Url::parse("http://news.example.cn/szb/b02.html").unwrap();
    let error = page_part(PAGE, &undated).unwrap_err();
    assert!(error.contains("names no issue date"), "{error}");
}
