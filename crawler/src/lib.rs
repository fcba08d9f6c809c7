//! The crawl stage: one `CrawlIssue` in; one `Fetched` message per page and article of the issue
//! and one `IssueManifest` out.
//!
//! What must stay true:
//! - the pages of an issue come from the page list of its entry page, never from a guessed
//!   `node_1`; the articles from each page's title list and image map, each once;
//! - a 404 on the entry page means the paper has no issue that day: a manifest with
//!   `absent = true`, not a failure; so does an entry that redirects to a page that is not an
//!   e-paper page (a "no issue today" notice);
//! - a document that fails after its retries is named in the manifest's failures, so the indexer
//!   can tell a complete issue from a partial one; nothing is silently skipped;
//! - an article the request says is archived (`known`, with its ETag / Last-Modified) is asked
//!   for conditionally; a 304 sends nothing and the stored copy stands;
//! - the stage only fetches; it hands on raw bytes and leaves decoding to the parser (it parses a
//!   page only to learn which links to follow, on a blocking thread under
//!   `crawler.parse_timeout_ms`);
//! - a test profile is crawled only where `crawler.test_sites` allows it, and a request's
//!   `base_url` is taken only for a profile without one (`Profile::entry_url`).

pub mod address;
pub mod fetch;
mod media;
pub mod politeness;

use std::collections::HashSet;
use std::sync::Arc;

use epaper_common::config::CrawlerSettings;
use epaper_common::error::StageError;
use epaper_common::messages::{
    CompressedBytes, CrawlIssue, Direction, DocKind, FetchFailure, FetchedDocument, FetchedMedia,
    IssueManifest, IssueRef, Message, Record,
};
use epaper_common::sites;
use epaper_common::transport::{Handler, Outbox};
use futures_util::StreamExt;

use crate::address::{AddressPolicy, Lookup, SystemLookup};
use crate::fetch::{Conditional, FetchError, Fetched, Fetcher, Origins, Reach};
use crate::media::verify_media;

pub struct CrawlStage {
    settings: CrawlerSettings,
    hosts: Arc<politeness::Hosts>,
    base_backoff: Option<std::time::Duration>,
    lookup: Arc<dyn Lookup>,
    extra_profiles: Vec<sites::Profile>,
}

impl CrawlStage {
    pub fn new(settings: CrawlerSettings) -> Self {
        CrawlStage {
            settings,
            hosts: Arc::default(),
            base_backoff: None,
            lookup: Arc::new(SystemLookup),
            extra_profiles: Vec::new(),
        }
    }

    /// Resolves host names with `lookup` instead of the system's resolver (tests: a name
    /// whose answer changes between the admission check and the connection).
    pub fn with_lookup(mut self, lookup: Arc<dyn Lookup>) -> Self {
        self.lookup = lookup;
        self
    }

    /// Knows `profile` besides the bundled ones, ahead of them (tests: a real profile's rules
    /// at a name of the test's choosing).
    pub fn with_profile(mut self, profile: sites::Profile) -> Self {
        self.extra_profiles.push(profile);
        self
    }

    fn profile(&self, id: &str) -> Result<sites::Profile, sites::SiteError> {
        match self.extra_profiles.iter().find(|p| p.id == id) {
            Some(profile) => Ok(profile.clone()),
            None => sites::get(id),
        }
    }

    /// Shortens retry backoff, for a local site in tests and benchmarks.
    pub fn with_base_backoff(mut self, backoff: std::time::Duration) -> Self {
        self.base_backoff = Some(backoff);
        self
    }

    fn fetcher_for(&self, entry: &str, profile: &sites::Profile) -> Result<Fetcher, StageError> {
        let refused = |reason: String| StageError::permanent(anyhow::anyhow!(reason));
        let policy = AddressPolicy::of(profile, self.settings.test_sites).map_err(refused)?;
        let entry_url = url::Url::parse(entry)
            .map_err(|error| refused(format!("entry URL {entry}: {error}")))?;
        let origins = Origins::of(&entry_url, &profile.extra_hosts)
            .map_err(|error| refused(format!("entry URL {entry}: {error}")))?;
        let reach = Reach {
            lookup: self.lookup.clone(),
            ..Reach::new(origins, policy)
        };
        let fetcher = Fetcher::new(&self.settings, reach)
            .map_err(StageError::permanent)?
            .with_politeness(self.hosts.clone(), profile.clone());
        Ok(match self.base_backoff {
            Some(backoff) => fetcher.with_base_backoff(backoff),
            None => fetcher,
        })
    }

