//! Alerts without the annotations a responder needs.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;
use crate::rules::model::Rule;

pub static CHECK: Check = Check {
    code: "L101",
    name: "missing-annotation",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An alert lacks a required annotation (`summary` and `description` by default).",
    doc: r#"## What it does
Checks every alerting rule for the annotations the policy requires, by default `summary`
and `description`, and reports each alert once, naming every annotation it lacks. An
annotation that is present but empty counts as missing. In a file where most alerts carry
a `message` and no `description` (the convention of older monitoring mixins), `message`
stands for `description`.

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

/// Whether the file's alerts follow the convention of a `message` annotation in place of
/// `description` (older monitoring mixins): most of its alerts have a `message` and no
/// `description`.
fn message_replaces_description(ctx: &RuleContext) -> bool {
    let has = |rule: &Rule, name: &str| {
        find(&rule.annotations, name).is_some_and(|pair| !pair.value.text().trim().is_empty())
    };
    let (mut alerts, mut message_only) = (0usize, 0usize);
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        alerts += 1;
        if has(rule, "message") && !has(rule, "description") {
            message_only += 1;
        }
    }
    message_only * 2 > alerts
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let message_convention = message_replaces_description(ctx);
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let present = |name: &str| {
            find(&rule.annotations, name).is_some_and(|pair| !pair.value.text().trim().is_empty())
        };
        let missing: Vec<&str> = ctx
            .policy
            .required_annotations
            .iter()
            .map(String::as_str)
            .filter(|name| {
                !(present(name)
                    || (*name == "description" && message_convention && present("message")))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let names = missing
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let plural = if missing.len() > 1 { "s" } else { "" };
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                rule.name_span(),
                format!("alert {:?} has no {names} annotation{plural}", rule.name()),
            )
            .with_help(format!(
                "add {} under `annotations:` to tell the responder what is wrong",
                missing
                    .iter()
                    .map(|name| format!("`{name}:`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        );
    }
}
