//! Alerts without the labels routing relies on, or with a value routing does not know.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;

pub static CHECK: Check = Check {
    code: "L100",
    name: "missing-label",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An alert lacks a required label (`severity` by default) or gives it a value not allowed.",
    doc: r#"## What it does
Checks every alerting rule for the labels the policy requires (by default `severity`, one of
`critical`, `warning` or `info`), counting the group's `labels` too. A value that is a
template is not judged.

## Why is this bad?
Alertmanager routes, silences and inhibits by these labels. An alert without `severity`, or
with `severity: crit`, reaches only the default receiver, or nobody.

## Example
```yaml
- alert: ApiDown
  expr: up{job="api"} == 0
  labels:
    severity: page
```

## Use instead
```yaml
- alert: ApiDown
  expr: up{job="api"} == 0
  labels:
    severity: critical
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (group, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        for required in &ctx.policy.required_alert_labels {
            // A rule's own label wins over its group's.
            let Some(pair) =
                find(&rule.labels, &required.name).or_else(|| find(&group.labels, &required.name))
            else {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        rule.name_span(),
                        format!(
                            "alert {:?} has no `{}` label: Alertmanager cannot route it by {}",
                            rule.name(),
                            required.name,
                            required.name
                        ),
                    )
                    .with_help(allowed_help(&required.name, &required.allowed_values)),
                );
                continue;
            };
            let value = pair.value.text();
            if required.allowed_values.is_empty()
                || value.contains("{{")
                || required
                    .allowed_values
                    .iter()
                    .any(|allowed| allowed == value)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    pair.value.node.span,
                    format!(
                        "`{}: {value}` is not one of the allowed values: {}",
                        required.name,
                        required.allowed_values.join(", ")
                    ),
                )
                .with_help(format!(
                    "use one of {}, or allow `{value}` in the policy",
                    required.allowed_values.join(", ")
                )),
            );
        }
    }
}

fn allowed_help(name: &str, allowed: &[String]) -> String {
    match allowed.first() {
        Some(example) => format!(
            "add `{name}: {example}` under `labels:` (allowed: {})",
            allowed.join(", ")
        ),
        None => format!("add a `{name}` label under `labels:`"),
    }
}
