//! WARC files into the archive: each `response` or `resource` record of an http(s) URL that a
//! site profile claims is parsed as the parse stage parses a fetched document (the site's
//! `[selectors]`, on the blocking pool under `parser.parse_timeout_ms`) and stored with the
//! indexer's store; media go to the media store.
//!
//! What must stay true: a file is read through once before anything of it is stored, so a
//! truncated or corrupt file changes nothing; each record is stored whole or not at all (one
//! transaction); a record is refused, counted and logged with its file and offset when its
//! digest does not match, its HTTP head or body breaks a cap, or it does not parse.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use epaper_common::config::SizeCaps;
use epaper_common::messages::{
    CompressedBytes, DocKind, FetchFailure, FetchedDocument, IssueManifest, Record as Parsed,
};
use epaper_common::sites::{Profile, Sites};
use epaper_indexer::media::MediaStore;
use epaper_indexer::{IssueState, Store};
use epaper_parser::service::{Overrun, with_deadline};
use serde::Serialize;

use super::fields;
use super::http::{MAX_HEAD_BYTES, parse_response};
use super::read::{Item, Record, read_records};

/// What an import did, for the summary line and `--json`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    pub files: u64,
    pub records: u64,
    pub documents: u64,
    pub media: u64,
    /// Records that are no e-paper document: other record types, other schemes, URLs no
    /// profile claims, responses that are no success, media without a known owner or store.
    pub skipped: u64,
    /// Records refused as broken or unparseable.
    pub rejected: u64,
    /// Files that could not be read to their end, with why; nothing of them was stored.
    pub unreadable: Vec<Unreadable>,
    /// Issues the import accounted for (see [`Importer::finish`]), by the state they ended in.
    pub issues: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub error: String,
}

/// Why one record was not stored.
enum Outcome {
    Document,
    Medium,
    Skipped(String),
    Rejected(String),
}

/// An import of WARC files into one archive.
pub struct Importer<'a> {
    pub store: &'a Store,
    pub sites: &'a Sites,
    /// `--site`: the profile every record is taken to belong to.
    pub forced: Option<&'a Profile>,
    pub media: Option<&'a MediaStore>,
    pub caps: SizeCaps,
    pub deadline: Duration,
    /// Media URLs the parsed pages and articles name: (owner URL, kind, site, issue date).
    owners: HashMap<String, (String, DocKind, String, NaiveDate)>,
    /// What the imported documents list and what was stored, per issue.
    ledgers: BTreeMap<(String, NaiveDate), Ledger>,
    pub counts: Counts,
    /// The issues [`Importer::finish`] left `partial` or `failed`.
    pub incomplete: Vec<(String, NaiveDate, IssueState)>,
}

/// One issue as the import saw it: the documents its pages list (the pages of the page lists,
/// the articles, the media) against those stored or refused.
#[derive(Debug, Default)]
struct Ledger {
    listed_pages: BTreeSet<String>,
    listed_articles: BTreeSet<String>,
    listed_media: BTreeMap<String, DocKind>,
    stored: BTreeSet<String>,
    refused: BTreeMap<String, (DocKind, String)>,
}

impl Ledger {
    /// The manifest the crawler would have sent, had it fetched what the files hold: every
    /// listed document expected, and each one neither stored nor refused a failure ("not in
    /// the imported WARC files"), so that the issue ends `complete` or `partial`, not
    /// `parsing` for ever. Media count only when they are imported (a media store given).
    fn manifest(&self, site: &str, date: NaiveDate, with_media: bool) -> IssueManifest {
        let missing = |url: &String, kind: DocKind| {
            if self.stored.contains(url) {
                return None;
            }
            let (kind, reason) = self
                .refused
                .get(url)
                .cloned()
                .unwrap_or_else(|| (kind, "not in the imported WARC files".to_string()));
            Some(FetchFailure {
                url: url.clone(),
                kind,
                reason,
            })
        };
        let pages: Vec<String> = self.listed_pages.iter().cloned().collect();
        let articles: Vec<String> = self.listed_articles.iter().cloned().collect();
        let media: Vec<String> = match with_media {
            true => self.listed_media.keys().cloned().collect(),
            false => Vec::new(),
        };
        let failures = pages
            .iter()
            .filter_map(|url| missing(url, DocKind::Page))
            .chain(
                articles
                    .iter()
                    .filter_map(|url| missing(url, DocKind::Article)),
            )
            .chain(
                media
                    .iter()
                    .filter_map(|url| missing(url, self.listed_media[url])),
            )
            .collect();
        IssueManifest {
            site: site.to_string(),
            date,
            absent: false,
            pages,
            articles,
            failures,
            media,
        }
    }
}

