//! WARC out and back in: a sample issue crawled with `epaper run`, exported with
//! `epaper export --format warc`, read by warcio (the web-archiving community's Python library,
//! an implementation that shares nothing with ours) with every digest checked, then imported
//! into a fresh archive whose export is identical to the first's.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use epaper::warc::write::warc_date;
use epaper_indexer::testing::random_suffix;
use epaper_indexer::{ExportFilter, Store};
use sha2::Digest;

use crate::support::*;

/// The warcio the test reads with and the pywb it replays with, pinned; their virtualenv is
/// cached outside the checkout like `.ci/run`'s moto.
const WARC_TOOLS: [&str; 2] = ["warcio==1.8.1", "pywb==2.10.0"];
/// The virtualenv's directory under the cache (`.ci/run` makes the same one).
const WARC_TOOLS_VENV: &str = "warcio-1.8.1-pywb-2.10.0";

/// Reads a WARC file with warcio, digests checked (`check_digests="raise"`), and prints one
/// JSON object a record: its fields, HTTP status and content type, the SHA-256 of its payload,
/// and whether the payload digest matches the payload as computed here, by Python's hashlib.
const READER: &str = r#"
import base64, hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
with open(sys.argv[1], "rb") as f:
    records = ArchiveIterator(f, check_digests="raise")
    for record in records:
        h = record.rec_headers.get_header
        out = {name: h(name) for name in ["WARC-Type", "WARC-Target-URI", "WARC-Date",
               "WARC-Record-ID", "Content-Type", "WARC-Payload-Digest", "epaper-Site",
               "epaper-Kind", "epaper-Synthesized-Headers"]}
        if record.rec_type == "response":
            out["status"] = record.http_headers.get_statuscode()
            out["http-content-type"] = record.http_headers.get_header("Content-Type")
        payload = record.raw_stream.read()
        digest = "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
        out["payload-digest-ok"] = digest == h("WARC-Payload-Digest")
        out["sha256"] = hashlib.sha256(payload).hexdigest()
        out["offset"] = records.get_record_offset()
        print(json.dumps(out))
"#;

