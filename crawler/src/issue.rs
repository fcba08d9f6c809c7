//! The crawl of one issue, a step at a time: the entry page, every page, every article, the
//! media, then the manifest (or, for a date without an issue, an absent manifest at once). An
//! entry page that is only a meta refresh is followed like a redirect.
//!
//! What must stay true: the order of what is sent. The crawl-started notice goes first, before
//! any fetch result, so that the issue shows as `crawling` while it is read; then the pages as
//! fetched, in issue order; the articles; the media; the manifest; and the next issue of a
//! chain last (see [`IssueCrawl::send_manifest`]). Pages and articles go out in batches of
//! [`SEND_BATCH`] whose confirms are awaited together; a step ends only when all it found is
//! sent, so the order between steps holds. Each step names what failed in the manifest
//! and goes on; only the entry page, or a send, fails the crawl as a whole.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use epaper_common::config::CrawlerSettings;
use epaper_common::error::StageError;
use epaper_common::messages::{
    CompressedBytes, CrawlIssue, Direction, DocKind, FetchFailure, FetchedDocument, FetchedMedia,
    IssueManifest, IssueRef, Message, Record, Validator,
};
use epaper_common::sites::{self, Selectors};
use epaper_common::transport::Outbox;
use epaper_parser::service::{Overrun, with_deadline};
use futures_util::StreamExt;

use crate::CrawlStage;
use crate::fetch::{Conditional, FetchError, Fetched, Fetcher};
use crate::media::verify_media;

/// The most meta refreshes an entry page is followed through (see [`IssueCrawl::fetch_entry`]).
pub const MAX_REFRESH_HOPS: usize = 3;

/// Pages or articles sent together: their broker confirms are awaited once for all, not one
/// round trip each. Small enough that the documents held meanwhile stay a few hundred KB.
const SEND_BATCH: usize = 32;

/// One issue being crawled: the request, where it is fetched from, and what it has found.
pub(crate) struct IssueCrawl<'a, O> {
    settings: &'a CrawlerSettings,
    issue: CrawlIssue,
    profile: sites::Profile,
    /// The `[selectors]` of the issue's era when the paper has a system of its own: how its
    /// pages and articles are read. `None` for a paper of a layout family.
    custom: Option<Arc<Selectors>>,
    fetcher: Fetcher,
    /// The papers' lists of publication days, shared by every crawl of the stage.
    calendars: &'a crate::calendar::Calendars,
    out: &'a O,
    found: Inventory,
}

/// What the crawl has found so far: the manifest being built, with each article and medium
/// once.
struct Inventory {
    manifest: IssueManifest,
    seen_articles: HashSet<String>,
    /// (kind, URL, the page or article it belongs to), each URL once.
    media: Vec<(DocKind, String, String)>,
    seen_media: HashSet<String>,
    /// Articles a conditional request found unchanged (a 304): nothing sent for them.
    n_unchanged: usize,
}

impl Inventory {
    fn new(issue: &CrawlIssue) -> Inventory {
        Inventory {
            manifest: IssueManifest {
                site: issue.site.clone(),
                date: issue.date,
                absent: false,
                pages: Vec::new(),
                articles: Vec::new(),
                failures: Vec::new(),
                media: Vec::new(),
            },
            seen_articles: HashSet::new(),
            media: Vec::new(),
            seen_media: HashSet::new(),
            n_unchanged: 0,
        }
    }

    fn fail(&mut self, url: String, kind: DocKind, reason: String) {
        self.manifest
            .failures
            .push(FetchFailure { url, kind, reason });
    }

    fn add_article(&mut self, url: String) {
        if self.seen_articles.insert(url.clone()) {
            self.manifest.articles.push(url);
        }
    }

    fn add_medium(&mut self, kind: DocKind, url: String, owner: &str) {
        if self.seen_media.insert(url.clone()) {
            self.media.push((kind, url, owner.to_string()));
        }
    }
}