impl<'a> Importer<'a> {
    pub fn new(store: &'a Store, sites: &'a Sites, caps: SizeCaps, deadline: Duration) -> Self {
        Importer {
            store,
            sites,
            forced: None,
            media: None,
            caps,
            deadline,
            owners: HashMap::new(),
            ledgers: BTreeMap::new(),
            counts: Counts::default(),
            incomplete: Vec::new(),
        }
    }

    /// The largest record block taken: the largest crawl cap, with room for an HTTP head.
    fn max_block(&self) -> u64 {
        let caps = self.caps;
        [caps.html, caps.scan, caps.pdf, caps.image]
            .into_iter()
            .max()
            .unwrap_or_default()
            + MAX_HEAD_BYTES as u64
    }

    /// Imports one file: read through once to check it, then record by record. A file that
    /// cannot be read to its end is counted as unreadable and nothing of it is stored.
    pub async fn import_file(
        &mut self,
        path: &Path,
        mut progress: impl FnMut(),
    ) -> anyhow::Result<()> {
        self.counts.files += 1;
        let shown = path.display().to_string();
        if let Err(error) = self.check_file(path).await {
            tracing::warn!(file = %shown, error = %format!("{error:#}"), "WARC file refused");
            self.counts.unreadable.push(Unreadable {
                file: shown,
                error: format!("{error:#}"),
            });
            return Ok(());
        }
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Item>(2);
        let max_block = self.max_block();
        let file = open(path).map_err(|error| anyhow::anyhow!("{shown}: {error:#}"))?;
        let reading = tokio::task::spawn_blocking(move || {
            read_records(file, max_block, |item| {
                sender
                    .blocking_send(item)
                    .map_err(|_| anyhow::anyhow!("the import stopped"))
            })
        });
        while let Some(item) = receiver.recv().await {
            self.counts.records += 1;
            progress();
            let (offset, outcome) = match item {
                Item::Record(record) => (record.offset, self.import_record(&record).await?),
                Item::TooLarge { offset, length, .. } => (
                    offset,
                    Outcome::Rejected(format!(
                        "a block of {length} bytes, over the {max_block}-byte cap"
                    )),
                ),
            };
            self.count(&shown, offset, outcome);
        }
        // The file was read whole a moment ago; failing now means it changed meanwhile.
        reading
            .await?
            .map_err(|error| anyhow::anyhow!("{shown}: {error:#}"))?;
        Ok(())
    }

    /// Reads `path` through without storing anything: a truncated or corrupt file fails here.
    async fn check_file(&self, path: &Path) -> anyhow::Result<u64> {
        let file = open(path)?;
        let max_block = self.max_block();
        tokio::task::spawn_blocking(move || read_records(file, max_block, |_| Ok(()))).await?
    }

    fn count(&mut self, file: &str, offset: u64, outcome: Outcome) {
        match outcome {
            Outcome::Document => self.counts.documents += 1,
            Outcome::Medium => self.counts.media += 1,
            Outcome::Skipped(reason) => {
                tracing::debug!(file, offset, reason, "WARC record skipped");
                self.counts.skipped += 1;
            }
            Outcome::Rejected(reason) => {
                tracing::warn!(file, offset, reason, "WARC record refused");
                self.counts.rejected += 1;
            }
        }
    }

    /// One record: checked, placed in its issue, parsed or put in the media store, stored.
    /// Errors are the store's (the import cannot go on); a bad record is an [`Outcome`].
    async fn import_record(&mut self, record: &Record) -> anyhow::Result<Outcome> {
        let fetched = match self.fetched_of(record) {
            Ok(Ok(fetched)) => fetched,
            Ok(Err(skipped)) => return Ok(Outcome::Skipped(skipped)),
            Err(rejected) => return Ok(Outcome::Rejected(rejected)),
        };
        let url = fetched.url.clone();
        match fetched.kind {
            DocKind::Page | DocKind::Article => self.import_document(fetched).await,
            _ => {
                let owner = record
                    .field(fields::OWNER)
                    .map(str::to_string)
                    .or_else(|| self.owners.get(&url).map(|(owner, ..)| owner.clone()));
                self.import_medium(fetched, owner).await
            }
        }
    }