    /// Parses `fetched` with `read` on a blocking thread, under `crawler.parse_timeout_ms`: a
    /// hostile page must not stall the runtime's workers, nor the issue, for longer.
    async fn parse_with_deadline<T: Send + 'static>(
        &self,
        fetched: &Fetched,
        read: fn(&Fetched) -> T,
    ) -> Result<T, String> {
        let deadline = std::time::Duration::from_millis(self.settings.parse_timeout_ms);
        let doc = fetched.clone();
        let task = tokio::task::spawn_blocking(move || read(&doc));
        match tokio::time::timeout(deadline, task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(format!("parsing {} failed: {error}", fetched.url)),
            // The thread runs on to the end of its parse; the crawl does not wait for it.
            Err(_) => Err(format!(
                "parsing {} took longer than {} ms (crawler.parse_timeout_ms)",
                fetched.url, self.settings.parse_timeout_ms
            )),
        }
    }
}

fn document(issue: &CrawlIssue, kind: DocKind, fetched: Fetched) -> Message {
    Message::Fetched(FetchedDocument {
        site: issue.site.clone(),
        issue_date: issue.date,
        kind,
        url: fetched.url,
        status: fetched.status,
        content_type: fetched.content_type,
        etag: fetched.etag,
        last_modified: fetched.last_modified,
        fetched_at: fetched.fetched_at,
        body: CompressedBytes::compress(&fetched.body),
    })
}

/// What the crawl follows from a page: the pages of the issue, the articles and media of this
/// page, and the issue's 上一期 / 下一期 links.
struct PageLinks {
    pages: Vec<String>,
    articles: Vec<String>,
    media: Vec<(DocKind, String)>,
    prev_issue: Option<String>,
    next_issue: Option<String>,
}

fn links_of(fetched: &Fetched) -> Option<PageLinks> {
    match epaper_parser::parse(&fetched.url, &fetched.body, fetched.content_type.as_deref()) {
        Ok(Record::Page(page)) => {
            let mut media = Vec::new();
            media.extend(page.image_url.map(|url| (DocKind::Scan, url)));
            media.extend(page.pdf_url.map(|url| (DocKind::Pdf, url)));
            Some(PageLinks {
                pages: page.pages.into_iter().map(|p| p.url).collect(),
                articles: page.articles.into_iter().map(|a| a.url).collect(),
                media,
                prev_issue: page.prev_issue_url,
                next_issue: page.next_issue_url,
            })
        }
        _ => None,
    }
}

/// The next issue to crawl when `issue` follows the paper's 上一期 / 下一期 links: the one
/// the entry page links to, or, when the date had no issue (`entry` is `None`), the adjacent
/// day. `None` ends the chain: no link, a link that does not name a date of this paper, or a
/// date out of bounds or not strictly further on (so that circular links end too).
fn follow_up(
    issue: &CrawlIssue,
    profile: &sites::Profile,
    entry: Option<&PageLinks>,
) -> Option<Message> {
    let follow = issue.follow?;
    let date = match entry {
        None => follow.step(issue.date),
        Some(links) => {
            let link = match follow.direction {
                Direction::Prev => links.prev_issue.as_ref(),
                Direction::Next => links.next_issue.as_ref(),
            };
            let Some(link) = link else {
                tracing::info!(site = %issue.site, issue_date = %issue.date, direction = ?follow.direction,
                    "no issue link to follow: the chain ends here");
                return None;
            };
            let date = profile.date_in_url(link);
            if !date.is_some_and(|date| follow.allows(issue.date, date)) {
                tracing::info!(site = %issue.site, issue_date = %issue.date, %link, linked_date = ?date,
                    until = %follow.until, "issue link not followed: no date of this paper, or out of bounds");
                return None;
            }
            date
        }
    }?;
    Some(Message::CrawlIssue(CrawlIssue {
        site: issue.site.clone(),
        base_url: issue.base_url.clone(),
        date,
        known: Vec::new(),
        follow: Some(follow),
    }))
}

/// The images of an article page.
fn images_of(fetched: &Fetched) -> Vec<String> {
    match epaper_parser::parse(&fetched.url, &fetched.body, fetched.content_type.as_deref()) {
        Ok(Record::Article(article)) => article.images.into_iter().map(|i| i.url).collect(),
        _ => Vec::new(),
    }
}

