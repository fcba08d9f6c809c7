//! `epaper sites`: the bundled site profiles, one a line.

use epaper_common::sites;

pub fn run() {
    for profile in sites::all() {
        println!(
            "{:<14} {:<10} {:<16} {}",
            profile.id,
            profile.name,
            format!("{:?}", profile.schedule).to_lowercase(),
            profile
                .base_url
                .as_deref()
                .unwrap_or("(base URL given at run time)")
        );
    }
}
