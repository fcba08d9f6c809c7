//! `epaper migrate`: the database schema and the broker topology.

use epaper_common::config::{Settings, redact_url};

use crate::connect::{open_broker, open_store};

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let url = &settings.database.url;
    let store = open_store(url, 2).await?;
    store.migrate().await?;
    store.close().await;
    println!("database {} migrated", redact_url(url));
    let broker = open_broker(&settings.amqp).await?;
    broker.declare_topology().await?;
    broker.close().await;
    println!(
        "queues {}.{{crawl,parse,index}} and their dead-letter queues declared on {}",
        settings.amqp.queue_prefix,
        redact_url(&settings.amqp.url)
    );
    Ok(())
}
