//! Recording rules take no `annotations`, `for` or `keep_firing_for`.

use monlint_core::{Category, Check, Diagnostic, Duration, Severity};

use super::RuleContext;
use crate::rules::model::Spanned;

pub static CHECK: Check = Check {
    code: "V107",
    name: "recording-rule-field",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A recording rule sets `annotations`, `for` or `keep_firing_for`.",
    doc: r#"## What it does
Reports alert-only fields on recording rules.

## Why is this bad?
Prometheus refuses the file. Often the rule was meant to be an alert and says `record:` by mistake.

## Example
```yaml
- record: job:errors:ratio5m
  expr: sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))
  for: 5m
```

## Use instead
```yaml
- record: job:errors:ratio5m
  expr: sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules() {
        if rule.record.is_none() || rule.alert.is_some() {
            continue;
        }
        // Prometheus only objects to values that change something: `for: 0s` and an empty
        // `annotations:` pass.
        let non_zero = |d: &Option<Spanned<String>>| {
            d.as_ref()
                .is_some_and(|d| Duration::parse(&d.value) != Ok(Duration(0)))
        };
        let present = [
            ("annotations", !rule.annotations.is_empty()),
            ("for", non_zero(&rule.for_)),
            ("keep_firing_for", non_zero(&rule.keep_firing_for)),
        ];
        for (field, is_set) in present {
            if let Some(span) = rule.key_span(field).filter(|_| is_set) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        span,
                        format!("invalid field '{field}' in recording rule"),
                    )
                    .with_help("remove it, or make the rule an alert with `alert:`"),
                );
            }
        }
    }
}
