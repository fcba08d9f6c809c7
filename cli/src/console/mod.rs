//! `epaper console`: a small web console over an archive, server-rendered, without script.
//!
//! - `/` — per site an issue calendar coloured by state, the queue backlogs over time (when a
//!   broker is configured), and the search box;
//! - `/issue/{site}/{date}` — the reader: the issue page by page, each 版 with its scan (the
//!   articles' regions over it as links), its PDF and its articles; and a replay button;
//! - `/issue/{site}/{date}/page/{n}` — one page large, the articles' text beside the scan, the
//!   previous and next page and issue (`?article=URL` highlights one article);
//! - `/article?url=…` — one article as archived;
//! - `/search?q=…` — full-text search;
//! - `/failures` — what failed, per issue, with a replay button;
//! - `POST /replay` — sends an issue back to the crawler (publish confirmed, then state
//!   `queued`), as `epaper replay --state` does;
//! - `/media/{aa}/{sha256}` — stored scans, PDFs and images, streamed;
//! - `/style.css` — the one stylesheet (the CSP allows no inline style or script);
//! - `/api/v1/…` and `/api/openapi.json` — the JSON API and its OpenAPI document ([`api`]).
//!
//! Works on PostgreSQL and on the embedded SQLite archive. Without a broker (the embedded mode)
//! the backlog panel and the replay button say why they are not there.
//!
//! Everything it shows was written by outside sites, so: pages are built with `maud`, which
//! escapes every value and quotes every attribute (no HTML is made by string formatting); a
//! URL from the archive becomes a link or an image only when it parses as `http`/`https`
//! ([`checks::web_url`]), else it is shown as text; `site` and `date` of every request are
//! checked ([`checks::valid_site`], [`checks::valid_date`]) before they reach the store or the
//! broker; errors show a reference, their detail goes to the log. Host allow-list,
//! authentication, the same-origin rule for `POST` and the security headers are in [`guard`].

mod api;
mod backlog;
mod calendar;
mod checks;
mod guard;
mod issue;
mod media;
mod page;
mod reader;
mod replay;
mod scan;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::Router;
use axum::routing::{get, post};
use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_common::sites::Sites;
use epaper_indexer::Store;
use epaper_indexer::media::MediaStore;

use backlog::{Sample, sample_backlog};

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

struct Console {
    store: Store,
    media: Option<MediaStore>,
    broker: Option<Broker>,
    base_url: Option<String>,
    backlog: Mutex<VecDeque<Sample>>,
    /// The site profiles (`sites.dir` with the bundled ones): what a replay may name.
    sites: Sites,
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
    let sites = Sites::load(&settings.sites)?;
    let console = Arc::new(Console {
        store,
        media: options.media,
        broker,
        base_url: options.base_url,
        backlog: Mutex::new(VecDeque::new()),
        sites,
    });
    if console.broker.is_some() {
        tokio::spawn(sample_backlog(console.clone()));
    }
    let app = Router::new()
        .route("/", get(calendar::index))
        .route("/issue/{site}/{date}", get(issue::issue))
        .route("/issue/{site}/{date}/page/{n}", get(issue::page_view))
        .route("/article", get(reader::article))
        .route("/search", get(reader::search))
        .route("/failures", get(reader::failures))
        .route("/replay", post(replay::replay))
        .route("/media/{aa}/{sha256}", get(media::media))
        .route("/style.css", get(page::style))
        .merge(api::router())
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