impl<'a, O: Outbox> IssueCrawl<'a, O> {
    /// The crawl of `issue` by `stage`, refused before anything is sent or fetched: an unknown
    /// site, a base URL the profile does not take, a test profile the deployment refuses, an
    /// entry URL without a usable host.
    pub(crate) fn new(
        stage: &'a CrawlStage,
        issue: CrawlIssue,
        out: &'a O,
    ) -> Result<Self, StageError> {
        let profile = stage.profile(&issue.site).map_err(StageError::permanent)?;
        // The first URL asked for (the entry, or the issue index) names the site's origin.
        let start = profile
            .start_url(issue.base_url.as_deref(), issue.date)
            .map_err(StageError::permanent)?;
        let fetcher = stage.fetcher_for(&start, &profile)?;
        let custom = profile.edition(issue.date).selectors.cloned().map(Arc::new);
        Ok(IssueCrawl {
            settings: &stage.settings,
            found: Inventory::new(&issue),
            issue,
            profile,
            custom,
            fetcher,
            calendars: &stage.calendars,
            out,
        })
    }

    /// Crawls the issue and sends what it found; `Err` when the entry page could not be read
    /// (retryable when the site may answer later) or a message could not be sent.
    pub(crate) async fn run(mut self) -> Result<(), StageError> {
        self.out
            .send(Message::CrawlStarted(IssueRef {
                site: self.issue.site.clone(),
                date: self.issue.date,
            }))
            .await?;
        let Some((entry, links)) = self.entry().await? else {
            return self.absent().await;
        };
        // Read now, sent last (see `send_manifest`).
        let next_issue = follow_up(&self.issue, &self.profile, Some(&links));
        self.pages(entry, links).await?;
        self.articles().await?;
        self.media().await?;
        self.finish(next_issue).await
    }

    /// The entry page and its links; `None` when the paper has no issue on this date.
    async fn entry(&self) -> Result<Option<(Arc<Fetched>, PageLinks)>, StageError> {
        let Some(entry) = self.entry_url().await? else {
            return Ok(None);
        };
        let Some(doc) = self.fetch_entry(&entry).await? else {
            tracing::info!(site = %self.issue.site, issue_date = %self.issue.date, "no issue on this date");
            return Ok(None);
        };
        let links = self
            .parse_with_deadline(&doc, self.reader(links_of))
            .await
            .map_err(|reason| StageError::permanent(anyhow::anyhow!(reason)))?;
        match links {
            Some(links) => Ok(Some((doc, links))),
            // Papers without an issue that day often redirect the entry to a "not found"
            // page served as 200: no issue, not a broken one.
            None if doc.url != entry => {
                tracing::info!(site = %self.issue.site, issue_date = %self.issue.date, landed = %doc.url,
                    "entry redirected to a page that is not an e-paper page: no issue on this date");
                Ok(None)
            }
            None => Err(StageError::permanent(anyhow::anyhow!(
                "entry {entry} is not an e-paper page"
            ))),
        }
    }

    /// Where the issue starts: the URL the paper's issue index lists for the date, or the
    /// profile's entry URL; `None` when an index or a list of publication days leaves the
    /// date out (no issue, and no request for an entry). An issue index that cannot be read
    /// fails the crawl: there is no other way in.
    async fn entry_url(&self) -> Result<Option<String>, StageError> {
        let (base, date) = (self.issue.base_url.as_deref(), self.issue.date);
        let index = self
            .profile
            .index_request(base, date)
            .map_err(StageError::permanent)?;
        if let Some(request) = index {
            let listed = self
                .calendars
                .listed_issue(&request, date, &self.fetcher)
                .await?;
            if listed.is_none() {
                tracing::info!(site = %self.issue.site, issue_date = %self.issue.date,
                    "not in the paper's issue index: no issue on this date");
            }
            return Ok(listed);
        }
        if self.listed().await == Some(false) {
            tracing::info!(site = %self.issue.site, issue_date = %self.issue.date,
                "not in the paper's list of publication days: no issue on this date");
            return Ok(None);
        }
        let entry = self
            .profile
            .entry_url(base, date)
            .map_err(StageError::permanent)?;
        Ok(Some(entry))
    }