    /// The record as a fetched document of its site and issue: `Ok(Err(_))` when it is to be
    /// skipped, `Err(_)` when it is refused.
    fn fetched_of(&self, record: &Record) -> Result<Result<FetchedDocument, String>, String> {
        let warc_type = record.field("WARC-Type").unwrap_or_default();
        if !matches!(warc_type, "response" | "resource") {
            return Ok(Err(format!("a {warc_type:?} record")));
        }
        let url = record.field("WARC-Target-URI").unwrap_or_default();
        let url = url.trim_start_matches('<').trim_end_matches('>');
        match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
            _ => return Ok(Err(format!("not an http(s) URL: {url:?}"))),
        }
        check_digest(record)?;
        let fetched_at = record
            .field("WARC-Date")
            .and_then(|date| DateTime::parse_from_rfc3339(date).ok())
            .map(|date| date.with_timezone(&Utc))
            .ok_or("no valid WARC-Date")?;
        let max_body = self.max_block();
        let (status, head, content_type, body) = if warc_type == "response" {
            let response = parse_response(&record.block, max_body)?;
            if !(200..300).contains(&response.status) {
                return Ok(Err(format!("an HTTP {} response", response.status)));
            }
            let content_type = response.header("content-type").map(str::to_string);
            let mut head = response.head;
            // The body is kept as the parser reads it, de-chunked and decoded.
            head.headers.retain(|(name, _)| {
                !["content-encoding", "transfer-encoding", "content-length"]
                    .contains(&name.to_ascii_lowercase().as_str())
            });
            (response.status, Some(head), content_type, response.body)
        } else {
            let content_type = record.field("Content-Type").map(str::to_string);
            (200, None, content_type, record.block.clone())
        };
        let header = |name: &str| head.as_ref().and_then(|h| h.header(name));
        let (etag, last_modified) = (header("etag"), header("last-modified"));
        // Headers this tool rebuilt are not the site's: the document goes back without any.
        let head = head.filter(|_| record.field(fields::SYNTHESIZED).is_none());
        let Some(kind) = self.kind_of(record, url, content_type.as_deref())? else {
            return Ok(Err(format!(
                "content type {content_type:?} is no e-paper document"
            )));
        };
        let Some((site, issue_date)) = self.place(record, url)? else {
            return Ok(Err(
                "no site profile claims the URL (--site to say which)".into()
            ));
        };
        if body.len() as u64 > self.caps.of(kind) {
            return Err(format!(
                "{} bytes, over the crawl cap for a {}",
                body.len(),
                kind.as_str()
            ));
        }
        Ok(Ok(FetchedDocument {
            site,
            issue_date,
            kind,
            url: url.to_string(),
            status,
            etag,
            last_modified,
            content_type,
            fetched_at,
            body: CompressedBytes::compress(&body),
            http: head,
        }))
    }
}

fn open(path: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::File::open(path).map_err(|error| anyhow::anyhow!("cannot open: {error}"))
}

/// Refuses a record whose SHA-1 block digest does not match its block (other algorithms are
/// not checked).
fn check_digest(record: &Record) -> Result<(), String> {
    let Some(digest) = record.field("WARC-Block-Digest") else {
        return Ok(());
    };
    let Some(expected) = digest.strip_prefix("sha1:") else {
        return Ok(());
    };
    use sha1::{Digest, Sha1};
    let sha1 = Sha1::digest(&record.block);
    let base32 = super::base32(&sha1);
    let hex: String = sha1.iter().map(|b| format!("{b:02x}")).collect();
    // warcio writes base32; some crawlers write it without padding, or in hex.
    let expected = expected.trim_end_matches('=');
    if expected.eq_ignore_ascii_case(base32.trim_end_matches('='))
        || expected.eq_ignore_ascii_case(&hex)
    {
        return Ok(());
    }
    Err(format!(
        "block digest {digest} does not match the block (sha1:{base32})"
    ))
}

trait HeadExt {
    fn header(&self, name: &str) -> Option<String>;
}

impl HeadExt for epaper_common::messages::HttpHead {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

impl Importer<'_> {
    /// What the record holds: epaper's own `epaper-Kind` field, a medium the imported pages
    /// named, or else its content type (HTML a page or article, as the parser decides; an image
    /// or a PDF a medium). `None` for anything else.
    fn kind_of(
        &self,
        record: &Record,
        url: &str,
        content_type: Option<&str>,
    ) -> Result<Option<DocKind>, String> {
        if let Some(kind) = record.field(fields::KIND) {
            return DocKind::parse(kind)
                .map(Some)
                .ok_or_else(|| format!("unknown {} {kind:?}", fields::KIND));
        }
        if let Some((_, kind, ..)) = self.owners.get(url) {
            return Ok(Some(*kind));
        }
        let content_type = content_type.unwrap_or_default().to_ascii_lowercase();
        Ok(if content_type.contains("html") {
            // Page or article: the parser's record decides, see `import_document`.
            Some(DocKind::Page)
        } else if content_type.starts_with("image/") {
            Some(DocKind::Image)
        } else if content_type.starts_with("application/pdf") {
            Some(DocKind::Pdf)
        } else {
            None
        })
    }

