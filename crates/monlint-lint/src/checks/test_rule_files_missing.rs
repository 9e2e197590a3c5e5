//! A unit-test file whose `rule_files` entry names no file.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::WorkspaceContext;
use crate::rule_tests::RuleFilePattern;

pub static CHECK: Check = Check {
    code: "C104",
    name: "test-rule-files-missing",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A unit-test file's `rule_files` entry matches no file.",
    doc: r#"## What it does
For each promtool unit-test file of the run, resolves every `rule_files` entry against the
test file's folder (as promtool does; globs allowed) and reports the entries that match no
file of the repository, when other entries of the same test file do. A test file none of
whose rule files exists is left alone: projects whose test harness renders or copies the
rule files next to the tests before running promtool look exactly like that.

## Why is this bad?
promtool prints `WARNING: no file match pattern` on stderr and runs the tests without
those rules. Alert tests expecting no alert (`exp_alerts: []`) then pass whatever the
rules say, so a moved or renamed rule file silently turns its tests into no-ops.

## Example
```yaml
# tests/alerts_test.yml
rule_files:
  - ../rules/alerts.yml
  - ../rules/recording.yml   # renamed to records.yml long ago
```

## Use instead
```yaml
rule_files:
  - ../rules/alerts.yml
  - ../rules/records.yml
```
"#,
};

/// The scan of the repository skips hidden and build folders; a pattern through one of
/// them is not judged.
fn goes_through_skipped_folder(pattern: &RuleFilePattern) -> bool {
    let mut folders: Vec<&str> = pattern.resolved.split('/').collect();
    folders.pop();
    folders.iter().any(|folder| {
        (folder.starts_with('.') && *folder != "." && *folder != "..")
            || matches!(*folder, "target" | "node_modules")
    })
}

/// Whether the pattern names a file: one of the run, else one the scan found; `None`
/// when the scan cannot tell.
fn found(ctx: &WorkspaceContext, test_path: &str, pattern: &RuleFilePattern) -> Option<bool> {
    if ctx.files.iter().any(|f| pattern.matches(&f.path)) {
        return Some(true);
    }
    if goes_through_skipped_folder(pattern) {
        return None;
    }
    ctx.documents.glob_matches(test_path, &pattern.written)
}

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for test_file in &ctx.tests {
        let verdicts: Vec<Option<bool>> = test_file
            .rule_files
            .iter()
            .map(|pattern| found(ctx, &test_file.path, pattern))
            .collect();
        // When none of its rule files exists, the file is run by a harness that
        // generates or copies them next to it first: not judged.
        if !verdicts.contains(&Some(true)) {
            continue;
        }
        for (pattern, verdict) in test_file.rule_files.iter().zip(verdicts) {
            if pattern.written.is_empty() || verdict != Some(false) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    test_file.file,
                    pattern.span,
                    format!(
                        "`{}` matches no file: promtool only warns and runs these tests without its rules",
                        pattern.written
                    ),
                )
                .with_primary_message("no file here")
                .with_help(format!(
                    "rule_files are resolved from the test file's folder: `{}`",
                    pattern.resolved
                )),
            );
        }
    }
}