    /// The entry page, through the meta refreshes that lead to it: a page that is only a
    /// refresh ([`epaper_parser::refresh_target`]) is followed as an HTTP redirect is, at most
    /// [`MAX_REFRESH_HOPS`] times, only within its own origin, never back to a page already
    /// reached. `None` when a page on the way is not found.
    async fn fetch_entry(&self, entry: &str) -> Result<Option<Arc<Fetched>>, StageError> {
        let mut url = entry.to_string();
        let mut reached = Vec::new();
        loop {
            let doc = match self.fetcher.fetch(&url).await {
                Ok(doc) => Arc::new(doc),
                Err(FetchError::NotFound { .. }) => return Ok(None),
                Err(error) if error.is_retryable() => return Err(StageError::retryable(error)),
                Err(error) => return Err(StageError::permanent(error)),
            };
            reached.extend([url, doc.url.clone()]);
            let target = self
                .parse_with_deadline(&doc, |fetched| {
                    let content_type = fetched.content_type.as_deref();
                    epaper_parser::refresh_target(&fetched.url, &fetched.body, content_type)
                })
                .await
                .map_err(|reason| StageError::permanent(anyhow::anyhow!(reason)))?;
            let Some(target) = target else {
                return Ok(Some(doc));
            };
            let refused = if reached.len() / 2 > MAX_REFRESH_HOPS {
                Some(format!("more than {MAX_REFRESH_HOPS} meta refreshes"))
            } else if !same_origin(&doc.url, &target) {
                Some("the refresh leads to another origin".to_string())
            } else if reached.contains(&target) {
                Some("the refresh leads back to a page already reached".to_string())
            } else {
                None
            };
            if let Some(reason) = refused {
                return Err(StageError::permanent(anyhow::anyhow!(
                    "entry {entry}: meta refresh from {} to {target} refused: {reason}",
                    doc.url
                )));
            }
            tracing::debug!(site = %self.issue.site, url = %doc.url, to = %target,
                "entry page is a meta refresh: following it");
            url = target;
        }
    }

    /// Whether the paper's list of publication days names the issue's date; `None` when the
    /// paper keeps no such list or it could not be read.
    async fn listed(&self) -> Option<bool> {
        let url = self
            .profile
            .publication_days_url(self.issue.base_url.as_deref(), self.issue.date)
            .ok()??;
        self.calendars
            .lists(&url, self.issue.date, &self.fetcher)
            .await
    }

    /// Every page of the page list, sent in issue order, each page's articles and media
    /// noted; the entry page is reused, not fetched twice.
    async fn pages(&mut self, entry: Arc<Fetched>, mut links: PageLinks) -> Result<(), StageError> {
        let page_urls = if links.pages.is_empty() {
            vec![entry.url.clone()]
        } else {
            std::mem::take(&mut links.pages)
        };
        let mut entry_links = Some(links);
        let pages = self.fetch_pages(page_urls, &entry).await;
        let mut outgoing = Vec::with_capacity(SEND_BATCH);
        for (url, result) in pages {
            self.found.manifest.pages.push(url.clone());
            let doc = match result {
                Ok(doc) => doc,
                Err(error) => {
                    self.found.fail(url, DocKind::Page, error.to_string());
                    continue;
                }
            };
            // The entry page was parsed already.
            let links = match entry_links.take_if(|_| doc.url == entry.url) {
                Some(links) => Some(links),
                None => self.page_links(&doc).await,
            };
            if let Some(links) = links {
                self.note_links(links, &doc.url);
            }
            let page = self.document(DocKind::Page, &doc);
            outgoing.push(Message::Fetched(page));
            if outgoing.len() == SEND_BATCH {
                self.out.send_all(std::mem::take(&mut outgoing)).await?;
            }
        }
        self.out.send_all(outgoing).await
    }

    /// The pages, fetched concurrently but in the order asked for.
    async fn fetch_pages(
        &self,
        urls: Vec<String>,
        entry: &Arc<Fetched>,
    ) -> Vec<(String, Result<Arc<Fetched>, FetchError>)> {
        futures_util::stream::iter(urls)
            .map(|url| async move {
                if url == entry.url {
                    (url, Ok(entry.clone()))
                } else {
                    let result = self.fetcher.fetch(&url).await.map(Arc::new);
                    (url, result)
                }
            })
            .buffered(self.concurrency())
            .collect()
            .await
    }

