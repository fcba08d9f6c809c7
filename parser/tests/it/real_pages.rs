//! The real pages in ../shared/real-pages, against the ground truth read off them by hand
//! (the "Ground truth" half of their NOTES.md).

use epaper_common::messages::{Image, MapSize, PageRecord, Record};

use crate::support::{date, page_ref};

/// Where the real pages are: `EPAPER_REAL_PAGES`, else `../shared/real-pages` beside the
/// repository. Their absence fails the test with the reason, so CI cannot pass without having
/// checked them; `EPAPER_REAL_PAGES=skip` is the explicit, printed way to run without them.
fn real_pages() -> Option<std::path::PathBuf> {
    let dir = match std::env::var("EPAPER_REAL_PAGES") {
        Ok(value) if value == "skip" => {
            eprintln!("WARNING: EPAPER_REAL_PAGES=skip: the real-page ground truth is NOT checked");
            return None;
        }
        Ok(value) => std::path::PathBuf::from(value),
        Err(_) => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-pages"),
    };
    assert!(
        dir.join("NOTES.md").is_file(),
        "the real pages are missing at {}: set EPAPER_REAL_PAGES to their directory \
         (or to `skip`, which leaves the ground truth unchecked)",
        dir.display()
    );
    Some(dir)
}

fn real(dir: &std::path::Path, file: &str, url: &str) -> Record {
    let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    epaper_parser::parse(url, &bytes, None).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn real_page(dir: &std::path::Path, file: &str, url: &str) -> PageRecord {
    match real(dir, file, url) {
        Record::Page(page) => page,
        other => panic!("{file} should be a page, got {other:?}"),
    }
}

fn titles(page: &PageRecord) -> Vec<&str> {
    page.articles
        .iter()
        .map(|a| a.title.as_deref().unwrap_or("<none>"))
        .collect()
}

fn first_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

fn last_chars(text: &str, n: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

#[test]
fn real_kjrb_page_node_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let base = "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2023-02/10/";
    let page = real_page(
        &dir,
        "kjrb/2023-02-10/node_2.htm",
        &format!("{base}node_2.htm"),
    );
    assert_eq!(page.date, date(2023, 2, 10));
    assert_eq!(page.page_no.as_deref(), Some("01"));
    assert_eq!(page.page_name.as_deref(), Some("今日要闻"));
    assert_eq!(
        titles(&page),
        [
            "新时代十年伟大变革奠定坚实基础",
            "开放共享 让大型科研仪器“忙”起来",
            "中国式现代化是中国共产党领导的社会主义现代化",
            "花香春意浓",
            "在纳米级薄膜上，飞秒激光实现全彩色无油墨打印",
        ]
    );
    let ids: Vec<&str> = page.articles.iter().map(|a| &a.url[base.len()..]).collect();
    assert_eq!(
        ids[..3],
        [
            "content_548643.htm",
            "content_548646.htm",
            "content_548655.htm"
        ]
    );
    assert_eq!(page.pages.len(), 8);
    assert_eq!(
        page.pages[0],
        page_ref("01", "今日要闻", &format!("{base}node_2.htm"))
    );
    assert_eq!(
        page.pages[7],
        page_ref("08", "文 化", &format!("{base}node_9.htm"))
    );
    let names: Vec<&str> = page
        .pages
        .iter()
        .filter_map(|p| p.page_name.as_deref())
        .collect();
    for spaced in ["综 合", "国 际", "视 点", "教 育", "区 域", "文 化"] {
        assert!(names.contains(&spaced), "{spaced} missing from {names:?}");
    }
    let images = "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/images/2023-02/10/01/";
    assert_eq!(
        page.image_url,
        Some(format!("{images}KJRB2023021001_b.jpg"))
    );
    assert_eq!(page.pdf_url, Some(format!("{images}KJRB2023021001.pdf")));
    // The scan's `img` gives no size: the map is taken to be in the scan's own pixels.
    assert_eq!(page.map_size, None);
    assert_eq!((page.prev_issue_url, page.next_issue_url), (None, None));
}

#[test]
fn real_zgjjjcb_page_node_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let base = "http://jjjcb.ccdi.gov.cn/epaper/html/2017-07/22/";
    let page = real_page(
        &dir,
        "zgjjjcb/2017-07-22/node_2.htm",
        &format!("{base}node_2.htm"),
    );
    assert_eq!(page.date, date(2017, 7, 22));
    assert_eq!(page.page_no.as_deref(), Some("1"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    // The 7 articles of this 版, in list01 order; the 今日关注 box's links to other 版 are not
    // this page's articles.
    assert_eq!(page.articles.len(), 7, "{:?}", titles(&page));
    assert_eq!(
        titles(&page)[..3],
        [
            "铭记光辉历史 传承红色基因 为把人民军队建设成为世界一流军队而不懈奋斗",
            "重庆：坚定不移深化政治巡视",
            "中国证监会原党委委员、主席助理张育军严重违纪被开除党籍和公职",
        ]
    );
    let mut ids: Vec<&str> = page.articles.iter().map(|a| &a.url[base.len()..]).collect();
    ids.sort();
    let expected: Vec<String> = (52014..=52020)
        .map(|n| format!("content_{n}.htm"))
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(
        page.pages,
        [
            page_ref("1", "要闻", &format!("{base}node_2.htm")),
            page_ref("2", "综合新闻", &format!("{base}node_3.htm")),
            page_ref("3", "队伍建设", &format!("{base}node_4.htm")),
            page_ref("4", "反腐观察", &format!("{base}node_5.htm")),
        ]
    );
    assert_eq!(
        page.image_url.as_deref(),
        Some("http://jjjcb.ccdi.gov.cn/epaper/html/1/2017-07/22/1/201707221_brief.jpg")
    );
    // `<img … width=350 height=550 USEMAP=#pagepicmap>`: the map's coordinates are in that space.
    assert_eq!(page.map_size, MapSize::new(350, 550));
    assert_eq!(
        page.prev_issue_url.as_deref(),
        Some("http://jjjcb.ccdi.gov.cn/epaper/html/2017-07/21/node_2.htm")
    );
    assert_eq!(page.next_issue_url, None);
}

#[test]
fn real_rmrb_new_layout_page_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let url = "https://paper.people.com.cn/rmrb/pc/layout/202603/10/node_01.html";
    let page = real_page(&dir, "rmrb/2026-03-10/node_01.html", url);
    assert_eq!(page.date, date(2026, 3, 10));
    assert_eq!(page.page_no.as_deref(), Some("01"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    assert_eq!(
        titles(&page),
        [
            "十四届全国人大四次会议举行第二次全体会议",
            "习近平向葡萄牙新任总统塞古罗致贺电",
            "以正确政绩观推动实现“十五五”良好开局（树立和践行正确政绩观）",
            "发展的事  看准了就坚持干（现场·代表通道）",
            "民生的事  获得感实实在在（现场·代表通道）",
            "“把中国刻在心上”（在现场·两会）",
            "图片报道",
        ]
    );
    let content = "https://paper.people.com.cn/rmrb/pc/content/202603/10/";
    let urls: Vec<String> = (30144445..=30144451)
        .map(|n| format!("{content}content_{n}.html"))
        .collect();
    let got: Vec<&str> = page.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(got, urls);
    assert_eq!(page.pages.len(), 20);
    let layout = "https://paper.people.com.cn/rmrb/pc/layout/202603/10/";
    for (i, page_ref) in page.pages.iter().enumerate() {
        assert_eq!(page_ref.url, format!("{layout}node_{:02}.html", i + 1));
        assert_eq!(page_ref.page_no, Some(format!("{:02}", i + 1)));
    }
    let name = |no: usize| page.pages[no - 1].page_name.as_deref();
    assert_eq!(name(17), Some("理论"));
    assert_eq!(name(18), Some("国际"));
    for ad in [11, 12, 15, 16, 19, 20] {
        assert_eq!(name(ad), Some("广告"), "版 {ad}");
    }
    assert!(page.image_url.is_some() && page.pdf_url.is_some());
    // `<img width="400" height="575" src="…jpg.2" USEMAP=#PagePicMap>`, the areas' coordinates
    // running up to about 400 × 572: the map is in the size the page shows the scan at.
    assert_eq!(page.map_size, MapSize::new(400, 575));
    let furthest = page
        .articles
        .iter()
        .flat_map(|a| &a.regions)
        .flat_map(|r| r.coords.chunks_exact(2))
        .fold((0f32, 0f32), |(x, y), p| (x.max(p[0]), y.max(p[1])));
    assert!(furthest.0 <= 400.0 && furthest.1 <= 575.0, "{furthest:?}");
    // 上一期/下一期 are JS only here.
    assert_eq!((page.prev_issue_url, page.next_issue_url), (None, None));
}

#[test]
fn real_rmrb_nbs_page_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let base = "http://paper.people.com.cn/rmrb/html/2017-10/16/";
    let file = "rmrb/2017-10-16/nbs.D110000renmrb_01.htm";
    let page = real_page(&dir, file, &format!("{base}nbs.D110000renmrb_01.htm"));
    assert_eq!(page.date, date(2017, 10, 16));
    assert_eq!(page.page_no.as_deref(), Some("01"));
    assert_eq!(page.page_name.as_deref(), Some("要闻"));
    assert_eq!(
        titles(&page),
        [
            "《习近平关于社会主义文化建设论述摘编》出版发行",
            "中共中央召开党外人士座谈会 征求对中共十九大报告的意见",
            "党的十九大代表陆续抵京",
            "砥砺奋进 铸就辉煌",
            "党的十八大以来大事记",
        ]
    );
    let urls: Vec<String> = (1..=5)
        .map(|k| format!("{base}nw.D110000renmrb_20171016_{k}-01.htm"))
        .collect();
    let got: Vec<&str> = page.articles.iter().map(|a| a.url.as_str()).collect();
    assert_eq!(got, urls);
    assert_eq!(page.pages.len(), 24);
    assert_eq!(page.pages[0].url, format!("{base}nbs.D110000renmrb_01.htm"));
    assert_eq!(
        page.pages[23].url,
        format!("{base}nbs.D110000renmrb_24.htm")
    );
    let name = |no: usize| page.pages[no - 1].page_name.as_deref();
    assert_eq!(name(1), Some("要闻"));
    assert_eq!(name(8), Some("广告"));
    assert_eq!(
        name(9),
        Some("砥砺奋进的5年·迎接党的十九大特别报道·历史性变革⑧")
    );
    assert_eq!(name(17), Some("综合"));
    assert_eq!(name(23), Some("区域经济"));
    let scans = "http://paper.people.com.cn/rmrb/page/2017-10/16/01/";
    assert_eq!(page.image_url, Some(format!("{scans}rmrb2017101601_b.jpg")));
    assert_eq!(page.pdf_url, Some(format!("{scans}rmrb2017101601.pdf")));
    assert_eq!(page.map_size, MapSize::new(400, 575));
    assert_eq!((page.prev_issue_url, page.next_issue_url), (None, None));
}

#[test]
fn real_hnsb_article_matches_its_ground_truth() {
    let Some(dir) = real_pages() else { return };
    let url = "http://newpaper.dahe.cn/hnsb/html/2022-02/12/content_547409.htm";
    let article = match real(&dir, "hnsb/2022-02-12/content_547409.htm", url) {
        Record::Article(article) => article,
        other => panic!("should be an article, got {other:?}"),
    };
    assert_eq!(article.date, date(2022, 2, 12));
    assert_eq!(article.page_no.as_deref(), Some("A01"));
    assert_eq!(article.page_name.as_deref(), Some("头版"));
    assert_eq!(article.pretitle, None);
    assert_eq!(
        article.title.as_deref(),
        Some("拿起跨界“指挥棒”她跟学生“较着劲儿”成长")
    );
    assert_eq!(
        article.subtitle.as_deref(),
        Some("年过五十的她带领学校民乐团的孩子们一路快乐前行，在比赛中拿下不俗的成绩")
    );
    assert_eq!(article.author.as_deref(), Some("马俊峰"));
    // The credit line is printed text (it also credits the photographs), so it stays: 35.
    let body = &article.paragraphs;
    assert_eq!(body.len(), 35);
    assert_eq!(body[0], "顶端新闻·河南商报记者马俊峰/文受访者供图");
    assert_eq!(
        first_chars(&body[1], 30),
        "“你是不知道，每天看着孩子们直着脖子，仰着小脸儿，等你去表扬"
    );
    assert_eq!(
        last_chars(&body[34], 30),
        "小脸，等着老师表扬，那种满足感，是没有办法用语言来形容的。”"
    );
    assert_eq!(body[3], "“云端”连线练琴是最快乐的时光");
    assert_eq!(body[16], "学习不是为了对比做好自己最重要");
    assert_eq!(body[25], "发现学生每一个细小的闪光点提升他们的“幸福指数”");
    assert_eq!(
        article.images,
        [Image {
            url: "http://newpaper.dahe.cn/hnsb/images/2022-02/12/A01/p23_b.jpg".into(),
            caption: Some("郭荣梅指挥乐团练习".into()),
        }]
    );
}

/// The bundled site profiles point at the pages the parser reads: each profile's entry URL for
/// the day of a real page is that page's URL, and the page parses as the issue's first 版.
#[test]
fn bundled_profiles_enter_their_issues_where_the_real_pages_are() {
    let Some(dir) = real_pages() else { return };
    for (site, day, file) in [
        ("kjrb", date(2023, 2, 10), "kjrb/2023-02-10/node_2.htm"),
        (
            "zgjjjcb",
            date(2017, 7, 22),
            "zgjjjcb/2017-07-22/node_2.htm",
        ),
        ("rmrb", date(2026, 3, 10), "rmrb/2026-03-10/node_01.html"),
        // The nbs era of the same profile.
        (
            "rmrb",
            date(2017, 10, 16),
            "rmrb/2017-10-16/nbs.D110000renmrb_01.htm",
        ),
    ] {
        let profile = epaper_common::sites::get(site).unwrap();
        let entry = profile.entry_url(None, day.unwrap()).unwrap();
        let page = real_page(&dir, file, &entry);
        assert_eq!(page.url, entry, "{site}");
        assert_eq!(page.date, day, "{site}");
        assert_eq!(
            page.pages.first().map(|p| p.url.as_str()),
            Some(entry.as_str()),
            "{site}"
        );
        assert!(!page.articles.is_empty(), "{site}");
    }
}
