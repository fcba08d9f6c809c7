//! A batch of work turned into rows before any SQL runs: content hashes and JSON computed once,
//! each URL once, the issues sorted for locking.
//!
//! The content hash of a row is what makes an unchanged document write nothing: change what goes
//! into it only together with [`SEARCH_VERSION`] or knowingly.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, FetchedDocument, IssueManifest, PageRecord, Record};
use sha2::{Digest, Sha256};

/// One unit of work for [`Store::apply`](super::Store::apply).
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Manifest(&'a IssueManifest),
    Page {
        fetched: &'a FetchedDocument,
        page: &'a PageRecord,
    },
    Article {
        fetched: &'a FetchedDocument,
        article: &'a ArticleRecord,
    },
}

impl<'a> Item<'a> {
    /// A parsed document with the raw document it came from: the one place where the indexer
    /// looks at which kind of record it holds.
    pub fn document(fetched: &'a FetchedDocument, record: &'a Record) -> Item<'a> {
        match record {
            Record::Page(page) => Item::Page { fetched, page },
            Record::Article(article) => Item::Article { fetched, article },
        }
    }
}

/// Part of every article's content hash: bump it when segmentation changes, so that the next
/// re-parse rewrites every article's search text.
const SEARCH_VERSION: &str = "search-v1";

fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

pub(super) struct PageRow<'a> {
    pub page: &'a PageRecord,
    pub site: &'a str,
    pub date: NaiveDate,
    pub page_idx: Option<i64>,
    pub article_urls: String,
    /// A JSON object from article URL to its regions on the scan, for articles that have any.
    pub article_regions: String,
    pub content_hash: String,
}

pub(super) struct ArticleRow<'a> {
    pub article: &'a ArticleRecord,
    pub site: &'a str,
    pub date: NaiveDate,
    pub paragraphs: String,
    pub images: String,
    pub content_hash: String,
    /// What full-text search sees, until [`segment_articles`] turns it into `search_text`.
    searchable: String,
    pub search_text: String,
    /// The search text's tsvector, where the indexer can build it (see [`crate::tsvector`]);
    /// otherwise PostgreSQL computes it from `search_text`.
    pub search: Option<crate::tsvector::TsVector>,
}

/// A batch turned into rows: each URL once (the last occurrence wins, as it would have one
/// message at a time), issues sorted for locking. Search text is segmented later, and only for
/// the articles that are new or changed.
#[derive(Default)]
pub(super) struct Rows<'a> {
    pub issues: Vec<(&'a str, NaiveDate)>,
    pub manifests: Vec<&'a IssueManifest>,
    pub raw: Vec<(&'a FetchedDocument, String)>,
    pub pages: Vec<PageRow<'a>>,
    pub articles: Vec<ArticleRow<'a>>,
}

/// Where each URL's row is in its list, so that a later occurrence replaces it.
#[derive(Default)]
struct Index<'a> {
    raw: HashMap<&'a str, usize>,
    pages: HashMap<&'a str, usize>,
    articles: HashMap<&'a str, usize>,
}

