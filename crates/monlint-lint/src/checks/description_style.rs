//! The `description` annotation should say which series fired.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;
use crate::analysis::labels;
use crate::rules::model::Rule;

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
series. A missing description is `missing-annotation`'s finding. An alert whose query
returns at most one series (`absent(up{job="api"})`, `sum(...)` without `by`) is not
reported: there is no series to tell apart. The advice names the labels the query keeps.

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

/// The advice on which labels to show, from what the query can return; `None` when the
/// query returns at most one series, whose description needs no labels.
fn label_advice(rule: &Rule) -> Option<String> {
    let generic = "name the series with `{{ $labels.instance }}` (or the labels the query keeps) and show `{{ $value }}`";
    let Some(parsed) = rule.expr.as_ref().and_then(|e| e.parsed.as_ref().ok()) else {
        return Some(generic.to_owned());
    };
    let result = labels::infer(parsed);
    let Some(possible) = result.possible_labels() else {
        return Some(generic.to_owned());
    };
    // Labels an equality matcher fixes (`absent(up{job="api"})`) say nothing new.
    let varying: Vec<&str> = possible
        .into_iter()
        .filter(|name| *name != "__name__" && !matches!(result.present.get(*name), Some(Some(_))))
        .collect();
    if varying.is_empty() {
        return None;
    }
    let shown = varying
        .iter()
        .map(|name| format!("`{{{{ $labels.{name} }}}}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "name the series with {shown} and show `{{{{ $value }}}}`"
    ))
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let Some(pair) = find(&rule.annotations, "description") else {
            continue;
        };
        let text = pair.value.text();
        if text.trim().is_empty() || text.contains("{{") {
            continue;
        }
        let Some(help) = label_advice(rule) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                pair.value.node.span,
                format!(
                    "the description of {:?} has no template: every firing series reads the same",
                    rule.name()
                ),
            )
            .with_help(help),
        );
    }
}
