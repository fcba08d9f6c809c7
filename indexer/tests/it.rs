//! The store's shared suite, run against both backends: PostgreSQL (a fresh database per test)
//! and SQLite (a fresh file per test). The same assertions must hold on each.

use chrono::{NaiveDate, Utc};
use epaper_common::messages::{
    ArticleRecord, CompressedBytes, DocKind, FetchFailure, FetchedDocument, Image, IssueManifest,
    PageRecord, PageRef, Record,
};
use epaper_indexer::media::MediaStore;
use epaper_indexer::store::{ExportedImage, StoredMedium};
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use epaper_indexer::{ExportFilter, ExportedArticle, IssueState, Store};

const BASE: &str = "http://paper.test/html/2024-03/04/";

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).unwrap()
}

fn fetched(url: &str, kind: DocKind, body: &str) -> FetchedDocument {
    FetchedDocument {
        site: "sample".into(),
        issue_date: date(),
        kind,
        url: url.into(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        etag: None,
        last_modified: None,
        fetched_at: Utc::now(),
        body: CompressedBytes::compress(body.as_bytes()),
    }
}

fn page(n_articles: usize) -> PageRecord {
    PageRecord {
        url: format!("{BASE}node_1.htm"),
        date: Some(date()),
        page_no: Some("01".into()),
        page_name: Some("要闻".into()),
        pages: vec![PageRef {
            page_no: Some("01".into()),
            page_name: Some("要闻".into()),
            url: format!("{BASE}node_1.htm"),
        }],
        articles: (0..n_articles)
            .map(|k| epaper_common::messages::ArticleRef {
                title: Some(format!("标题{k}")),
                url: format!("{BASE}content_{k}.htm"),
            })
            .collect(),
        image_url: Some("http://paper.test/images/2024-03/04/01/page_b.png".into()),
        pdf_url: Some("http://paper.test/images/2024-03/04/01/page.pdf".into()),
        prev_issue_url: None,
        next_issue_url: None,
    }
}

fn article(k: usize, paragraph: &str) -> ArticleRecord {
    ArticleRecord {
        url: format!("{BASE}content_{k}.htm"),
        date: Some(date()),
        page_no: Some("01".into()),
        page_name: Some("要闻".into()),
        pretitle: Some("引题".into()),
        title: Some(format!("标题{k}")),
        subtitle: None,
        author: Some("林晓川".into()),
        paragraphs: vec!["社区志愿服务队正式运行。".into(), paragraph.into()],
        images: vec![Image {
            url: format!("http://paper.test/images/p{k}_b.png"),
            caption: Some("活动现场".into()),
        }],
    }
}

fn manifest(n_articles: usize, failures: Vec<FetchFailure>) -> IssueManifest {
    IssueManifest {
        site: "sample".into(),
        date: date(),
        absent: false,
        pages: vec![format!("{BASE}node_1.htm")],
        articles: (0..n_articles)
            .map(|k| format!("{BASE}content_{k}.htm"))
            .collect(),
        failures,
        media: vec![],
    }
}

async fn exported(store: &Store) -> Vec<ExportedArticle> {
    let mut rows = Vec::new();
    store
        .export(&ExportFilter::default(), |a| {
            rows.push(a);
            Ok(())
        })
        .await
        .unwrap();
    rows
}

async fn state(store: &Store) -> Option<String> {
    let state = store.issue_state("sample", date()).await.unwrap();
    state.map(|state| state.as_str().to_string())
}

async fn store_page(store: &Store, n_articles: usize) {
    let page = page(n_articles);
    store
        .store_document(
            &fetched(&page.url, DocKind::Page, "<html/>"),
            &Record::Page(page),
        )
        .await
        .unwrap();
}

async fn store_article(store: &Store, k: usize, paragraph: &str) {
    let article = article(k, paragraph);
    store
        .store_document(
            &fetched(&article.url, DocKind::Article, paragraph),
            &Record::Article(article),
        )
        .await
        .unwrap();
}

/// Documents may arrive before or after the manifest; the issue is complete when all are in,
/// and a redelivery of any of them changes nothing.
async fn completes_in_any_order_and_redelivery_changes_nothing(store: Store) {
    store.mark_queued("sample", date()).await.unwrap();
    assert_eq!(state(&store).await.as_deref(), Some("queued"));
    store_article(&store, 0, "第一段。").await;
    assert_eq!(state(&store).await.as_deref(), Some("parsing"));
    store.apply_manifest(&manifest(2, vec![])).await.unwrap();
    store_page(&store, 2).await;
    assert_eq!(state(&store).await.as_deref(), Some("parsing"));
    store_article(&store, 1, "第二段。").await;
    assert_eq!(state(&store).await.as_deref(), Some("complete"));

    let before = exported(&store).await;
    assert_eq!(before.len(), 2);
    assert_eq!(before[0], {
        let a = article(0, "第一段。");
        ExportedArticle {
            site: "sample".into(),
            date: date(),
            page_no: a.page_no,
            page_name: a.page_name,
            url: a.url,
            pretitle: a.pretitle,
            title: a.title,
            subtitle: a.subtitle,
            author: a.author,
            paragraphs: a.paragraphs,
            images: a
                .images
                .into_iter()
                .map(|i| ExportedImage {
                    url: i.url,
                    caption: i.caption,
                    stored: None,
                })
                .collect(),
            // Nothing fetched the media: the export says so rather than guessing.
            page_scan: None,
            page_pdf: None,
        }
    });

    // Redelivery of everything, in another order.
    store_article(&store, 1, "第二段。").await;
    store.apply_manifest(&manifest(2, vec![])).await.unwrap();
    store_article(&store, 0, "第一段。").await;
    store_page(&store, 2).await;
    assert_eq!(exported(&store).await, before);
    assert_eq!(state(&store).await.as_deref(), Some("complete"));

    // A changed article replaces its row; it is never a second row.
    store_article(&store, 0, "改过的第一段。").await;
    let after = exported(&store).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[0].paragraphs[1], "改过的第一段。");
    assert_eq!(
        store.issue_states().await.unwrap(),
        vec![("sample".to_string(), IssueState::Complete, 1)]
    );
    store.close().await;
}

