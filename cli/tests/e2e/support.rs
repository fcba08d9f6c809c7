//! What every end-to-end test uses: the binaries, the sample site as a child process, the
//! archive read back, and child processes that die with the test.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use epaper_common::broker::Broker;
use epaper_common::config::Settings;
use epaper_indexer::testing::exported;
use epaper_indexer::{ExportedArticle, Store};

pub(crate) fn bin(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_epaper"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; `cargo test --workspace` builds every service binary",
        path.display()
    );
    path
}

pub(crate) fn amqp_url() -> String {
    std::env::var("EPAPER_TEST_AMQP")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// Deletes the queues of the deployment a test ran under `prefix` (`epaper migrate` declared
/// them). Each test's fresh queues are quorum queues, and a few hundred left behind made this
/// machine's RabbitMQ stop answering new connections.
pub(crate) async fn delete_queues(prefix: &str) {
    let settings = epaper_common::config::Settings::load_with_env(
        None,
        [
            ("EPAPER__AMQP__URL".to_string(), amqp_url()),
            ("EPAPER__AMQP__QUEUE_PREFIX".to_string(), prefix.to_string()),
        ],
    )
    .unwrap();
    let broker = epaper_common::broker::Broker::connect(&settings.amqp)
        .await
        .unwrap();
    broker.delete_topology().await.unwrap();
    broker.close().await;
}

/// `epaper sample-site` as a child process; killed on drop.
pub(crate) struct SampleSite {
    pub(crate) child: Child,
    pub(crate) base_url: String,
    /// The bundled test profile that crawls it.
    pub(crate) profile: String,
}

impl SampleSite {
    pub(crate) fn start(n_issues: usize, faults: &str) -> SampleSite {
        SampleSite::start_in(n_issues, faults, &epaper::sample::layouts::Classic)
    }

    /// The sample site in another layout family (`--layout`).
    pub(crate) fn start_in(
        n_issues: usize,
        faults: &str,
        layout: &dyn epaper::sample::Layout,
    ) -> SampleSite {
        let mut child = Command::new(bin("epaper"))
            .args([
                "sample-site",
                "--addr",
                "127.0.0.1:0",
                "--issues",
                &n_issues.to_string(),
                "--faults",
                faults,
                "--layout",
                layout.name(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base_url = announced_url(&mut child, "http://127.0.0.1:");
        let profile = layout.profile().to_string();
        SampleSite {
            child,
            base_url,
            profile,
        }
    }

    /// The classic sample site publishing its `n_issues` one `every_secs` after another, the
    /// last dated today (`--publish-every`).
    pub(crate) fn start_publishing(n_issues: usize, every_secs: u64) -> SampleSite {
        let mut child = Command::new(bin("epaper"))
            .args(["sample-site", "--addr", "127.0.0.1:0", "--issues"])
            .arg(n_issues.to_string())
            .args(["--publish-every", &every_secs.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base_url = announced_url(&mut child, "http://127.0.0.1:");
        SampleSite {
            child,
            base_url,
            profile: "sample".into(),
        }
    }

    /// Article URLs by issue date, from `/manifest.json`.
    pub(crate) async fn manifest(&self) -> (Vec<String>, BTreeSet<String>) {
        let manifest = site_manifest(&self.base_url).await;
        let issues = manifest["issues"].as_array().unwrap();
        let dates = issues
            .iter()
            .map(|i| i["date"].as_str().unwrap().to_string())
            .collect();
        let urls = issues
            .iter()
            .flat_map(|i| i["pages"].as_array().unwrap().iter())
            .flat_map(|p| p["articles"].as_array().unwrap().iter())
            .map(|u| u.as_str().unwrap().to_string())
            .collect();
        (dates, urls)
    }

    /// `epaper run` (embedded) of this site's issues `from..=to` into `db_url`; more flags
    /// (`--media-dir`) may follow.
    pub(crate) fn run_command(&self, from: &str, to: &str, db_url: &str) -> Command {
        let mut command = Command::new(bin("epaper"));
        command
            .args(["run", "--site", &self.profile, "--base-url", &self.base_url])
            .args(["--from", from, "--to", to, "--db", db_url]);
        command
    }
}

impl Drop for SampleSite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A SQLite archive in the temporary directory, `{stem}.db`: its path and URL.
pub(crate) fn temp_sqlite(stem: &str) -> (PathBuf, String) {
    let path = std::env::temp_dir().join(format!("{stem}.db"));
    let url = format!("sqlite://{}", path.display());
    (path, url)
}

/// The settings a service started with `env` reads.
pub(crate) fn settings_from(env: &HashMap<&str, String>) -> Settings {
    Settings::load_with_env(None, env.iter().map(|(k, v)| (k.to_string(), v.clone()))).unwrap()
}

/// Starts the service binary `name` with `env`, its log (stderr) going to the file `log`.
pub(crate) fn spawn_service(name: &str, env: &HashMap<&str, String>, log: &Path) -> Child {
    Command::new(bin(name))
        .envs(env)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// Publishes a message that is not JSON to the parse queue of `prefix` and waits, until
/// `deadline`, for the parser to dead-letter it: how many messages the dead-letter queue holds.
pub(crate) async fn dead_letter_a_poison_message(
    broker: &Broker,
    prefix: &str,
    deadline: Instant,
) -> u32 {
    broker
        .publisher()
        .await
        .unwrap()
        .publish_raw(
            &format!("{prefix}.parse"),
            b"{not a message",
            Default::default(),
        )
        .await
        .unwrap();
    let dlq = format!("{prefix}.parse.dlq");
    let mut dead = broker.queue_counts(&dlq).await.unwrap().0;
    while dead == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        dead = broker.queue_counts(&dlq).await.unwrap().0;
    }
    dead
}

pub(crate) async fn export_all(db_url: &str) -> Vec<ExportedArticle> {
    let store = Store::connect(db_url, 1).await.unwrap();
    let rows = exported(&store).await;
    store.close().await;
    rows
}

/// Checks one stored article field for field against what the generator wrote.
pub(crate) fn assert_matches_generator(rows: &[ExportedArticle], base_url: &str) {
    let paper = epaper::sample::paper(2);
    let issue = &paper.issues[1];
    let page = &issue.pages[1];
    let article = page
        .articles
        .iter()
        .find(|a| a.pretitle.is_some() || a.subtitle.is_some())
        .unwrap_or(&page.articles[0]);
    let url = format!("{base_url}{}", issue.article_url(article));
    let row = rows
        .iter()
        .find(|r| r.url == url)
        .unwrap_or_else(|| panic!("{url} not stored"));
    assert_eq!(row.site, "sample");
    assert_eq!(row.date, issue.date);
    assert_eq!(row.page_no.as_deref(), Some(page.page_no.as_str()));
    assert_eq!(row.page_name.as_deref(), Some(page.page_name.as_str()));
    assert_eq!(row.title.as_deref(), Some(article.title.as_str()));
    assert_eq!(row.pretitle, article.pretitle);
    assert_eq!(row.subtitle, article.subtitle);
    assert_eq!(row.author.as_deref(), Some(article.author.as_str()));
    assert_eq!(row.paragraphs, article.paragraphs);
    assert_eq!(row.images.len(), article.images.len());
    for (stored, truth) in row.images.iter().zip(&article.images) {
        assert_eq!(stored.url, format!("{base_url}{}", truth.file));
        assert_eq!(stored.caption.as_deref(), Some(truth.caption.as_str()));
    }
    // Where the page's image map puts it on the scan (the classic map lists every other
    // article twice: both boxes are its regions).
    let k = page
        .articles
        .iter()
        .position(|a| a.id == article.id)
        .unwrap();
    assert_eq!(row.regions, epaper::sample::render::map_regions(k));
    // In the space the page shows its scan at, which the classic page prints on its `img`.
    let (width, height) = epaper::sample::layouts::map_space(page);
    assert_eq!(
        row.regions_size,
        epaper_common::messages::MapSize::new(width, height)
    );
}

pub(crate) fn assert_same_set(rows: &[ExportedArticle], want: &BTreeSet<String>) {
    let got: Vec<&str> = rows.iter().map(|r| r.url.as_str()).collect();
    let unique: BTreeSet<String> = got.iter().map(|s| s.to_string()).collect();
    assert_eq!(got.len(), unique.len(), "duplicates stored");
    assert_eq!(&unique, want, "stored set differs from the manifest");
    assert!(
        rows.iter()
            .all(|r| r.title.is_some() && !r.paragraphs.is_empty())
    );
}

/// The address a service logged as `http listening` (JSON logs), waiting for the line.
pub(crate) fn http_addr_in(log: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("http listening")) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            return value["addr"].as_str().unwrap().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "{} logs no http address:\n{text}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(crate) fn run_ok(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "service did not stop within 30 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A child process killed when the test ends, also when it fails half-way.
pub(crate) struct KillOnDrop(pub(crate) Child);

/// Starts `epaper console` (the given command, on a free port) and returns it, killed on drop,
/// with the base URL it prints first.
pub(crate) fn start_console(command: &mut Command) -> (KillOnDrop, String) {
    start_console_logging(command, Stdio::null())
}

/// As [`start_console`], with its log (stderr) going to `log`.
pub(crate) fn start_console_logging(command: &mut Command, log: Stdio) -> (KillOnDrop, String) {
    let mut console = KillOnDrop(
        command
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let url = announced_url(&mut console.0, "http://127.0.0.1:");
    (console, url)
}

/// The URL a child process prints as its first line (the sample site, the console), checked to
/// start with `prefix`.
pub(crate) fn announced_url(child: &mut Child, prefix: &str) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(url.starts_with(prefix), "first line was {line:?}");
    url
}

/// The body of a GET that must reach the server (whatever its status).
pub(crate) async fn get_bytes(url: &str) -> Vec<u8> {
    let response = reqwest::get(url).await.unwrap();
    response.bytes().await.unwrap().to_vec()
}

/// The status and text of a GET that must reach the server.
pub(crate) async fn get_status_text(url: String) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        String::from_utf8(response.bytes().await.unwrap().to_vec()).unwrap(),
    )
}

/// The sample site's `/manifest.json`.
pub(crate) async fn site_manifest(base_url: &str) -> serde_json::Value {
    serde_json::from_slice(&get_bytes(&format!("{base_url}manifest.json")).await).unwrap()
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
