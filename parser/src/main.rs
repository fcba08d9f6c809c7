//! `epaper-parser`: consumes the parse queue, publishes parsed documents to the index queue.

use std::sync::Arc;

use epaper_common::Stage;
use epaper_parser::service::ParseStage;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    epaper_common::service::main(Stage::Parse, |settings| async move {
        Ok(Arc::new(ParseStage::from_settings(&settings)))
    })
    .await
}