async fn failures_make_partial_and_absence_is_not_a_failure(store: Store) {
    let failed = FetchFailure {
        url: format!("{BASE}content_1.htm"),
        kind: DocKind::Article,
        reason: "HTTP 500 after 4 attempts".into(),
    };
    store
        .apply_manifest(&manifest(2, vec![failed]))
        .await
        .unwrap();
    store_page(&store, 2).await;
    store_article(&store, 0, "第一段。").await;
    assert_eq!(state(&store).await.as_deref(), Some("partial"));

    // Media count too: with every document stored, a PDF that failed keeps the issue partial,
    // and a missing one keeps it parsing.
    let day = date().pred_opt().unwrap();
    let pdf = "http://paper.test/images/01/page.pdf".to_string();
    let mut with_media = manifest(0, vec![]);
    with_media.date = day;
    with_media.pages.clear();
    with_media.media = vec![pdf.clone()];
    store.apply_manifest(&with_media).await.unwrap();
    assert_eq!(
        store
            .issue_state("sample", day)
            .await
            .unwrap()
            .map(IssueState::as_str),
        Some("parsing")
    );
    with_media.failures = vec![FetchFailure {
        url: pdf,
        kind: DocKind::Pdf,
        reason: "HTML, not a PDF".into(),
    }];
    store.apply_manifest(&with_media).await.unwrap();
    assert_eq!(
        store
            .issue_state("sample", day)
            .await
            .unwrap()
            .map(IssueState::as_str),
        Some("partial")
    );

    let absent_day = date().succ_opt().unwrap();
    store
        .apply_manifest(&IssueManifest {
            site: "sample".into(),
            date: absent_day,
            absent: true,
            pages: vec![],
            articles: vec![],
            failures: vec![],
            media: vec![],
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .issue_state("sample", absent_day)
            .await
            .unwrap()
            .map(IssueState::as_str),
        Some("absent")
    );
    // A crawl that gave up marks its issue failed, but never one whose manifest arrived.
    let failed_day = absent_day.succ_opt().unwrap();
    store.mark_queued("sample", failed_day).await.unwrap();
    store.mark_crawling("sample", failed_day).await.unwrap();
    assert_eq!(
        store
            .issue_state("sample", failed_day)
            .await
            .unwrap()
            .map(IssueState::as_str),
        Some("crawling")
    );
    // A crawl start never moves an issue backwards.
    store.mark_crawling("sample", date()).await.unwrap();
    assert_eq!(state(&store).await.as_deref(), Some("partial"));
    store.mark_failed("sample", failed_day).await.unwrap();
    store.mark_failed("sample", date()).await.unwrap();
    assert_eq!(
        store
            .issue_state("sample", failed_day)
            .await
            .unwrap()
            .map(IssueState::as_str),
        Some("failed")
    );
    assert_eq!(state(&store).await.as_deref(), Some("partial"));
    store.close().await;
}

/// Many writers on one issue at once (two indexer replicas) still end `complete`.
async fn concurrent_writers_leave_the_right_state(store: Store) {
    let n = 12;
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..n {
        let store = store.clone();
        tasks.spawn(async move { store_article(&store, k, "并发写入。").await });
    }
    {
        let store = store.clone();
        tasks.spawn(async move { store.apply_manifest(&manifest(n, vec![])).await.unwrap() });
    }
    {
        let store = store.clone();
        tasks.spawn(async move { store_page(&store, n).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap();
    }
    assert_eq!(exported(&store).await.len(), n);
    assert_eq!(state(&store).await.as_deref(), Some("complete"));
    store.close().await;
}

/// One batch larger than a multi-row statement, with a repeated URL (the last copy wins, as
/// with one message at a time) and the manifest inside it.
async fn a_batch_commits_many_documents_at_once(store: Store) {
    use epaper_indexer::Item;
    let n = 1100;
    let manifest = manifest(n, vec![]);
    let page = page(n);
    let page_doc = fetched(&page.url, DocKind::Page, "<html/>");
    let articles: Vec<ArticleRecord> = (0..n).map(|k| article(k, "批量。")).collect();
    let docs: Vec<FetchedDocument> = articles
        .iter()
        .map(|a| fetched(&a.url, DocKind::Article, &a.url))
        .collect();
    let changed = article(0, "最后一份为准。");
    let changed_doc = fetched(&changed.url, DocKind::Article, "changed");
    let mut items = vec![
        Item::Manifest(&manifest),
        Item::Page {
            fetched: &page_doc,
            page: &page,
        },
    ];
    for (doc, a) in docs.iter().zip(&articles) {
        items.push(Item::Article {
            fetched: doc,
            article: a,
        });
    }
    items.push(Item::Article {
        fetched: &changed_doc,
        article: &changed,
    });
    store.apply(&items).await.unwrap();
    let rows = exported(&store).await;
    assert_eq!(rows.len(), n);
    let first = rows.iter().find(|r| r.url == changed.url).unwrap();
    assert_eq!(first.paragraphs[1], "最后一份为准。");
    assert_eq!(state(&store).await.as_deref(), Some("complete"));
    // The same batch again changes nothing.
    store.apply(&items).await.unwrap();
    assert_eq!(exported(&store).await, rows);
    store.close().await;
}

async fn found(store: &Store, text: &str) -> Vec<String> {
    let query = epaper_indexer::SearchQuery {
        text: text.into(),
        filter: ExportFilter::default(),
        limit: 10,
    };
    let hits = store.search(&query).await.unwrap();
    hits.into_iter().map(|hit| hit.url).collect()
}

/// The search text is written with its article: a redelivered article is still found once, a
/// changed one by its new words and no longer by its old ones.
async fn search_follows_changed_articles(store: Store) {
    let url = article(0, "").url;
    store_article(&store, 0, "市图书馆延长开放时间。").await;
    store_article(&store, 1, "地铁新线开通。").await;
    assert_eq!(found(&store, "图书馆").await, vec![url.clone()]);
    store_article(&store, 0, "市图书馆延长开放时间。").await;
    assert_eq!(found(&store, "图书馆").await, vec![url.clone()]);
    store_article(&store, 0, "全民健身活动启动。").await;
    assert!(found(&store, "图书馆").await.is_empty());
    assert_eq!(found(&store, "健身").await, vec![url]);
    assert_eq!(found(&store, "地铁").await, vec![article(1, "").url]);

    // One batch with an unchanged, a changed and a new article: each gets its own words.
    let batch = [
        article(0, "全民健身活动启动。"),
        article(1, "非物质文化遗产保护。"),
        article(2, "高校毕业生就业。"),
    ];
    let docs: Vec<FetchedDocument> = batch
        .iter()
        .map(|a| fetched(&a.url, DocKind::Article, &a.paragraphs[1]))
        .collect();
    let items: Vec<epaper_indexer::Item> = docs
        .iter()
        .zip(&batch)
        .map(|(doc, a)| epaper_indexer::Item::Article {
            fetched: doc,
            article: a,
        })
        .collect();
    store.apply(&items).await.unwrap();
    assert_eq!(found(&store, "健身").await, vec![batch[0].url.clone()]);
    assert_eq!(found(&store, "遗产").await, vec![batch[1].url.clone()]);
    assert_eq!(found(&store, "毕业生").await, vec![batch[2].url.clone()]);
    assert!(found(&store, "地铁").await.is_empty());
    store.close().await;
}

/// The export names, for each article, the stored copies of its images and of its page's scan
/// and PDF, once they are stored; media of other pages and articles do not leak in.
async fn export_names_the_stored_media_of_each_article_and_its_page(store: Store) {
    store_page(&store, 2).await;
    store_article(&store, 0, "第一段。").await;
    store_article(&store, 1, "第二段。").await;
    let root = std::env::temp_dir().join(format!("epaper-export-media-{}", random_suffix()));
    let media = MediaStore::new(&root).unwrap();
    let page = page(2);
    let put = async |url: &str, kind: DocKind, owner: &str, bytes: &[u8]| {
        let stored = media.put(bytes).await.unwrap();
        let mut doc = fetched(url, kind, "");
        doc.body = CompressedBytes::compress(bytes);
        store.store_media(&doc, owner, &stored).await.unwrap();
        StoredMedium {
            url: url.into(),
            path: format!("{}/{}", &stored.sha256[..2], stored.sha256),
            sha256: stored.sha256,
            size: bytes.len() as i64,
        }
    };
    let scan = put(
        page.image_url.as_deref().unwrap(),
        DocKind::Scan,
        &page.url,
        b"\x89PNG scan",
    )
    .await;
    let pdf = put(
        page.pdf_url.as_deref().unwrap(),
        DocKind::Pdf,
        &page.url,
        b"%PDF-1.4 page",
    )
    .await;
    let a0 = article(0, "");
    let image0 = put(
        &a0.images[0].url,
        DocKind::Image,
        &a0.url,
        b"\x89PNG photo 0",
    )
    .await;
    // A page of another issue date with the same 版 number must not be taken for this one.
    put(
        "http://paper.test/images/2024-03/05/01/page.pdf",
        DocKind::Pdf,
        "http://paper.test/html/2024-03/05/node_1.htm",
        b"%PDF other",
    )
    .await;

    let rows = exported(&store).await;
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row.page_scan.as_ref(), Some(&scan), "{}", row.url);
        assert_eq!(row.page_pdf.as_ref(), Some(&pdf), "{}", row.url);
    }
    assert_eq!(rows[0].images[0].stored.as_ref(), Some(&image0));
    assert_eq!(
        rows[1].images[0].stored, None,
        "article 1's image was never fetched"
    );
    assert_eq!(
        std::fs::read(root.join(&image0.path)).unwrap(),
        b"\x89PNG photo 0",
        "the exported path is where the bytes are"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// The S3-compatible server the object-store tests talk to: `EPAPER_TEST_S3_ENDPOINT`, else the
/// moto server `.ci/run` starts on 127.0.0.1:9010. Unreachable, the test fails and says why;
/// `EPAPER_TEST_S3_ENDPOINT=skip` is the explicit, printed way to leave it out.
async fn s3_endpoint() -> Option<String> {
    let endpoint = std::env::var("EPAPER_TEST_S3_ENDPOINT")
        .unwrap_or_else(|_| "http://127.0.0.1:9010".to_string());
    if endpoint == "skip" {
        eprintln!("WARNING: EPAPER_TEST_S3_ENDPOINT=skip: the S3 media store is NOT tested");
        return None;
    }
    if let Err(error) = reqwest::get(&endpoint).await {
        panic!(
            "no S3-compatible server at {endpoint} ({error}); .ci/run starts one (moto), or set \
             EPAPER_TEST_S3_ENDPOINT"
        );
    }
    Some(endpoint)
}

/// The media store on S3-compatible object storage keeps each object once, whole, under
/// `<prefix>/<aa>/<sha256>`, and reads it back; the same bytes from two URLs are one object.
#[tokio::test]
async fn media_store_on_s3_keeps_each_object_once_under_its_hash() {
    let Some(endpoint) = s3_endpoint().await else {
        return;
    };
    let bucket = format!("epaper-test-{}", random_suffix().to_lowercase());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "creating the bucket: {}",
        created.status()
    );
    let settings = epaper_common::config::MediaSettings {
        dir: format!("s3://{bucket}/archive"),
        s3_endpoint: endpoint.clone(),
        s3_region: "us-east-1".into(),
        s3_access_key_id: "epaper-test".into(),
        s3_secret_access_key: "not-a-real-secret".to_string().into(),
    };
    let media = MediaStore::from_settings(&settings)
        .unwrap()
        .expect("a store");
    assert_eq!(media.describe(), format!("s3://{bucket}/archive"));

    let scan = b"\x89PNG scan of page 1".to_vec();
    let a = media.put(&scan).await.unwrap();
    let b = media.put(&scan).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a.key, format!("{}/{}", &a.sha256[..2], a.sha256));
    assert_eq!(a.location, format!("s3://{bucket}/archive/{}", a.key));
    let pdf = media.put(b"%PDF-1.4 page 1").await.unwrap();
    assert_eq!(media.get(&a.sha256).await.unwrap(), Some(scan));
    assert_eq!(
        media.get(&pdf.sha256).await.unwrap().as_deref(),
        Some(&b"%PDF-1.4 page 1"[..])
    );
    assert_eq!(media.get(&"0".repeat(64)).await.unwrap(), None);

    // What the bucket holds, listed by the server itself: two objects, at their keys.
    let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut keys: Vec<&str> = listing
        .split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split("</Key>").next())
        .collect();
    keys.sort();
    let mut want = vec![format!("archive/{}", a.key), format!("archive/{}", pdf.key)];
    want.sort();
    assert_eq!(keys, want, "{listing}");
}

