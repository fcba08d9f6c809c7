//! Which addresses the crawler may connect to, decided where the connection is made.
//!
//! A host name is checked by the resolver the HTTP client connects with ([`PolicyResolver`]),
//! not by a lookup of its own beforehand: an answer that changes between a check and the
//! connection (DNS rebinding, or an ordinary DNS change) cannot slip through, because the
//! addresses checked are the addresses connected to. The client does not resolve an IP literal
//! (`http://127.0.0.1:8080/`), so the fetcher checks literals itself, for the first URL and for
//! every redirect hop ([`AddressPolicy::check_host`]).
//!
//! What must stay true: a real profile ([`AddressPolicy::PublicOnly`]) never connects to an
//! address in [`SPECIAL_V4`] / [`SPECIAL_V6`]; a test profile under `crawler.test_sites =
//! "loopback"` connects to loopback addresses only; an answer with no address left is a
//! permanent error naming the host and why.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use epaper_common::config::TestSites;
use epaper_common::sites::Profile;

/// Where one profile's fetches may connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressPolicy {
    /// Public unicast addresses only: every real profile.
    PublicOnly,
    /// 127.0.0.0/8 and ::1 only: a test profile under `crawler.test_sites = "loopback"`.
    LoopbackOnly,
    /// Anything: a test profile under `crawler.test_sites = "private"`.
    Any,
}

impl AddressPolicy {
    /// The policy of `profile` in a deployment with `test_sites`; `Err` when the deployment
    /// refuses the profile altogether.
    pub fn of(profile: &Profile, test_sites: TestSites) -> Result<AddressPolicy, String> {
        match (profile.test_site, test_sites) {
            (false, _) => Ok(AddressPolicy::PublicOnly),
            (true, TestSites::Off) => Err(format!(
                "site {} is a test profile and this deployment refuses test sites \
                 (crawler.test_sites = \"off\")",
                profile.id
            )),
            (true, TestSites::Loopback) => Ok(AddressPolicy::LoopbackOnly),
            (true, TestSites::Private) => Ok(AddressPolicy::Any),
        }
    }

    /// `Err` with the reason when `ip` may not be connected to.
    pub fn check(self, ip: IpAddr) -> Result<(), String> {
        match self {
            AddressPolicy::Any => Ok(()),
            AddressPolicy::LoopbackOnly if is_loopback(ip) => Ok(()),
            AddressPolicy::LoopbackOnly => Err(format!(
                "{ip} is not a loopback address; test profiles reach only 127.0.0.0/8 and ::1 \
                 (crawler.test_sites = \"loopback\")"
            )),
            AddressPolicy::PublicOnly => match special_range(ip) {
                None => Ok(()),
                Some(range) => Err(format!(
                    "{ip} is in {range}; the profile reaches public addresses only"
                )),
            },
        }
    }

