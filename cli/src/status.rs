//! `epaper status`: where work piles up (queue backlogs) and which issues are not done.
//!
//! Queue numbers come from the RabbitMQ management HTTP API (`amqp.management_url`) when it
//! answers: ready, unacked, consumers, publish and deliver rates, for every queue of the prefix
//! (the delay queues too). Otherwise from passive declares, which see only ready messages and
//! consumers; the report then says so (`unacked_known: false`, `cannot_see`). `--json` keeps
//! contract 2's keys (`queues[].name/ready/unacked/consumers`, `issues.<site>.<state>`); the
//! other keys are additions.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::time::Duration;

use anyhow::Context;
use epaper_common::broker::Broker;
use epaper_common::config::{Settings, redact_url};
use epaper_common::messages::Stage;
use epaper_indexer::Store;
use epaper_indexer::store::UnfinishedIssue;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
pub struct QueueStatus {
    pub name: String,
    /// `work`, `dead_letter` or `delay`.
    pub kind: &'static str,
    pub ready: u64,
    /// 0 and `unacked_known: false` when only passive declares could be made.
    pub unacked: u64,
    pub unacked_known: bool,
    pub consumers: u64,
    /// Messages per second published to and delivered from the queue (management API only).
    pub publish_rate: Option<f64>,
    pub deliver_rate: Option<f64>,
    /// For a work queue: the messages waiting in its stage's dead-letter queue.
    pub dead_letters: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    /// `management_api` or `passive_declare`.
    pub source: &'static str,
    /// Why the management API was not used, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_error: Option<String>,
    /// What this report cannot show (empty with the management API).
    pub cannot_see: Vec<&'static str>,
    pub queues: Vec<QueueStatus>,
    pub issues: BTreeMap<String, BTreeMap<String, i64>>,
    pub oldest_unfinished: Option<UnfinishedIssue>,
}

/// One queue as `/api/queues/<vhost>` lists it (fields absent until the broker has stats).
#[derive(Debug, Deserialize)]
struct ApiQueue {
    name: String,
    #[serde(default)]
    messages_ready: u64,
    #[serde(default)]
    messages_unacknowledged: u64,
    #[serde(default)]
    consumers: u64,
    #[serde(default)]
    message_stats: ApiStats,
}

#[derive(Debug, Default, Deserialize)]
struct ApiStats {
    publish_details: Option<ApiRate>,
    deliver_get_details: Option<ApiRate>,
}

#[derive(Debug, Deserialize)]
struct ApiRate {
    rate: f64,
}

/// The vhost of `amqp.url`.
fn vhost_of(amqp_url: &SecretString) -> anyhow::Result<String> {
    epaper_common::broker::vhost_of(amqp_url.expose_secret())
        .ok_or_else(|| anyhow::anyhow!("amqp.url is not an AMQP URL"))
}

/// `<management_url>/api/queues/<vhost>`, the vhost percent-encoded as one path segment.
fn queues_api_url(management: &url::Url, vhost: &str) -> anyhow::Result<url::Url> {
    let mut url = management.clone();
    url.path_segments_mut()
        .map_err(|()| anyhow::anyhow!("amqp.management_url cannot be a base URL"))?
        .pop_if_empty()
        .extend(["api", "queues", vhost]);
    Ok(url)
}

/// Reads every queue of the vhost from the management API.
async fn api_queues(
    client: &reqwest::Client,
    settings: &Settings,
) -> anyhow::Result<Vec<ApiQueue>> {
    let mut base = url::Url::parse(settings.amqp.management_url.expose_secret())
        .context("amqp.management_url is not a URL")?;
    let user = base.username().to_string();
    let password = base.password().map(str::to_string);
    let _ = base.set_username("");
    let _ = base.set_password(None);
    let url = queues_api_url(&base, &vhost_of(&settings.amqp.url)?)?;
    let mut request = client.get(url.clone());
    if !user.is_empty() {
        request = request.basic_auth(user, password);
    }
    let response = request.send().await?;
    let status = response.status();
    if !status.is_success() {
        anyhow::bail!("{url} answered {status}");
    }
    let body = response.bytes().await?;
    serde_json::from_slice(&body).with_context(|| format!("{url} answered no queue list"))
}

fn kind_of(name: &str) -> &'static str {
    if name.ends_with(".dlq") {
        "dead_letter"
    } else if name.contains(".delay.") {
        "delay"
    } else {
        "work"
    }
}

/// The stage's queues in a fixed order: work queue then dead-letter queue, crawl to index.
fn known_queues(broker: &Broker) -> Vec<(Stage, String, String)> {
    Stage::ALL
        .iter()
        .map(|stage| {
            (
                *stage,
                broker.topology.work_queue(*stage),
                broker.topology.dead_letter_queue(*stage),
            )
        })
        .collect()
}

