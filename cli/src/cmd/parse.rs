//! `epaper parse --url URL FILE`: one saved document through the parser, printed as contract 1
//! JSON. With `--site`, as a document of that paper: a paper of the `selectors` layout is read
//! by its `[selectors]` table, so a table being written can be tried on saved pages.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use epaper_common::config::Settings;
use epaper_common::sites::Sites;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the document was served from.
    #[arg(long)]
    url: String,
    /// The paper's profile (`epaper sites` lists them): its `[selectors]` when it has them, of
    /// the era of the date the URL names (else the current one).
    #[arg(long)]
    site: Option<String>,
    file: PathBuf,
}

pub fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let file = &args.file;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    // Loaded only when asked for: without --site the command needs no profiles.
    let sites = args
        .site
        .is_some()
        .then(|| Sites::load(&settings.sites))
        .transpose()?;
    let profile = match (&sites, args.site.as_deref()) {
        (Some(sites), Some(id)) => Some(sites.get(id)?),
        _ => None,
    };
    let custom = profile.and_then(|profile| {
        let date = profile.date_in_url(&args.url);
        match date {
            Some(date) => profile.edition(date).selectors,
            None => profile.selectors.as_ref(),
        }
    });
    let record = epaper_parser::parse_with(&args.url, &bytes, None, custom)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &record)?;
    writeln!(stdout)?;
    Ok(())
}
