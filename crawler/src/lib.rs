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
mod calendar;
pub mod fetch;
mod issue;
mod media;
pub use media::verify_media;
pub mod politeness;
mod reach;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use epaper_common::config::{CrawlerSettings, Settings};
use epaper_common::error::StageError;
use epaper_common::messages::Message;
use epaper_common::sites;
use epaper_common::transport::{Handler, Outbox};

use crate::address::{AddressPolicy, Lookup, SystemLookup};
use crate::fetch::{Fetcher, Origins, Reach};
use crate::issue::IssueCrawl;

pub use media::image_size;

pub struct CrawlStage {
    settings: CrawlerSettings,
    hosts: Arc<politeness::Hosts>,
    base_backoff: Option<std::time::Duration>,
    lookup: Arc<dyn Lookup>,
    sites: sites::Sites,
    extra_profiles: Vec<sites::Profile>,
    calendars: Arc<calendar::Calendars>,
    /// One HTTP client per site reach, shared by its issues (and their connection pool):
    /// building one costs more CPU than fetching a small issue's documents.
    clients: Mutex<HashMap<(Origins, AddressPolicy), reqwest::Client>>,
}

/// Clients kept at most; past it the cache starts again (a crawler serves a handful of sites).
const MAX_CLIENTS: usize = 256;

impl CrawlStage {
    pub fn new(settings: CrawlerSettings) -> Self {
        CrawlStage {
            settings,
            hosts: Arc::default(),
            base_backoff: None,
            lookup: Arc::new(SystemLookup),
            sites: sites::Sites::bundled(),
            extra_profiles: Vec::new(),
            calendars: Arc::default(),
            clients: Mutex::default(),
        }
    }

    /// Crawls the profiles of `sites` (those of `sites.dir` with the bundled ones) instead of
    /// the bundled ones alone.
    pub fn with_sites(mut self, sites: sites::Sites) -> Self {
        self.sites = sites;
        self
    }

    /// Resolves host names with `lookup` instead of the system's resolver (tests: a name
    /// whose answer changes between the admission check and the connection).
    pub fn with_lookup(mut self, lookup: Arc<dyn Lookup>) -> Self {
        self.lookup = lookup;
        // A client resolves through the lookup it was built with.
        self.clients = Mutex::default();
        self
    }

    /// How many HTTP clients the stage holds (one per site reach it has crawled).
    pub fn clients_held(&self) -> usize {
        self.clients.lock().expect("client cache lock").len()
    }

    /// The client for `reach`, built once per origins and policy.
    fn client(&self, reach: &Reach) -> reqwest::Result<reqwest::Client> {
        let key = (reach.origins.clone(), reach.policy);
        let mut clients = self.clients.lock().expect("client cache lock");
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = Fetcher::client(&self.settings, reach)?;
        if clients.len() >= MAX_CLIENTS {
            clients.clear();
        }
        clients.insert(key, client.clone());
        Ok(client)
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
            None => self.sites.get(id).cloned(),
        }
    }

    /// Shortens retry backoff, for a local site in tests and benchmarks.
    pub fn with_base_backoff(mut self, backoff: std::time::Duration) -> Self {
        self.base_backoff = Some(backoff);
        self
    }

    /// One document of `profile`'s site, fetched as a crawl would (robots.txt, politeness,
    /// caps and address rules included): what `epaper sites probe` reads a page's markup with.
    pub async fn fetch_one(
        &self,
        profile: &sites::Profile,
        url: &str,
    ) -> Result<fetch::Fetched, StageError> {
        let fetcher = self.fetcher_for(url, profile)?;
        fetcher.fetch(url).await.map_err(|error| {
            if error.is_retryable() {
                StageError::retryable(error)
            } else {
                StageError::permanent(error)
            }
        })
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
        let client = self.client(&reach).map_err(StageError::permanent)?;
        let fetcher = Fetcher::with_client(client, &self.settings, reach)
            .with_politeness(self.hosts.clone(), profile.clone());
        Ok(match self.base_backoff {
            Some(backoff) => fetcher.with_base_backoff(backoff),
            None => fetcher,
        })
    }
}

impl Handler for CrawlStage {
    async fn handle<O: Outbox>(&self, message: Message, out: &O) -> Result<(), StageError> {
        let Message::CrawlIssue(issue) = message else {
            return Err(StageError::wrong_message(
                "the crawl stage takes crawl requests",
                &message,
            ));
        };
        IssueCrawl::new(self, issue, out)?.run().await
    }
}

/// Builds the stage from settings, with the site profiles they name: the service binary's.
pub fn stage(settings: &Settings) -> Result<Arc<CrawlStage>, sites::SiteError> {
    let sites = sites::Sites::load(&settings.sites)?;
    Ok(Arc::new(
        CrawlStage::new(settings.crawler.clone()).with_sites(sites),
    ))
}
