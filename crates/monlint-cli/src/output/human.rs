//! Codespan snippets, then a one-line summary.

use std::io::{self, Write};

use monlint_core::render::write_human;
use monlint_core::{FileId, Sources};
use monlint_lint::SkipReason;

use super::{Emitter, Report};

pub struct Human {
    pub color: bool,
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

impl Emitter for Human {
    fn emit(&self, report: &Report, sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
        write_human(out, report.diagnostics(), sources, self.color)?;
        let counts = report.counts();
        let dashboards = if counts.dashboard_files > 0 {
            format!(", {}", plural(counts.dashboard_files, "dashboard file"))
        } else {
            String::new()
        };
        let checked = format!(
            "{} ({}{dashboards}) checked",
            plural(counts.files_checked, "file"),
            plural(counts.rules, "rule")
        );
        let tests = if counts.test_files > 0 {
            format!(", {} read", plural(counts.test_files, "test file"))
        } else {
            String::new()
        };
        let skipped = if counts.files_skipped > 0 {
            let reasons: Vec<String> = counts
                .skipped_by_reason
                .iter()
                .map(|(reason, n)| reason.count(*n))
                .collect();
            format!(
                ", {} skipped ({})",
                plural(counts.files_skipped, "file"),
                reasons.join(", ")
            )
        } else {
            String::new()
        };
        for (index, skip) in report.skipped_to_show() {
            let path = &sources.get(FileId(index as u32)).path;
            let level = if skip.reason == SkipReason::Unreadable {
                "error"
            } else {
                "note"
            };
            writeln!(out, "{level}: {path}: {}", skip.message())?;
        }
        let findings = if report.diagnostics().is_empty() {
            "no findings".to_owned()
        } else {
            format!(
                "{}, {}, {}",
                plural(counts.errors, "error"),
                plural(counts.warnings, "warning"),
                plural(counts.infos, "info")
            )
        };
        writeln!(out, "{checked}{tests}{skipped}: {findings}.")
    }
}
