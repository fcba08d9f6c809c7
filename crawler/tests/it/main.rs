//! The crawl stage end to end, against a small classic-Founder e-paper served from 127.0.0.1.
//!
//! Every test builds its own site: a table from path to `Reply`, so one article can misbehave
//! (fail, redirect, overflow, break off) while the rest of the issue is served normally. The
//! server counts requests per path and query, which is how the tests see what the crawler asked
//! for, and how often.
//!
//! One test binary, its tests by theme: the stage as a whole ([`crawl`]), a single fetch's
//! retries and caps ([`fetch`]), robots.txt ([`politeness`]), which hosts, ports and addresses
//! a crawl may reach ([`addresses`]), following 上一期 / 下一期 ([`follow`]), lists of issue days
//! ([`calendar`]) and the read.do month index, the only way into such a paper ([`read_do`]); the site, the
//! paper and the helpers they share are in [`support`].

mod addresses;
mod calendar;
mod crawl;
mod fetch;
mod follow;
mod politeness;
mod read_do;
mod refresh;
mod support;