async fn queues_from_api(
    client: &reqwest::Client,
    settings: &Settings,
    broker: &Broker,
) -> anyhow::Result<Vec<QueueStatus>> {
    let listed = api_queues(client, settings).await?;
    let prefix = format!("{}.", settings.amqp.queue_prefix);
    let mut by_name: BTreeMap<String, ApiQueue> = listed
        .into_iter()
        .filter(|q| q.name.starts_with(&prefix))
        .map(|q| (q.name.clone(), q))
        .collect();
    let mut names = Vec::new();
    for (_, work, dead) in known_queues(broker) {
        if !by_name.contains_key(&work) || !by_name.contains_key(&dead) {
            anyhow::bail!("queue {work} or {dead} not found; run `epaper migrate` first");
        }
        names.push(work);
        names.push(dead);
    }
    // Then the rest of the prefix's queues (the delay queues), stage by stage.
    let mut others: Vec<String> = by_name
        .keys()
        .filter(|name| !names.contains(name))
        .cloned()
        .collect();
    let stage_idx = |name: &str| {
        Stage::ALL
            .iter()
            .position(|stage| name.starts_with(&format!("{prefix}{}.", stage.as_str())))
    };
    others.sort_by_key(|name| (stage_idx(name), name.clone()));
    names.extend(others);
    let mut queues: Vec<QueueStatus> = names
        .iter()
        .map(|name| {
            let q = by_name.remove(name).expect("listed above");
            QueueStatus {
                kind: kind_of(&q.name),
                name: q.name,
                ready: q.messages_ready,
                unacked: q.messages_unacknowledged,
                unacked_known: true,
                consumers: q.consumers,
                publish_rate: Some(q.message_stats.publish_details.map_or(0.0, |r| r.rate)),
                deliver_rate: Some(q.message_stats.deliver_get_details.map_or(0.0, |r| r.rate)),
                dead_letters: None,
            }
        })
        .collect();
    attach_dead_letters(&mut queues);
    Ok(queues)
}

/// The work and dead-letter queues of every stage by passive declares (ready and consumers
/// only), each work queue with its dead letters; what the console's API reports too.
pub async fn queues_from_declares(broker: &Broker) -> anyhow::Result<Vec<QueueStatus>> {
    let mut queues = Vec::new();
    for (_, work, dead) in known_queues(broker) {
        for name in [work, dead] {
            let (ready, consumers) = broker
                .queue_counts(&name)
                .await
                .with_context(|| format!("queue {name} not found; run `epaper migrate` first"))?;
            queues.push(QueueStatus {
                kind: kind_of(&name),
                name,
                ready: ready.into(),
                unacked: 0,
                unacked_known: false,
                consumers: consumers.into(),
                publish_rate: None,
                deliver_rate: None,
                dead_letters: None,
            });
        }
    }
    attach_dead_letters(&mut queues);
    Ok(queues)
}

/// Copies each dead-letter queue's count onto its work queue's row.
fn attach_dead_letters(queues: &mut [QueueStatus]) {
    let dead: BTreeMap<String, u64> = queues
        .iter()
        .filter(|q| q.kind == "dead_letter")
        .map(|q| (q.name.trim_end_matches(".dlq").to_string(), q.ready))
        .collect();
    for q in queues.iter_mut().filter(|q| q.kind == "work") {
        q.dead_letters = dead.get(&q.name).copied();
    }
}

/// What `status` keeps open between redraws.
pub struct Sources {
    broker: Broker,
    store: Option<Store>,
    client: reqwest::Client,
}

impl Sources {
    pub async fn connect(settings: &Settings) -> anyhow::Result<Sources> {
        let broker = crate::connect::open_broker(&settings.amqp).await?;
        let store = match crate::connect::open_store(&settings.database.url, 1).await {
            Ok(store) => Some(store),
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "archive not reachable; issue states unknown");
                None
            }
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()?;
        Ok(Sources {
            broker,
            store,
            client,
        })
    }

    pub async fn close(self) {
        self.broker.close().await;
        if let Some(store) = self.store {
            store.close().await;
        }
    }

    pub async fn report(&self, settings: &Settings) -> anyhow::Result<Report> {
        let (source, management_error, cannot_see, queues) =
            match queues_from_api(&self.client, settings, &self.broker).await {
                Ok(queues) => ("management_api", None, vec![], queues),
                Err(error) => {
                    // No secret in the reason: the request went out without the credentials in
                    // its URL (they are sent as a header), and the URL shown here is redacted.
                    let reason = format!(
                        "{} did not answer: {error:#}",
                        redact_url(&settings.amqp.management_url),
                    );
                    tracing::debug!(%reason, "falling back to passive declares");
                    let queues = queues_from_declares(&self.broker).await?;
                    (
                        "passive_declare",
                        Some(reason),
                        vec!["unacked", "publish_rate", "deliver_rate", "delay_queues"],
                        queues,
                    )
                }
            };
        let mut issues: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        let mut oldest_unfinished = None;
        if let Some(store) = &self.store {
            for (site, state, n) in store.issue_states().await? {
                issues
                    .entry(site)
                    .or_default()
                    .insert(state.as_str().to_string(), n);
            }
            oldest_unfinished = store.oldest_unfinished().await?;
        }
        Ok(Report {
            source,
            management_error,
            cannot_see,
            queues,
            issues,
            oldest_unfinished,
        })
    }
}

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |r| format!("{r:.1}"))
}

