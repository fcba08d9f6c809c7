//! `epaper`: the operator CLI. Flags in, one command run, exit status out; the commands are in
//! the library ([`epaper::cmd`]) so tests run the same code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use epaper::cmd::Command;
use epaper::outcome::{INCOMPLETE, exit_status};
use epaper_common::config::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "epaper",
    version,
    about = "archive Chinese digital newspapers (数字报): every issue, page and article"
)]
struct Cli {
    /// A TOML file layered over config/default.toml (then EPAPER__SECTION__KEY variables).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    epaper_common::telemetry::init(&settings.telemetry);
    match cli.command.run(&settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if exit_status(&error) == INCOMPLETE => {
            eprintln!("error: {error}");
            ExitCode::from(INCOMPLETE)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
