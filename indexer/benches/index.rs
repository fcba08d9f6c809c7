//! Indexing throughput: how many articles a second `Store::apply` writes, the batched path the
//! index stage takes for every delivery it holds.
//!
//! Groups, each counted in articles:
//! - `postgres_first_ingest`: batches of 256 new articles (new URLs every iteration, so every
//!   iteration really inserts) into a fresh PostgreSQL database;
//! - `postgres_reingest_unchanged`: the same batch of 256 applied again and again, the
//!   content-hash path that writes nothing;
//! - `sqlite_first_ingest`: as the first, into a fresh SQLite file;
//! - `segment`: jieba segmentation of one article, CPU work that `apply` does for every new or
//!   changed article;
//! - `tsvector`: building PostgreSQL's tsvector of one segmented article (PostgreSQL only).
//!
//! `EPAPER_BENCH_PROBE=1` runs the backend-CPU probe (`index/probe.rs`) instead.
//!
//! The articles are made up here: about 2.6 KB of Chinese text in 10 paragraphs, 1–2 images, and
//! an ~8 KB HTML page as the raw document, each article different so that no two hash alike.
//! Building a batch is not timed; `apply` is, including the hashing and segmentation it does.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 with trust auth (or `EPAPER_TEST_PG_ADMIN`); the fresh
//! database is dropped at the end.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group};
use epaper_common::messages::{ArticleRecord, CompressedBytes, DocKind, FetchedDocument, Image};
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use epaper_indexer::{Item, Store};

/// Articles per `apply`: what one consumer holds unacked with the default prefetch.
const BATCH: usize = 256;
/// About one issue's worth of articles (8 pages of 16), so a batch touches two issues.
const ARTICLES_PER_ISSUE: u64 = 128;

const PAGE_NAMES: [&str; 8] = [
    "要闻", "综合", "经济", "城市", "社会", "文化", "国际", "体育",
];

const AUTHORS: [&str; 12] = [
    "林晓川",
    "王海燕",
    "陈志刚",
    "李婷",
    "张宏伟",
    "刘晨",
    "赵雪梅",
    "孙立新",
    "周楠",
    "吴建国",
    "郑小雨",
    "黄文涛",
];

/// Phrases of newspaper prose; sentences are drawn from them at random.
const PHRASES: [&str; 64] = [
    "全市上下",
    "认真贯彻落实",
    "高质量发展",
    "社区志愿服务队",
    "正式投入运行",
    "为群众办实事",
    "进一步优化营商环境",
    "重点项目建设",
    "稳步推进",
    "据市统计局介绍",
    "今年前三季度",
    "地区生产总值同比增长",
    "科技创新能力不断增强",
    "乡村振兴战略",
    "农民人均可支配收入",
    "持续改善生态环境",
    "城市更新行动",
    "老旧小区改造",
    "惠及居民两千余户",
    "公共文化服务体系",
    "图书馆和文化馆",
    "延长开放时间",
    "教育部门表示",
    "义务教育阶段",
    "课后服务全覆盖",
    "医疗卫生服务能力",
    "家庭医生签约服务",
    "基层医疗机构",
    "交通运输部门",
    "地铁新线开通",
    "市民出行更加便捷",
    "新能源汽车产业链",
    "龙头企业带动",
    "中小企业融资难题",
    "金融机构加大支持力度",
    "外贸进出口总额",
    "跨境电商综合试验区",
    "文化旅游消费",
    "假日期间接待游客",
    "非物质文化遗产",
    "传承保护工作",
    "体育健身设施",
    "全民健身活动",
    "安全生产检查",
    "消除各类隐患",
    "防汛抗旱准备",
    "粮食生产再获丰收",
    "现代农业产业园",
    "数字经济核心产业",
    "人工智能应用场景",
    "人才引进政策",
    "高校毕业生就业",
    "养老服务设施",
    "社会保障水平",
    "街道办事处负责人说",
    "下一步将继续",
    "坚持以人民为中心",
    "把好事办好",
    "记者在现场看到",
    "工作人员正在忙碌",
    "不少市民纷纷点赞",
    "相关负责人介绍",
    "据了解",
    "截至目前",
];

/// A small deterministic generator (splitmix64), so runs see the same kind of text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A paragraph of about `target` characters: sentences of phrases, with numbers that vary.
fn paragraph(rng: &mut Rng, target: usize) -> String {
    let mut text = String::new();
    let mut chars = 0;
    while chars < target {
        let n_phrases = 3 + rng.below(4);
        for i in 0..n_phrases {
            let phrase = rng.pick(&PHRASES);
            text.push_str(phrase);
            chars += phrase.chars().count();
            if i == 1 {
                let figure = format!("{}.{}%", rng.below(30), rng.below(10));
                chars += figure.len();
                text.push_str(&figure);
            }
            let mark = if i + 1 == n_phrases { "。" } else { "，" };
            text.push_str(mark);
            chars += 1;
        }
    }
    text
}

