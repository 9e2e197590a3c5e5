//! Output formats: each turns one report into bytes.

use clap::ValueEnum;
use monlint_core::render::render_human;
use monlint_core::{Diagnostic, Severity, Sources};
use monlint_lint::FileReport;
use serde_json::json;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Source snippets with the finding underlined, then a summary.
    Human,
    /// One JSON document: `{"diagnostics": [...], "summary": {...}}`.
    Json,
}

/// Everything a run found, in the order it is shown.
pub struct Report {
    reports: Vec<FileReport>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Default)]
struct Counts {
    files_checked: usize,
    files_skipped: usize,
    rules: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Report {
    pub fn new(mut reports: Vec<FileReport>) -> Self {
        let mut diagnostics: Vec<Diagnostic> = reports
            .iter_mut()
            .flat_map(|r| std::mem::take(&mut r.diagnostics))
            .collect();
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Report {
            reports,
            diagnostics,
        }
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter()
    }

    fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for report in &self.reports {
            if report.kind.is_checked() {
                counts.files_checked += 1;
                counts.rules += report.rule_count;
            } else {
                counts.files_skipped += 1;
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

    pub fn render(&self, format: Format, sources: &Sources, color: bool) -> Vec<u8> {
        match format {
            Format::Human => self.human(sources, color),
            Format::Json => self.json(sources),
        }
    }

    fn human(&self, sources: &Sources, color: bool) -> Vec<u8> {
        let mut out = render_human(&self.diagnostics, sources, color);
        let counts = self.counts();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let checked = format!(
            "{} ({}) checked",
            plural(counts.files_checked, "file"),
            plural(counts.rules, "rule")
        );
        let skipped = if counts.files_skipped > 0 {
            format!(
                ", {} skipped (not a rule file)",
                plural(counts.files_skipped, "file")
            )
        } else {
            String::new()
        };
        let findings = if self.diagnostics.is_empty() {
            "no findings".to_owned()
        } else {
            format!(
                "{}, {}, {}",
                plural(counts.errors, "error"),
                plural(counts.warnings, "warning"),
                plural(counts.infos, "info")
            )
        };
        out.extend_from_slice(format!("{checked}{skipped}: {findings}.\n").as_bytes());
        out
    }

    fn json(&self, sources: &Sources) -> Vec<u8> {
        let diagnostics: Vec<_> = self
            .diagnostics
            .iter()
            .map(|d| {
                let file = sources.get(d.primary.file);
                let (start, end) = file.span_positions(d.primary.span);
                let mut value = json!({
                    "path": file.path,
                    "line": start.line,
                    "column": start.column,
                    "end_line": end.line,
                    "end_column": end.column,
                    "code": d.check.code,
                    "name": d.check.name,
                    "category": d.check.category.as_str(),
                    "severity": d.severity.as_str(),
                    "message": d.message,
                });
                if let Some(help) = &d.help {
                    value["help"] = json!(help);
                }
                value
            })
            .collect();
        let counts = self.counts();
        let files: Vec<_> = sources
            .iter()
            .zip(&self.reports)
            .map(|((_, file), report)| json!({"path": file.path, "kind": report.kind.as_str(), "rules": report.rule_count}))
            .collect();
        let document = json!({
            "diagnostics": diagnostics,
            "summary": {
                "files_checked": counts.files_checked,
                "files_skipped": counts.files_skipped,
                "rules": counts.rules,
                "errors": counts.errors,
                "warnings": counts.warnings,
                "infos": counts.infos,
                "files": files,
            },
        });
        let mut out = serde_json::to_vec_pretty(&document).unwrap_or_default();
        out.push(b'\n');
        out
    }
}