impl<'a> Rows<'a> {
    pub fn prepare(items: &[Item<'a>]) -> Rows<'a> {
        let mut rows = Rows::default();
        let mut issues = BTreeSet::new();
        let mut index = Index::default();
        for item in items {
            let fetched = match *item {
                Item::Manifest(manifest) => {
                    issues.insert((manifest.site.as_str(), manifest.date));
                    rows.manifests.push(manifest);
                    continue;
                }
                Item::Page { fetched, page } => {
                    let row = page_row(page, &fetched.site, fetched.issue_date);
                    upsert_row(&mut rows.pages, &mut index.pages, &page.url, row);
                    fetched
                }
                Item::Article { fetched, article } => {
                    let row = article_row(article, &fetched.site, fetched.issue_date);
                    upsert_row(&mut rows.articles, &mut index.articles, &article.url, row);
                    fetched
                }
            };
            issues.insert((fetched.site.as_str(), fetched.issue_date));
            let sha = format!("{:x}", Sha256::digest(fetched.body.compressed()));
            upsert_row(&mut rows.raw, &mut index.raw, &fetched.url, (fetched, sha));
        }
        rows.issues = issues.into_iter().collect();
        rows
    }
}

fn upsert_row<'a, T>(rows: &mut Vec<T>, index: &mut HashMap<&'a str, usize>, key: &'a str, row: T) {
    match index.get(key) {
        Some(&i) => rows[i] = row,
        None => {
            index.insert(key, rows.len());
            rows.push(row);
        }
    }
}

fn page_row<'a>(page: &'a PageRecord, site: &'a str, date: NaiveDate) -> PageRow<'a> {
    let article_urls =
        serde_json::to_string(&page.articles.iter().map(|a| &a.url).collect::<Vec<_>>())
            .expect("strings serialize");
    let article_regions = serde_json::to_string(
        &page
            .articles
            .iter()
            .filter(|a| !a.regions.is_empty())
            .map(|a| (&a.url, &a.regions))
            .collect::<BTreeMap<_, _>>(),
    )
    .expect("regions serialize");
    let page_idx = page
        .pages
        .iter()
        .position(|p| p.url == page.url)
        .map(|i| i as i64);
    let page_idx_text = page_idx.map(|i| i.to_string()).unwrap_or_default();
    let mut parts = vec![
        page.page_no.as_deref().unwrap_or(""),
        page.page_name.as_deref().unwrap_or(""),
        page.image_url.as_deref().unwrap_or(""),
        page.pdf_url.as_deref().unwrap_or(""),
        &article_urls,
        &article_regions,
        &page_idx_text,
    ];
    // Hashed only where the page gives one: a page without a map size keeps the hash it had
    // before the size was kept (nothing to rewrite), and a re-parse that finds one rewrites it.
    let map_size = page
        .map_size
        .map(|size| format!("{}x{}", size.width, size.height));
    parts.extend(map_size.as_deref());
    let content_hash = hash(&parts);
    PageRow {
        page,
        site,
        date,
        page_idx,
        article_urls,
        article_regions,
        content_hash,
    }
}

fn article_row<'a>(article: &'a ArticleRecord, site: &'a str, date: NaiveDate) -> ArticleRow<'a> {
    let paragraphs = serde_json::to_string(&article.paragraphs).expect("strings serialize");
    let images = serde_json::to_string(&article.images).expect("images serialize");
    let content_hash = hash(&[
        SEARCH_VERSION,
        article.page_no.as_deref().unwrap_or(""),
        article.page_name.as_deref().unwrap_or(""),
        article.pretitle.as_deref().unwrap_or(""),
        article.title.as_deref().unwrap_or(""),
        article.subtitle.as_deref().unwrap_or(""),
        article.author.as_deref().unwrap_or(""),
        &paragraphs,
        &images,
    ]);
    ArticleRow {
        article,
        site,
        date,
        paragraphs,
        images,
        content_hash,
        searchable: crate::search::searchable_text(article),
        search_text: String::new(),
        search: None,
    }
}

/// An article's segmented search text and, on PostgreSQL, its tsvector where the indexer can
/// build it.
pub(super) type Segmented = (String, Option<crate::tsvector::TsVector>);

/// Articles segmented per hand-over: the writer upserts one chunk while the next is segmented,
/// so the client's CPU (jieba and the tsvector, about 0.09 ms an article) overlaps the
/// database's (about 0.17 ms) instead of adding to it. Small enough that the first chunk is
/// ready while the raw documents are written, large enough that a statement's round trip is
/// small beside its rows (BENCHMARKS.md, "Segmentation beside the writes").
pub(super) const SEGMENT_CHUNK: usize = 32;

/// The articles' search text, segmented on a blocking thread and handed over in order, in
/// chunks of [`SEGMENT_CHUNK`]: jieba is CPU work, and the caller has database round trips to
/// overlap it with. `tsvectors` builds PostgreSQL's tsvector of each too (SQLite's FTS5
/// indexes the text itself).
pub(super) struct Segmenter {
    chunks: tokio::sync::mpsc::UnboundedReceiver<Vec<Segmented>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Segmenter {
    pub fn start(articles: &mut [ArticleRow<'_>], tsvectors: bool) -> Segmenter {
        let texts: Vec<String> = articles
            .iter_mut()
            .map(|row| std::mem::take(&mut row.searchable))
            .collect();
        let (send, chunks) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::task::spawn_blocking(move || {
            for chunk in texts.chunks(SEGMENT_CHUNK) {
                let segmented = chunk
                    .iter()
                    .map(|text| {
                        let segmented = crate::search::segment(text);
                        let search = tsvectors
                            .then(|| crate::tsvector::build(&segmented))
                            .flatten();
                        (segmented, search)
                    })
                    .collect();
                if send.send(segmented).is_err() {
                    return; // the write failed and went away: nobody wants the rest
                }
            }
        });
        Segmenter {
            chunks,
            task: Some(task),
        }
    }

    /// The next chunk, in the articles' order; `None` once every article was handed over.
    pub async fn next(&mut self) -> Option<Vec<Segmented>> {
        if let Some(chunk) = self.chunks.recv().await {
            return Some(chunk);
        }
        // The sender is gone: the task ended, normally or by a panic, which is passed on (a
        // blocking task runs to completion once spawned, so a panic is its only error).
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            std::panic::resume_unwind(error.into_panic());
        }
        None
    }
}
