//! A rule is either a recording rule or an alerting rule.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "V106",
    name: "record-or-alert",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A rule sets neither or both of `record` and `alert`.",
    doc: r#"## What it does
Reports rules that set neither `record` nor `alert`, or both.

## Why is this bad?
Prometheus refuses the file: it cannot tell what kind of rule this is.

## Example
```yaml
- record: job:errors:rate5m
  alert: HighErrors
  expr: sum by (job) (rate(errors_total[5m]))
```

## Use instead
```yaml
- record: job:errors:rate5m
  expr: sum by (job) (rate(errors_total[5m]))
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules() {
        match (&rule.record, &rule.alert) {
            (Some(record), Some(alert)) => out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    alert.span,
                    "only one of 'record' and 'alert' must be set",
                )
                .with_secondary(ctx.rules.file, record.span, "`record` is set too"),
            ),
            (None, None) => out.push(Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                ctx.source.first_line(rule.span),
                "one of 'record' or 'alert' must be set",
            )),
            _ => {}
        }
    }
}
