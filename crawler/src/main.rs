//! `epaper-crawler`: consumes the crawl queue; publishes fetched documents to the parse queue
//! and issue manifests to the index queue.

use epaper_common::Stage;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    epaper_common::service::main(Stage::Crawl, |settings| async move {
        Ok(epaper_crawler::stage(&settings)?)
    })
    .await
}
