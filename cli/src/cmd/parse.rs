//! `epaper parse --url URL FILE`: one saved document through the parser, printed as contract 1
//! JSON.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the document was served from.
    #[arg(long)]
    url: String,
    file: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let file = &args.file;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let record = epaper_parser::parse(&args.url, &bytes, None)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &record)?;
    writeln!(stdout)?;
    Ok(())
}
