//! The `summary` annotation as the monitoring mixins write it.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;

pub static CHECK: Check = Check {
    code: "S101",
    name: "summary-style",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "An alert's `summary` is templated, not capitalised, or does not end with a period.",
    doc: r#"## What it does
Checks the `summary` annotation of alerts against the monitoring-mixins convention: one
static sentence, capitalised, ending with a period. Details with label values belong in
`description`.

## Why is this bad?
The summary is the title of the notification and is used to group similar alerts. A
templated summary makes every instance a different title, so notifications cannot be
grouped and read at a glance.

## Example
```yaml
summary: "{{ $labels.instance }} down"
```

## Use instead
```yaml
summary: An instance is down.
description: "{{ $labels.instance }} has not answered scrapes for 5 minutes."
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let Some(pair) = find(&rule.annotations, "summary") else {
            continue;
        };
        let text = pair.value.text().trim();
        if text.is_empty() {
            continue;
        }
        let mut problems = Vec::new();
        if text.contains("{{") {
            problems.push("is templated");
        }
        if text.chars().next().is_some_and(char::is_lowercase) {
            problems.push("does not start with a capital letter");
        }
        if !text.ends_with('.') {
            problems.push("does not end with a period");
        }
        if problems.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                pair.value.node.span,
                format!("the summary of {:?} {}", rule.name(), problems.join(", ")),
            )
            .with_help("write one static, capitalised sentence ending with a period; put label values in `description`"),
        );
    }
}
