//! The web console: in a real browser, over both stores, and against hostile requests.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_indexer::testing::{FreshDatabase, issue_state, random_suffix};
use epaper_indexer::{IssueState, Store};

use crate::browser::Browser;
use crate::support::*;

/// The console over a populated PostgreSQL archive, in a real browser: the calendar shows each
/// complete issue, search finds an article and opens it, the reader shows the stored scans, and
/// the replay button sends the issue back to the crawl queue.
#[tokio::test(flavor = "multi_thread")]
async fn console_in_a_browser_shows_the_archive_and_replays_an_issue() {
    let site = SampleSite::start(2, "none");
    let (dates, _) = site.manifest().await;
    let db = FreshDatabase::create().await;
    let suffix = random_suffix();
    let media_dir = std::env::temp_dir().join(format!("epaper-console-media-{suffix}"));
    run_ok(
        site.run_command(&dates[0], &dates[1], &db.url)
            .arg("--media-dir")
            .arg(&media_dir),
    );
    let articles = export_all(&db.url).await;
    let prefix = format!("console-{suffix}");

    let (console, url) = start_console(
        Command::new(bin("epaper"))
            .args(["console", "--db", &db.url, "--media-dir"])
            .arg(&media_dir)
            .args(["--base-url", &site.base_url])
            .env("EPAPER__AMQP__URL", amqp_url())
            .env("EPAPER__AMQP__QUEUE_PREFIX", &prefix),
    );

    let browser = Browser::start().await;
    // The calendar: one green cell per complete issue, on the right days.
    browser.open(&url).await;
    let mut days = Vec::new();
    for cell in browser.find_all("td.complete").await {
        days.push(browser.attribute(&cell, "data-date").await.unwrap());
    }
    days.sort();
    assert_eq!(days, dates);

    // Search for the first article's title, open the hit, read its body.
    let first = &articles[0];
    let title = first.title.clone().unwrap();
    let search_box = browser.find("#search-box").await;
    browser.type_into(&search_box, &title).await;
    browser.click(&browser.find("#search-button").await).await;
    let count = browser.text(&browser.find("#hit-count").await).await;
    assert_ne!(count, "0 hits", "searching for {title}");
    let mut opened = false;
    for hit in browser.find_all("a.hit-title").await {
        if browser.text(&hit).await == title {
            browser.click(&hit).await;
            opened = true;
            break;
        }
    }
    assert!(opened, "{title} is among the hits");
    let body = browser.text(&browser.find("#article-body").await).await;
    assert!(body.contains(&first.paragraphs[0]), "{body}");

    // The reader: every page with its stored scan, served by the console.
    browser
        .open(&format!("{url}issue/sample/{}", dates[0]))
        .await;
    let scans = browser.find_all("img.scan").await;
    assert_eq!(scans.len(), 4, "one scan per page");
    let src = browser.attribute(&scans[0], "src").await.unwrap();
    assert!(src.contains("/media/"), "{src}");
    let scan = reqwest::get(format!("{}{}", url.trim_end_matches('/'), src))
        .await
        .unwrap();
    assert_eq!(scan.headers()["content-type"], "image/png");
    assert_eq!(scan.headers()["x-content-type-options"], "nosniff");
    let length: usize = scan.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(scan.bytes().await.unwrap().len(), length, "streamed whole");
    browser
        .screenshot(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/console-reader.png"))
        .await;

    // The page view: regions over the scan where the map puts them, links to the articles.
    crate::reader::check_the_printed_page(&browser, &url, &site.base_url, &dates, &articles).await;

    // Replay: the issue goes back to the crawl queue and shows as queued.
    browser
        .open(&format!("{url}issue/sample/{}", dates[0]))
        .await;
    browser.click(&browser.find("button.replay").await).await;
    // The page after the POST is the one with the flash; wait for it, not the old page's state.
    let flash = browser.find("#flash").await;
    assert!(browser.text(&flash).await.contains("sent back"));
    assert_eq!(
        browser.text(&browser.find("#issue-state").await).await,
        "queued"
    );
    let store = Store::connect(&db.url, 1).await.unwrap();
    let day = chrono::NaiveDate::parse_from_str(&dates[0], "%Y-%m-%d").unwrap();
    assert_eq!(issue_state(&store, "sample", day).await, Some("queued"));
    store.close().await;
    let mut settings =
        Settings::load_with_env(None, [("EPAPER__AMQP__URL".to_string(), amqp_url())]).unwrap();
    settings.amqp.queue_prefix = prefix.clone();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let crawl = broker.topology.work_queue(epaper_common::Stage::Crawl);
    let (ready, _) = broker.queue_counts(&crawl).await.unwrap();
    assert_eq!(ready, 1, "the replayed issue waits in {crawl}");
    broker.delete_topology().await.unwrap();
    broker.close().await;

    browser.call("DELETE", "", serde_json::Value::Null).await;
    drop(browser);
    drop(console);
    let _ = std::fs::remove_dir_all(&media_dir);
}

/// The console over an embedded SQLite archive, without a broker: calendar, reader with the
/// stored scan, search, an article, failures; replay says it needs the services.
#[tokio::test(flavor = "multi_thread")]
async fn console_serves_an_embedded_sqlite_archive_without_a_broker() {
    use sha2::Digest;
    let site = SampleSite::start(2, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let (db_path, db_url) = temp_sqlite(&format!("epaper-console-{suffix}"));
    let media_dir = std::env::temp_dir().join(format!("epaper-console-sqlite-media-{suffix}"));
    run_ok(
        site.run_command(&dates[0], &dates[1], &db_url)
            .arg("--media-dir")
            .arg(&media_dir),
    );
    let articles = export_all(&db_url).await;
    assert!(!articles.is_empty());

    let (console, url) = start_console(
        Command::new(bin("epaper"))
            .args(["console", "--no-broker", "--db", &db_url, "--media-dir"])
            .arg(&media_dir),
    );
    let url = url.trim_end_matches('/').to_string();
    let get = async |path: &str| {
        let response = reqwest::get(format!("{url}{path}")).await.unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    };
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();

    // The calendar: both issues complete, no backlog panel without a broker.
    let (status, home) = get("/").await;
    let home = text(home);
    assert_eq!(status, 200);
    for date in &dates[..2] {
        assert!(
            home.contains(&format!("<td class=\"complete\" data-date=\"{date}\"")),
            "{date} is not shown complete"
        );
    }
    assert!(
        home.contains("--no-broker"),
        "the page says why backlogs are missing"
    );

    // The reader: the issue's articles and its pages' stored scans, served from the media store.
    let (status, reader) = get(&format!("/issue/sample/{}", dates[0])).await;
    let reader = text(reader);
    assert_eq!(status, 200);
    let first = articles
        .iter()
        .find(|a| a.date.to_string() == dates[0])
        .unwrap();
    assert!(reader.contains(first.title.as_deref().unwrap()));
    let scan = reader
        .split("/media/")
        .nth(1)
        .and_then(|rest| rest.split(['\'', '"']).next())
        .expect("the reader links a stored scan");
    let (status, bytes) = get(&format!("/media/{scan}")).await;
    assert_eq!(status, 200);
    let sha = scan.rsplit('/').next().unwrap();
    assert_eq!(format!("{:x}", sha2::Sha256::digest(&bytes)), sha);

    // Search finds the article by its title; the article page shows its paragraphs.
    let title = first.title.clone().unwrap();
    let query: String = url::form_urlencoded::byte_serialize(title.as_bytes()).collect();
    let (status, hits) = get(&format!("/search?q={query}")).await;
    let hits = text(hits);
    assert_eq!(status, 200);
    assert!(
        hits.contains(&title) && !hits.contains("<p id=\"hit-count\">0 hits"),
        "{hits}"
    );
    let link: String = url::form_urlencoded::byte_serialize(first.url.as_bytes()).collect();
    let (status, page) = get(&format!("/article?url={link}")).await;
    let page = text(page);
    assert_eq!(status, 200);
    assert!(page.contains(&first.paragraphs[0]), "{page}");
    let (status, _) = get("/article?url=http%3A%2F%2Fnowhere.example%2F").await;
    assert_eq!(status, 404);

    let (status, _) = get("/failures").await;
    assert_eq!(status, 200);
    // Replay needs the services: a clear refusal, nothing marked queued.
    let response = reqwest::Client::new()
        .post(format!("{url}/replay"))
        .header("origin", &url)
        .form(&[("site", "sample"), ("date", dates[0].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("replay needs the services")
    );
    let store = Store::connect(&db_url, 1).await.unwrap();
    assert_eq!(
        store.issue_states().await.unwrap(),
        vec![("sample".to_string(), IssueState::Complete, 2)]
    );
    store.close().await;
    drop(console);
    let _ = std::fs::remove_file(&db_path);
    let _ = std::fs::remove_dir_all(&media_dir);
}

/// A path that tries to close the replay button's `id` attribute and add a handler: before
/// attributes were quoted, `autofocus` focused the button and the handler ran.
const REFLECTED: &str = "/issue/x%20autofocus%20onfocus=window.pwned=1;x=1/2024-03-04";

/// The console against what a hostile page, browser or stored record can send it: reflected
/// markup, a stored `java&#9;script:` PDF link, cross-site POSTs, another Host, an issue dated
/// +262142-12-31, an internal error. Each must be refused or made harmless, and the legitimate
/// replay must still work.
#[tokio::test(flavor = "multi_thread")]
async fn console_holds_against_hostile_requests_and_records() {
    let site = SampleSite::start(1, "none");
    let (dates, _) = site.manifest().await;
    let day = &dates[0];
    let db = FreshDatabase::create().await;
    run_ok(&mut site.run_command(day, day, &db.url));
    // Hostile records: a PDF link the parser once let through, a scan with a script URL, and
    // the last date chrono can represent.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let first_page: String = sqlx::query_scalar("SELECT url FROM pages ORDER BY page_idx LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE pages SET pdf_url = $1, image_url = $2 WHERE url = $3")
        .bind("java\tscript:window.pwned=2")
        .bind("javascript:window.pwned=3")
        .bind(&first_page)
        .execute(&pool)
        .await
        .unwrap();
    let store = Store::connect(&db.url, 1).await.unwrap();
    store
        .mark_requeued("sample", chrono::NaiveDate::MAX)
        .await
        .unwrap();
    let prefix = format!("console-hostile-{}", random_suffix());
    let log_path = std::env::temp_dir().join(format!("{prefix}.log"));
    let (console, url) = start_console_logging(
        Command::new(bin("epaper"))
            .args(["console", "--db", &db.url, "--base-url", &site.base_url])
            .env("EPAPER__AMQP__URL", amqp_url())
            .env("EPAPER__AMQP__QUEUE_PREFIX", &prefix)
            .env("EPAPER__TELEMETRY__FORMAT", "text"),
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    );
    let url = url.trim_end_matches('/').to_string();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = async |path: &str| {
        let response = http.get(format!("{url}{path}")).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    };

    // The home page shows the calendar with the far-future row in it, and every response
    // carries the security headers.
    let (status, headers, home) = get("/").await;
    assert_eq!(status, 200, "{home}");
    assert!(home.contains(&format!("data-date=\"{day}\"")), "{home}");
    assert!(home.contains("data-date=\"+262142-12-31\""), "{home}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(
        !home.contains("<style") && !home.contains("style="),
        "no inline style"
    );
    let (status, headers, css) = get("/style.css").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    assert!(css.contains("table.cal"));

    // Reflected markup: refused, and nothing of it comes back.
    let (status, headers, body) = get(REFLECTED).await;
    assert_eq!(status, 404);
    assert!(
        !body.contains("onfocus") && !body.contains("autofocus"),
        "{body}"
    );
    assert_eq!(headers["x-frame-options"], "DENY");

    // The stored script URLs are shown as text, never as a link or an image.
    let (status, _, reader) = get(&format!("/issue/sample/{day}")).await;
    assert_eq!(status, 200);
    let lower = reader.to_lowercase();
    assert!(
        !lower.contains("href=\"java") && !lower.contains("src=\"java"),
        "{reader}"
    );
    assert!(reader.contains("not a web link"), "{reader}");
    // Without a media store: a placeholder for every scan, the article lists still there.
    assert_eq!(
        reader.matches("class=\"scan-missing\"").count(),
        4,
        "{reader}"
    );
    assert!(!reader.contains("<svg"), "{reader}");
    let (status, _, one) = get(&format!("/issue/sample/{day}/page/1")).await;
    assert_eq!(status, 200, "{one}");
    assert!(
        one.contains("scan-missing") && one.contains("class=\"article\""),
        "{one}"
    );
    for bad in ["0", "5", "x", "1%20onfocus=alert(1)"] {
        let (status, _, body) = get(&format!("/issue/sample/{day}/page/{bad}")).await;
        assert_eq!(status, 404, "page {bad}");
        assert!(!body.contains("onfocus"), "{body}");
    }
    assert!(
        reader.contains("href=\"http"),
        "the other pages' PDFs are still links"
    );

    // Another Host (a DNS-rebinding page) is refused.
    let response = http
        .get(format!("{url}/"))
        .header("host", "rebound.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 421);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(!response.text().await.unwrap().contains(day));

    // Cross-site POSTs: refused before anything is published or stored.
    let replay = async |headers: &[(&str, &str)], site: &str, date: &str| {
        let mut request = http
            .post(format!("{url}/replay"))
            .form(&[("site", site), ("date", date)]);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let own = url.as_str();
    for headers in [
        vec![
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        vec![("origin", own), ("sec-fetch-site", "cross-site")],
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![],
    ] {
        let (status, _) = replay(&headers, "sample", day).await;
        assert_eq!(status, 403, "{headers:?}");
    }
    // Same-origin, but a site without a profile or a date out of range: 400.
    let same = [("origin", own), ("sec-fetch-site", "same-origin")];
    for (site, date) in [
        ("sample", "+262142-12-31"),
        ("sample", "1899-12-31"),
        ("no-such-paper", day.as_str()),
        ("x autofocus onfocus=alert(1)", day.as_str()),
    ] {
        let (status, _) = replay(&same, site, date).await;
        assert_eq!(status, 400, "{site} {date}");
    }
    let mut settings =
        Settings::load_with_env(None, [("EPAPER__AMQP__URL".to_string(), amqp_url())]).unwrap();
    settings.amqp.queue_prefix = prefix.clone();
    let broker = Broker::connect(&settings.amqp).await.unwrap();
    let crawl = broker.topology.work_queue(epaper_common::Stage::Crawl);
    assert_eq!(
        broker.queue_counts(&crawl).await.unwrap().0,
        0,
        "nothing published"
    );
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    assert_eq!(
        store.issue_state("sample", date).await.unwrap(),
        Some(IssueState::Complete),
        "no row changed"
    );
    // The console's own form still replays.
    let (status, _) = replay(&same, "sample", day).await;
    assert_eq!(status, 303);
    assert_eq!(broker.queue_counts(&crawl).await.unwrap().0, 1);
    broker.delete_topology().await.unwrap();
    broker.close().await;

    // In a browser: the reflected handler and the stored links run nothing.
    let browser = Browser::start().await;
    browser.open(&format!("{url}{REFLECTED}")).await;
    browser.open(&format!("{url}/issue/sample/{day}")).await;
    for link in browser.find_all("a").await {
        let href = browser.attribute(&link, "href").await.unwrap_or_default();
        assert!(!href.to_lowercase().starts_with("javascript"), "{href}");
    }
    browser.open(&format!("{url}{REFLECTED}")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ran = browser
        .execute("return window.pwned === undefined ? null : window.pwned")
        .await;
    assert_eq!(ran, serde_json::Value::Null, "an injected handler ran");
    browser.call("DELETE", "", serde_json::Value::Null).await;
    drop(browser);

    // An internal error: a reference on the page, the detail only in the log.
    sqlx::query("ALTER TABLE pages RENAME TO pages_hidden")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _, body) = get(&format!("/issue/sample/{day}")).await;
    assert_eq!(status, 500);
    assert!(
        !body.contains("does not exist") && !body.contains("relation"),
        "{body}"
    );
    let reference = body
        .split("<code id=\"reference\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a reference on the error page")
        .to_string();
    drop(console);
    let log = std::fs::read_to_string(&log_path).unwrap();
    let line = log
        .lines()
        .find(|line| line.contains(&reference))
        .unwrap_or_else(|| panic!("reference {reference} not in the log:\n{log}"));
    assert!(line.contains("does not exist"), "{line}");
    store.close().await;
    pool.close().await;
    let _ = std::fs::remove_file(&log_path);
    db.drop_it().await;
}

/// Beyond loopback the console needs a token; with one, every request must carry it.
#[tokio::test(flavor = "multi_thread")]
async fn console_needs_credentials_beyond_loopback() {
    let suffix = random_suffix();
    let (db_path, db_url) = temp_sqlite(&format!("epaper-console-auth-{suffix}"));
    // `epaper console` over the archive on every interface.
    let console_on_all_interfaces = || {
        let mut command = Command::new(bin("epaper"));
        command.args([
            "console",
            "--no-broker",
            "--db",
            &db_url,
            "--addr",
            "0.0.0.0:0",
        ]);
        command
    };
    let mut refused = KillOnDrop(
        console_on_all_interfaces()
            .env_remove("EPAPER__CONSOLE__TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // A console that does not refuse serves forever: give it 30 s to exit.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = refused.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "it started on 0.0.0.0 without credentials"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut refused.0.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without credentials"),
        "{stderr}"
    );

    let token = format!("token-{suffix}-0123456789");
    let mut console = KillOnDrop(
        console_on_all_interfaces()
            .env("EPAPER__CONSOLE__TOKEN", &token)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let announced = announced_url(&mut console.0, "http://0.0.0.0:");
    let port = announced
        .strip_prefix("http://0.0.0.0:")
        .unwrap()
        .trim_end_matches('/');
    let url = format!("http://127.0.0.1:{port}/");
    let http = reqwest::Client::new();
    let status =
        async |request: reqwest::RequestBuilder| request.send().await.unwrap().status().as_u16();
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(status(http.get(&url).bearer_auth(&token)).await, 200);
    assert_eq!(
        status(http.get(&url).basic_auth("epaper", Some(&token))).await,
        200
    );
    assert_eq!(
        status(http.get(&url).bearer_auth(format!("{token}x"))).await,
        401
    );
    assert_eq!(
        status(http.get(&url).basic_auth("root", Some(&token))).await,
        401
    );
    drop(console);
    let _ = std::fs::remove_file(&db_path);
}
