//! End-to-end tests: the real `epaper`, `epaper-crawler`, `epaper-parser` and `epaper-indexer`
//! binaries against the sample site, a fresh PostgreSQL database and randomly named RabbitMQ
//! queues. Nothing here is mocked.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 (trust auth; override the admin URL with
//! `EPAPER_TEST_PG_ADMIN`) and RabbitMQ on 127.0.0.1:5672 (`EPAPER_TEST_AMQP`).

mod api;
mod api_schema;
mod browser;
mod console;
mod families;
mod media;
mod onboard;
mod pipeline;
mod reader;
mod schedule;
mod services;
mod support;
mod warc;