/// The report for a terminal.
pub fn render(report: &Report, settings: &Settings) -> String {
    let mut out = String::new();
    match report.source {
        "management_api" => {
            let _ = writeln!(
                out,
                "queues (RabbitMQ management API, {})",
                redact_url(&settings.amqp.management_url)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "queues (passive declares: no unacked counts, rates or delay queues; {})",
                report.management_error.as_deref().unwrap_or("")
            );
        }
    }
    let _ = writeln!(
        out,
        "{:<36} {:>8} {:>8} {:>9} {:>9} {:>9} {:>6}",
        "queue", "ready", "unacked", "consumers", "publish/s", "deliver/s", "dead"
    );
    for q in &report.queues {
        let unacked = if q.unacked_known {
            q.unacked.to_string()
        } else {
            "?".into()
        };
        let dead = q.dead_letters.map_or_else(String::new, |n| n.to_string());
        let _ = writeln!(
            out,
            "{:<36} {:>8} {:>8} {:>9} {:>9} {:>9} {:>6}",
            q.name,
            q.ready,
            unacked,
            q.consumers,
            rate(q.publish_rate),
            rate(q.deliver_rate),
            dead
        );
    }
    let _ = writeln!(out, "issues");
    if report.issues.is_empty() {
        let _ = writeln!(out, "  (none, or the archive is not reachable)");
    }
    for (site, states) in &report.issues {
        let line: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let _ = writeln!(out, "  {site}: {}", line.join(", "));
    }
    match &report.oldest_unfinished {
        Some(issue) => {
            let _ = writeln!(
                out,
                "oldest unfinished: {} {} ({} since {})",
                issue.site,
                issue.date,
                issue.state,
                issue.since.format("%Y-%m-%d %H:%M:%S UTC")
            );
        }
        None => {
            let _ = writeln!(out, "oldest unfinished: none");
        }
    }
    out
}

/// `epaper status [--json] [--watch SECS]`. With `--watch` the table is redrawn in place every
/// SECS seconds on a terminal (one JSON object a line with `--json`) until Ctrl-C.
pub async fn status(settings: &Settings, json: bool, watch: Option<u64>) -> anyhow::Result<()> {
    let sources = Sources::connect(settings).await?;
    let terminal = std::io::stdout().is_terminal();
    let result = async {
        loop {
            let report = sources.report(settings).await?;
            let mut stdout = std::io::stdout().lock();
            if json {
                serde_json::to_writer(&mut stdout, &report)?;
                writeln!(stdout)?;
            } else {
                if watch.is_some() && terminal {
                    // Home and clear: redraw in place rather than scroll.
                    write!(stdout, "\x1b[H\x1b[2J")?;
                }
                write!(stdout, "{}", render(&report, settings))?;
            }
            stdout.flush()?;
            drop(stdout);
            let Some(secs) = watch else {
                return Ok(());
            };
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(secs.max(1))) => {}
                _ = tokio::signal::ctrl_c() => return Ok(()),
            }
        }
    }
    .await;
    sources.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vhosts_are_read_from_the_amqp_url_and_encoded_for_the_api() {
        let vhost = |url: &str| vhost_of(&SecretString::from(url.to_string())).unwrap();
        assert_eq!(vhost("amqp://guest:guest@127.0.0.1:5672/%2f"), "/");
        assert_eq!(vhost("amqp://guest:guest@127.0.0.1:5672"), "/");
        assert_eq!(vhost("amqp://u:p@host/papers"), "papers");
        let api = |base: &str, vhost: &str| {
            queues_api_url(&url::Url::parse(base).unwrap(), vhost)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            api("http://127.0.0.1:15672", "/"),
            "http://127.0.0.1:15672/api/queues/%2F"
        );
        assert_eq!(
            api("http://rabbit:15672/mgmt/", "papers"),
            "http://rabbit:15672/mgmt/api/queues/papers"
        );
    }

    #[test]
    fn queue_kinds_follow_the_topology_names() {
        assert_eq!(kind_of("epaper.crawl"), "work");
        assert_eq!(kind_of("epaper.crawl.dlq"), "dead_letter");
        assert_eq!(kind_of("epaper.parse.delay.2"), "delay");
    }
}
