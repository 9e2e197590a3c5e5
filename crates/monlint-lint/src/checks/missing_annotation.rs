//! Alerts without the annotations a responder needs.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;

pub static CHECK: Check = Check {
    code: "L101",
    name: "missing-annotation",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An alert lacks a required annotation (`summary` and `description` by default).",
    doc: r#"## What it does
Checks every alerting rule for the annotations the policy requires, by default `summary`
and `description`. An annotation that is present but empty counts as missing.

## Why is this bad?
The page is all the responder sees at 3 a.m.: without a summary and a description they
start by reverse-engineering the PromQL.

## Example
```yaml
- alert: ApiDown
  expr: up{job="api"} == 0
```

## Use instead
```yaml
- alert: ApiDown
  expr: up{job="api"} == 0
  annotations:
    summary: An API instance is down.
    description: "{{ $labels.instance }} has not answered scrapes for 5 minutes."
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        for name in &ctx.policy.required_annotations {
            let present = find(&rule.annotations, name)
                .is_some_and(|pair| !pair.value.text().trim().is_empty());
            if present {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    rule.name_span(),
                    format!("alert {:?} has no `{name}` annotation", rule.name()),
                )
                .with_help(format!(
                    "add `{name}:` under `annotations:` to tell the responder what is wrong"
                )),
            );
        }
    }
}