    /// The site and issue date of a record: `--site`, else epaper's `epaper-Site` field when
    /// it names a known profile, else the profile whose root the URL is under (or whose extra
    /// hosts serve it); the date from `epaper-Issue-Date`, else from the URL by the profile's
    /// entry template, else (a medium) from the page that named it. `Ok(None)` when no
    /// profile claims the URL; an error when one does but the date cannot be told.
    fn place(&self, record: &Record, url: &str) -> Result<Option<(String, NaiveDate)>, String> {
        let named = record
            .field(fields::SITE)
            .and_then(|id| self.sites.get(id).ok());
        let owner = self.owners.get(url);
        let profile = self
            .forced
            .or(named)
            .or_else(|| owner.and_then(|(.., site, _)| self.sites.get(site).ok()))
            .or_else(|| claiming(self.sites, url));
        let Some(profile) = profile else {
            return Ok(None);
        };
        let date = match record.field(fields::ISSUE_DATE) {
            Some(text) => Some(
                text.parse::<NaiveDate>()
                    .map_err(|_| format!("{} {text:?} is no date", fields::ISSUE_DATE))?,
            ),
            None => profile
                .date_in_url(url)
                .or_else(|| owner.map(|(.., date)| *date)),
        };
        let date = date.ok_or_else(|| {
            format!(
                "no issue date in the URL for site {:?} (by its entry template)",
                profile.id
            )
        })?;
        Ok(Some((profile.id.clone(), date)))
    }

    /// Parses a page or article as the parse stage does and stores it with its raw document;
    /// a document that does not parse is recorded in `failures` and refused.
    async fn import_document(&mut self, mut fetched: FetchedDocument) -> anyhow::Result<Outcome> {
        let caps = self.caps;
        let custom = self
            .sites
            .selectors(&fetched.site, fetched.issue_date)
            .cloned();
        let doc = fetched.clone();
        let work = move || {
            let raw = doc.inflate(caps).map_err(anyhow::Error::from)?;
            let content_type = doc.content_type.as_deref();
            Ok::<_, anyhow::Error>(epaper_parser::parse_with(
                &doc.url,
                &raw,
                content_type,
                custom.as_ref(),
            )?)
        };
        let parsed = match with_deadline(self.deadline, work).await {
            Ok(parsed) => parsed.map_err(|error| format!("{error:#}")),
            Err(Overrun::Panicked(error)) => Err(format!("parsing failed: {error}")),
            Err(Overrun::TimedOut) => Err(format!(
                "parsing took longer than {} ms (parser.parse_timeout_ms)",
                self.deadline.as_millis()
            )),
        };
        let record = match parsed {
            Ok(record) => record,
            Err(reason) => {
                self.ledger(&fetched)
                    .refused
                    .insert(fetched.url.clone(), (fetched.kind, reason.clone()));
                self.store
                    .record_failure(
                        &fetched.site,
                        fetched.issue_date,
                        &fetched.url,
                        "parse",
                        "permanent",
                        &reason,
                    )
                    .await?;
                return Ok(Outcome::Rejected(format!("{}: {reason}", fetched.url)));
            }
        };
        fetched.kind = match &record {
            Parsed::Page(_) => DocKind::Page,
            Parsed::Article(_) => DocKind::Article,
        };
        self.note_media(&fetched, &record);
        self.store.store_document(&fetched, &record).await?;
        self.note_listed(&fetched, &record);
        Ok(Outcome::Document)
    }

    fn ledger(&mut self, fetched: &FetchedDocument) -> &mut Ledger {
        self.ledgers
            .entry((fetched.site.clone(), fetched.issue_date))
            .or_default()
    }

    /// Notes a stored document in its issue's ledger, with what it lists.
    fn note_listed(&mut self, fetched: &FetchedDocument, record: &Parsed) {
        let ledger = self.ledger(fetched);
        ledger.stored.insert(fetched.url.clone());
        match record {
            Parsed::Page(page) => {
                ledger.stored.insert(page.url.clone());
                ledger.listed_pages.insert(page.url.clone());
                ledger
                    .listed_pages
                    .extend(page.pages.iter().map(|listed| listed.url.clone()));
                ledger
                    .listed_articles
                    .extend(page.articles.iter().map(|listed| listed.url.clone()));
            }
            Parsed::Article(article) => {
                ledger.stored.insert(article.url.clone());
                ledger.listed_articles.insert(article.url.clone());
            }
        }
        for (url, kind) in media_named(record) {
            ledger.listed_media.entry(url.to_string()).or_insert(kind);
        }
    }