    /// The links of a page; a page that cannot be read in time is a failure and links nothing.
    async fn page_links(&mut self, doc: &Arc<Fetched>) -> Option<PageLinks> {
        match self.parse_with_deadline(doc, self.reader(links_of)).await {
            Ok(links) => links,
            Err(reason) => {
                self.found.fail(doc.url.clone(), DocKind::Page, reason);
                None
            }
        }
    }

    /// Notes the articles of a page, and its media when media are fetched, each once.
    fn note_links(&mut self, links: PageLinks, page_url: &str) {
        for url in links.articles {
            self.found.add_article(url);
        }
        if self.settings.fetch_media {
            for (kind, url) in links.media {
                self.found.add_medium(kind, url, page_url);
            }
        }
    }

    /// Every article the pages list, in any order, and the images of each when media are
    /// fetched.
    async fn articles(&mut self) -> Result<(), StageError> {
        // Articles the archive holds are asked for conditionally: a 304 leaves the stored copy
        // (still listed in the manifest, so the issue stays complete) and sends nothing.
        let known: HashMap<&str, &Validator> = self
            .issue
            .known
            .iter()
            .map(|v| (v.url.as_str(), v))
            .collect();
        let mut articles = futures_util::stream::iter(self.found.manifest.articles.clone())
            .map(|url| {
                let fetcher = &self.fetcher;
                let known = known.get(url.as_str()).copied();
                async move {
                    let result = fetcher
                        .fetch_conditional(&url, DocKind::Article, known)
                        .await;
                    (url, result)
                }
            })
            .buffer_unordered(self.concurrency());
        let mut outgoing = Vec::with_capacity(SEND_BATCH);
        while let Some((url, result)) = articles.next().await {
            let doc = match result {
                Ok(Conditional::Modified(doc)) => Arc::new(doc),
                Ok(Conditional::NotModified) => {
                    self.found.n_unchanged += 1;
                    continue;
                }
                Err(error) => {
                    self.found.fail(url, DocKind::Article, error.to_string());
                    continue;
                }
            };
            if self.settings.fetch_media {
                match self.parse_with_deadline(&doc, self.reader(images_of)).await {
                    Ok(images) => {
                        for image in images {
                            self.found.add_medium(DocKind::Image, image, &doc.url);
                        }
                    }
                    Err(reason) => self.found.fail(doc.url.clone(), DocKind::Article, reason),
                }
            }
            let article = self.document(DocKind::Article, &doc);
            outgoing.push(Message::Fetched(article));
            if outgoing.len() == SEND_BATCH {
                self.out.send_all(std::mem::take(&mut outgoing)).await?;
            }
        }
        self.out.send_all(outgoing).await
    }

    /// Media last, with the same politeness, retries and host rules as pages.
    async fn media(&mut self) -> Result<(), StageError> {
        let media = std::mem::take(&mut self.found.media);
        self.found.manifest.media = media.iter().map(|(_, url, _)| url.clone()).collect();
        let mut fetched = futures_util::stream::iter(media)
            .map(|(kind, url, owner)| {
                let fetcher = &self.fetcher;
                async move {
                    let result = fetcher.fetch_as(&url, kind).await;
                    (kind, url, owner, result)
                }
            })
            .buffer_unordered(self.concurrency());
        while let Some((kind, url, owner_url, result)) = fetched.next().await {
            let checked = result
                .map_err(|error| error.to_string())
                .and_then(|doc| verify_media(kind, &doc.body).map(|()| doc));
            match checked {
                Ok(doc) => {
                    let fetched = self.document(kind, &doc);
                    self.out
                        .send(Message::Media(FetchedMedia { fetched, owner_url }))
                        .await?
                }
                Err(reason) => self.found.fail(url, kind, reason),
            }
        }
        Ok(())
    }

    /// The manifest of a crawled issue, then the next issue of a chain.
    async fn finish(self, next_issue: Option<Message>) -> Result<(), StageError> {
        let manifest = &self.found.manifest;
        tracing::info!(
            site = %self.issue.site,
            issue_date = %self.issue.date,
            n_pages = manifest.pages.len(),
            n_articles = manifest.articles.len(),
            n_media = manifest.media.len(),
            n_failures = manifest.failures.len(),
            n_unchanged = self.found.n_unchanged,
            "issue crawled"
        );
        self.send_manifest(next_issue).await
    }

