//! Documents in batches, search after changes, and the export of stored media.

use epaper_common::messages::{ArticleRecord, CompressedBytes, DocKind, FetchedDocument, Record};
use epaper_indexer::media::MediaStore;
use epaper_indexer::search::{searchable_text, segment};
use epaper_indexer::store::StoredMedium;
use epaper_indexer::testing::random_suffix;
use epaper_indexer::{ExportFilter, Store};

use crate::support::*;

/// One batch larger than a multi-row statement, with a repeated URL (the last copy wins, as
/// with one message at a time) and the manifest inside it.
pub(crate) async fn a_batch_commits_many_documents_at_once(store: Store) {
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
    assert_eq!(state(&store).await, Some("complete"));
    // The search text is segmented chunk by chunk beside the writes: every article must hold
    // its own, not a neighbour's from another chunk.
    let mut expected: std::collections::HashMap<String, String> = articles
        .iter()
        .map(|a| (a.url.clone(), segment(&searchable_text(a))))
        .collect();
    // The changed copy of the first article came last: its text is the one kept.
    expected.insert(changed.url.clone(), segment(&searchable_text(&changed)));
    let sql = "SELECT url, search_text FROM articles";
    let stored: Vec<(String, String)> = match &store {
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    };
    assert_eq!(stored.len(), n);
    for (url, search_text) in &stored {
        assert_eq!(Some(search_text), expected.get(url), "search text of {url}");
    }
    // The same batch again changes nothing.
    store.apply(&items).await.unwrap();
    assert_eq!(exported(&store).await, rows);
    store.close().await;
}

pub(crate) async fn found(store: &Store, text: &str) -> Vec<String> {
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
pub(crate) async fn search_follows_changed_articles(store: Store) {
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
pub(crate) async fn export_names_the_stored_media_of_each_article_and_its_page(store: Store) {
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
    let (scan_url, pdf_url) = (page.image_url.as_deref(), page.pdf_url.as_deref());
    let scan = put(scan_url.unwrap(), DocKind::Scan, &page.url, b"\x89PNG scan").await;
    let pdf = put(pdf_url.unwrap(), DocKind::Pdf, &page.url, b"%PDF-1.4 page").await;
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

pub(crate) async fn raw_documents_keep_their_http_head_and_stream_in_order(store: Store) {
    use epaper_common::messages::HttpHead;
    let page = page(1);
    let article = article(0, "正文。");
    let head = HttpHead::keep(
        "HTTP/1.1",
        "Fine",
        [("content-type", &b"text/html"[..]), ("x-paper", &b"1"[..])],
    );
    let page_doc = FetchedDocument {
        http: Some(head.clone()),
        ..fetched(&page.url, DocKind::Page, "<html/>")
    };
    // An article as archived before heads were kept.
    let article_doc = fetched(&article.url, DocKind::Article, "<p/>");
    store
        .store_document(&page_doc, &Record::Page(page))
        .await
        .unwrap();
    store
        .store_document(&article_doc, &Record::Article(article))
        .await
        .unwrap();
    let mut streamed = Vec::new();
    let n = store
        .each_raw_document(&ExportFilter::default(), |doc| {
            streamed.push(doc);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        (streamed[0].url.as_str(), streamed[0].http.as_ref()),
        (page_doc.url.as_str(), Some(&head)),
        "pages first, with their head"
    );
    assert_eq!(streamed[1].http, None, "no head where none was kept");
    let mut read = Vec::new();
    store
        .raw_documents(&ExportFilter::default(), async |doc| {
            read.push(doc);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(read, streamed, "both reads give the same documents");
    store.close().await;
}
