//! An alerting rule that the unit tests loading its file never assert on.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::WorkspaceContext;

pub static CHECK: Check = Check {
    code: "C103",
    name: "alert-untested",
    category: Category::Correctness,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "An alert in a rule file that has unit tests is named by none of them.",
    doc: r#"## What it does
For each rule file that at least one promtool unit-test file of the run loads, reports the
alerting rules whose name no `alert_rule_test` of those test files mentions. Rule files no
test loads are left alone: a repository without unit tests gets no findings from this check.

## Why is this bad?
The team has chosen to test this file's alerts, and this one slipped through: its
expression, `for` duration and templates are unverified, and a later edit can break it
without any test failing. `monlint test rules --coverage` shows the same from the tests' side.

## Example
```yaml
# alerts.yml defines InstanceDown and DiskFull; tests.yml loads it and tests only InstanceDown
```

## Use instead
Add an `alert_rule_test` for `DiskFull` with input series that make it fire.
"#,
};

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for rule_file in &ctx.files {
        let testers: Vec<_> = ctx
            .tests
            .iter()
            .filter(|t| t.loads(&rule_file.path))
            .collect();
        if testers.is_empty() {
            continue;
        }
        for alert in &rule_file.alerts {
            let named = testers
                .iter()
                .flat_map(|t| &t.alert_tests)
                .any(|test| test.name == alert.name);
            if !named {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        rule_file.file,
                        alert.name_span,
                        format!(
                            "no unit test that loads this file asserts on `{}`",
                            alert.name
                        ),
                    )
                    .with_primary_message("untested alert")
                    .with_help(
                        "add an `alert_rule_test` entry with input series that make it fire",
                    ),
                );
            }
        }
    }
}