    /// Checks the host of a URL when it is an IP literal (which no resolver sees); a name is
    /// checked by [`PolicyResolver`] when the connection is made.
    pub fn check_host(self, host: Option<url::Host<&str>>) -> Result<(), String> {
        match host {
            Some(url::Host::Ipv4(v4)) => self.check(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => self.check(IpAddr::V6(v6)),
            Some(url::Host::Domain(_)) => Ok(()),
            None => Err("no host".to_string()),
        }
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// IPv4 ranges that are not public unicast (RFC 6890 and the IANA special-purpose registry),
/// each written `network/length (name)`, a lone address standing for itself (/32). The range is
/// read from the text a refusal names it by, so the two cannot disagree.
pub const SPECIAL_V4: &[&str] = &[
    "0.0.0.0/8 (this network)",
    "10.0.0.0/8 (private)",
    "100.64.0.0/10 (carrier-grade NAT)",
    "127.0.0.0/8 (loopback)",
    "169.254.0.0/16 (link-local)",
    "172.16.0.0/12 (private)",
    "192.0.0.0/24 (IETF protocol assignments)",
    "192.0.2.0/24 (documentation)",
    "192.88.99.0/24 (6to4 relay anycast)",
    "192.168.0.0/16 (private)",
    "198.18.0.0/15 (benchmarking)",
    "198.51.100.0/24 (documentation)",
    "203.0.113.0/24 (documentation)",
    "224.0.0.0/4 (multicast)",
    "240.0.0.0/4 (reserved)",
    "255.255.255.255 (broadcast)",
];

/// IPv6 ranges that are not public unicast, written as [`SPECIAL_V4`] is (a lone address is a
/// /128). The ranges that embed an IPv4 address (::ffff:0:0/96, 64:ff9b::/96, 2002::/16) are
/// not here: the address they carry is checked instead (see [`embedded_v4`]).
pub const SPECIAL_V6: &[&str] = &[
    "::/128 (unspecified)",
    "::1 (loopback)",
    "::/96 (IPv4-compatible, deprecated)",
    "64:ff9b:1::/48 (local-use IPv4/IPv6 translation)",
    "100::/64 (discard-only)",
    "2001::/23 (IETF protocol assignments, Teredo)",
    "2001:db8::/32 (documentation)",
    "3fff::/20 (documentation)",
    "fc00::/7 (unique local)",
    "fe80::/10 (link-local)",
    "fec0::/10 (site-local, deprecated)",
    "ff00::/8 (multicast)",
];

/// The special range `ip` lies in, named; `None` for a public unicast address.
pub fn special_range(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => find_range(SPECIAL_V4, u32::from(v4).into(), 32).map(str::to_string),
        IpAddr::V6(v6) => {
            if let Some((carrier, v4)) = embedded_v4(v6) {
                return special_range(IpAddr::V4(v4)).map(|range| format!("{range} via {carrier}"));
            }
            let listed = find_range(SPECIAL_V6, u128::from(v6), 128).map(str::to_string);
            // Global unicast is 2000::/3 (RFC 4291); the rest is reserved or one of the ranges
            // above, never a newspaper's server.
            listed.or_else(|| {
                (u128::from(v6) >> 125 != 1)
                    .then(|| "an address outside 2000::/3 (not global unicast)".to_string())
            })
        }
    }
}

/// The first range of `table` ([`SPECIAL_V4`] or [`SPECIAL_V6`]) that holds `ip`, an address
/// of `width` bits (32 or 128).
fn find_range(table: &[&'static str], ip: u128, width: u8) -> Option<&'static str> {
    table.iter().copied().find(|range| {
        let (net, len) = network(range, width);
        in_prefix(ip, net, len, u32::from(width))
    })
}

/// The network and prefix length of a range as [`SPECIAL_V4`] and [`SPECIAL_V6`] write it. The
/// tables are constants, and the tests read every entry, so a malformed one cannot ship.
fn network(range: &str, width: u8) -> (u128, u8) {
    let cidr = range.split(' ').next().unwrap_or_default();
    let (address, len) = match cidr.split_once('/') {
        Some((address, len)) => (address, len.parse().expect("a prefix length")),
        None => (cidr, width),
    };
    let net = match address.parse().expect("an address") {
        IpAddr::V4(v4) if width == 32 => u128::from(u32::from(v4)),
        IpAddr::V6(v6) if width == 128 => u128::from(v6),
        _ => panic!("{range} is not a range of a {width}-bit address"),
    };
    (net, len)
}

/// The IPv4 address an IPv6 address carries, with the range that carries it: an IPv4-mapped
/// address, a NAT64 address of the well-known prefix, or a 6to4 address. Connecting to one of
/// those reaches (or is translated to) that IPv4 address, so it is what must be checked.
pub fn embedded_v4(v6: Ipv6Addr) -> Option<(&'static str, Ipv4Addr)> {
    let bits = u128::from(v6);
    let low32 = Ipv4Addr::from(bits as u32);
    if let Some(v4) = v6.to_ipv4_mapped() {
        Some(("::ffff:0:0/96 (IPv4-mapped)", v4))
    } else if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        Some(("64:ff9b::/96 (NAT64)", low32))
    } else if bits >> 112 == 0x2002 {
        Some(("2002::/16 (6to4)", Ipv4Addr::from((bits >> 80) as u32)))
    } else {
        None
    }
}

fn in_prefix(ip: u128, net: u128, len: u8, width: u32) -> bool {
    let len = u32::from(len);
    if len == 0 {
        return true;
    }
    let shift = width - len;
    ip >> shift == net >> shift
}

/// Why a name is looked up: the fetcher's admission check (an early, clear refusal before a
/// connection slot is taken) or the connection itself (the check that counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Admission,
    Connect,
}

/// Turns a host name into addresses; [`SystemLookup`] in production, a scripted answer in
/// tests (DNS rebinding is a name whose answer changes between the admission check and the
/// connection, which `purpose` lets a test stage without ever handing a connection anything
/// but a loopback address).
pub trait Lookup: Send + Sync {
    fn lookup(&self, host: &str, purpose: Purpose) -> LookupFuture;
}

pub type LookupFuture = Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;

/// The operating system's resolver (getaddrinfo on a blocking thread).
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str, _purpose: Purpose) -> LookupFuture {
        let host = host.to_string();
        Box::pin(async move {
            let addresses = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addresses.map(|address| address.ip()).collect())
        })
    }
}