/// The virtualenv's python with warcio and pywb, created (and both installed) on first use.
fn warcio_python() -> PathBuf {
    let cache = std::env::var("EPAPER_CI_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/epaper-ci"));
    let venv = cache.join(WARC_TOOLS_VENV);
    let python = venv.join("bin/python");
    let works = |python: &Path| {
        Command::new(python)
            .args(["-c", "import warcio, pywb"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if works(&python) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .expect("python3 runs");
    assert!(
        made.status.success(),
        "python3 -m venv {}: {}",
        venv.display(),
        text(&made.stderr)
    );
    let pip = Command::new(venv.join("bin/pip"))
        .args(["install", "-q"])
        .args(WARC_TOOLS)
        .output()
        .expect("pip runs");
    assert!(
        pip.status.success(),
        "cannot install {WARC_TOOLS:?} into {} (the WARC test reads its export with them): {}",
        venv.display(),
        text(&pip.stderr)
    );
    assert!(
        works(&python),
        "warcio or pywb does not import after pip installed them"
    );
    python
}

/// Puts `warc` in a pywb collection (`wb-manager init` and `add`, which index it), serves it
/// with pywb's `wayback` on a free port and asks it for each of `urls` in identity mode
/// (`id_`: the archived bytes as they were, no rewriting); prints one JSON object a URL with
/// the status and the SHA-256 of the body pywb replayed.
const PYWB_REPLAY: &str = r#"
import hashlib, json, os, socket, subprocess, sys, tempfile, time, urllib.request, urllib.error
warc, urls = sys.argv[1], sys.argv[2:]
bindir = os.path.dirname(sys.executable)
with tempfile.TemporaryDirectory() as root:
    run = lambda *args: subprocess.run([os.path.join(bindir, "wb-manager"), *args], cwd=root,
                                       check=True, capture_output=True)
    run("init", "papers")
    run("add", "papers", warc)
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    server = subprocess.Popen([os.path.join(bindir, "wayback"), "-b", "127.0.0.1", "-p", str(port)],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        for url in urls:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/papers/id_/{url}", timeout=20) as r:
                    status, body = r.status, r.read()
            except urllib.error.HTTPError as e:
                status, body = e.code, b""
            print(json.dumps({"url": url, "status": status,
                              "sha256": hashlib.sha256(body).hexdigest()}))
    finally:
        server.terminate()
        server.wait(timeout=10)
"#;

/// What pywb replays of `urls` from `warc`: (URL, status, SHA-256 of the body), in order.
fn replay_with_pywb(warc: &Path, urls: &[String]) -> Vec<(String, u64, String)> {
    let out = Command::new(warcio_python())
        .args(["-c", PYWB_REPLAY])
        .arg(warc)
        .args(urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pywb could not replay {}: {}",
        warc.display(),
        text(&out.stderr)
    );
    text(&out.stdout)
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                v["url"].as_str().unwrap().to_string(),
                v["status"].as_u64().unwrap(),
                v["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `epaper ARGS...`, its output whatever the exit status.
fn epaper(args: &[&str]) -> Output {
    Command::new(bin("epaper")).args(args).output().unwrap()
}

/// The records warcio reads from `warc`, as JSON objects; fails on any warcio error.
fn read_with_warcio(warc: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(warcio_python())
        .args(["-c", READER])
        .arg(warc)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "warcio could not read {}: {stderr}",
        warc.display()
    );
    assert!(
        !stderr.contains("non-chunked"),
        "warcio: not a gzip member per record: {stderr}"
    );
    text(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warc_export_reads_in_warcio_and_imports_to_an_identical_archive() {
    let site = SampleSite::start(1, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let temp = std::env::temp_dir();
    let (db_a, url_a) = temp_sqlite(&format!("epaper-warc-a-{suffix}"));
    let (db_b, url_b) = temp_sqlite(&format!("epaper-warc-b-{suffix}"));
    let media_a = temp.join(format!("epaper-warc-media-a-{suffix}"));
    let media_b = temp.join(format!("epaper-warc-media-b-{suffix}"));
    let warc = temp.join(format!("epaper-{suffix}.warc.gz"));
    let out = run_ok(
        site.run_command(&dates[0], &dates[0], &url_a)
            .arg("--media-dir")
            .arg(&media_a),
    );
    assert!(out.contains("sample: 1 complete"), "{out}");

    let export = epaper(&[
        "export",
        "--format",
        "warc",
        "--db",
        &url_a,
        "--media-dir",
        path(&media_a),
        "--out",
        path(&warc),
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let records = read_with_warcio(&warc);
    assert_records_match_the_archive(&records, &url_a).await;

    // pywb, the replay tool archivists run, indexes the file and replays a page, an article
    // and a medium byte for byte.
    let wanted: Vec<&serde_json::Value> = ["page", "article", "scan"]
        .iter()
        .map(|kind| {
            records
                .iter()
                .find(|r| r["epaper-Kind"] == *kind)
                .unwrap_or_else(|| panic!("no {kind} record"))
        })
        .collect();
    let urls: Vec<String> = wanted
        .iter()
        .map(|r| r["WARC-Target-URI"].as_str().unwrap().to_string())
        .collect();
    let replayed = replay_with_pywb(&warc, &urls);
    let expected: Vec<(String, u64, String)> = wanted
        .iter()
        .map(|r| {
            let url = r["WARC-Target-URI"].as_str().unwrap().to_string();
            (url, 200, r["sha256"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(replayed, expected, "pywb replays the archived bytes");

    let import = epaper(&[
        "import",
        "--warc",
        path(&warc),
        "--db",
        &url_b,
        "--media-dir",
        path(&media_b),
        "--json",
    ]);
    let stdout = text(&import.stdout);
    assert!(import.status.success(), "{stdout} {}", text(&import.stderr));
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let is_document =
        |r: &serde_json::Value| matches!(r["epaper-Kind"].as_str(), Some("page" | "article"));
    let n_document_records = records.iter().filter(|r| is_document(r)).count();
    let n_media_records = records.len() - 1 - n_document_records;
    assert_eq!(summary["documents"], n_document_records, "{summary}");
    assert_eq!(summary["media"], n_media_records, "{summary}");
    assert_eq!(
        (summary["rejected"].as_u64(), summary["exit"].as_u64()),
        (Some(0), Some(0))
    );

    assert!(stdout.contains("issues: 1 complete"), "{stdout}");
    assert_eq!(
        issue_states(&url_b).await,
        issue_states(&url_a).await,
        "the imported issue is accounted for as the crawled one, not left parsing"
    );
    let jsonl = |url: &str| run_ok(Command::new(bin("epaper")).args(["export", "--db", url]));
    let (first, second) = (jsonl(&url_a), jsonl(&url_b));
    assert!(first.lines().count() > 5, "{first}");
    assert_eq!(
        first, second,
        "the imported archive exports as the crawled one"
    );

    // The same documents as another crawler writes them (warcio's own writer: no epaper
    // fields, media as HTTP responses, a request record between): placed by `--site`, dated by
    // the URL, media owned by the pages and articles that name them.
    let (db_e, url_e) = temp_sqlite(&format!("epaper-warc-e-{suffix}"));
    let media_e = temp.join(format!("epaper-warc-media-e-{suffix}"));
    let foreign = temp.join(format!("epaper-{suffix}-foreign.warc.gz"));
    rewrite_with_warcio(&warc, &foreign);
    let import = epaper(&[
        "import",
        "--warc",
        path(&foreign),
        "--site",
        "sample",
        "--db",
        &url_e,
        "--media-dir",
        path(&media_e),
        "--json",
    ]);
    let stdout = text(&import.stdout);
    assert!(import.status.success(), "{stdout} {}", text(&import.stderr));
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["media"], n_media_records, "{summary}");
    assert_eq!(
        summary["skipped"], 2,
        "the warcinfo and the request: {summary}"
    );
    assert_eq!(
        jsonl(&url_e),
        first,
        "another crawler's WARC gives the same archive"
    );
    assert_eq!(issue_states(&url_e).await, issue_states(&url_a).await);
    let _ = std::fs::remove_file(&db_e);
    let _ = std::fs::remove_file(&foreign);
    let _ = std::fs::remove_dir_all(&media_e);

    // Export → import → export: the same records (ids apart), the same headers.
    let again = temp.join(format!("epaper-{suffix}-again.warc.gz"));
    let export = epaper(&[
        "export",
        "--format",
        "warc",
        "--db",
        &url_b,
        "--media-dir",
        path(&media_b),
        "--out",
        path(&again),
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let strip = |records: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        records
            .into_iter()
            .skip(1)
            .map(|mut r| {
                r.as_object_mut().unwrap().remove("WARC-Record-ID");
                r.as_object_mut().unwrap().remove("offset");
                r
            })
            .collect()
    };
    assert_eq!(strip(read_with_warcio(&again)), strip(records.clone()));

    // Documents archived before headers were kept: rebuilt headers, and the record says so.
    let old = temp.join(format!("epaper-{suffix}-old.warc.gz"));
    forget_heads(&url_a).await;
    let export = epaper(&[
        "export",
        "--format",
        "warc",
        "--db",
        &url_a,
        "--out",
        path(&old),
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let rebuilt = read_with_warcio(&old);
    assert_eq!(
        rebuilt.len(),
        1 + n_document_records,
        "no media without --media-dir"
    );
    for (record, original) in rebuilt[1..].iter().zip(&records[1..]) {
        assert!(record["epaper-Synthesized-Headers"].is_string(), "{record}");
        for same in [
            "WARC-Target-URI",
            "WARC-Date",
            "status",
            "http-content-type",
            "sha256",
        ] {
            assert_eq!(record[same], original[same], "{same}: {record} {original}");
        }
    }

    for file in [&db_a, &db_b, &warc, &again, &old] {
        let _ = std::fs::remove_file(file);
    }
    let _ = std::fs::remove_dir_all(&media_a);
    let _ = std::fs::remove_dir_all(&media_b);
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every raw document and every medium of the archive is one `response` record with its URL,
/// fetch time, status, headers and exact bytes (the crawl kept every head); a `warcinfo` first.
async fn assert_records_match_the_archive(records: &[serde_json::Value], db_url: &str) {
    assert_eq!(records[0]["WARC-Type"], "warcinfo", "{}", records[0]);
    let ids: HashSet<&str> = records
        .iter()
        .map(|r| r["WARC-Record-ID"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), records.len(), "record ids are unique");
    let offsets: HashSet<u64> = records
        .iter()
        .map(|r| r["offset"].as_u64().unwrap())
        .collect();
    assert_eq!(
        offsets.len(),
        records.len(),
        "each record a gzip member of its own"
    );
    let by_uri: HashMap<&str, &serde_json::Value> = records[1..]
        .iter()
        .map(|r| (r["WARC-Target-URI"].as_str().unwrap(), r))
        .collect();
    for record in &records[1..] {
        assert_eq!(record["payload-digest-ok"], true, "{record}");
    }

    let store = Store::connect(db_url, 1).await.unwrap();
    let caps = epaper_common::config::Settings::load_with_env(None, Vec::new())
        .unwrap()
        .crawler
        .size_caps();
    let mut n_documents = 0;
    store
        .raw_documents(&ExportFilter::default(), async |doc| {
            n_documents += 1;
            let record = by_uri
                .get(doc.url.as_str())
                .unwrap_or_else(|| panic!("{} missing", doc.url));
            let bytes = doc.inflate(caps).unwrap();
            assert_eq!(record["WARC-Type"], "response", "{record}");
            assert_eq!(record["Content-Type"], "application/http;msgtype=response");
            assert_eq!(record["WARC-Date"], warc_date(doc.fetched_at), "{record}");
            assert_eq!(record["status"], doc.status.to_string(), "{record}");
            assert_eq!(
                record["http-content-type"].as_str(),
                doc.content_type.as_deref()
            );
            assert_eq!(
                record["sha256"],
                format!("{:x}", sha2::Sha256::digest(&bytes))
            );
            assert_eq!(
                (
                    record["epaper-Site"].as_str(),
                    record["epaper-Kind"].as_str()
                ),
                (Some(doc.site.as_str()), Some(doc.kind.as_str()))
            );
            assert!(doc.http.is_some(), "the crawl kept the head of {}", doc.url);
            assert!(record["epaper-Synthesized-Headers"].is_null(), "{record}");
            Ok(())
        })
        .await
        .unwrap();
    let media = store.media_rows(&ExportFilter::default()).await.unwrap();
    store.close().await;
    assert!(
        n_documents > 5 && !media.is_empty(),
        "{n_documents} documents, {} media",
        media.len()
    );
    for row in &media {
        let record = by_uri[row.url.as_str()];
        assert_eq!(record["WARC-Type"], "response", "{record}");
        assert_eq!(record["status"], "200", "{record}");
        assert!(
            row.http_head.is_some(),
            "the crawl kept the head of {}",
            row.url
        );
        assert_eq!(
            record["http-content-type"].as_str(),
            row.content_type.as_deref()
        );
        assert_eq!(record["sha256"], row.sha256, "{record}");
        assert_eq!(record["WARC-Date"], warc_date(row.fetched_at), "{record}");
    }
    assert_eq!(
        records.len(),
        1 + n_documents + media.len(),
        "nothing else is written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_warc_changes_nothing_and_a_bad_record_is_refused_with_exit_3() {
    let site = SampleSite::start(1, "none");
    let (dates, _) = site.manifest().await;
    let suffix = random_suffix();
    let temp = std::env::temp_dir();
    let (db_a, url_a) = temp_sqlite(&format!("epaper-warc-ok-{suffix}"));
    let (db_c, url_c) = temp_sqlite(&format!("epaper-warc-cut-{suffix}"));
    let (db_d, url_d) = temp_sqlite(&format!("epaper-warc-mixed-{suffix}"));
    run_ok(&mut site.run_command(&dates[0], &dates[0], &url_a));
    let warc = temp.join(format!("epaper-{suffix}-ok.warc.gz"));
    let export = epaper(&[
        "export",
        "--format",
        "warc",
        "--db",
        &url_a,
        "--out",
        path(&warc),
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let bytes = std::fs::read(&warc).unwrap();

    // Cut in the middle of a record: refused whole, with its name and an offset, exit 3.
    let cut = temp.join(format!("epaper-{suffix}-cut.warc.gz"));
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let import = epaper(&["import", "--warc", path(&cut), "--db", &url_c]);
    let stdout = text(&import.stdout);
    assert_eq!(
        import.status.code(),
        Some(3),
        "{stdout} {}",
        text(&import.stderr)
    );
    assert!(
        stdout.contains(path(&cut)) && stdout.contains("at offset"),
        "{stdout}"
    );
    assert!(stdout.contains("truncated gzip member"), "{stdout}");
    let empty = run_ok(Command::new(bin("epaper")).args(["export", "--db", &url_c]));
    assert_eq!(empty, "", "nothing of a damaged file is stored");

    // A good file with a record whose digest lies, then the cut file: the good records are
    // stored, the lying one refused, the cut file unreadable; exit 3, and --json says so.
    let lying = temp.join(format!("epaper-{suffix}-lying.warc.gz"));
    let mut with_liar = bytes.clone();
    with_liar.extend(lying_record(&site.base_url));
    std::fs::write(&lying, &with_liar).unwrap();
    let import = epaper(&[
        "import",
        "--warc",
        path(&lying),
        path(&cut),
        "--db",
        &url_d,
        "--json",
    ]);
    let stdout = text(&import.stdout);
    assert_eq!(
        import.status.code(),
        Some(3),
        "{stdout} {}",
        text(&import.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["rejected"], 1, "{summary}");
    assert_eq!(summary["exit"], 3, "{summary}");
    assert_eq!(summary["unreadable"][0]["file"], path(&cut), "{summary}");
    assert!(
        text(&import.stderr).contains("does not match the block"),
        "{}",
        text(&import.stderr)
    );
    let jsonl = |url: &str| run_ok(Command::new(bin("epaper")).args(["export", "--db", url]));
    assert_eq!(jsonl(&url_d), jsonl(&url_a), "every good record was stored");

    // A file without one of the issue's articles: the rest is stored and the issue ends
    // `partial`, with the missing article named, not `parsing` for ever; exit 3.
    let (db_p, url_p) = temp_sqlite(&format!("epaper-warc-part-{suffix}"));
    let short = temp.join(format!("epaper-{suffix}-short.warc.gz"));
    let dropped = drop_first_article(&warc, &short);
    let import = epaper(&["import", "--warc", path(&short), "--db", &url_p, "--json"]);
    let stdout = text(&import.stdout);
    assert_eq!(
        import.status.code(),
        Some(3),
        "{stdout} {}",
        text(&import.stderr)
    );
    assert!(stdout.contains("issues: 1 partial"), "{stdout}");
    assert!(
        text(&import.stderr).contains("1 issue incomplete"),
        "{}",
        text(&import.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        (summary["rejected"].as_u64(), summary["exit"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(summary["issues"]["partial"], 1, "{summary}");
    let states = issue_states(&url_p).await;
    assert_eq!(states.len(), 1, "{states:?}");
    assert_eq!(states[0].2, "partial", "{states:?}");
    let missing = failures(&url_p).await;
    assert_eq!(
        missing,
        vec![(dropped, "not in the imported WARC files".to_string())]
    );

    for file in [&db_a, &db_c, &db_d, &db_p, &warc, &cut, &lying, &short] {
        let _ = std::fs::remove_file(file);
    }
}

/// A gzip member holding a `response` record whose block digest is not its block's.
fn lying_record(base_url: &str) -> Vec<u8> {
    use std::io::Write;
    let block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>forged</html>";
    let record = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n\
         WARC-Date: 2024-03-04T00:00:00Z\r\nWARC-Target-URI: {base_url}html/2024-03/04/content_9.htm\r\n\
         WARC-Block-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\nepaper-Site: sample\r\n\
         Content-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    );
    let mut member = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    member.write_all(record.as_bytes()).unwrap();
    member.write_all(block).unwrap();
    member.write_all(b"\r\n\r\n").unwrap();
    member.finish().unwrap()
}

/// The issues of the SQLite archive at `db_url`: (site, date, state), in order.
async fn issue_states(db_url: &str) -> Vec<(String, String, String)> {
    use sqlx::ConnectOptions;
    let options: sqlx::sqlite::SqliteConnectOptions = db_url.parse().unwrap();
    let mut conn = options.connect().await.unwrap();
    sqlx::query_as("SELECT site, issue_date, state FROM issues ORDER BY site, issue_date")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// The fetch failures the manifests of the SQLite archive at `db_url` record: (url, reason).
async fn failures(db_url: &str) -> Vec<(String, String)> {
    use sqlx::ConnectOptions;
    let options: sqlx::sqlite::SqliteConnectOptions = db_url.parse().unwrap();
    let mut conn = options.connect().await.unwrap();
    sqlx::query_as("SELECT url, reason FROM failures ORDER BY url")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// Copies the records of `src` to `dst` with warcio, leaving out the first article response;
/// returns that article's URL.
fn drop_first_article(src: &Path, dst: &Path) -> String {
    const DROPPER: &str = r#"
import sys
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter
dropped = None
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as out:
    writer = WARCWriter(out, gzip=True)
    for record in ArchiveIterator(f):
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if dropped is None and record.rec_type == "response" and "content_" in uri:
            dropped = uri
            continue
        writer.write_record(record)
print(dropped)
"#;
    let out = Command::new(warcio_python())
        .args(["-c", DROPPER])
        .arg(src)
        .arg(dst)
        .output()
        .unwrap();
    assert!(out.status.success(), "warcio: {}", text(&out.stderr));
    let dropped = text(&out.stdout).trim().to_string();
    assert!(dropped.starts_with("http"), "nothing dropped: {dropped}");
    dropped
}

/// Makes the archive at `db_url` look as if it was crawled before headers were kept.
async fn forget_heads(db_url: &str) {
    use sqlx::ConnectOptions;
    let options: sqlx::sqlite::SqliteConnectOptions = db_url.parse().unwrap();
    let mut conn = options.connect().await.unwrap();
    let done = sqlx::query("UPDATE raw_documents SET http_head = NULL")
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(done.rows_affected() > 5);
}

/// Writes the records of `src` to `dst` with warcio's `WARCWriter`, as a crawler other than
/// ours would: responses with their HTTP head and payload but none of epaper's fields, media
/// as `response` records with a minimal HTTP head, and a `request` record before the first
/// response.
fn rewrite_with_warcio(src: &Path, dst: &Path) {
    const REWRITER: &str = r#"
import io, sys
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as out:
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("other.warc.gz", {"software": "another"}))
    first = True
    for record in ArchiveIterator(f):
        if record.rec_type == "warcinfo":
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI")
        date = {"WARC-Date": record.rec_headers.get_header("WARC-Date")}
        if first:
            head = StatusAndHeaders("GET / HTTP/1.1", [("Host", "paper")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=head,
                                                          warc_headers_dict=date))
            first = False
        if record.rec_type == "response":
            head = record.http_headers
        else:
            content_type = record.rec_headers.get_header("Content-Type")
            head = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        payload = record.raw_stream.read()
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                                      http_headers=head, warc_headers_dict=date))
"#;
    let out = Command::new(warcio_python())
        .args(["-c", REWRITER])
        .arg(src)
        .arg(dst)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "warcio could not rewrite: {}",
        text(&out.stderr)
    );
}