async fn postgres() -> (Store, FreshDatabase) {
    let db = FreshDatabase::create().await;
    let store = Store::connect(&db.url, 8).await.unwrap();
    store.migrate().await.unwrap();
    // Migrating twice is harmless.
    store.migrate().await.unwrap();
    (store, db)
}

async fn sqlite() -> (Store, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("epaper-store-{}.db", random_suffix()));
    let store = Store::connect(&format!("sqlite://{}", path.display()), 4)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    (store, path)
}

macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $case() {
                    let (store, db) = super::postgres().await;
                    super::$case(store).await;
                    db.drop_it().await;
                }
            )*
        }
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $case() {
                    let (store, path) = super::sqlite().await;
                    super::$case(store).await;
                    let _ = std::fs::remove_file(path);
                }
            )*
        }
    };
}

/// What a re-crawl starts from: the newest complete or partial issue, and the validators of the
/// archived articles that have any (pages are never asked for conditionally).
async fn validators_and_the_newest_issue_for_recrawls(store: Store) {
    assert_eq!(store.last_issue_date("sample").await.unwrap(), None);
    store_page(&store, 2).await;
    let first = article(0, "第一段");
    let mut doc = fetched(&first.url, DocKind::Article, "第一段");
    doc.etag = Some("\"abc\"".into());
    doc.last_modified = Some("Mon, 04 Mar 2024 00:00:00 GMT".into());
    store
        .store_document(&doc, &Record::Article(first.clone()))
        .await
        .unwrap();
    store_article(&store, 1, "第二段").await;
    assert_eq!(store.last_issue_date("sample").await.unwrap(), None);
    store.apply_manifest(&manifest(2, vec![])).await.unwrap();
    assert_eq!(state(&store).await.as_deref(), Some("complete"));
    assert_eq!(store.last_issue_date("sample").await.unwrap(), Some(date()));
    assert_eq!(store.last_issue_date("other").await.unwrap(), None);
    let validators = store.validators("sample", date()).await.unwrap();
    assert_eq!(
        validators,
        vec![epaper_common::messages::Validator {
            url: first.url.clone(),
            etag: Some("\"abc\"".into()),
            last_modified: Some("Mon, 04 Mar 2024 00:00:00 GMT".into()),
        }]
    );
    let next_day = date().succ_opt().unwrap();
    assert!(
        store
            .validators("sample", next_day)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Runs one statement on whichever database backs the store: tests corrupt rows with it.
async fn execute(store: &Store, sql: &'static str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap();
}

/// A stored value the code cannot read fails the read with the row's name; it is never read as
/// some default (an unknown kind as an article, corrupt paragraphs as none).
async fn corrupt_rows_are_errors_naming_the_row(store: Store) {
    store_article(&store, 0, "第一段").await;
    let url = article(0, "").url;
    execute(&store, "UPDATE raw_documents SET kind = 'leaflet'").await;
    let error = store
        .raw_documents(&ExportFilter::default(), async |_| Ok(()))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains(&url) && error.contains("leaflet"), "{error}");

    execute(&store, "UPDATE articles SET paragraphs = 'not json'").await;
    let error = store
        .export(&ExportFilter::default(), |_| Ok(()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&url) && error.contains("paragraphs"),
        "{error}"
    );
    let query = epaper_indexer::SearchQuery {
        text: "志愿服务".into(),
        filter: ExportFilter::default(),
        limit: 10,
    };
    let error = store.search(&query).await.unwrap_err().to_string();
    assert!(error.contains(&url), "{error}");

    execute(&store, "UPDATE issues SET state = 'done'").await;
    assert!(store.issue_state("sample", date()).await.is_err());
    store.close().await;
}

on_both_stores!(
    corrupt_rows_are_errors_naming_the_row,
    validators_and_the_newest_issue_for_recrawls,
    completes_in_any_order_and_redelivery_changes_nothing,
    failures_make_partial_and_absence_is_not_a_failure,
    concurrent_writers_leave_the_right_state,
    a_batch_commits_many_documents_at_once,
    search_follows_changed_articles,
    export_names_the_stored_media_of_each_article_and_its_page,
);
