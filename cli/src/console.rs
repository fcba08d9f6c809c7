//! `epaper console`: a small web console over an archive, server-rendered, without script.
//!
//! - `/` — per site an issue calendar coloured by state, the queue backlogs over time (when a
//!   broker is configured), and the search box;
//! - `/issue/{site}/{date}` — the reader: the issue page by page, each 版 with its scan, its PDF
//!   and its articles; and a replay button;
//! - `/article?url=…` — one article as archived;
//! - `/search?q=…` — full-text search;
//! - `/failures` — what failed, per issue, with a replay button;
//! - `POST /replay` — sends an issue back to the crawler (publish confirmed, then state
//!   `queued`), as `epaper replay --state` does;
//! - `/media/{aa}/{sha256}` — stored scans, PDFs and images, streamed;
//! - `/style.css` — the one stylesheet (the CSP allows no inline style or script).
//!
//! Works on PostgreSQL and on the embedded SQLite archive. Without a broker (the embedded mode)
//! the backlog panel and the replay button say why they are not there.
//!
//! Everything it shows was written by outside sites, so: pages are built with `maud`, which
//! escapes every value and quotes every attribute (no HTML is made by string formatting); a
//! URL from the archive becomes a link or an image only when it parses as `http`/`https`
//! ([`web_url`]), else it is shown as text; `site` and `date` of every request are checked
//! ([`valid_site`], [`valid_date`]) before they reach the store or the broker; errors show a
//! reference, their detail goes to the log. Host allow-list, authentication, the same-origin
//! rule for `POST` and the security headers are in [`guard`].

mod guard;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::body::Body;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Days, NaiveDate, Utc};
use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_common::messages::Stage;
use epaper_indexer::media::MediaStore;
use epaper_indexer::{ExportFilter, ExportedArticle, SearchQuery, Store};
use indicatif::ProgressBar;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::enqueue::{Archive, Mark, Plan, enqueue_issues};
use crate::plan::crawl_request;

/// How the console is started.
pub struct ConsoleOptions {
    pub db_url: secrecy::SecretString,
    pub addr: SocketAddr,
    /// Where stored media are (a directory or `s3://…`); without it scans are linked at their
    /// source URLs.
    pub media: Option<MediaStore>,
    /// Use the broker of the configuration for backlogs and replays.
    pub broker: bool,
    /// For replays of sites whose profile has no base URL (the sample site).
    pub base_url: Option<String>,
}

/// Queue backlog samples kept for the chart: one every 5 s, the last 10 minutes.
const SAMPLES: usize = 120;

struct Console {
    store: Store,
    media: Option<MediaStore>,
    broker: Option<Broker>,
    base_url: Option<String>,
    backlog: Mutex<VecDeque<Sample>>,
    /// The ids of the bundled site profiles: what a replay may name.
    profiles: BTreeSet<String>,
}

#[derive(Clone)]
struct Sample {
    at: chrono::DateTime<Utc>,
    /// (queue, ready) per work queue and dead-letter queue.
    queues: Vec<(String, u32)>,
}

type Shared = Arc<Console>;

