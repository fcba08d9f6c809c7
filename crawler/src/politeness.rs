//! Politeness per host, shared by every issue a crawler process works on: a token-bucket rate
//! limit and a cap on connections (both from the site profile), and robots.txt. (Which
//! addresses may be reached at all is `address.rs`'s.)
//!
//! What must stay true: no request leaves without a rate-limit token and a connection slot of
//! its host; a URL that robots.txt disallows is never fetched (unless the profile overrides
//! robots.txt, which is logged).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use epaper_common::sites::{Profile, Rate};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a robots.txt answer is trusted: a good one for an hour, a failed fetch (which
/// disallows everything, as RFC 9309 asks for an unreachable robots.txt) for a minute.
const ROBOTS_TTL: Duration = Duration::from_secs(3600);
const ROBOTS_ERROR_TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub enum Robots {
    /// No robots.txt (4xx), or the profile says to ignore it.
    AllowAll,
    /// robots.txt could not be fetched (5xx, timeout): nothing may be crawled for now.
    DisallowAll(String),
    Rules(Arc<texting_robots::Robot>),
}

impl Robots {
    pub fn allows(&self, url: &str) -> Result<(), String> {
        match self {
            Robots::AllowAll => Ok(()),
            Robots::DisallowAll(reason) => Err(format!("robots.txt unavailable ({reason})")),
            Robots::Rules(robot) => {
                if robot.allowed(url) {
                    Ok(())
                } else {
                    Err("disallowed by robots.txt".to_string())
                }
            }
        }
    }
}

/// The shared state of one host.
pub struct Host {
    limiter: DefaultDirectRateLimiter,
    slots: Arc<Semaphore>,
    robots: tokio::sync::Mutex<Option<(Instant, Robots)>>,
    waited_nanos: AtomicU64,
}

impl Host {
    fn new(rate: Rate, max_connections: u32) -> Host {
        // A period, not a count a second, so a rate below one (one request every 3 s) is kept.
        let quota = Quota::with_period(rate.period()).expect("a rate's period is above zero");
        Host {
            // A burst of one: requests are spread evenly, never fired in a clump.
            limiter: RateLimiter::direct(quota.allow_burst(NonZeroU32::MIN)),
            slots: Arc::new(Semaphore::new(max_connections.max(1) as usize)),
            robots: tokio::sync::Mutex::new(None),
            waited_nanos: AtomicU64::new(0),
        }
    }

    /// Waits for a connection slot and a rate-limit token; hold the permit for the request.
    pub async fn permit(&self) -> OwnedSemaphorePermit {
        let start = Instant::now();
        let slot = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.limiter.until_ready().await;
        self.waited_nanos
            .fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        slot
    }

    /// Total time requests to this host spent waiting on politeness.
    pub fn waited(&self) -> Duration {
        Duration::from_nanos(self.waited_nanos.load(Ordering::Relaxed))
    }

    /// The cached robots.txt answer, or `fetch`'s fresh one when none is cached or it expired.
    pub async fn robots<F, Fut>(&self, fetch: F) -> Robots
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Robots>,
    {
        let mut cached = self.robots.lock().await;
        if let Some((expires, robots)) = cached.as_ref()
            && Instant::now() < *expires
        {
            return robots.clone();
        }
        let robots = fetch().await;
        let ttl = match robots {
            Robots::DisallowAll(_) => ROBOTS_ERROR_TTL,
            _ => ROBOTS_TTL,
        };
        *cached = Some((Instant::now() + ttl, robots.clone()));
        robots
    }
}

/// Every host this process crawls, with its limits.
#[derive(Default)]
pub struct Hosts {
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl Hosts {
    /// The state of `host`, created with the profile's limits on first use.
    pub fn get(&self, host: &str, profile: &Profile) -> Arc<Host> {
        let mut hosts = self.hosts.lock().expect("hosts lock");
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                if !profile.respect_robots {
                    tracing::warn!(site = %profile.id, host, "the profile overrides robots.txt for this host");
                }
                Arc::new(Host::new(profile.requests_per_second, profile.max_connections))
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(requests_per_second: f64) -> Rate {
        Rate::per_second(requests_per_second).unwrap()
    }

    #[tokio::test]
    async fn a_rate_below_one_a_second_spaces_requests_by_its_period() {
        let host = Host::new(rate(0.8), 1);
        let start = Instant::now();
        drop(host.permit().await);
        drop(host.permit().await);
        // The second request waits a whole period of 1.25 s, not the second of a rate
        // rounded up to one.
        assert!(
            start.elapsed() >= Duration::from_millis(1200),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn requests_are_spaced_by_the_rate_limit() {
        let host = Host::new(rate(20.0), 4);
        let start = Instant::now();
        for _ in 0..11 {
            drop(host.permit().await);
        }
        // Eleven requests at 20 a second with a burst of one take at least half a second.
        assert!(
            start.elapsed() >= Duration::from_millis(450),
            "{:?}",
            start.elapsed()
        );
        assert!(host.waited() >= Duration::from_millis(400));
    }

    #[tokio::test]
    async fn connections_are_capped() {
        let host = Arc::new(Host::new(rate(1000.0), 2));
        let a = host.permit().await;
        let _b = host.permit().await;
        let third = {
            let host = host.clone();
            tokio::spawn(async move { drop(host.permit().await) })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished(), "a third connection was allowed");
        drop(a);
        third.await.unwrap();
    }

    #[tokio::test]
    async fn robots_rules_and_outages() {
        let robot =
            texting_robots::Robot::new("epaper", b"User-agent: *\nDisallow: /private/\n").unwrap();
        let robots = Robots::Rules(Arc::new(robot));
        assert!(robots.allows("http://paper.test/html/node_1.htm").is_ok());
        assert!(robots.allows("http://paper.test/private/x.htm").is_err());
        assert!(
            Robots::DisallowAll("HTTP 503".into())
                .allows("http://paper.test/")
                .is_err()
        );
        let host = Host::new(rate(10.0), 1);
        let first = host.robots(|| async { Robots::AllowAll }).await;
        assert!(matches!(first, Robots::AllowAll));
        // Cached: the second fetch is not called.
        let second = host.robots(|| async { panic!("fetched twice") }).await;
        assert!(matches!(second, Robots::AllowAll));
    }
}