impl Handler for CrawlStage {
    async fn handle<O: Outbox>(&self, message: Message, out: &O) -> Result<(), StageError> {
        let Message::CrawlIssue(issue) = message else {
            return Err(StageError::permanent(anyhow::anyhow!(
                "the crawl stage takes crawl requests, not {}",
                message.describe()
            )));
        };
        let profile = self.profile(&issue.site).map_err(StageError::permanent)?;
        let entry = profile
            .entry_url(issue.base_url.as_deref(), issue.date)
            .map_err(StageError::permanent)?;
        let fetcher = self.fetcher_for(&entry, &profile)?;
        out.send(Message::CrawlStarted(IssueRef {
            site: issue.site.clone(),
            date: issue.date,
        }))
        .await?;

        let mut manifest = IssueManifest {
            site: issue.site.clone(),
            date: issue.date,
            absent: false,
            pages: Vec::new(),
            articles: Vec::new(),
            failures: Vec::new(),
            media: Vec::new(),
        };
        let entry_doc = match fetcher.fetch(&entry).await {
            Ok(doc) => doc,
            Err(FetchError::NotFound { .. }) => {
                tracing::info!(site = %issue.site, issue_date = %issue.date, "no issue on this date");
                manifest.absent = true;
                out.send(Message::Manifest(manifest)).await?;
                if let Some(next) = follow_up(&issue, &profile, None) {
                    out.send(next).await?;
                }
                return Ok(());
            }
            Err(error) if error.is_retryable() => return Err(StageError::retryable(error)),
            Err(error) => return Err(StageError::permanent(error)),
        };
        let entry_links = self
            .parse_with_deadline(&entry_doc, links_of)
            .await
            .map_err(|reason| StageError::permanent(anyhow::anyhow!(reason)))?;
        let Some(mut entry_links) = entry_links else {
            if entry_doc.url != entry {
                // Papers without an issue that day often redirect the entry to a "not found"
                // page served as 200: no issue, not a broken one.
                tracing::info!(site = %issue.site, issue_date = %issue.date, landed = %entry_doc.url,
                    "entry redirected to a page that is not an e-paper page: no issue on this date");
                manifest.absent = true;
                out.send(Message::Manifest(manifest)).await?;
                if let Some(next) = follow_up(&issue, &profile, None) {
                    out.send(next).await?;
                }
                return Ok(());
            }
            return Err(StageError::permanent(anyhow::anyhow!(
                "entry {entry} is not an e-paper page"
            )));
        };
        let page_urls = if entry_links.pages.is_empty() {
            vec![entry_doc.url.clone()]
        } else {
            std::mem::take(&mut entry_links.pages)
        };
        // Read now, sent last (see below).
        let next_issue = follow_up(&issue, &profile, Some(&entry_links));
        let mut entry_links = Some(entry_links);

        // Pages, in issue order; the entry page is reused, not fetched twice.
        let concurrency = self.settings.concurrency.max(1);
        let pages: Vec<(String, Result<Fetched, FetchError>)> =
            futures_util::stream::iter(page_urls.iter().cloned())
                .map(|url| {
                    let entry_doc = &entry_doc;
                    let fetcher = &fetcher;
                    async move {
                        if url == entry_doc.url {
                            (url, Ok(entry_doc.clone()))
                        } else {
                            let result = fetcher.fetch(&url).await;
                            (url, result)
                        }
                    }
                })
                .buffered(concurrency)
                .collect()
                .await;

        let mut seen = HashSet::new();
        // (kind, URL, the page or article it belongs to), each URL once.
        let mut media: Vec<(DocKind, String, String)> = Vec::new();
        let mut seen_media = HashSet::new();
        for (url, result) in pages {
            manifest.pages.push(url.clone());
            match result {
                Ok(doc) => {
                    // The entry page was parsed already.
                    let links = match entry_links.take_if(|_| doc.url == entry_doc.url) {
                        Some(links) => Some(links),
                        None => match self.parse_with_deadline(&doc, links_of).await {
                            Ok(links) => links,
                            Err(reason) => {
                                manifest.failures.push(FetchFailure {
                                    url: doc.url.clone(),
                                    kind: DocKind::Page,
                                    reason,
                                });
                                None
                            }
                        },
                    };
                    if let Some(PageLinks {
                        articles,
                        media: page_media,
                        ..
                    }) = links
                    {
                        for article in articles {
                            if seen.insert(article.clone()) {
                                manifest.articles.push(article);
                            }
                        }
                        if self.settings.fetch_media {
                            for (kind, media_url) in page_media {
                                if seen_media.insert(media_url.clone()) {
                                    media.push((kind, media_url, doc.url.clone()));
                                }
                            }
                        }
                    }
                    out.send(document(&issue, DocKind::Page, doc)).await?;
                }
                Err(error) => manifest.failures.push(FetchFailure {
                    url,
                    kind: DocKind::Page,
                    reason: error.to_string(),
                }),
            }
        }

        // Articles the archive holds are asked for conditionally: a 304 leaves the stored copy
        // (still listed in the manifest, so the issue stays complete) and sends nothing.
        let known: std::collections::HashMap<&str, &epaper_common::messages::Validator> =
            issue.known.iter().map(|v| (v.url.as_str(), v)).collect();
        let mut n_unchanged = 0usize;
        let mut articles = futures_util::stream::iter(manifest.articles.clone())
            .map(|url| {
                let fetcher = &fetcher;
                let known = known.get(url.as_str()).copied();
                async move {
                    let result = fetcher
                        .fetch_conditional(&url, DocKind::Article, known)
                        .await;
                    (url, result)
                }
            })
            .buffer_unordered(concurrency);
        while let Some((url, result)) = articles.next().await {
            match result {
                Ok(Conditional::NotModified) => n_unchanged += 1,
                Ok(Conditional::Modified(doc)) => {
                    if self.settings.fetch_media {
                        let images = match self.parse_with_deadline(&doc, images_of).await {
                            Ok(images) => images,
                            Err(reason) => {
                                manifest.failures.push(FetchFailure {
                                    url: doc.url.clone(),
                                    kind: DocKind::Article,
                                    reason,
                                });
                                Vec::new()
                            }
                        };
                        for image in images {
                            if seen_media.insert(image.clone()) {
                                media.push((DocKind::Image, image, doc.url.clone()));
                            }
                        }
                    }
                    out.send(document(&issue, DocKind::Article, doc)).await?
                }
                Err(error) => manifest.failures.push(FetchFailure {
                    url,
                    kind: DocKind::Article,
                    reason: error.to_string(),
                }),
            }
        }
        drop(articles);

        // Media last, with the same politeness, retries and host rules as pages.
        manifest.media = media.iter().map(|(_, url, _)| url.clone()).collect();
        let mut fetched_media = futures_util::stream::iter(media)
            .map(|(kind, url, owner)| {
                let fetcher = &fetcher;
                async move {
                    let result = fetcher.fetch_as(&url, kind).await;
                    (kind, url, owner, result)
                }
            })
            .buffer_unordered(concurrency);
        while let Some((kind, url, owner_url, result)) = fetched_media.next().await {
            let checked = result
                .map_err(|error| error.to_string())
                .and_then(|doc| verify_media(kind, &doc.body).map(|()| doc));
            match checked {
                Ok(doc) => {
                    let Message::Fetched(fetched) = document(&issue, kind, doc) else {
                        unreachable!("document() builds a fetched document")
                    };
                    out.send(Message::Media(FetchedMedia { fetched, owner_url }))
                        .await?
                }
                Err(reason) => manifest.failures.push(FetchFailure { url, kind, reason }),
            }
        }
        drop(fetched_media);
        tracing::info!(
            site = %issue.site,
            issue_date = %issue.date,
            n_pages = manifest.pages.len(),
            n_articles = manifest.articles.len(),
            n_media = manifest.media.len(),
            n_failures = manifest.failures.len(),
            n_unchanged,
            "issue crawled"
        );
        out.send(Message::Manifest(manifest)).await?;
        // The next issue of a chain goes out last: a crawl that fails before here is retried
        // whole and must not have started the chain twice.
        if let Some(next) = next_issue {
            out.send(next).await?;
        }
        Ok(())
    }
}

/// Builds the stage from settings; the service binary and the embedded runner both use it.
pub fn stage(settings: &CrawlerSettings) -> Arc<CrawlStage> {
    Arc::new(CrawlStage::new(settings.clone()))
}
