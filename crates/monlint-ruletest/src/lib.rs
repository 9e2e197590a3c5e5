//! promtool-compatible rule unit tests: `monlint test rules`.
//!
//! [`run_test_file`] reads a promtool test file, loads the rule files it names (through
//! [`Files`], so the caller does the IO), replays the input series step by step with the
//! rule manager's semantics, and returns promtool's exact error texts; [`promtool_output`]
//! lays them out as promtool prints them for the targeted version.

pub mod gofmt;
mod groups;
mod human;
mod jsondiff;
mod junit;
mod rules;
mod runner;
pub mod testfile;

use monlint_core::Version;

pub use human::human_report;
pub use junit::{JunitSuite, junit_xml};
pub use runner::{
    ComparedAlert, ComparedSample, FailedComparison, FileResult, Files, Mismatch, RuleCoverage,
    RunOptions, labels_text, run_test_file,
};

/// Which stream a piece of output goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What promtool prints for one file, in order.
pub fn promtool_output(result: &FileResult, version: Version) -> Vec<(Stream, String)> {
    let mut out = Vec::new();
    if version < Version::new(2, 55) {
        out.push((Stream::Stdout, format!("Unit Testing:  {}\n", result.path)));
    }
    for notice in &result.notices {
        out.push((Stream::Stderr, format!("{notice}\n")));
    }
    if result.errors.is_empty() {
        out.push((Stream::Stdout, "  SUCCESS\n".to_owned()));
    } else {
        out.push((Stream::Stderr, "  FAILED:\n".to_owned()));
        for error in &result.errors {
            out.push((Stream::Stderr, format!("{error}\n")));
            out.push((Stream::Stdout, "\n".to_owned()));
        }
    }
    out.push((Stream::Stdout, "\n".to_owned()));
    out
}
