//! Inhibit rules that no pair of the run's alerts can trigger.

use monlint_alertmanager::model::InhibitRule;
use monlint_core::{Category, Check, Diagnostic, Severity};

use super::WorkspaceContext;
use crate::alertmanager::{AlertView, LabelKnowledge, alert_views, matchers_decided};

pub static CHECK: Check = Check {
    code: "L205",
    name: "inhibit-rule-never-applies",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An inhibit rule that no pair of alerting rules of the run can trigger: no source, no target, or their `equal` labels always differ.",
    doc: r#"## What it does
For every inhibit rule, looks for a pair of alerting rules of the run (a source and a
target) that could trigger it: the source may match the source matchers, the target the
target matchers, and each `equal` label may hold the same value on both. Labels known only
at run time may match. Reports the rule when no pair can, and says why.

## Why is this bad?
The inhibition never mutes anything. The classic case is `equal: [alertname, ...]` between
a critical and a warning alert that have different names (`DiskFull` and
`DiskAlmostFull`): the warning keeps notifying while the critical fires.

## Example
```yaml
# rules: DiskAlmostFull (severity: warning) and DiskFull (severity: critical)
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, instance]
```

## Use instead
```yaml
# give both alerts the same name (one alert, two thresholds), or drop alertname from equal
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [instance]
```
"#,
};

/// Whether the label can hold the same value on both alerts.
fn may_be_equal(source: &AlertView, target: &AlertView, label: &str) -> bool {
    let value = |knowledge: LabelKnowledge| match knowledge {
        LabelKnowledge::Value(value) => Some(value),
        LabelKnowledge::Absent => Some(String::new()),
        LabelKnowledge::Present | LabelKnowledge::Unknown => None,
    };
    match (value(source.label(label)), value(target.label(label))) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn can_apply(rule: &InhibitRule, source: &AlertView, target: &AlertView) -> bool {
    matchers_decided(&rule.source, source) != Some(false)
        && matchers_decided(&rule.target, target) != Some(false)
        && rule
            .equal
            .iter()
            .all(|label| may_be_equal(source, target, &label.value))
}

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    // Parsing every alert's query is wasted on a run without Alertmanager files.
    if ctx.files.iter().all(|f| f.alertmanager.is_none()) {
        return;
    }
    let alerts = alert_views(ctx);
    if alerts.is_empty() {
        return;
    }
    for facts in &ctx.files {
        let Some(config) = &facts.alertmanager else {
            continue;
        };
        for rule in &config.inhibit_rules {
            // Rules with an empty side are another check's finding.
            if rule.source.is_empty() || rule.target.is_empty() {
                continue;
            }
            let sources: Vec<&AlertView> = alerts
                .iter()
                .filter(|a| matchers_decided(&rule.source, a) != Some(false))
                .collect();
            let targets: Vec<&AlertView> = alerts
                .iter()
                .filter(|a| matchers_decided(&rule.target, a) != Some(false))
                .collect();
            if sources
                .iter()
                .any(|s| targets.iter().any(|t| can_apply(rule, s, t)))
            {
                continue;
            }
            let why = if sources.is_empty() {
                "no alerting rule of the run matches its source matchers".to_owned()
            } else if targets.is_empty() {
                "no alerting rule of the run matches its target matchers".to_owned()
            } else {
                let differing: Vec<&str> = rule
                    .equal
                    .iter()
                    .filter(|label| {
                        !sources
                            .iter()
                            .any(|s| targets.iter().any(|t| may_be_equal(s, t, &label.value)))
                    })
                    .map(|label| label.value.as_str())
                    .collect();
                if differing.is_empty() {
                    "no source and target alert agree on all its `equal` labels".to_owned()
                } else {
                    format!(
                        "its source and target alerts never share the same {}",
                        differing
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            let span = rule.equal_key.unwrap_or(rule.span);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    facts.file,
                    span,
                    format!("this inhibit rule never mutes an alert of the run: {why}"),
                )
                .with_help(
                    "compare its matchers and `equal` labels with the alerts' names and labels",
                ),
            );
        }
    }
}
