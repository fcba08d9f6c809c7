//! What one crawled issue holds, field by field: the report of `sites check` and `sites probe`.
//! The fields are counted on the parser's records of the archived documents, so the report
//! says what the parser reads of the paper, not what the archive filled in around it (the
//! issue's date, say).

use std::fmt;

use chrono::NaiveDate;
use epaper_common::config::SizeCaps;
use epaper_common::messages::{ArticleRecord, DocKind, Record};
use epaper_common::sites::Profile;
use epaper_indexer::{ExportFilter, IssueState, Store};

/// One issue as stored, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub site: String,
    pub date: NaiveDate,
    pub layout: String,
    /// The skin of its pages where the family has skins (`nav-list`, `bmdh`; see
    /// [`epaper_parser::Family::skin`]).
    pub skin: Option<&'static str>,
    /// `complete`, `partial`, `absent`, … (`None`: no state was recorded).
    pub state: Option<IssueState>,
    pub pages: usize,
    pub articles: usize,
    /// Per field, how many articles have it, in [`FIELDS`] order.
    pub fields: Vec<(&'static str, usize)>,
    /// Documents that could not be fetched or parsed, with the reason.
    pub failures: Vec<(String, String)>,
}

/// The fields counted, by contract 1's names (pretitle is the 引题, subtitle the 副题).
pub const FIELDS: [&str; 9] = [
    "title",
    "pretitle",
    "subtitle",
    "author",
    "date",
    "page",
    "paragraphs",
    "images",
    // Regions on the page scan, from the pages' image maps or hotspots.
    "regions",
];

/// What the parser read of an issue's documents, counted as they come.
#[derive(Default)]
struct Tally {
    counts: [usize; 9],
    articles: Vec<String>,
    /// Articles a page's map or hotspots mark on the scan.
    mapped: std::collections::HashSet<String>,
    skin: Option<&'static str>,
    failures: Vec<(String, String)>,
}

impl Tally {
    fn add(
        &mut self,
        url: String,
        parsed: Result<Record, epaper_parser::ParseError>,
        kind: DocKind,
    ) {
        match (parsed, kind) {
            (Ok(Record::Article(article)), DocKind::Article) => {
                for (count, present) in self.counts.iter_mut().zip(has(&article)) {
                    *count += usize::from(present);
                }
                self.articles.push(url);
            }
            (Ok(Record::Page(page)), DocKind::Page) => {
                let marked = page.articles.into_iter().filter(|a| !a.regions.is_empty());
                self.mapped.extend(marked.map(|a| a.url));
            }
            (Ok(_), _) => self
                .failures
                .push((url, format!("not read as a {}", kind.as_str()))),
            (Err(error), _) => self.failures.push((url, error.to_string())),
        }
    }

    /// The counts per field, regions last.
    fn fields(mut self) -> (usize, [usize; 9], Vec<(String, String)>) {
        self.counts[8] = self
            .articles
            .iter()
            .filter(|url| self.mapped.contains(*url))
            .count();
        (self.articles.len(), self.counts, self.failures)
    }
}

/// The skin of a page of `family` from its bytes as served; `None` for a family without skins
/// (and for the `selectors` layout, which is no family).
fn skin_of(
    family: Option<&epaper_parser::Family>,
    bytes: &[u8],
    content_type: Option<&str>,
) -> Option<&'static str> {
    let family = family?;
    let charset = content_type.and_then(epaper_parser::decode::charset_from_content_type);
    (family.skin)(&epaper_parser::decode::decode(bytes, charset).text)
}

fn has(article: &ArticleRecord) -> [bool; 9] {
    [
        article.title.is_some(),
        article.pretitle.is_some(),
        article.subtitle.is_some(),
        article.author.is_some(),
        article.date.is_some(),
        article.page_no.is_some(),
        !article.paragraphs.is_empty(),
        !article.images.is_empty(),
        // Counted from the pages, in `Tally::fields`.
        false,
    ]
}

impl Report {
    /// Counts what `store` holds of `profile`'s issue of `date`.
    pub async fn read(
        store: &Store,
        profile: &Profile,
        date: NaiveDate,
        caps: SizeCaps,
    ) -> anyhow::Result<Report> {
        let filter = ExportFilter {
            site: Some(profile.id.clone()),
            from: Some(date),
            to: Some(date),
        };
        let mut tally = Tally::default();
        // The paper's own system, as the crawl read it.
        let custom = profile.edition(date).selectors;
        let family = epaper_parser::families::by_name(profile.edition(date).layout.name());
        store
            .raw_documents(&filter, async |doc| {
                if !matches!(doc.kind, DocKind::Article | DocKind::Page) {
                    return Ok(());
                }
                match doc.inflate(caps) {
                    Ok(bytes) => {
                        let content_type = doc.content_type.as_deref();
                        if doc.kind == DocKind::Page && tally.skin.is_none() {
                            tally.skin = skin_of(family, &bytes, content_type);
                        }
                        let parsed =
                            epaper_parser::parse_with(&doc.url, &bytes, content_type, custom);
                        tally.add(doc.url, parsed, doc.kind);
                    }
                    Err(error) => tally.failures.push((doc.url, error.to_string())),
                }
                Ok(())
            })
            .await?;
        let skin = tally.skin;
        let (articles, counts, mut failures) = tally.fields();
        let pages = store.pages_of(&profile.id, date).await?.len();
        let state = store.issue_state(&profile.id, date).await?;
        let stored = store.failures(&filter).await?;
        failures.extend(stored.into_iter().map(|f| (f.url, f.reason)));
        Ok(Report {
            site: profile.id.clone(),
            date,
            layout: profile.edition(date).layout.to_string(),
            skin,
            state,
            pages,
            articles,
            fields: FIELDS.iter().copied().zip(counts).collect(),
            failures,
        })
    }

    /// How many articles have the field `name` of [`FIELDS`].
    pub fn count(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    /// Whether the issue came in whole, with a title and text for every article.
    pub fn is_whole(&self) -> bool {
        self.state == Some(IssueState::Complete)
            && self.articles > 0
            && self.failures.is_empty()
            && self.count("title") == Some(self.articles)
            && self.count("paragraphs") == Some(self.articles)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self
            .state
            .as_ref()
            .map_or("no state recorded".to_string(), ToString::to_string);
        let skin = self
            .skin
            .map_or(String::new(), |skin| format!(", skin {skin}"));
        writeln!(
            f,
            "{} {} ({}{skin}): {state}",
            self.site, self.date, self.layout
        )?;
        writeln!(f, "  pages     {}", self.pages)?;
        writeln!(
            f,
            "  articles  {} (pretitle = 引题, subtitle = 副题)",
            self.articles
        )?;
        for (name, count) in &self.fields {
            writeln!(f, "    {name:<11} {count}/{}", self.articles)?;
        }
        if !self.failures.is_empty() {
            writeln!(f, "  failures  {}", self.failures.len())?;
            for (url, reason) in self.failures.iter().take(10) {
                writeln!(f, "    {url}: {reason}")?;
            }
        }
        Ok(())
    }
}
