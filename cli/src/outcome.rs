//! How a command that processes issues ends, for scripts and schedulers: exit status 0 when
//! every issue of its range was archived or had none that day, [`INCOMPLETE`] when it ran but
//! some issue ended `partial` or `failed` (or, for `epaper import`, some records or files were
//! refused), 1 when it could not run, 2 for a command line or configuration it could not take.
//! README, "Exit status", lists them.

use std::fmt;

use chrono::NaiveDate;
use epaper_indexer::IssueState;

/// The exit status of a run that ran but left issues `partial` or `failed`.
pub const INCOMPLETE: u8 = 3;

/// The issues a run left `partial` or `failed`: returned as the command's error so that the
/// binary exits with [`INCOMPLETE`].
#[derive(Debug)]
pub struct Incomplete(pub Vec<(String, NaiveDate, IssueState)>);

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} issue{} incomplete:", if n == 1 { "" } else { "s" })?;
        for (site, date, state) in self.0.iter().take(10) {
            write!(f, " {site} {date} {state};")?;
        }
        if n > 10 {
            write!(f, " …")?;
        }
        f.write_str(" `epaper replay --state partial` (or failed) tries them again")
    }
}

impl std::error::Error for Incomplete {}

/// What an import refused: returned as the command's error so that the binary exits with
/// [`INCOMPLETE`].
#[derive(Debug)]
pub struct Rejected {
    pub n_records: u64,
    pub n_files: usize,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} record{} refused and {} file{} unreadable (the log names each, with its offset)",
            self.n_records,
            if self.n_records == 1 { "" } else { "s" },
            self.n_files,
            if self.n_files == 1 { "" } else { "s" },
        )
    }
}

impl std::error::Error for Rejected {}

/// The exit status an error of a command stands for: [`INCOMPLETE`] for work that ran but is
/// not all done, 1 otherwise.
pub fn exit_status(error: &anyhow::Error) -> u8 {
    if error.is::<Incomplete>() || error.is::<Rejected>() {
        INCOMPLETE
    } else {
        1
    }
}
