//! How a command that processes issues ends, for scripts and schedulers: exit status 0 when
//! it did all it was asked (`run`: every issue of its range archived or without an issue that
//! day), [`INCOMPLETE`] when it ran but left part undone (`run`: some issue ended `partial` or
//! `failed`; `enqueue`, `replay`: some requests not sent; `schedule --once`: requests not sent
//! or issues reported; `import`: some records or files refused), 1 when it could not run, 2 for
//! a command line or configuration it could not take. README, "Exit status", lists them.

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

/// A command that ran but left part of its work undone, said in a line: `enqueue` and
/// `replay` stopped at a request the broker refused (what was not sent is named), `schedule
/// --once` could not send some requests or reported issues. The binary exits with
/// [`INCOMPLETE`].
#[derive(Debug)]
pub struct Unfinished(pub String);

impl fmt::Display for Unfinished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unfinished {}

/// Requests an enqueue did not send: the broker (or the in-process queue) refused the first of
/// them, and the enqueue stopped there rather than hammer a broker that refuses. The issues
/// before it were sent and marked; these were not, and are not marked.
#[derive(Debug)]
pub struct NotSent {
    pub n_sent: usize,
    pub unsent: Vec<(String, NaiveDate)>,
    /// Why the first was refused, as the broker said it.
    pub cause: String,
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.unsent.len();
        write!(
            f,
            "{} of {} issues enqueued; {n} not sent ({}):",
            self.n_sent,
            self.n_sent + n,
            self.cause
        )?;
        for (site, date) in self.unsent.iter().take(10) {
            write!(f, " {site} {date};")?;
        }
        if n > 10 {
            write!(f, " …")?;
        }
        f.write_str(" run the command again to send them")
    }
}

impl std::error::Error for NotSent {}

/// The exit status of a command's error: [`INCOMPLETE`] for [`Incomplete`],
/// [`Unfinished`], [`NotSent`] and [`Rejected`], 1 (could not run) for every other.
pub fn exit_status(error: &anyhow::Error) -> u8 {
    if error.is::<Incomplete>()
        || error.is::<Unfinished>()
        || error.is::<NotSent>()
        || error.is::<Rejected>()
    {
        INCOMPLETE
    } else {
        1
    }
}