/// Every address of a host name was refused: permanent, since asking again gives the same
/// answer (and a changing answer is what this guards against).
#[derive(Debug, thiserror::Error)]
#[error("{host}: no address the profile may reach ({reason})")]
pub struct AddressRefused {
    pub host: String,
    pub reason: String,
}

/// The HTTP client's resolver: resolves with `lookup`, drops every address `policy` refuses.
pub struct PolicyResolver {
    pub policy: AddressPolicy,
    pub lookup: Arc<dyn Lookup>,
}

impl reqwest::dns::Resolve for PolicyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let answer = self.lookup.lookup(&host, Purpose::Connect);
        let policy = self.policy;
        Box::pin(async move {
            let kept = policy.filter(&host, answer.await?)?;
            let addresses = kept.into_iter().map(|ip| SocketAddr::new(ip, 0));
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
                Box::new(addresses) as reqwest::dns::Addrs
            )
        })
    }
}

impl AddressPolicy {
    /// The addresses of `host` this policy allows; [`AddressRefused`] when none is left.
    pub fn filter(self, host: &str, addresses: Vec<IpAddr>) -> Result<Vec<IpAddr>, AddressRefused> {
        let mut refused = Vec::new();
        let mut kept = Vec::new();
        for ip in addresses {
            match self.check(ip) {
                Ok(()) => kept.push(ip),
                Err(reason) => refused.push(reason),
            }
        }
        if kept.is_empty() {
            let reason = if refused.is_empty() {
                "the name has no address".to_string()
            } else {
                refused.join("; ")
            };
            return Err(AddressRefused {
                host: host.to_string(),
                reason,
            });
        }
        if !refused.is_empty() {
            tracing::debug!(%host, refused = %refused.join("; "), "addresses dropped");
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every special range, with an address inside it (its first and last) and addresses just
    /// outside it (one before, one after), all refused or allowed as they should be.
    #[test]
    fn every_special_range_is_refused_and_its_neighbours_are_not() {
        let public = AddressPolicy::PublicOnly;
        let refused = |ip: IpAddr| public.check(ip).is_err();
        // The neighbour of one range can be the start of the next (10/8 ends where 11/8
        // starts, 192.0.0/24 touches 192.0.1/24 ...): a neighbour is only asserted public when
        // no range holds it.
        let listed = |ip: IpAddr| special_range(ip).is_some();
        for name in SPECIAL_V4 {
            let (net, len) = network(name, 32);
            let first = u32::try_from(net).unwrap();
            let last = first | (u32::MAX.checked_shr(u32::from(len)).unwrap_or(0));
            for inside in [first, last] {
                let ip = IpAddr::V4(Ipv4Addr::from(inside));
                assert!(refused(ip), "{ip} is inside {name}");
            }
            for outside in [first.checked_sub(1), last.checked_add(1)]
                .into_iter()
                .flatten()
            {
                let ip = IpAddr::V4(Ipv4Addr::from(outside));
                if find_range(SPECIAL_V4, outside.into(), 32).is_none() {
                    assert!(!refused(ip), "{ip} is just outside {name}");
                    assert!(!listed(ip));
                }
            }
        }
        for name in SPECIAL_V6 {
            let (first, len) = network(name, 128);
            let last = first | (u128::MAX.checked_shr(u32::from(len)).unwrap_or(0));
            for inside in [first, last] {
                let ip = IpAddr::V6(Ipv6Addr::from(inside));
                assert!(refused(ip), "{ip} is inside {name}");
            }
            for outside in [first.checked_sub(1), last.checked_add(1)]
                .into_iter()
                .flatten()
            {
                let ip = IpAddr::V6(Ipv6Addr::from(outside));
                let in_table = find_range(SPECIAL_V6, outside, 128).is_some();
                let global = outside >> 125 == 1;
                if !in_table && embedded_v4(Ipv6Addr::from(outside)).is_none() {
                    // Outside 2000::/3 a neighbour is still refused, as not global unicast.
                    assert_eq!(refused(ip), !global, "{ip} is just outside {name}");
                }
            }
        }
        // The ranges named in the brief that are cut out above, spelled out.
        for ip in [
            "0.1.2.3",
            "198.19.255.255",
            "240.0.0.1",
            "239.255.255.255",
            "255.255.255.255",
            "192.88.99.1",
            "::",
            "::1",
            "fec0::1",
            "2001:db8::1",
            "2001:1ff:ffff::1",
            "100::1",
            "ff02::1",
            "fe80::1",
            "fd12::1",
            "64:ff9b:1::a00:1",
        ] {
            assert!(refused(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "2001:200::1",
            "2001:4860:4860::8888",
            "2a00:1450::1",
        ] {
            assert!(!refused(ip.parse().unwrap()), "{ip}");
        }
    }

    /// Addresses that carry an IPv4 address are judged by it.
    #[test]
    fn an_embedded_ipv4_address_is_what_is_checked() {
        let public = AddressPolicy::PublicOnly;
        for (ip, carried_private) in [
            ("::ffff:10.0.0.1", true),
            ("::ffff:127.0.0.1", true),
            ("::ffff:8.8.8.8", false),
            ("64:ff9b::192.168.0.1", true),
            ("64:ff9b::169.254.169.254", true),
            ("64:ff9b::8.8.8.8", false),
            ("2002:7f00:1::1", true),   // 6to4 of 127.0.0.1
            ("2002:a9fe:a9fe::", true), // 6to4 of 169.254.169.254
            ("2002:808:808::1", false), // 6to4 of 8.8.8.8
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(public.check(ip).is_err(), carried_private, "{ip}");
        }
        let reason = public.check("2002:7f00:1::1".parse().unwrap()).unwrap_err();
        assert!(
            reason.contains("loopback") && reason.contains("6to4"),
            "{reason}"
        );
    }

    #[test]
    fn loopback_only_means_loopback_only() {
        let policy = AddressPolicy::LoopbackOnly;
        for ip in ["127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.1"] {
            assert!(policy.check(ip.parse().unwrap()).is_ok(), "{ip}");
        }
        for ip in [
            "10.0.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "fd00::1",
            "8.8.8.8",
            "0.0.0.0",
        ] {
            assert!(policy.check(ip.parse().unwrap()).is_err(), "{ip}");
        }
    }

    struct Fixed(Vec<IpAddr>);

    impl Lookup for Fixed {
        fn lookup(&self, _host: &str, _purpose: Purpose) -> LookupFuture {
            let answer = self.0.clone();
            Box::pin(async move { Ok(answer) })
        }
    }

    #[tokio::test]
    async fn the_resolver_drops_refused_addresses_and_names_an_empty_answer() {
        use reqwest::dns::Resolve;
        let resolver = |answer: &[&str]| PolicyResolver {
            policy: AddressPolicy::PublicOnly,
            lookup: Arc::new(Fixed(answer.iter().map(|ip| ip.parse().unwrap()).collect())),
        };
        let name = || "paper.example".parse::<reqwest::dns::Name>().unwrap();
        let kept: Vec<SocketAddr> = resolver(&["10.0.0.1", "8.8.8.8", "::1"])
            .resolve(name())
            .await
            .unwrap()
            .collect();
        assert_eq!(kept, vec!["8.8.8.8:0".parse().unwrap()]);
        let Err(error) = resolver(&["10.0.0.1", "127.0.0.1"]).resolve(name()).await else {
            panic!("a private-only answer was accepted");
        };
        let refused = error
            .downcast_ref::<AddressRefused>()
            .expect("AddressRefused");
        assert_eq!(refused.host, "paper.example");
        assert!(refused.reason.contains("10.0.0.0/8"), "{error}");
    }
}
