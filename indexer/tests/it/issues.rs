//! Issue states: complete, partial and absent in any order, under redelivery and concurrency;
//! what a re-crawl starts from; corrupt rows.

use epaper_common::messages::{DocKind, FetchFailure, IssueManifest, Record};
use epaper_indexer::store::ExportedImage;
use epaper_indexer::{ExportFilter, ExportedArticle, IssueState, Store};

use crate::support::*;

/// Documents may arrive before or after the manifest; the issue is complete when all are in,
/// and a redelivery of any of them changes nothing.
pub(crate) async fn completes_in_any_order_and_redelivery_changes_nothing(store: Store) {
    store.mark_queued("sample", date()).await.unwrap();
    assert_eq!(state(&store).await, Some("queued"));
    store_article(&store, 0, "第一段。").await;
    assert_eq!(state(&store).await, Some("parsing"));
    store.apply_manifest(&manifest(2, vec![])).await.unwrap();
    store_page(&store, 2).await;
    assert_eq!(state(&store).await, Some("parsing"));
    store_article(&store, 1, "第二段。").await;
    assert_eq!(state(&store).await, Some("complete"));

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
            // The sample page has no image map.
            regions: vec![],
            regions_size: None,
        }
    });

    // Redelivery of everything, in another order.
    store_article(&store, 1, "第二段。").await;
    store.apply_manifest(&manifest(2, vec![])).await.unwrap();
    store_article(&store, 0, "第一段。").await;
    store_page(&store, 2).await;
    assert_eq!(exported(&store).await, before);
    assert_eq!(state(&store).await, Some("complete"));

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

pub(crate) async fn failures_make_partial_and_absence_is_not_a_failure(store: Store) {
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
    assert_eq!(state(&store).await, Some("partial"));

    // Media count too: with every document stored, a PDF that failed keeps the issue partial,
    // and a missing one keeps it parsing.
    let day = date().pred_opt().unwrap();
    let pdf = "http://paper.test/images/01/page.pdf".to_string();
    let mut with_media = manifest(0, vec![]);
    with_media.date = day;
    with_media.pages.clear();
    with_media.media = vec![pdf.clone()];
    store.apply_manifest(&with_media).await.unwrap();
    assert_eq!(issue_state(&store, "sample", day).await, Some("parsing"));
    with_media.failures = vec![FetchFailure {
        url: pdf,
        kind: DocKind::Pdf,
        reason: "HTML, not a PDF".into(),
    }];
    store.apply_manifest(&with_media).await.unwrap();
    assert_eq!(issue_state(&store, "sample", day).await, Some("partial"));

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
        issue_state(&store, "sample", absent_day).await,
        Some("absent")
    );
    // A crawl that gave up marks its issue failed, but never one whose manifest arrived.
    let failed_day = absent_day.succ_opt().unwrap();
    store.mark_queued("sample", failed_day).await.unwrap();
    store.mark_crawling("sample", failed_day).await.unwrap();
    assert_eq!(
        issue_state(&store, "sample", failed_day).await,
        Some("crawling")
    );
    // A crawl start never moves an issue backwards.
    store.mark_crawling("sample", date()).await.unwrap();
    assert_eq!(state(&store).await, Some("partial"));
    store.mark_failed("sample", failed_day).await.unwrap();
    store.mark_failed("sample", date()).await.unwrap();
    assert_eq!(
        issue_state(&store, "sample", failed_day).await,
        Some("failed")
    );
    assert_eq!(state(&store).await, Some("partial"));
    store.close().await;
}

/// Many writers on one issue at once (two indexer replicas) still end `complete`.
pub(crate) async fn concurrent_writers_leave_the_right_state(store: Store) {
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
    assert_eq!(state(&store).await, Some("complete"));
    store.close().await;
}

/// What a re-crawl starts from: the newest complete or partial issue, and the validators of the
/// archived articles that have any (pages are never asked for conditionally).
pub(crate) async fn validators_and_the_newest_issue_for_recrawls(store: Store) {
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
    assert_eq!(state(&store).await, Some("complete"));
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

/// A stored value the code cannot read fails the read with the row's name; it is never read as
/// some default (an unknown kind as an article, corrupt paragraphs as none).
pub(crate) async fn corrupt_rows_are_errors_naming_the_row(store: Store) {
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
