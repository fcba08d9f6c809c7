//! The `epaper` operator CLI as a library, so that tests run the same code as the binary.
//!
//! It is a crate of its own because it is the one place that depends on every stage: the
//! embedded mode wires crawler, parser and indexer together, and the sample site is a tool for
//! operators and tests, not part of any stage.

pub mod cmd;
pub mod connect;
pub mod console;
pub mod embedded;
pub mod enqueue;
mod html;
pub mod onboard;
pub mod outcome;
pub mod plan;
pub mod progress;
pub mod sample;
pub mod schedule;
pub mod status;
pub mod warc;
