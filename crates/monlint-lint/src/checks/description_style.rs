//! The `description` annotation should say which series fired.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;

pub static CHECK: Check = Check {
    code: "S102",
    name: "description-style",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "An alert's `description` is static text, without any label or value.",
    doc: r#"## What it does
Reports an alert whose `description` annotation contains no template action, following
the monitoring-mixins convention that the description carries the details of the firing
series. A missing description is `missing-annotation`'s finding.

## Why is this bad?
Every firing instance of the alert gets the same text: the responder cannot tell which
instance, job or volume is affected, or how bad it is, without opening the query.

## Example
```yaml
description: The disk is almost full.
```

## Use instead
```yaml
description: "{{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanizePercentage }} free."
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let Some(pair) = find(&rule.annotations, "description") else {
            continue;
        };
        let text = pair.value.text();
        if text.trim().is_empty() || text.contains("{{") {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                pair.value.node.span,
                format!("the description of {:?} has no template: every firing series reads the same", rule.name()),
            )
            .with_help("name the series with `{{ $labels.instance }}` (or the labels the query keeps) and show `{{ $value }}`"),
        );
    }
}
