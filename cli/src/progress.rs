//! Progress for long commands, on a terminal only: a bar when the total is known, a spinner
//! with a count when it is not. When stderr is not a terminal (piped, CI, a supervisor) the
//! bar is hidden and the commands print exactly what they print without it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

fn visible() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar of `len` steps, e.g. `bar(n_dates, "issues enqueued")`.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    if !visible() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({elapsed})")
            .expect("valid template"),
    );
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A spinner counting steps of unknown total, e.g. `spinner("articles exported")`.
pub fn spinner(what: &str) -> ProgressBar {
    if !visible() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {pos} {msg} ({elapsed}, {per_sec})")
            .expect("valid template"),
    );
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
