//! monlint's own JSON: `{"diagnostics": [...], "summary": {...}}`, 1-based positions,
//! end positions exclusive.

use monlint_core::Sources;
use serde_json::json;

use super::{Emitter, Report, position};

pub struct Json;

impl Emitter for Json {
    fn emit(&self, report: &Report, sources: &Sources) -> Vec<u8> {
        let diagnostics: Vec<_> = report
            .diagnostics()
            .iter()
            .map(|d| {
                let at = position(d, sources);
                let mut value = json!({
                    "path": at.file.path,
                    "line": at.line,
                    "column": at.column,
                    "end_line": at.end_line,
                    "end_column": at.end_column,
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
        let counts = report.counts();
        let files: Vec<_> = sources
            .iter()
            .zip(report.files())
            .map(|((_, file), report)| json!({"path": file.path, "kind": report.kind.as_str(), "rules": report.rule_count}))
            .collect();
        let document = json!({
            "diagnostics": diagnostics,
            "summary": {
                "files_checked": counts.files_checked,
                "files_skipped": counts.files_skipped,
                "test_files": counts.test_files,
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
