//! Durations must be Prometheus durations.

use monlint_core::duration::Duration;
use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use crate::rules::model::Spanned;

pub static CHECK: Check = Check {
    code: "V111",
    name: "invalid-duration",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "`for`, `keep_firing_for`, `interval` or `query_offset` is not a valid duration.",
    doc: r#"## What it does
Checks every duration field against Prometheus' duration syntax: whole numbers followed by
units from `y w d h m s ms`, largest unit first, each unit once; `0` alone is allowed.
Fractions (`1.5h`), signs (`-5m`), spaces and bare numbers (`300`) are refused.

## Why is this bad?
Prometheus refuses the file.

## Example
```yaml
for: 1.5h
```

## Use instead
```yaml
for: 1h30m
```
"#,
};

fn check_duration(
    ctx: &RuleContext,
    field: &str,
    value: &Option<Spanned<String>>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = value else { return };
    if let Err(error) = Duration::parse(&value.value) {
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                value.span,
                format!("`{field}`: {error}"),
            )
            .with_help("write whole numbers with units, largest first: 90s, 5m, 1h30m, 1d"),
        );
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for group in &ctx.rules.groups {
        check_duration(ctx, "interval", &group.interval, out);
        check_duration(ctx, "query_offset", &group.query_offset, out);
        for rule in &group.rules {
            check_duration(ctx, "for", &rule.for_, out);
            check_duration(ctx, "keep_firing_for", &rule.keep_firing_for, out);
        }
    }
}