struct Article {
    fetched: FetchedDocument,
    article: ArticleRecord,
}

/// Article number `k` of the run: its own URL, its issue, its own text and raw page.
fn article(k: u64) -> Article {
    let mut rng = Rng(k ^ 0x5eed);
    let issue = k / ARTICLES_PER_ISSUE;
    let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(issue);
    let page_idx = (k % ARTICLES_PER_ISSUE) as usize / 16;
    let dir = format!(
        "http://paper.bench/html/{}/{}/",
        date.format("%Y-%m"),
        date.format("%d")
    );
    let url = format!("{dir}content_{k}.htm");
    let title = format!(
        "{}{}",
        rng.pick(&PHRASES),
        rng.pick(&PHRASES).trim_end_matches('说')
    );
    let paragraphs: Vec<String> = (0..10)
        .map(|_| {
            let target = 62 + rng.below(20);
            paragraph(&mut rng, target)
        })
        .collect();
    let images = (0..1 + rng.below(2))
        .map(|i| Image {
            url: format!(
                "http://paper.bench/images/{}/{}/{page_idx:02}/p{k}_{i}_b.jpg",
                date.format("%Y-%m"),
                date.format("%d")
            ),
            caption: Some(format!(
                "{}（记者 {} 摄）",
                rng.pick(&PHRASES),
                rng.pick(&AUTHORS)
            )),
        })
        .collect();
    let article = ArticleRecord {
        url: url.clone(),
        date: Some(date),
        page_no: Some(format!("{:02}", page_idx + 1)),
        page_name: Some(PAGE_NAMES[page_idx].to_string()),
        pretitle: (rng.below(3) == 0).then(|| rng.pick(&PHRASES).to_string()),
        title: Some(title),
        subtitle: (rng.below(4) == 0).then(|| rng.pick(&PHRASES).to_string()),
        author: Some(format!("本报记者 {}", rng.pick(&AUTHORS))),
        paragraphs,
        images,
    };
    let html = raw_page(&article, &dir, k);
    Article {
        fetched: FetchedDocument {
            site: "bench".into(),
            issue_date: date,
            kind: DocKind::Article,
            url,
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            etag: Some(format!("\"{k:x}-5f3a\"")),
            last_modified: None,
            fetched_at: Utc::now(),
            body: CompressedBytes::compress(html.as_bytes()),
            http: None,
        },
        article,
    }
}

/// The article as a Founder-style page would serve it: navigation, the page's title list, the
/// text, and the footer.
fn raw_page(article: &ArticleRecord, dir: &str, k: u64) -> String {
    let mut html = String::with_capacity(9 * 1024);
    html.push_str(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head>\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n",
    );
    html.push_str(&format!(
        "<title>{}</title>\n<link href=\"../../../style/common.css\" rel=\"stylesheet\">\n\
         <script src=\"../../../script/jquery.min.js\"></script>\n</head>\n<body>\n\
         <table width=\"1000\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\">\n",
        article.title.as_deref().unwrap_or("")
    ));
    html.push_str("<tr><td class=\"nav\">\n");
    for (i, name) in PAGE_NAMES.iter().enumerate() {
        html.push_str(&format!(
            "<a id=\"pageLink\" href=\"{dir}node_{}.htm\" class=\"default\">第{:02}版：{name}</a>\n",
            i + 1,
            i + 1
        ));
    }
    html.push_str("</td></tr>\n<tr><td class=\"list\"><ul>\n");
    let first = k - k % 16;
    for other in first..first + 16 {
        let mut rng = Rng(other ^ 0x5eed);
        html.push_str(&format!(
            "<li><a href=\"{dir}content_{other}.htm\" target=\"_self\"><div style=\"display:inline\" \
             id=\"mp{other}\">{}{}</div></a></li>\n",
            rng.pick(&PHRASES),
            rng.pick(&PHRASES)
        ));
    }
    html.push_str("</ul></td></tr>\n<tr><td class=\"content\">\n");
    for (class, value) in [
        ("pretitle", &article.pretitle),
        ("title", &article.title),
        ("subtitle", &article.subtitle),
        ("author", &article.author),
    ] {
        if let Some(value) = value {
            html.push_str(&format!("<div class=\"{class}\">{value}</div>\n"));
        }
    }
    html.push_str("<!--enpcontent--><founder-content>\n");
    for image in &article.images {
        html.push_str(&format!(
            "<table><tr><td><img src=\"{}\"></td></tr><tr><td class=\"caption\">{}</td></tr></table>\n",
            image.url,
            image.caption.as_deref().unwrap_or("")
        ));
    }
    for paragraph in &article.paragraphs {
        html.push_str(&format!("<p>　　{paragraph}</p>\n"));
    }
    html.push_str("</founder-content><!--/enpcontent-->\n</td></tr>\n");
    html.push_str(
        "<tr><td class=\"footer\">\n<a href=\"../../../index.htm\">返回首页</a> | \
         <a href=\"../../../period.htm\">往期回顾</a> | <a href=\"../../../about.htm\">关于我们</a>\n\
         <p>版权所有 本报社 未经书面授权不得复制或建立镜像</p>\n\
         <p>地址：解放路100号 邮编：100000 广告热线：010-12345678 发行热线：010-87654321</p>\n\
         <p>技术支持：方正电子 ICP备案号：京ICP备00000000号</p>\n</td></tr>\n</table>\n\
         <script type=\"text/javascript\">\nvar _hmt = _hmt || [];\n(function() {\n\
         var hm = document.createElement(\"script\");\nhm.src = \"../../../script/stat.js\";\n\
         var s = document.getElementsByTagName(\"script\")[0];\ns.parentNode.insertBefore(hm, s);\n\
         })();\n</script>\n</body></html>\n",
    );
    html
}

