//! `epaper sites`: the site profiles (`sites.dir` with the bundled ones), one a line, each with
//! where it came from.

use epaper_common::config::Settings;
use epaper_common::sites::Sites;

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let sites = Sites::load(&settings.sites)?;
    for site in sites.all() {
        let profile = &site.profile;
        println!(
            "{:<14} {:<10} {:<16} {} ({})",
            profile.id,
            profile.name,
            format!("{:?}", profile.schedule).to_lowercase(),
            profile
                .base_url
                .as_deref()
                .unwrap_or("(base URL given at run time)"),
            site.source
        );
    }
    Ok(())
}
