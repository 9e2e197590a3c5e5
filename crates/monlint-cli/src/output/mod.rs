//! Output formats: each is one [`Emitter`] that writes a run's [`Report`] to a stream.
//! The large formats (human, JSON, GitHub) write finding by finding, so a run with
//! hundreds of thousands of findings never holds its whole output in memory.

mod checkstyle;
mod github;
mod human;
mod json;
mod sarif;

use std::collections::BTreeMap;
use std::io::{self, Write};

use clap::ValueEnum;
use monlint_core::{Diagnostic, Severity, SourceFile, Sources};
use monlint_lint::{FileReport, Skip, SkipReason};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Source snippets with the finding underlined, then a summary.
    Human,
    /// One JSON document: `{"diagnostics": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code scanning (rules metadata, stable fingerprints).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`), shown as annotations.
    Github,
    /// Checkstyle XML, read by many CI systems and editors.
    Checkstyle,
}

/// One output format.
pub trait Emitter {
    fn emit(&self, report: &Report, sources: &Sources, out: &mut dyn Write) -> io::Result<()>;
}

impl Format {
    pub fn emitter(self, color: bool) -> Box<dyn Emitter> {
        match self {
            Format::Human => Box::new(human::Human { color }),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Github => Box::new(github::Github),
            Format::Checkstyle => Box::new(checkstyle::Checkstyle),
        }
    }
}

/// Everything a run found, in the order it is shown.
pub struct Report {
    reports: Vec<FileReport>,
    diagnostics: Vec<Diagnostic>,
    /// Per file: named on the command line.
    explicit: Vec<bool>,
    verbose: bool,
}

#[derive(Default)]
pub struct Counts {
    pub files_checked: usize,
    pub files_skipped: usize,
    /// The skipped files, by reason, in the order of [`SkipReason`].
    pub skipped_by_reason: BTreeMap<SkipReason, usize>,
    /// Unit-test and routing-test files: read for the checks across files, run by
    /// `monlint test`.
    pub test_files: usize,
    pub rules: usize,
    /// Dashboard files among the checked ones.
    pub dashboard_files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    /// Gathers the files' findings, keeping those at `min_severity` or above, in stable order.
    /// `explicit` says, per file, whether it was named on the command line; `verbose`
    /// shows every skipped file, not only those.
    pub fn new(
        mut reports: Vec<FileReport>,
        explicit: &[bool],
        min_severity: Severity,
        verbose: bool,
    ) -> Self {
        let mut diagnostics: Vec<Diagnostic> = reports
            .iter_mut()
            .flat_map(|r| std::mem::take(&mut r.diagnostics))
            .filter(|d| d.severity >= min_severity)
            .collect();
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Report {
            reports,
            diagnostics,
            explicit: explicit.to_vec(),
            verbose,
        }
    }

    /// The skipped files to name one by one, with their index among the files: templates
    /// and configuration not checked yet (monitoring config the run did not cover),
    /// unreadable files and broken links, files named on the command line, and every
    /// skipped file with `--verbose`.
    pub fn skipped_to_show(&self) -> impl Iterator<Item = (usize, &Skip)> {
        self.reports
            .iter()
            .enumerate()
            .filter_map(|(index, report)| report.skip.as_ref().map(|skip| (index, skip)))
            .filter(|(index, skip)| {
                self.verbose
                    || self.explicit.get(*index) == Some(&true)
                    || matches!(
                        skip.reason,
                        SkipReason::Template
                            | SkipReason::NotCheckedYet
                            | SkipReason::BrokenLink
                            | SkipReason::Unreadable
                    )
            })
    }

    /// The files that could not be read, with their index and why: errors, in every format.
    pub fn unreadable(&self) -> impl Iterator<Item = (usize, &Skip)> {
        self.skipped_to_show()
            .filter(|(_, skip)| skip.reason == SkipReason::Unreadable)
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn files(&self) -> &[FileReport] {
        &self.reports
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for report in &self.reports {
            if report.kind.is_checked() {
                counts.files_checked += 1;
                counts.rules += report.rule_count;
                if report.kind == monlint_lint::FileKind::Dashboard {
                    counts.dashboard_files += 1;
                }
            } else if matches!(
                report.kind,
                monlint_lint::FileKind::RuleTests | monlint_lint::FileKind::RoutingTests
            ) {
                counts.test_files += 1;
            } else {
                counts.files_skipped += 1;
                if let Some(skip) = &report.skip {
                    *counts.skipped_by_reason.entry(skip.reason).or_default() += 1;
                }
            }
        }
        for diagnostic in &self.diagnostics {
            match diagnostic.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}

/// The 1-based start and exclusive end position of a diagnostic's primary span.
pub struct Position<'a> {
    pub file: &'a SourceFile,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

pub fn position<'a>(diagnostic: &Diagnostic, sources: &'a Sources) -> Position<'a> {
    let file = sources.get(diagnostic.primary.file);
    let (start, end) = file.span_positions(diagnostic.primary.span);
    Position {
        file,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The message with its help, for formats that have one text field.
pub fn full_message(diagnostic: &Diagnostic) -> String {
    match &diagnostic.help {
        Some(help) => format!("{} (help: {help})", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

/// Where each check's documentation is published.
pub fn help_uri(check_name: &str) -> String {
    format!(
        "{}/blob/main/docs/checks.md#{check_name}",
        env!("CARGO_PKG_REPOSITORY")
    )
}