/// Serves the console until the process is stopped; prints its URL first.
pub async fn serve(settings: &Settings, options: ConsoleOptions) -> anyhow::Result<()> {
    guard::check_listen(options.addr, &settings.console)?;
    let store = crate::connect::open_store(&options.db_url, 4).await?;
    store.migrate().await.context("migrating the archive")?;
    let broker = if options.broker {
        let broker = crate::connect::open_broker(&settings.amqp)
            .await
            .context("connecting to the broker (use --no-broker for an archive alone)")?;
        broker.declare_topology().await?;
        Some(broker)
    } else {
        None
    };
    let console = Arc::new(Console {
        store,
        media: options.media,
        broker,
        base_url: options.base_url,
        backlog: Mutex::new(VecDeque::new()),
        profiles: epaper_common::sites::all()
            .into_iter()
            .map(|p| p.id)
            .collect(),
    });
    if console.broker.is_some() {
        tokio::spawn(sample_backlog(console.clone()));
    }
    let app = Router::new()
        .route("/", get(index))
        .route("/issue/{site}/{date}", get(issue))
        .route("/article", get(article))
        .route("/search", get(search))
        .route("/failures", get(failures))
        .route("/replay", post(replay))
        .route("/media/{aa}/{sha256}", get(media))
        .route("/style.css", get(style))
        .with_state(console);
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("binding {}", options.addr))?;
    let local = listener.local_addr()?;
    let access = Arc::new(guard::Access::new(local, &settings.console));
    let app = app.layer(axum::middleware::from_fn_with_state(access, guard::guard));
    println!("http://{local}/");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn sample_backlog(console: Shared) {
    let Some(broker) = &console.broker else {
        return;
    };
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        let mut queues = Vec::new();
        for stage in [Stage::Crawl, Stage::Parse, Stage::Index] {
            for queue in [
                broker.topology.work_queue(stage),
                broker.topology.dead_letter_queue(stage),
            ] {
                if let Ok((ready, _)) = broker.queue_counts(&queue).await {
                    queues.push((queue, ready));
                }
            }
        }
        let mut backlog = console.backlog.lock().expect("backlog lock");
        if backlog.len() == SAMPLES {
            backlog.pop_front();
        }
        backlog.push_back(Sample {
            at: Utc::now(),
            queues,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Pages

/// An error of a page handler: the detail goes to the log under a short reference, the page
/// shows only the reference (the chain names tables, paths and hosts a visitor has no need of).
struct Failed(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Failed {
    fn from(error: E) -> Failed {
        Failed(error.into())
    }
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let reference = error_reference();
        tracing::warn!(
            error = %format!("{:#}", self.0),
            reference = %reference,
            "console request failed"
        );
        let body = html! {
            p.error {
                "Something went wrong. The console's log has the details under reference "
                code #reference { (reference) } "."
            }
        };
        (StatusCode::INTERNAL_SERVER_ERROR, page("error", body)).into_response()
    }
}

/// Eight hex digits, different for every call: enough to find one line in a day's log.
fn error_reference() -> String {
    use std::hash::BuildHasher as _;
    let random = std::collections::hash_map::RandomState::new();
    format!(
        "{:08x}",
        random.hash_one(std::time::SystemTime::now()) as u32
    )
}

/// A short page that says why a request was refused, with its status.
fn refusal(status: StatusCode, why: &str) -> Response {
    (status, page("refused", html! { p.error { (why) } })).into_response()
}

type Page = Result<Html<String>, Failed>;

/// Escapes a query-string or path value.
fn query_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `text` as a URL a link or an image may use: only `http` and `https`, in the URL parser's
/// normalised form (so `java&#9;script:`, which the parser turns into `javascript:`, and every
/// other scheme stay text).
fn web_url(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// A link to `url` when it is a web URL, else the URL as text.
fn link_or_text(url: &str, class: &str, label: &str) -> Markup {
    html! {
        @if let Some(href) = web_url(url) {
            a class=(class) href=(href) { (label) }
        } @else {
            span class=(class) { (label) " (not a web link: " code { (url) } ")" }
        }
    }
}

/// A site id as the profiles spell them: lowercase ASCII letters, digits, `-` and `_`.
fn site_shaped(site: &str) -> bool {
    (1..=64).contains(&site.len())
        && site
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A site a request may name: shaped like an id, and a bundled profile or (`in_archive`) one
/// the archive holds issues of.
fn valid_site(console: &Console, site: &str, in_archive: bool) -> bool {
    site_shaped(site) && (in_archive || console.profiles.contains(site))
}

/// An issue date a request may name: `YYYY-MM-DD` from 1900-01-01 to a year from today. Dates
/// outside are refused before they reach the store, the broker or a calendar.
fn valid_date(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let oldest = NaiveDate::from_ymd_opt(1900, 1, 1)?;
    let newest = Utc::now().date_naive().checked_add_days(Days::new(366))?;
    (oldest..=newest).contains(&date).then_some(date)
}

const STYLE: &str = include_str!("console/style.css");

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

fn page(title: &str, body: Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang="zh" {
            head {
                meta charset="utf-8";
                title { (title) " · epaper" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                nav {
                    a href="/" { "calendar" }
                    a href="/failures" { "failures" }
                    form action="/search" {
                        input name="q" id="search-box" placeholder="search";
                        button id="search-button" { "search" }
                    }
                }
                h1 { (title) }
                (body)
            }
        }
    };
    Html(markup.into_string())
}

async fn index(State(console): State<Shared>) -> Page {
    let issues = console.store.issue_list(None).await?;
    let mut by_site: BTreeMap<&str, BTreeMap<NaiveDate, &str>> = BTreeMap::new();
    for issue in &issues {
        by_site
            .entry(&issue.site)
            .or_default()
            .insert(issue.date, issue.state.as_str());
    }
    let body = html! {
        p.legend {
            span.complete { "complete" } span.partial { "partial" } span.failed { "failed" }
            span.absent { "absent" } span.in-progress { "in progress" }
        }
        @if by_site.is_empty() {
            p { "The archive holds no issue yet." }
        }
        @for (site, days) in &by_site {
            h2 id={ "site-" (site) } { (site) }
            // Months from the newest issue back, each a grid of weeks starting on Monday.
            @for (year, month) in months_of(days) {
                (month_grid(site, year, month, days))
            }
        }
        (backlog_panel(&console))
    };
    Ok(page("epaper archive", body))
}

/// The (year, month) pairs of `days`, newest first.
fn months_of(days: &BTreeMap<NaiveDate, &str>) -> Vec<(i32, u32)> {
    let mut months: Vec<(i32, u32)> = days.keys().map(|d| (d.year(), d.month())).collect();
    months.dedup();
    months.reverse();
    months
}

/// The weeks of a month, Monday first, `None` before the first day. Built from the dates chrono
/// can represent: the month of `NaiveDate::MAX` ends there, without a next day to ask for.
fn weeks_of(year: i32, month: u32) -> Vec<Vec<Option<NaiveDate>>> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let blanks = first.weekday().num_days_from_monday() as usize;
    let cells: Vec<Option<NaiveDate>> = std::iter::repeat_n(None, blanks)
        .chain(
            // Not `iter_days`, which never yields `NaiveDate::MAX`.
            std::iter::successors(Some(first), |d| d.succ_opt())
                .take_while(|d| d.month() == month)
                .map(Some),
        )
        .collect();
    cells.chunks(7).map(<[_]>::to_vec).collect()
}

fn month_grid(site: &str, year: i32, month: u32, days: &BTreeMap<NaiveDate, &str>) -> Markup {
    html! {
        table.cal {
            caption { (format!("{year}-{month:02}")) }
            tr { @for name in ["一", "二", "三", "四", "五", "六", "日"] { th { (name) } } }
            @for week in weeks_of(year, month) {
                tr {
                    @for cell in week {
                        @match cell.map(|day| (day, days.get(&day))) {
                            Some((day, Some(state))) => {
                                td class=(state) data-date=(day) title=(format!("{day} {state}")) {
                                    a href=(format!("/issue/{}/{day}", query_value(site))) {
                                        (day.day())
                                    }
                                }
                            }
                            Some((day, None)) => { td { (day.day()) } }
                            None => { td {} }
                        }
                    }
                }
            }
        }
    }
}

fn backlog_panel(console: &Console) -> Markup {
    if console.broker.is_none() {
        return html! {
            h2 { "Queues" }
            p {
                "No broker: this console was started on an archive alone ("
                code { "--no-broker" } "), so backlogs are not shown."
            }
        };
    }
    let backlog = console.backlog.lock().expect("backlog lock");
    let Some(last) = backlog.back() else {
        return html! { h2 { "Queues" } p { "The first sample is taken within 5 seconds." } };
    };
    html! {
        h2 { "Queues" }
        p {
            "Ready messages per queue, sampled every 5 s (last: "
            (last.at.format("%H:%M:%S UTC")) ")."
        }
        table #backlog {
            tr {
                th { "queue" } th { "ready now" } th { "peak" }
                th { "over the last " (backlog.len()) " samples" }
            }
            @for (queue, ready) in &last.queues {
                @let series = series_of(&backlog, queue);
                @let peak = series.iter().copied().max().unwrap_or(0);
                tr {
                    td { (queue) } td { (ready) } td { (peak) } td { (sparkline(&series, peak)) }
                }
            }
        }
    }
}

/// The ready counts of `queue` over the samples kept.
fn series_of(backlog: &VecDeque<Sample>, queue: &str) -> Vec<u32> {
    backlog
        .iter()
        .map(|s| {
            s.queues
                .iter()
                .find(|(q, _)| q == queue)
                .map_or(0, |(_, n)| *n)
        })
        .collect()
}

/// An inline SVG line of `series`, scaled to `peak`.
fn sparkline(series: &[u32], peak: u32) -> Markup {
    let (width, height) = (240.0, 24.0);
    let step = width / (SAMPLES as f64 - 1.0);
    let points: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let y = height - f64::from(n) / f64::from(peak.max(1)) * (height - 2.0) - 1.0;
            format!("{:.1},{y:.1}", i as f64 * step)
        })
        .collect();
    html! {
        svg width=(width) height=(height) {
            polyline fill="none" stroke="#1976d2" points=(points.join(" ")) {}
        }
    }
}

/// Where a medium is shown from: the console's media store when it holds the bytes, else the
/// source URL, when that is a web URL.
fn media_link(console: &Console, sha256: Option<&str>, source: Option<&str>) -> Option<String> {
    match (sha256, &console.media) {
        (Some(sha), Some(_)) if is_sha256(sha) => Some(format!("/media/{}/{sha}", &sha[..2])),
        _ => source.and_then(web_url),
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn issue(
    State(console): State<Shared>,
    Path((site, date)): Path<(String, String)>,
    Query(flash): Query<Flash>,
) -> Result<Response, Failed> {
    let (true, Some(date)) = (site_shaped(&site), valid_date(&date)) else {
        return Ok(refusal(StatusCode::NOT_FOUND, "No such site or date."));
    };
    let issues = console.store.issue_list(Some(&site)).await?;
    if !valid_site(&console, &site, !issues.is_empty()) {
        return Ok(refusal(StatusCode::NOT_FOUND, "No such site or date."));
    }
    let state = issues
        .iter()
        .find(|i| i.date == date)
        .map_or("unknown", |i| i.state.as_str());
    let pages = console.store.pages_of(&site, date).await?;
    let mut articles: Vec<ExportedArticle> = Vec::new();
    let filter = ExportFilter {
        site: Some(site.clone()),
        from: Some(date),
        to: Some(date),
    };
    console
        .store
        .export(&filter, |a| {
            articles.push(a);
            Ok(())
        })
        .await?;
    let body = html! {
        @if flash.replayed.is_some() {
            p.flash #flash { (site) " " (date) " sent back to the crawler" }
        }
        p {
            "State: " b #issue-state { (state) } "; " (pages.len()) " pages, "
            (articles.len()) " articles stored."
        }
        (replay_form(&console, &site, date))
        @for page in &pages {
            div.page {
                @if let Some(scan) = media_link(&console, page.scan_sha256.as_deref(),
                    page.image_url.as_deref()) {
                    img.scan src=(scan) alt="scan";
                }
                h2 {
                    (page.page_no.as_deref().unwrap_or("?")) " "
                    (page.page_name.as_deref().unwrap_or(""))
                }
                @match (&page.pdf_sha256, &page.pdf_url) {
                    (Some(sha), _) if console.media.is_some() && is_sha256(sha) => {
                        p { a.pdf href=(format!("/media/{}/{sha}", &sha[..2])) { "PDF" } }
                    }
                    (_, Some(url)) => { p { (link_or_text(url, "pdf", "PDF")) } }
                    _ => {}
                }
                ul {
                    @for article in articles.iter().filter(|a| a.page_no == page.page_no) {
                        li {
                            a.article href=(format!("/article?url={}", query_value(&article.url))) {
                                (article.title.as_deref().unwrap_or("(untitled)"))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("{site} {date}"), body).into_response())
}

fn replay_form(console: &Console, site: &str, date: NaiveDate) -> Markup {
    if console.broker.is_none() {
        return html! {
            p {
                "Replay needs the services' broker; on an embedded archive run "
                code { "epaper run --site " (site) " --from " (date) " --to " (date) }
                " again."
            }
        };
    }
    html! {
        form method="post" action="/replay" {
            input type="hidden" name="site" value=(site);
            input type="hidden" name="date" value=(date);
            button.replay id={ "replay-" (site) "-" (date) } { "replay" }
        }
    }
}

#[derive(Deserialize)]
struct ArticleQuery {
    url: String,
}

async fn article(State(console): State<Shared>, Query(query): Query<ArticleQuery>) -> Response {
    match find_article(&console, &query.url).await {
        Ok(Some(article)) => page(
            article.title.as_deref().unwrap_or("(untitled)"),
            article_body(&console, &article),
        )
        .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            page(
                "not found",
                html! { p { "No such article in the archive." } },
            ),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

async fn find_article(console: &Console, url: &str) -> Result<Option<ExportedArticle>, Failed> {
    let Some((site, date)) = console.store.article_issue(url).await? else {
        return Ok(None);
    };
    let filter = ExportFilter {
        site: Some(site),
        from: Some(date),
        to: Some(date),
    };
    let mut found = None;
    console
        .store
        .export(&filter, |a| {
            if a.url == url {
                found = Some(a);
            }
            Ok(())
        })
        .await?;
    Ok(found)
}

fn article_body(console: &Console, article: &ExportedArticle) -> Markup {
    html! {
        p {
            a href=(format!("/issue/{}/{}", query_value(&article.site), article.date)) {
                (article.site) " " (article.date)
            }
            " · " (article.page_no.as_deref().unwrap_or(""))
            " " (article.page_name.as_deref().unwrap_or(""))
        }
        @if let Some(pretitle) = &article.pretitle { p.pretitle { (pretitle) } }
        @if let Some(subtitle) = &article.subtitle { p.subtitle { (subtitle) } }
        @if let Some(author) = &article.author { p.author { (author) } }
        @for image in &article.images {
            figure {
                @if let Some(src) = media_link(console,
                    image.stored.as_ref().map(|s| s.sha256.as_str()), Some(&image.url)) {
                    img src=(src);
                }
                figcaption { (image.caption.as_deref().unwrap_or("")) }
            }
        }
        div #article-body {
            @for paragraph in &article.paragraphs { p { (paragraph) } }
        }
        p { (link_or_text(&article.url, "source", "source")) }
    }
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
}

async fn search(State(console): State<Shared>, Query(params): Query<SearchParams>) -> Page {
    let text = params.q.trim();
    if text.is_empty() {
        return Ok(page("search", html! { p { "Type words to look for." } }));
    }
    let hits = console
        .store
        .search(&SearchQuery {
            text: text.to_string(),
            filter: ExportFilter::default(),
            limit: 50,
        })
        .await?;
    let body = html! {
        p #hit-count { (hits.len()) " hits" }
        @for hit in &hits {
            div.hit {
                a.hit-title href=(format!("/article?url={}", query_value(&hit.url))) {
                    (hit.title.as_deref().unwrap_or("(untitled)"))
                }
                " "
                small { (hit.site) " " (hit.date) " " (hit.page_no.as_deref().unwrap_or("")) }
                div.snippet { (hit.snippet) }
            }
        }
    };
    Ok(page(&format!("search: {text}"), body))
}

async fn failures(State(console): State<Shared>) -> Page {
    let failures = console.store.failures(&ExportFilter::default()).await?;
    let mut by_issue: BTreeMap<(String, NaiveDate), Vec<_>> = BTreeMap::new();
    for failure in failures {
        by_issue
            .entry((failure.site.clone(), failure.date))
            .or_default()
            .push(failure);
    }
    let body = html! {
        @if by_issue.is_empty() { p { "Nothing has failed." } }
        @for ((site, date), list) in by_issue.iter().rev() {
            h2 { a href=(format!("/issue/{}/{date}", query_value(site))) { (site) " " (date) } }
            (replay_form(&console, site, *date))
            ul {
                @for failure in list {
                    li.failure {
                        (failure.stage) " · " (failure.kind) " · " (failure.url) ": "
                        (failure.reason)
                    }
                }
            }
        }
    };
    Ok(page("failures", body))
}

/// `?replayed=1` on the reader after a replay: the page says so. The message is the console's
/// own, about the issue of the path; no text of the query string is shown.
#[derive(Deserialize, Default)]
struct Flash {
    #[serde(default)]
    replayed: Option<String>,
}

#[derive(Deserialize)]
struct ReplayForm {
    site: String,
    date: String,
}

/// Publishes the issue to the crawl queue (confirmed by the broker) and only then marks it
/// `queued`, so a failed publish never shows an issue as on its way. Only a bundled profile's
/// site and a date in range are replayed; anything else is refused with 400 and touches
/// nothing.
async fn replay(State(console): State<Shared>, Form(form): Form<ReplayForm>) -> Response {
    let Some(broker) = &console.broker else {
        return (
            StatusCode::CONFLICT,
            page(
                "replay",
                html! { p { "No broker: replay needs the services." } },
            ),
        )
            .into_response();
    };
    let date = valid_date(&form.date);
    let (true, Some(date)) = (valid_site(&console, &form.site, false), date) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Replay takes a site the console has a profile of and a date from 1900 to next year.",
        );
    };
    let site = form.site;
    // `--base-url` is for profiles without an address of their own (the sample site); a real
    // profile refuses an override, so its replays go to the profile's own host.
    let base_url = epaper_common::sites::get(&site)
        .ok()
        .filter(|profile| profile.base_url.is_none())
        .and(console.base_url.clone());
    let plan = Plan {
        issues: vec![crawl_request(&site, base_url.as_deref(), date, None)],
        conditional: false,
        mark: Mark::Requeued,
    };
    let result = async {
        let publisher = broker.publisher().await?;
        let archive = Archive::Required(&console.store);
        enqueue_issues(archive, &publisher, &plan, &ProgressBar::hidden()).await
    }
    .await;
    match result {
        Ok(()) => {
            tracing::info!(site = %site, date = %date, "issue replayed from the console");
            Redirect::to(&format!("/issue/{site}/{date}?replayed=1")).into_response()
        }
        Err(error) => Failed(error).into_response(),
    }
}

/// What the first bytes of a stored object say it is. Anything not recognised is served as
/// an attachment of an opaque type, and `nosniff` keeps the browser from guessing otherwise.
fn media_type(head: &[u8]) -> Option<&'static str> {
    let kinds: [(&[u8], &str); 6] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"BM", "image/bmp"),
    ];
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    kinds
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Streams a stored object: the type from its first bytes, its length from the store, the
/// bytes as they are read (a 60 MB PDF is never whole in memory).
async fn media(
    State(console): State<Shared>,
    Path((aa, sha256)): Path<(String, String)>,
) -> Response {
    use futures_util::StreamExt as _;
    let valid = is_sha256(&sha256) && sha256.starts_with(&aa);
    let Some(store) = console.media.as_ref().filter(|_| valid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let object = match store.open(&sha256).await {
        Ok(Some(object)) => object,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return Failed(error.into()).into_response(),
    };
    let mut chunks = object.chunks;
    // Enough of the head to recognise the type; what was read is sent first.
    let mut head: Vec<bytes::Bytes> = Vec::new();
    while head.iter().map(bytes::Bytes::len).sum::<usize>() < 12 {
        match chunks.next().await {
            Some(Ok(chunk)) => head.push(chunk),
            Some(Err(error)) => return Failed(error.into()).into_response(),
            None => break,
        }
    }
    let first: Vec<u8> = head
        .iter()
        .flat_map(|c| c.iter().copied())
        .take(12)
        .collect();
    let kind = media_type(&first);
    let body = futures_util::stream::iter(head.into_iter().map(Ok))
        .chain(chunks)
        .map(|chunk| chunk.map_err(std::io::Error::other));
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(kind.unwrap_or("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, object.size.into());
    if kind.is_none() {
        headers.insert(
            header::CONTENT_DISPOSITION,
            header::HeaderValue::from_static("attachment"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_end_at_the_last_representable_date() {
        let last = NaiveDate::MAX;
        let weeks = weeks_of(last.year(), last.month());
        let days: Vec<NaiveDate> = weeks.iter().flatten().flatten().copied().collect();
        assert_eq!(days.last(), Some(&last));
        assert_eq!(days.len() as u32, last.day());
        let march = weeks_of(2024, 3);
        assert_eq!(
            march[0][..4],
            [None, None, None, None],
            "1 March 2024 was a Friday"
        );
        assert_eq!(march.iter().flatten().flatten().count(), 31);
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            web_url("http://a.example/x.pdf").as_deref(),
            Some("http://a.example/x.pdf")
        );
        assert_eq!(
            web_url(" HTTPS://A.example").as_deref(),
            Some("https://a.example/")
        );
        for bad in [
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            "JAVASCRIPT:x",
            "data:text/html,x",
            "/relative",
            "vbscript:x",
        ] {
            assert_eq!(web_url(bad), None, "{bad:?}");
        }
        let markup = link_or_text("java\tscript:alert(1)", "pdf", "PDF").into_string();
        assert!(!markup.contains("href"), "{markup}");
    }

    #[test]
    fn sites_and_dates_are_checked() {
        assert!(site_shaped("rmrb-nbs") && site_shaped("sample_2"));
        for bad in [
            "",
            "x autofocus onfocus=alert(1)",
            "Rmrb",
            "a/b",
            "a".repeat(65).as_str(),
        ] {
            assert!(!site_shaped(bad), "{bad:?}");
        }
        assert!(valid_date("2024-03-04").is_some());
        for bad in [
            "+262142-12-31",
            "1899-12-31",
            "2024-02-30",
            "20240304",
            "9999-01-01",
        ] {
            assert!(valid_date(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn media_types_come_from_magic_bytes() {
        assert_eq!(media_type(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(media_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(media_type(b"<html><script>"), None);
    }
}
