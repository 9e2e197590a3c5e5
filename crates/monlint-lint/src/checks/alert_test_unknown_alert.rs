//! A unit test asserting on an alert that none of its rule files defines.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::WorkspaceContext;
use crate::suggest::closest;

pub static CHECK: Check = Check {
    code: "C102",
    name: "alert-test-unknown-alert",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An `alert_rule_test` names an alert that no rule file the test loads defines.",
    doc: r#"## What it does
For each promtool unit-test file of the run whose `rule_files` are all part of the run, looks
up every `alert_rule_test` alert name among the alerting rules of those files, and reports
the names none of them defines, with the closest defined name.

## Why is this bad?
promtool compares the alerts of that name that fired with the expected ones. An alert that
does not exist never fires, so a test expecting no alerts (`exp_alerts: []`) passes whatever
the rules do: after a rename, the test silently stops testing anything.

## Example
```yaml
rule_files: [alerts.yml]        # defines InstanceDown
tests:
  - alert_rule_test:
      - alertname: InstanceDwn
        eval_time: 5m
        exp_alerts: []
```

## Use instead
```yaml
      - alertname: InstanceDown
```
"#,
};

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for test_file in &ctx.tests {
        let loaded: Vec<_> = ctx
            .files
            .iter()
            .filter(|f| test_file.loads(&f.path))
            .collect();
        // A pattern that matches no file of the run leaves alerts unknown, not missing.
        let every_pattern_seen = test_file
            .rule_files
            .iter()
            .all(|pattern| loaded.iter().any(|f| pattern.matches(&f.path)));
        if test_file.rule_files.is_empty() || !every_pattern_seen {
            continue;
        }
        let defined: Vec<&str> = loaded
            .iter()
            .flat_map(|f| &f.alerts)
            .map(|a| a.name.as_str())
            .collect();
        for test in &test_file.alert_tests {
            if test.name.is_empty() || defined.contains(&test.name.as_str()) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &CHECK,
                test_file.file,
                test.span,
                format!(
                    "no rule file this test loads defines an alert named `{}`",
                    test.name
                ),
            )
            .with_primary_message("never fires: the test compares against nothing");
            diagnostic = match closest(&test.name, defined.iter().copied()) {
                Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_help(
                    "check the name, or add the rule file that defines it to `rule_files`",
                ),
            };
            out.push(diagnostic);
        }
    }
}