    /// Accounts for every issue the import touched, once all files are in: an issue no
    /// crawler's manifest covers gets the one its imported documents make (see
    /// [`Ledger::manifest`]), so it ends `complete` or `partial` like a crawled issue; an issue
    /// a crawl accounted for keeps that crawl's manifest. Counts the issues by final state.
    pub async fn finish(&mut self) -> anyhow::Result<()> {
        let with_media = self.media.is_some();
        for ((site, date), ledger) in &self.ledgers {
            if self.store.awaits_manifest(site, *date).await? {
                let manifest = ledger.manifest(site, *date, with_media);
                self.store.apply_manifest(&manifest).await?;
            }
            let state = self.store.issue_state(site, *date).await?;
            let name = state.map_or("unknown", |state| state.as_str());
            *self.counts.issues.entry(name.to_string()).or_default() += 1;
            if let Some(state @ (IssueState::Partial | IssueState::Failed)) = state {
                self.incomplete.push((site.clone(), *date, state));
            }
        }
        Ok(())
    }

    /// Remembers which page or article owns each medium a record names, for media records of
    /// other crawlers, which carry no owner.
    fn note_media(&mut self, fetched: &FetchedDocument, record: &Parsed) {
        for (url, kind) in media_named(record) {
            let owner = (
                fetched.url.clone(),
                kind,
                fetched.site.clone(),
                fetched.issue_date,
            );
            self.owners.entry(url.to_string()).or_insert(owner);
        }
    }

    /// Puts a medium's bytes in the media store and records it, after the crawler's own checks
    /// (the bytes are the kind they claim, no pixel bomb).
    async fn import_medium(
        &mut self,
        fetched: FetchedDocument,
        owner: Option<String>,
    ) -> anyhow::Result<Outcome> {
        let Some(media) = self.media else {
            return Ok(Outcome::Skipped(
                "a medium, and no media store (--media-dir)".into(),
            ));
        };
        let Some(owner) = owner else {
            return Ok(Outcome::Skipped(format!(
                "a medium no imported page or article names: {}",
                fetched.url
            )));
        };
        let bytes = fetched.inflate(self.caps)?;
        if let Err(reason) = epaper_crawler::verify_media(fetched.kind, &bytes) {
            self.ledger(&fetched)
                .refused
                .insert(fetched.url.clone(), (fetched.kind, reason.to_string()));
            return Ok(Outcome::Rejected(format!("{}: {reason}", fetched.url)));
        }
        let stored = media.put(&bytes).await?;
        self.store.store_media(&fetched, &owner, &stored).await?;
        self.ledger(&fetched).stored.insert(fetched.url.clone());
        Ok(Outcome::Medium)
    }
}

/// The media a parsed page or article names, with their kind: a page's scan and PDF, an
/// article's images.
fn media_named(record: &Parsed) -> Vec<(&str, DocKind)> {
    match record {
        Parsed::Page(page) => [
            (page.image_url.as_deref(), DocKind::Scan),
            (page.pdf_url.as_deref(), DocKind::Pdf),
        ]
        .into_iter()
        .filter_map(|(url, kind)| Some((url?, kind)))
        .collect(),
        Parsed::Article(article) => article
            .images
            .iter()
            .map(|image| (image.url.as_str(), DocKind::Image))
            .collect(),
    }
}

/// The profile whose root (of any era) the URL is under, the longest root first; else one
/// whose extra hosts serve it.
fn claiming<'s>(sites: &'s Sites, url: &str) -> Option<&'s Profile> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    let mut best: Option<(usize, &Profile)> = None;
    for site in sites.all() {
        let profile = &site.profile;
        let roots = profile
            .base_url
            .iter()
            .chain(profile.eras.iter().filter_map(|era| era.base_url.as_ref()));
        for root in roots {
            let root = root.trim_end_matches('/');
            let under = url.starts_with(root)
                && matches!(url.as_bytes().get(root.len()), None | Some(b'/' | b'?'));
            if under && best.is_none_or(|(len, _)| root.len() > len) {
                best = Some((root.len(), profile));
            }
        }
    }
    best.map(|(_, profile)| profile).or_else(|| {
        sites
            .all()
            .iter()
            .map(|site| &site.profile)
            .find(|profile| {
                profile
                    .extra_hosts
                    .iter()
                    .any(|extra| extra.eq_ignore_ascii_case(&host))
            })
    })
}
