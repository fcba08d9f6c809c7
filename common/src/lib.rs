//! What the epaper stages share, and nothing else: configuration, telemetry, wire messages,
//! broker plumbing, the transport seam, site profiles, shutdown and error kinds.

pub mod broker;
pub mod config;
pub mod error;
pub mod http;
pub mod messages;
pub mod service;
pub mod settle;
pub mod shutdown;
pub mod sites;
pub mod telemetry;
pub mod transport;

pub use error::StageError;
pub use messages::{Message, Stage};
