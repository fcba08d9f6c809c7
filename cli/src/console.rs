//! `epaper console`: a small web console over an archive, server-rendered (no script needed).
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
//! - `/media/{aa}/{sha256}` — stored scans, PDFs and images.
//!
//! Works on PostgreSQL and on the embedded SQLite archive. Without a broker (the embedded mode)
//! the backlog panel and the replay button say why they are not there.

use crate::html::escape;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, Utc};
use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_common::messages::{CrawlIssue, Message, Stage};
use epaper_indexer::media::MediaStore;
use epaper_indexer::{ExportFilter, ExportedArticle, SearchQuery, Store};
use serde::Deserialize;

/// How the console is started.
pub struct ConsoleOptions {
    pub db_url: String,
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
    let store = Store::connect(&options.db_url, 4)
        .await
        .with_context(|| format!("opening the archive {}", options.db_url))?;
    store.migrate().await.context("migrating the archive")?;
    let broker = if options.broker {
        let broker = Broker::connect(&settings.amqp)
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
        .with_state(console);
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("binding {}", options.addr))?;
    println!("http://{}/", listener.local_addr()?);
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

struct Failed(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Failed {
    fn from(error: E) -> Failed {
        Failed(error.into())
    }
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        tracing::warn!(error = %format!("{:#}", self.0), "console request failed");
        let body = page(
            "error",
            &format!("<p class=error>{}</p>", escape(&format!("{:#}", self.0))),
        );
        (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
    }
}

type Page = Result<Html<String>, Failed>;

/// Escapes a query-string value.
fn query_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;max-width:70em}
nav a{margin-right:1em} table.cal{border-collapse:collapse;margin:0 1em 1em 0;display:inline-table}
table.cal td,table.cal th{width:2.2em;height:1.8em;text-align:center;font-size:90%}
td.complete{background:#4caf50} td.partial{background:#ffc107} td.failed{background:#e53935}
td.absent{background:#bdbdbd} td.queued,td.crawling,td.parsing{background:#90caf9}
td.complete a,td.failed a{color:#fff} .legend span{padding:0 .5em;margin-right:.5em}
.page{border-top:1px solid #ccc;padding:.5em 0} .page img.scan{width:12em;float:left;margin-right:1em;border:1px solid #ccc}
.page:after{content:'';display:block;clear:both} .error{color:#b00} .flash{background:#e3f2fd;padding:.5em}
.hit{margin-bottom:1em} .snippet{color:#444}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=zh><head><meta charset=utf-8><title>{} · epaper</title>\
         <style>{STYLE}</style></head><body><nav><a href=/>calendar</a><a href=/failures>failures</a>\
         <form action=/search style=display:inline><input name=q id=search-box placeholder=search>\
         <button id=search-button>search</button></form></nav><h1>{}</h1>{body}</body></html>",
        escape(title),
        escape(title)
    )
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
    let mut body = String::from(
        "<p class=legend><span class=complete style=background:#4caf50>complete</span>\
         <span style=background:#ffc107>partial</span><span style=background:#e53935>failed</span>\
         <span style=background:#bdbdbd>absent</span><span style=background:#90caf9>in progress</span></p>",
    );
    if by_site.is_empty() {
        body.push_str("<p>The archive holds no issue yet.</p>");
    }
    for (site, days) in &by_site {
        let _ = write!(body, "<h2 id=site-{0}>{0}</h2>", escape(site));
        // Months from the newest issue back, each a grid of weeks starting on Monday.
        let mut months: Vec<(i32, u32)> = days.keys().map(|d| (d.year(), d.month())).collect();
        months.dedup();
        months.reverse();
        for (year, month) in months {
            body.push_str(&month_grid(site, year, month, days));
        }
    }
    body.push_str(&backlog_panel(&console));
    Ok(Html(page("epaper archive", &body)))
}

fn month_grid(site: &str, year: i32, month: u32, days: &BTreeMap<NaiveDate, &str>) -> String {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a month's first day");
    let mut out = format!(
        "<table class=cal><caption>{year}-{month:02}</caption><tr>{}</tr><tr>",
        ["一", "二", "三", "四", "五", "六", "日"]
            .iter()
            .map(|d| format!("<th>{d}</th>"))
            .collect::<String>()
    );
    for _ in 0..first.weekday().num_days_from_monday() {
        out.push_str("<td></td>");
    }
    let mut day = first;
    while day.month() == month {
        if day.weekday().num_days_from_monday() == 0 && day != first {
            out.push_str("</tr><tr>");
        }
        match days.get(&day) {
            Some(state) => {
                let _ = write!(
                    out,
                    "<td class={0} data-date={day} title='{day} {0}'>\
                     <a href=/issue/{1}/{day}>{2}</a></td>",
                    escape(state),
                    query_value(site),
                    day.day()
                );
            }
            None => {
                let _ = write!(out, "<td>{}</td>", day.day());
            }
        }
        day = day.succ_opt().expect("a next day");
    }
    out.push_str("</tr></table>");
    out
}

fn backlog_panel(console: &Console) -> String {
    if console.broker.is_none() {
        return "<h2>Queues</h2><p>No broker: this console was started on an archive alone \
                (<code>--no-broker</code>), so backlogs are not shown.</p>"
            .to_string();
    }
    let backlog = console.backlog.lock().expect("backlog lock");
    let mut out = String::from("<h2>Queues</h2>");
    let Some(last) = backlog.back() else {
        out.push_str("<p>The first sample is taken within 5 seconds.</p>");
        return out;
    };
    let _ = write!(
        out,
        "<p>Ready messages per queue, sampled every 5 s (last: {}).</p><table id=backlog>\
         <tr><th>queue</th><th>ready now</th><th>peak</th><th>over the last {} samples</th></tr>",
        last.at.format("%H:%M:%S UTC"),
        backlog.len()
    );
    for (queue, ready) in &last.queues {
        let series: Vec<u32> = backlog
            .iter()
            .map(|s| {
                s.queues
                    .iter()
                    .find(|(q, _)| q == queue)
                    .map_or(0, |(_, n)| *n)
            })
            .collect();
        let peak = series.iter().copied().max().unwrap_or(0);
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{ready}</td><td>{peak}</td><td>{}</td></tr>",
            escape(queue),
            sparkline(&series, peak)
        );
    }
    out.push_str("</table>");
    out
}

/// An inline SVG line of `series`, scaled to `peak`.
fn sparkline(series: &[u32], peak: u32) -> String {
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
    format!(
        "<svg width={width} height={height}><polyline fill=none stroke=#1976d2 points='{}'/></svg>",
        points.join(" ")
    )
}

fn media_link(console: &Console, sha256: Option<&str>, source: Option<&str>) -> Option<String> {
    match (sha256, &console.media) {
        (Some(sha), Some(_)) => Some(format!("/media/{}/{sha}", &sha[..2])),
        _ => source.map(str::to_string),
    }
}

async fn issue(
    State(console): State<Shared>,
    Path((site, date)): Path<(String, NaiveDate)>,
    Query(flash): Query<Flash>,
) -> Page {
    let issues = console.store.issue_list(Some(&site)).await?;
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
    let mut body = flash.render();
    let _ = write!(
        body,
        "<p>State: <b id=issue-state>{}</b>; {} pages, {} articles stored.</p>{}",
        escape(state),
        pages.len(),
        articles.len(),
        replay_form(&console, &site, date)
    );
    for page in &pages {
        let _ = write!(body, "<div class=page>");
        if let Some(scan) = media_link(
            &console,
            page.scan_sha256.as_deref(),
            page.image_url.as_deref(),
        ) {
            let _ = write!(body, "<img class=scan src='{}' alt=scan>", escape(&scan));
        }
        let _ = write!(
            body,
            "<h2>{} {}</h2>",
            escape(page.page_no.as_deref().unwrap_or("?")),
            escape(page.page_name.as_deref().unwrap_or(""))
        );
        if let Some(pdf) = media_link(
            &console,
            page.pdf_sha256.as_deref(),
            page.pdf_url.as_deref(),
        ) {
            let _ = write!(body, "<p><a class=pdf href='{}'>PDF</a></p>", escape(&pdf));
        }
        body.push_str("<ul>");
        for article in articles.iter().filter(|a| a.page_no == page.page_no) {
            let _ = write!(
                body,
                "<li><a class=article href='/article?url={}'>{}</a></li>",
                query_value(&article.url),
                escape(article.title.as_deref().unwrap_or("(untitled)"))
            );
        }
        body.push_str("</ul></div>");
    }
    Ok(Html(page(&format!("{site} {date}"), &body)))
}

fn replay_form(console: &Console, site: &str, date: NaiveDate) -> String {
    if console.broker.is_none() {
        return format!(
            "<p>Replay needs the services' broker; on an embedded archive run \
             <code>epaper run --site {0} --from {1} --to {1}</code> again.</p>",
            escape(site),
            date
        );
    }
    format!(
        "<form method=post action=/replay><input type=hidden name=site value='{}'>\
         <input type=hidden name=date value={date}><button class=replay id=replay-{}-{date}>replay</button></form>",
        escape(site),
        escape(site)
    )
}

#[derive(Deserialize)]
struct ArticleQuery {
    url: String,
}

async fn article(State(console): State<Shared>, Query(query): Query<ArticleQuery>) -> Response {
    match find_article(&console, &query.url).await {
        Ok(Some(article)) => Html(page(
            article.title.as_deref().unwrap_or("(untitled)"),
            &article_body(&console, &article),
        ))
        .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Html(page("not found", "<p>No such article in the archive.</p>")),
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

fn article_body(console: &Console, article: &ExportedArticle) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<p><a href=/issue/{}/{}>{} {}</a> · {} {}</p>",
        query_value(&article.site),
        article.date,
        escape(&article.site),
        article.date,
        escape(article.page_no.as_deref().unwrap_or("")),
        escape(article.page_name.as_deref().unwrap_or(""))
    );
    if let Some(pretitle) = &article.pretitle {
        let _ = write!(body, "<p class=pretitle>{}</p>", escape(pretitle));
    }
    if let Some(subtitle) = &article.subtitle {
        let _ = write!(body, "<p class=subtitle>{}</p>", escape(subtitle));
    }
    if let Some(author) = &article.author {
        let _ = write!(body, "<p class=author>{}</p>", escape(author));
    }
    for image in &article.images {
        let src = media_link(
            console,
            image.stored.as_ref().map(|s| s.sha256.as_str()),
            Some(&image.url),
        )
        .unwrap_or_default();
        let _ = write!(
            body,
            "<figure><img src='{}' style=max-width:30em><figcaption>{}</figcaption></figure>",
            escape(&src),
            escape(image.caption.as_deref().unwrap_or(""))
        );
    }
    body.push_str("<div id=article-body>");
    for paragraph in &article.paragraphs {
        let _ = write!(body, "<p>{}</p>", escape(paragraph));
    }
    let _ = write!(
        body,
        "</div><p><a href='{}'>source</a></p>",
        escape(&article.url)
    );
    body
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
}

async fn search(State(console): State<Shared>, Query(params): Query<SearchParams>) -> Page {
    let text = params.q.trim();
    if text.is_empty() {
        return Ok(Html(page("search", "<p>Type words to look for.</p>")));
    }
    let hits = console
        .store
        .search(&SearchQuery {
            text: text.to_string(),
            filter: ExportFilter::default(),
            limit: 50,
        })
        .await?;
    let mut body = format!("<p id=hit-count>{} hits</p>", hits.len());
    for hit in &hits {
        let _ = write!(
            body,
            "<div class=hit><a class=hit-title href='/article?url={}'>{}</a> \
             <small>{} {} {}</small><div class=snippet>{}</div></div>",
            query_value(&hit.url),
            escape(hit.title.as_deref().unwrap_or("(untitled)")),
            escape(&hit.site),
            hit.date,
            escape(hit.page_no.as_deref().unwrap_or("")),
            escape(&hit.snippet)
        );
    }
    Ok(Html(page(&format!("search: {text}"), &body)))
}

async fn failures(State(console): State<Shared>, Query(flash): Query<Flash>) -> Page {
    let failures = console.store.failures(&ExportFilter::default()).await?;
    let mut by_issue: BTreeMap<(String, NaiveDate), Vec<_>> = BTreeMap::new();
    for failure in failures {
        by_issue
            .entry((failure.site.clone(), failure.date))
            .or_default()
            .push(failure);
    }
    let mut body = flash.render();
    if by_issue.is_empty() {
        body.push_str("<p>Nothing has failed.</p>");
    }
    for ((site, date), list) in by_issue.iter().rev() {
        let _ = write!(
            body,
            "<h2><a href=/issue/{}/{date}>{} {date}</a></h2>{}<ul>",
            query_value(site),
            escape(site),
            replay_form(&console, site, *date)
        );
        for failure in list {
            let _ = write!(
                body,
                "<li class=failure>{} · {} · {}: {}</li>",
                escape(&failure.stage),
                escape(&failure.kind),
                escape(&failure.url),
                escape(&failure.reason)
            );
        }
        body.push_str("</ul>");
    }
    Ok(Html(page("failures", &body)))
}

#[derive(Deserialize, Default)]
struct Flash {
    #[serde(default)]
    flash: Option<String>,
}

impl Flash {
    fn render(&self) -> String {
        self.flash
            .as_deref()
            .map(|text| format!("<p class=flash id=flash>{}</p>", escape(text)))
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct ReplayForm {
    site: String,
    date: NaiveDate,
}

/// Publishes the issue to the crawl queue (confirmed by the broker) and only then marks it
/// `queued`, so a failed publish never shows an issue as on its way.
async fn replay(State(console): State<Shared>, Form(form): Form<ReplayForm>) -> Response {
    let Some(broker) = &console.broker else {
        return (
            StatusCode::CONFLICT,
            Html(page(
                "replay",
                "<p>No broker: replay needs the services.</p>",
            )),
        )
            .into_response();
    };
    let result: anyhow::Result<()> = async {
        let publisher = broker.publisher().await?;
        publisher
            .publish(&Message::CrawlIssue(CrawlIssue {
                site: form.site.clone(),
                base_url: console.base_url.clone(),
                date: form.date,
                known: Vec::new(),
                follow: None,
            }))
            .await?;
        console.store.mark_requeued(&form.site, form.date).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {
            tracing::info!(site = %form.site, date = %form.date, "issue replayed from the console");
            let flash = format!("{} {} sent back to the crawler", form.site, form.date);
            Redirect::to(&format!(
                "/issue/{}/{}?flash={}",
                query_value(&form.site),
                form.date,
                query_value(&flash)
            ))
            .into_response()
        }
        Err(error) => Failed(error).into_response(),
    }
}

async fn media(
    State(console): State<Shared>,
    Path((aa, sha256)): Path<(String, String)>,
) -> Response {
    let valid = sha256.len() == 64
        && sha256.bytes().all(|b| b.is_ascii_hexdigit())
        && sha256.starts_with(&aa);
    let Some(store) = console.media.as_ref().filter(|_| valid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match store.get(&sha256).await {
        Ok(Some(bytes)) => {
            let kind = if bytes.starts_with(b"%PDF-") {
                "application/pdf"
            } else if bytes.starts_with(b"\x89PNG") {
                "image/png"
            } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
                "image/jpeg"
            } else {
                "application/octet-stream"
            };
            ([(header::CONTENT_TYPE, kind)], bytes).into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => Failed(error.into()).into_response(),
    }
}
