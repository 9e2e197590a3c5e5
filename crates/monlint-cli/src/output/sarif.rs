//! SARIF 2.1.0 for code scanning: every check as a rule (with its docs and help URI), every
//! finding as a result with a fingerprint that survives unrelated edits to the file.
//!
//! Written with serde_json rather than serde-sarif: that crate generates its types at build
//! time, which costs more compile time than the few objects written here.

use std::collections::HashMap;
use std::io::{self, Write};

use monlint_core::{Diagnostic, FileId, Severity, Sources};
use monlint_lint::registry::all_checks;
use serde_json::{Value, json};

use super::{Emitter, Report, help_uri, position};

pub struct Sarif;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// FNV-1a, 64 bits: stable across Rust releases and platforms, unlike std's hasher.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}

fn region(diagnostic_file: &monlint_core::SourceFile, span: monlint_core::Span) -> Value {
    let (start, end) = diagnostic_file.span_positions(span);
    json!({"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column})
}

impl Sarif {
    fn rules() -> Vec<Value> {
        all_checks()
            .iter()
            .map(|check| {
                json!({
                    "id": check.code,
                    "name": check.name,
                    "shortDescription": {"text": check.summary},
                    "fullDescription": {"text": check.summary},
                    "help": {"text": check.doc, "markdown": check.doc},
                    "helpUri": help_uri(check.name),
                    "defaultConfiguration": {"level": level(check.default_severity)},
                    "properties": {"category": check.category.as_str(), "tags": [check.category.as_str()]},
                })
            })
            .collect()
    }

    fn result(
        diagnostic: &Diagnostic,
        sources: &Sources,
        rule_index: usize,
        fingerprint: String,
    ) -> Value {
        let at = position(diagnostic, sources);
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message = format!("{message}\nhelp: {help}");
        }
        let related: Vec<Value> = diagnostic
            .secondary
            .iter()
            .enumerate()
            .map(|(index, label)| {
                let file = sources.get(label.file);
                json!({
                    "id": index,
                    "message": {"text": label.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&file.path)},
                        "region": region(file, label.span),
                    },
                })
            })
            .collect();
        let mut result = json!({
            "ruleId": diagnostic.check.code,
            "ruleIndex": rule_index,
            "level": level(diagnostic.severity),
            "message": {"text": message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&at.file.path)},
                    "region": region(at.file, diagnostic.primary.span),
                },
            }],
            "partialFingerprints": {"monlintFingerprint/v1": fingerprint},
        });
        if !related.is_empty() {
            result["relatedLocations"] = Value::Array(related);
        }
        result
    }
}

impl Emitter for Sarif {
    fn emit(&self, report: &Report, sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
        let rule_index: HashMap<&str, usize> = all_checks()
            .iter()
            .enumerate()
            .map(|(index, check)| (check.code, index))
            .collect();
        // A fingerprint hashes what the finding is about (check, file, the text under the span),
        // not where it is, so inserting lines above it keeps it; identical findings are told
        // apart by their order.
        let mut seen: HashMap<u64, usize> = HashMap::new();
        let results: Vec<Value> = report
            .diagnostics()
            .iter()
            .map(|diagnostic| {
                let file = sources.get(diagnostic.primary.file);
                let snippet = file
                    .text
                    .get(diagnostic.primary.span.range())
                    .unwrap_or_default();
                let normalized: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
                let base = fnv1a(&[diagnostic.check.code, &file.path, &normalized]);
                let occurrence = seen.entry(base).or_default();
                *occurrence += 1;
                let fingerprint = format!("{base:016x}:{occurrence}");
                let index = rule_index
                    .get(diagnostic.check.code)
                    .copied()
                    .unwrap_or_default();
                Sarif::result(diagnostic, sources, index, fingerprint)
            })
            .collect();
        // Files that could not be read: the run's own errors, not results.
        let notifications: Vec<Value> = report
            .unreadable()
            .map(|(index, skip)| {
                let path = &sources.get(FileId(index as u32)).path;
                json!({
                    "level": "error",
                    "message": {"text": skip.message()},
                    "locations": [{
                        "physicalLocation": {"artifactLocation": {"uri": uri(path)}},
                    }],
                })
            })
            .collect();
        let document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "monlint",
                        "version": env!("CARGO_PKG_VERSION"),
                        "informationUri": env!("CARGO_PKG_REPOSITORY"),
                        "rules": Sarif::rules(),
                    },
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [{
                    "executionSuccessful": notifications.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fingerprint_hash_is_stable() {
        // Pinned (checked against an independent FNV-1a): a change here would make code
        // scanning see every finding as new.
        assert_eq!(
            fnv1a(&["V104", "rules/a.yml", "sum(x"]),
            0xdad2_c6f1_3a93_3c75
        );
    }
}