    /// A date without an issue: an absent manifest, then the adjacent day when following.
    async fn absent(mut self) -> Result<(), StageError> {
        self.found.manifest.absent = true;
        let next_issue = follow_up(&self.issue, &self.profile, None);
        self.send_manifest(next_issue).await
    }

    async fn send_manifest(self, next_issue: Option<Message>) -> Result<(), StageError> {
        self.out
            .send(Message::Manifest(self.found.manifest))
            .await?;
        // The next issue of a chain goes out last: a crawl that fails before here is retried
        // whole and must not have started the chain twice.
        if let Some(next) = next_issue {
            self.out.send(next).await?;
        }
        Ok(())
    }

    /// `read` given this paper's selectors, for [`Self::parse_with_deadline`].
    fn reader<T: 'static>(
        &self,
        read: fn(&Fetched, Option<&Selectors>) -> T,
    ) -> impl FnOnce(&Fetched) -> T + Send + 'static {
        let custom = self.custom.clone();
        move |fetched| read(fetched, custom.as_deref())
    }

    fn concurrency(&self) -> usize {
        self.settings.concurrency.max(1)
    }

    /// Reads `doc` with `read` on a blocking thread, under `crawler.parse_timeout_ms`: a hostile
    /// page must not stall the runtime's workers, nor the issue, for longer. The document is
    /// shared with the thread, not copied (it may be as large as the body cap).
    async fn parse_with_deadline<T: Send + 'static>(
        &self,
        doc: &Arc<Fetched>,
        read: impl FnOnce(&Fetched) -> T + Send + 'static,
    ) -> Result<T, String> {
        let timeout_ms = self.settings.parse_timeout_ms;
        let shared = doc.clone();
        let deadline = std::time::Duration::from_millis(timeout_ms);
        match with_deadline(deadline, move || read(&shared)).await {
            Ok(value) => Ok(value),
            Err(Overrun::Panicked(error)) => Err(format!("parsing {} failed: {error}", doc.url)),
            // The crawl does not wait for the thread that overran.
            Err(Overrun::TimedOut) => Err(format!(
                "parsing {} took longer than {timeout_ms} ms (crawler.parse_timeout_ms)",
                doc.url
            )),
        }
    }

    /// The message body for a fetched document of this issue; the caller says which message
    /// carries it.
    fn document(&self, kind: DocKind, fetched: &Fetched) -> FetchedDocument {
        FetchedDocument {
            site: self.issue.site.clone(),
            issue_date: self.issue.date,
            kind,
            url: fetched.url.clone(),
            status: fetched.status,
            content_type: fetched.content_type.clone(),
            etag: fetched.etag.clone(),
            last_modified: fetched.last_modified.clone(),
            fetched_at: fetched.fetched_at,
            body: CompressedBytes::compress(&fetched.body),
            http: Some(fetched.http.as_ref().clone()),
        }
    }
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

/// Whether `to` is on the origin (scheme, host and port) of `from`.
fn same_origin(from: &str, to: &str) -> bool {
    match (url::Url::parse(from), url::Url::parse(to)) {
        (Ok(from), Ok(to)) => from.origin() == to.origin(),
        _ => false,
    }
}

/// The record of a fetched document, read by the paper's selectors when it has them.
fn record_of(fetched: &Fetched, custom: Option<&Selectors>) -> Option<Record> {
    let content_type = fetched.content_type.as_deref();
    epaper_parser::parse_with(&fetched.url, &fetched.body, content_type, custom).ok()
}

fn links_of(fetched: &Fetched, custom: Option<&Selectors>) -> Option<PageLinks> {
    match record_of(fetched, custom) {
        Some(Record::Page(page)) => {
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

/// The images of an article page.
fn images_of(fetched: &Fetched, custom: Option<&Selectors>) -> Vec<String> {
    match record_of(fetched, custom) {
        Some(Record::Article(article)) => article.images.into_iter().map(|i| i.url).collect(),
        _ => Vec::new(),
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
