//! monlint's own JSON: `{"diagnostics": [...], "summary": {...}}`, 1-based positions,
//! end positions exclusive. Keys are in alphabetical order, and findings are serialized
//! one at a time straight to the output.

use std::collections::BTreeMap;
use std::io::{self, Write};

use monlint_core::{Diagnostic, Sources};
use serde::ser::{Serialize, Serializer};

use super::{Emitter, Report, position};

pub struct Json;

#[derive(serde::Serialize)]
struct Document<'a> {
    diagnostics: Findings<'a>,
    summary: Summary<'a>,
}

/// The findings, turned into [`Finding`]s as the serializer asks for them.
struct Findings<'a> {
    diagnostics: &'a [Diagnostic],
    sources: &'a Sources,
}

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.diagnostics.iter().map(|d| {
            let at = position(d, self.sources);
            Finding {
                category: d.check.category.as_str(),
                code: d.check.code,
                column: at.column,
                end_column: at.end_column,
                end_line: at.end_line,
                help: d.help.as_deref(),
                line: at.line,
                message: &d.message,
                name: d.check.name,
                path: &at.file.path,
                severity: d.severity.as_str(),
            }
        }))
    }
}

#[derive(serde::Serialize)]
struct Finding<'a> {
    category: &'a str,
    code: &'a str,
    column: u32,
    end_column: u32,
    end_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    line: u32,
    message: &'a str,
    name: &'a str,
    path: &'a str,
    severity: &'a str,
}

#[derive(serde::Serialize)]
struct Summary<'a> {
    errors: usize,
    files: Vec<FileSummary<'a>>,
    files_checked: usize,
    files_skipped: usize,
    /// Skipped files by reason ("template": 2); absent when none was skipped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    files_skipped_by_reason: BTreeMap<&'static str, usize>,
    infos: usize,
    rules: usize,
    test_files: usize,
    warnings: usize,
}

#[derive(serde::Serialize)]
struct FileSummary<'a> {
    kind: &'a str,
    path: &'a str,
    rules: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<Skipped>,
}

/// Why a file was not checked.
#[derive(serde::Serialize)]
struct Skipped {
    message: String,
    reason: &'static str,
}

impl Emitter for Json {
    fn emit(&self, report: &Report, sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
        let counts = report.counts();
        let files = sources
            .iter()
            .zip(report.files())
            .map(|((_, file), report)| FileSummary {
                kind: report.kind.as_str(),
                path: &file.path,
                rules: report.rule_count,
                skipped: report.skip.as_ref().map(|skip| Skipped {
                    message: skip.message(),
                    reason: skip.reason.as_str(),
                }),
            })
            .collect();
        let document = Document {
            diagnostics: Findings {
                diagnostics: report.diagnostics(),
                sources,
            },
            summary: Summary {
                errors: counts.errors,
                files,
                files_checked: counts.files_checked,
                files_skipped: counts.files_skipped,
                files_skipped_by_reason: counts
                    .skipped_by_reason
                    .iter()
                    .map(|(reason, n)| (reason.as_str(), *n))
                    .collect(),
                infos: counts.infos,
                rules: counts.rules,
                test_files: counts.test_files,
                warnings: counts.warnings,
            },
        };
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}