/// Hands out batches of articles never seen before in this run.
struct Articles {
    next: u64,
}

impl Articles {
    fn batch(&mut self) -> Vec<Article> {
        let batch = (self.next..self.next + BATCH as u64).map(article).collect();
        self.next += BATCH as u64;
        batch
    }
}

fn items(batch: &[Article]) -> Vec<Item<'_>> {
    batch
        .iter()
        .map(|a| Item::Article {
            fetched: &a.fetched,
            article: &a.article,
        })
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .throughput(Throughput::Elements(BATCH as u64))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
}

/// Times `apply` of a fresh batch per iteration; building the batches is not timed.
fn first_ingest(
    c: &mut Criterion,
    name: &str,
    rt: &tokio::runtime::Runtime,
    store: &Store,
    articles: &mut Articles,
) {
    let mut group = c.benchmark_group(name);
    configure(&mut group);
    group.bench_function("batch_256", |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let batch = articles.batch();
                let items = items(&batch);
                let start = Instant::now();
                rt.block_on(store.apply(&items)).expect("apply");
                elapsed += start.elapsed();
            }
            elapsed
        })
    });
    group.finish();
}

fn postgres(c: &mut Criterion) {
    let rt = runtime();
    let db = rt.block_on(FreshDatabase::create());
    let store = rt.block_on(async {
        let store = Store::connect(&db.url, 2).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    });
    let mut articles = Articles { next: 0 };

    first_ingest(c, "postgres_first_ingest", &rt, &store, &mut articles);

    let batch = articles.batch();
    let unchanged = items(&batch);
    rt.block_on(store.apply(&unchanged)).expect("first apply");
    let mut group = c.benchmark_group("postgres_reingest_unchanged");
    configure(&mut group);
    group.bench_function("batch_256", |b| {
        b.iter(|| {
            rt.block_on(store.apply(black_box(&unchanged)))
                .expect("apply")
        })
    });
    group.finish();

    rt.block_on(store.close());
    rt.block_on(db.drop_it());
}

fn sqlite(c: &mut Criterion) {
    let rt = runtime();
    let path = std::env::temp_dir().join(format!("epaper_bench_{}.sqlite", random_suffix()));
    let store = rt.block_on(async {
        let store = Store::connect(&format!("sqlite://{}", path.display()), 2)
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        store
    });
    let mut articles = Articles { next: 0 };
    first_ingest(c, "sqlite_first_ingest", &rt, &store, &mut articles);
    rt.block_on(store.close());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn segment(c: &mut Criterion) {
    let sample = article(0);
    let text = epaper_indexer::search::searchable_text(&sample.article);
    eprintln!(
        "sample article: {} characters of searchable text ({} bytes), paragraphs {} bytes as \
         JSON, raw page {} bytes ({} compressed)",
        text.chars().count(),
        text.len(),
        serde_json::to_string(&sample.article.paragraphs)
            .unwrap()
            .len(),
        sample.fetched.body.decompress(1 << 20).unwrap().len(),
        sample.fetched.body.compressed().len(),
    );
    let mut group = c.benchmark_group("segment");
    group
        .throughput(Throughput::Elements(1))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("one_article", |b| {
        b.iter(|| epaper_indexer::search::segment(black_box(&text)))
    });
    group.finish();

    let segmented = epaper_indexer::search::segment(&text);
    let built = (0..1000)
        .filter(|&k| {
            let text = epaper_indexer::search::searchable_text(&article(k).article);
            epaper_indexer::tsvector::build(&epaper_indexer::search::segment(&text)).is_some()
        })
        .count();
    eprintln!("tsvector built by the indexer for {built} of 1000 articles");
    let mut group = c.benchmark_group("tsvector");
    group
        .throughput(Throughput::Elements(1))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("one_article", |b| {
        b.iter(|| epaper_indexer::tsvector::build(black_box(&segmented)))
    });
    group.finish();
}

criterion_group!(benches, segment, postgres, sqlite);

#[path = "index/probe.rs"]
mod probe;

fn main() {
    if let Ok(rounds) = std::env::var("EPAPER_BENCH_PROBE") {
        probe::run(rounds.parse().unwrap_or(1));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
