//! A recording rule's name must be a valid metric name.

use monlint_core::names::is_valid_metric_name;
use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "V108",
    name: "invalid-record-name",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A recording rule's `record` is not a valid metric name.",
    doc: r#"## What it does
Reports `record:` values that are not metric names for the targeted version: before
Prometheus 3 only `[a-zA-Z_:][a-zA-Z0-9_:]*`; from 3.0 any non-empty UTF-8 text.

## Why is this bad?
Prometheus refuses the file.

## Example
```yaml
- record: job-errors-rate5m
```

## Use instead
```yaml
- record: job:errors:rate5m
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules() {
        let Some(record) = &rule.record else { continue };
        if !is_valid_metric_name(&record.value, ctx.version) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    record.span,
                    format!("invalid recording rule name: {}", record.value),
                )
                .with_help(
                    "metric names use letters, digits, `_` and `:`, and do not start with a digit",
                ),
            );
        }
    }
}
