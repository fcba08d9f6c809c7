//! Records, manifests and documents of one sample issue, and short ways to store and read them.

use chrono::{NaiveDate, Utc};
use epaper_common::messages::{
    ArticleRecord, CompressedBytes, DocKind, FetchFailure, FetchedDocument, Image, IssueManifest,
    PageRecord, PageRef, Record,
};
use epaper_indexer::Store;
pub(crate) use epaper_indexer::testing::{exported, issue_state};

pub(crate) const BASE: &str = "http://paper.test/html/2024-03/04/";

pub(crate) fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).unwrap()
}

pub(crate) fn fetched(url: &str, kind: DocKind, body: &str) -> FetchedDocument {
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
        http: None,
    }
}

pub(crate) fn page(n_articles: usize) -> PageRecord {
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
                regions: Vec::new(),
            })
            .collect(),
        image_url: Some("http://paper.test/images/2024-03/04/01/page_b.png".into()),
        map_size: None,
        pdf_url: Some("http://paper.test/images/2024-03/04/01/page.pdf".into()),
        prev_issue_url: None,
        next_issue_url: None,
    }
}

pub(crate) fn article(k: usize, paragraph: &str) -> ArticleRecord {
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

pub(crate) fn manifest(n_articles: usize, failures: Vec<FetchFailure>) -> IssueManifest {
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

pub(crate) async fn state(store: &Store) -> Option<&'static str> {
    issue_state(store, "sample", date()).await
}

pub(crate) async fn store_page(store: &Store, n_articles: usize) {
    let page = page(n_articles);
    store
        .store_document(
            &fetched(&page.url, DocKind::Page, "<html/>"),
            &Record::Page(page),
        )
        .await
        .unwrap();
}

pub(crate) async fn store_article(store: &Store, k: usize, paragraph: &str) {
    let article = article(k, paragraph);
    store
        .store_document(
            &fetched(&article.url, DocKind::Article, paragraph),
            &Record::Article(article),
        )
        .await
        .unwrap();
}

/// Runs one statement on whichever database backs the store: tests corrupt rows with it.
pub(crate) async fn execute(store: &Store, sql: &'static str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap();
}
