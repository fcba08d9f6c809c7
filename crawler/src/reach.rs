//! Where a fetch may go: the site's origins (host and port) and the addresses its profile may
//! reach, checked before every request (the admission check); names are checked again by the
//! HTTP client's resolver when it connects (`address.rs`).

use std::sync::Arc;

use crate::address::{AddressPolicy, Lookup, Purpose, SystemLookup};

/// The origins (host and port) a site serves from: its entry URL's, and its extra hosts'. A
/// default port stands for both (80 and 443), so a site may move between http and https; any
/// other port must be the one named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Origins(Vec<(String, u16)>);

impl Origins {
    /// The origins of a site whose issue starts at `entry`, plus `extra_hosts` (`host` or
    /// `host:port`, as a profile's `extra_hosts` lists them).
    pub fn of(entry: &url::Url, extra_hosts: &[String]) -> Result<Origins, String> {
        let mut origins = Origins::default();
        origins.add(entry)?;
        for extra in extra_hosts {
            let url = url::Url::parse(&format!("http://{extra}"))
                .map_err(|error| format!("extra host {extra:?}: {error}"))?;
            origins.add(&url)?;
        }
        Ok(origins)
    }

    fn add(&mut self, url: &url::Url) -> Result<(), String> {
        let host = url.host_str().ok_or("a URL without a host")?.to_string();
        let port = url.port_or_known_default().ok_or("a URL without a port")?;
        let ports: &[u16] = if port == 80 || port == 443 {
            &[80, 443]
        } else {
            &[port]
        };
        for port in ports {
            self.0.push((host.clone(), *port));
        }
        Ok(())
    }

    /// `Err` with the reason when `url` is not on one of these origins (or not http/https).
    pub fn check(&self, url: &url::Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{} is not an http or https URL", url.scheme()));
        }
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(0);
        if self.0.iter().any(|(h, p)| h == host && *p == port) {
            Ok(())
        } else if self.0.iter().any(|(h, _)| h == host) {
            Err(format!("port {port} of {host} is not a port of this site"))
        } else {
            Err(format!("{host} is another host, not one of this site's"))
        }
    }
}

/// Where a fetcher may go: its site's origins and the addresses its profile may reach.
#[derive(Clone)]
pub struct Reach {
    pub origins: Origins,
    pub policy: AddressPolicy,
    /// How names are resolved, for the admission check and for connections.
    pub lookup: Arc<dyn Lookup>,
}

impl Reach {
    pub fn new(origins: Origins, policy: AddressPolicy) -> Reach {
        Reach {
            origins,
            policy,
            lookup: Arc::new(SystemLookup),
        }
    }

    /// Origin, then address (literal, or the name's current answer): the admission check.
    pub(crate) async fn check(&self, url: &url::Url) -> Result<(), Admission> {
        self.origins.check(url).map_err(Admission::Refused)?;
        self.policy
            .check_host(url.host())
            .map_err(Admission::Refused)?;
        if let Some(url::Host::Domain(name)) = url.host() {
            let addresses =
                self.lookup
                    .lookup(name, Purpose::Admission)
                    .await
                    .map_err(|error| {
                        Admission::Unresolved(format!("cannot resolve {name}: {error}"))
                    })?;
            if addresses.is_empty() {
                return Err(Admission::Unresolved(format!("{name} has no address")));
            }
            self.policy
                .filter(name, addresses)
                .map_err(|refused| Admission::Refused(refused.to_string()))?;
        }
        Ok(())
    }
}

/// Why a URL was not admitted.
pub(crate) enum Admission {
    /// The profile may not reach it: no retry changes that.
    Refused(String),
    /// Its host name did not resolve: a name that does not resolve now may in a minute.
    Unresolved(String),
}
