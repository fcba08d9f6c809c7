//! The console's JSON API over real archives (PostgreSQL filled by the services' stages in
//! `epaper run`, and the embedded SQLite): what it answers equals what the CLI prints (export
//! byte for byte, search hit for hit), pagination walks every issue once, every parameter is
//! checked, every response fits the OpenAPI document it serves, and replay needs the token.

use std::collections::BTreeSet;
use std::process::Command;

use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_indexer::Store;
use epaper_indexer::testing::{FreshDatabase, issue_state, random_suffix};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::Value;

use crate::api_schema::{response_schema, validate};
use crate::support::*;

/// Every operation the document must have, and nothing else.
const OPERATIONS: [(&str, &str); 9] = [
    ("get", "/api/openapi.json"),
    ("get", "/api/v1/articles"),
    ("get", "/api/v1/export.jsonl"),
    ("get", "/api/v1/issues"),
    ("get", "/api/v1/issues/{site}/{date}"),
    ("post", "/api/v1/issues/{site}/{date}/replay"),
    ("get", "/api/v1/queues"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/sites"),
];

/// A client of one console, with the document it serves.
struct Api {
    base: String,
    client: reqwest::Client,
    document: Value,
}

impl Api {
    async fn connect(url: &str, token: Option<&str>) -> Api {
        let mut headers = HeaderMap::new();
        if let Some(token) = token {
            headers.insert(
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            );
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let base = url.trim_end_matches('/').to_string();
        let response = client
            .get(format!("{base}/api/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let document: Value = body_json(response).await;
        Api {
            base,
            client,
            document,
        }
    }

    /// A GET: status, headers, body.
    async fn get(&self, path: &str) -> (u16, HeaderMap, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    /// A GET answered with JSON: status and body, the JSON content type and the guard's
    /// headers checked.
    async fn json(&self, path: &str) -> (u16, Value) {
        let (status, headers, body) = self.get(path).await;
        assert_eq!(headers["content-type"], "application/json", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
        let value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&body)));
        (status, value)
    }

    /// A GET that must succeed, its body checked against the documented schema of
    /// `documented` (the route's templated path).
    async fn ok(&self, documented: &str, path: &str) -> Value {
        let (status, value) = self.json(path).await;
        assert_eq!(status, 200, "{path}: {value}");
        let schema = response_schema(&self.document, "get", documented, 200);
        let errors = validate(&self.document, schema, &value);
        assert!(
            errors.is_empty(),
            "{path} does not fit its schema: {errors:#?}"
        );
        value
    }

    /// A GET that must be refused with `status` and `code`, the body fitting the error schema.
    async fn refused(&self, path: &str, status: u16, code: &str) {
        let (got, value) = self.json(path).await;
        assert_eq!(
            (got, value["error"]["code"].as_str()),
            (status, Some(code)),
            "{path}: {value}"
        );
        let schema = serde_json::json!({"$ref": "#/components/schemas/ErrorBody"});
        let errors = validate(&self.document, &schema, &value);
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
}

/// The body of `response` as JSON.
async fn body_json(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The reads every archive must answer as the CLI does.
/// `token` is the console's, for the one change among them (a wrong method, which the guard
/// would refuse first without it).
async fn reads_equal_the_cli(api: &Api, db_url: &str, dates: &[String], token: &str) {
    // The document has exactly the routes, and every GET among them is served (not the
    // router's fallback, not a wrong method).
    let documented: BTreeSet<(String, String)> = api.document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, expected);
    for (method, path) in OPERATIONS.iter().filter(|(m, _)| *m == "get") {
        let path = path
            .replace("{site}", "sample")
            .replace("{date}", &dates[0]);
        let (status, _, body) = api.get(&path).await;
        let text = String::from_utf8_lossy(&body);
        assert!(
            status != 405 && !text.contains("no such API route"),
            "{method} {path} is not served: {status} {text}"
        );
    }

    let store = Store::connect(db_url, 1).await.unwrap();
    let mut issues: Vec<(String, String)> = store
        .issue_list(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.site, i.date.to_string()))
        .collect();
    issues.sort();
    assert_eq!(issues.len(), dates.len());

    // Sites: the sample with its issues, all complete.
    let sites = api.ok("/api/v1/sites", "/api/v1/sites").await;
    let sample = sites["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "sample")
        .expect("the sample site is listed");
    assert_eq!(sample["issues"]["complete"], dates.len());

    // Pagination: every issue exactly once, in order, whatever the page size.
    for limit in [1, 2, 500] {
        let mut walked = Vec::new();
        let mut path = format!("/api/v1/issues?limit={limit}");
        let mut pages = 0;
        loop {
            let page = api.ok("/api/v1/issues", &path).await;
            pages += 1;
            for issue in page["issues"].as_array().unwrap() {
                let key = (
                    issue["site"].as_str().unwrap(),
                    issue["date"].as_str().unwrap(),
                );
                walked.push((key.0.to_string(), key.1.to_string()));
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/issues?limit={limit}&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(walked, issues, "walk with limit {limit}");
        assert_eq!(
            pages,
            issues.len().div_ceil(limit),
            "pages with limit {limit}"
        );
    }
    let ranged = api
        .ok(
            "/api/v1/issues",
            &format!(
                "/api/v1/issues?site=sample&state=complete&from={}&to={}",
                dates[1], dates[1]
            ),
        )
        .await;
    assert_eq!(ranged["issues"].as_array().unwrap().len(), 1);
    assert_eq!(ranged["issues"][0]["date"], dates[1].as_str());
    assert_eq!(ranged["issues"][0]["state"], "complete");
    let first = api.ok("/api/v1/issues", "/api/v1/issues?limit=1").await;
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    // The cursor bound to its query: edited, or carried to another filter, it is refused.
    let mut edited = cursor.clone().into_bytes();
    edited[cursor.len() / 2] ^= 1;
    let edited = String::from_utf8(edited).unwrap();
    api.refused(
        &format!("/api/v1/issues?cursor={}", encoded(&edited)),
        400,
        "bad_request",
    )
    .await;
    api.refused(
        &format!("/api/v1/issues?state=partial&cursor={cursor}"),
        400,
        "bad_request",
    )
    .await;

    // Every parameter is checked.
    for (path, status, code) in [
        ("/api/v1/issues?from=2024-02-30", 400, "bad_request"),
        (
            "/api/v1/issues?from=2024-03-02&to=2024-03-01",
            400,
            "bad_request",
        ),
        ("/api/v1/issues?site=nowhere", 400, "bad_request"),
        ("/api/v1/issues?site=%3Cscript%3E", 400, "bad_request"),
        ("/api/v1/issues?state=done", 400, "bad_request"),
        ("/api/v1/issues?limit=501", 400, "bad_request"),
        ("/api/v1/issues?limit=0", 400, "bad_request"),
        ("/api/v1/issues?evil=1", 400, "bad_request"),
        ("/api/v1/issues?site=sample&site=sample", 400, "bad_request"),
        ("/api/v1/sites?x=1", 400, "bad_request"),
        ("/api/v1/search", 400, "bad_request"),
        ("/api/v1/articles", 400, "bad_request"),
        (
            "/api/v1/articles?url=http%3A%2F%2Fnowhere.example%2F",
            404,
            "not_found",
        ),
        ("/api/v1/issues/sample/1899-01-01", 400, "bad_request"),
        ("/api/v1/issues/nowhere/2024-03-01", 404, "not_found"),
        ("/api/v1/issues/sample/1999-01-01", 404, "not_found"),
        ("/api/v1/nothing", 404, "not_found"),
        ("/api/v2/sites", 404, "not_found"),
        ("/api/v1/export.jsonl?to=x", 400, "bad_request"),
    ] {
        api.refused(path, status, code).await;
    }
    let long = "字".repeat(201);
    api.refused(
        &format!("/api/v1/search?q={}", encoded(&long)),
        400,
        "bad_request",
    )
    .await;
    let wrong_method = api
        .client
        .delete(format!("{}/api/v1/sites", api.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    let body: Value = body_json(wrong_method).await;
    assert_eq!(body["error"]["code"], "bad_request");

    // No CORS: another origin's script gets no permission to read.
    let response = api
        .client
        .get(format!("{}/api/v1/sites", api.base))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );

    // The export: byte for byte `epaper export`, whole and filtered.
    for (query, flags) in [
        (String::new(), vec![]),
        (
            format!("?site=sample&from={0}&to={0}", dates[0]),
            vec!["--site", "sample", "--from", &dates[0], "--to", &dates[0]],
        ),
    ] {
        let (status, headers, body) = api.get(&format!("/api/v1/export.jsonl{query}")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/x-ndjson");
        let cli = run_ok(
            Command::new(bin("epaper"))
                .args(["export", "--db", db_url])
                .args(&flags),
        );
        assert!(!cli.is_empty());
        assert_eq!(String::from_utf8(body).unwrap(), cli, "export{query}");
    }
    let lines: Vec<Value> = run_ok(Command::new(bin("epaper")).args(["export", "--db", db_url]))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let schema = response_schema(&api.document, "get", "/api/v1/export.jsonl", 200);
    for line in &lines {
        let errors = validate(&api.document, schema, line);
        assert!(
            errors.is_empty(),
            "an export line does not fit: {errors:#?}"
        );
    }

    // One article: its export line.
    let article = &lines[0];
    let url = article["url"].as_str().unwrap();
    let got = api
        .ok(
            "/api/v1/articles",
            &format!("/api/v1/articles?url={}", encoded(url)),
        )
        .await;
    assert_eq!(&got, article);

    // One issue: its pages, each with its article references, and its articles as exported.
    let detail = api
        .ok(
            "/api/v1/issues/{site}/{date}",
            &format!("/api/v1/issues/sample/{}", dates[0]),
        )
        .await;
    let of_day: Vec<&Value> = lines
        .iter()
        .filter(|l| l["date"] == dates[0].as_str())
        .collect();
    let detail_articles: Vec<&Value> = detail["articles"].as_array().unwrap().iter().collect();
    assert_eq!(detail_articles, of_day);
    let day = chrono::NaiveDate::parse_from_str(&dates[0], "%Y-%m-%d").unwrap();
    let stored_pages = store.pages_of("sample", day).await.unwrap();
    let pages = detail["pages"].as_array().unwrap();
    assert_eq!(pages.len(), stored_pages.len());
    // Each page's map size, the space of its articles' regions, as stored: the classic sample
    // shows its scans at half their size and prints that size, so every page has one.
    for (page, stored) in pages.iter().zip(&stored_pages) {
        assert_eq!(page["url"], stored.url.as_str());
        let size = stored
            .map_size
            .expect("the classic sample prints its scans' size");
        assert_eq!(
            page["map_size"],
            serde_json::json!({"width": size.width, "height": size.height}),
            "{page}"
        );
    }
    let referenced: BTreeSet<&str> = pages
        .iter()
        .flat_map(|p| p["articles"].as_array().unwrap())
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    let article_urls: BTreeSet<&str> = of_day.iter().map(|a| a["url"].as_str().unwrap()).collect();
    assert_eq!(
        referenced, article_urls,
        "the pages reference every article of the day"
    );
    assert_eq!(detail["state"], "complete");

    // Search: `epaper search`'s hits, in its order, walked a page at a time.
    let title = article["title"].as_str().unwrap();
    let cli: Vec<Value> = run_ok(
        Command::new(bin("epaper"))
            .args(["search", title, "--db", db_url, "--json", "--limit", "1000"]),
    )
    .lines()
    .map(|line| serde_json::from_str(line).unwrap())
    .collect();
    assert!(!cli.is_empty(), "{title} is found");
    let mut walked = Vec::new();
    let mut path = format!("/api/v1/search?q={}&limit=2", encoded(title));
    loop {
        let page = api.ok("/api/v1/search", &path).await;
        walked.extend(page["hits"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!(
                    "/api/v1/search?q={}&limit=2&cursor={cursor}",
                    encoded(title)
                )
            }
            None => break,
        }
    }
    assert_eq!(walked, cli, "search {title}");
    store.close().await;
}

/// Over PostgreSQL with the services' broker and a token: the reads above, queue status, and
/// the replay only with the bearer token.
#[tokio::test(flavor = "multi_thread")]
async fn api_over_postgres_answers_as_the_cli_and_replays_with_the_token() {
    let site = SampleSite::start(3, "none");
    let (dates, _) = site.manifest().await;
    let db = FreshDatabase::create().await;
    let suffix = random_suffix();
    let media_dir = std::env::temp_dir().join(format!("epaper-api-media-{suffix}"));
    run_ok(
        site.run_command(&dates[0], &dates[2], &db.url)
            .arg("--media-dir")
            .arg(&media_dir),
    );
    let prefix = format!("api-{suffix}");
    let token = format!("api-token-{suffix}");
    let (console, url) = start_console(
        Command::new(bin("epaper"))
            .args(["console", "--db", &db.url, "--media-dir"])
            .arg(&media_dir)
            .args(["--base-url", &site.base_url])
            .env("EPAPER__AMQP__URL", amqp_url())
            .env("EPAPER__AMQP__QUEUE_PREFIX", &prefix)
            .env("EPAPER__CONSOLE__TOKEN", &token),
    );
    let api = Api::connect(&url, Some(&token)).await;
    reads_equal_the_cli(&api, &db.url, &dates, &token).await;

    // Without the token nothing is read; a wrong host gets nothing either.
    let anonymous = Api {
        base: api.base.clone(),
        client: reqwest::Client::new(),
        document: api.document.clone(),
    };
    anonymous
        .refused("/api/v1/sites", 401, "unauthorized")
        .await;
    let misdirected = api
        .client
        .get(format!("{}/api/v1/sites", api.base))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(misdirected.status(), 421);
    let body: Value = body_json(misdirected).await;
    assert_eq!(body["error"]["code"], "forbidden");

    // Queue status from the broker, with the stages' queues of this console's prefix.
    let queues = api.ok("/api/v1/queues", "/api/v1/queues").await;
    let names: Vec<&str> = queues["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&format!("{prefix}.crawl").as_str()),
        "{names:?}"
    );
    assert_eq!(queues["issues"]["sample"]["complete"], 3);

    // Replay: refused without the token, with basic auth (a browser may remember it), and with
    // the token from another site's page; accepted with the bearer token.
    let replay = format!("{}/api/v1/issues/sample/{}/replay", api.base, dates[0]);
    let basic = reqwest::Client::new()
        .post(&replay)
        .basic_auth("epaper", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    let none = reqwest::Client::new().post(&replay).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let body: Value = body_json(none).await;
    assert_eq!(body["error"]["code"], "unauthorized");
    let foreign = api
        .client
        .post(&replay)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let store = Store::connect(&db.url, 1).await.unwrap();
    let day = chrono::NaiveDate::parse_from_str(&dates[0], "%Y-%m-%d").unwrap();
    assert_eq!(issue_state(&store, "sample", day).await, Some("complete"));
    let unknown = api
        .client
        .post(format!(
            "{}/api/v1/issues/nowhere/{}/replay",
            api.base, dates[0]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    let accepted = api.client.post(&replay).send().await.unwrap();
    assert_eq!(accepted.status(), 202);
    let body: Value = body_json(accepted).await;
    let schema = response_schema(
        &api.document,
        "post",
        "/api/v1/issues/{site}/{date}/replay",
        202,
    );
    assert!(validate(&api.document, schema, &body).is_empty(), "{body}");
    assert_eq!(body["state"], "queued");
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

    drop(console);
    db.drop_it().await;
    let _ = std::fs::remove_dir_all(&media_dir);
}

/// Over the embedded SQLite archive, without a broker, with a token and `console.public_api`:
/// the same reads without credentials; queue status is unavailable; replay needs the bearer
/// token all the same, and then says it needs the services.
#[tokio::test(flavor = "multi_thread")]
async fn api_over_sqlite_answers_as_the_cli_and_reads_without_credentials() {
    let site = SampleSite::start(3, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let (db_path, db_url) = temp_sqlite(&format!("epaper-api-{suffix}"));
    run_ok(&mut site.run_command(&dates[0], &dates[2], &db_url));
    let token = format!("api-token-{suffix}");
    let (console, url) = start_console(
        Command::new(bin("epaper"))
            .args(["console", "--no-broker", "--db", &db_url])
            .env("EPAPER__CONSOLE__TOKEN", &token)
            .env("EPAPER__CONSOLE__PUBLIC_API", "true"),
    );
    let api = Api::connect(&url, None).await;
    reads_equal_the_cli(&api, &db_url, &dates, &token).await;
    api.refused("/api/v1/queues", 503, "unavailable").await;
    // The HTML console still needs the token.
    let (status, _, _) = api.get("/").await;
    assert_eq!(status, 401);
    let replay = format!("{}/api/v1/issues/sample/{}/replay", api.base, dates[0]);
    let anonymous = api.client.post(&replay).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let with_token = api
        .client
        .post(&replay)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 503);
    let body: Value = body_json(with_token).await;
    assert_eq!(body["error"]["code"], "unavailable");
    drop(console);
    let _ = std::fs::remove_file(&db_path);
}
