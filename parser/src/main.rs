//! `epaper-parser`: consumes the parse queue, publishes parsed documents to the index queue.

use std::sync::Arc;

use epaper_common::Stage;
use epaper_common::sites::Sites;
use epaper_parser::service::ParseStage;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    epaper_common::service::main(Stage::Parse, |settings| async move {
        // The profiles say which papers are read by their own `[selectors]`.
        let sites = Sites::load(&settings.sites)?;
        Ok(Arc::new(
            ParseStage::from_settings(&settings).with_sites(sites),
        ))
    })
    .await
}
