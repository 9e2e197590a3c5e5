//! `expr` must be valid PromQL for the targeted version.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "V104",
    name: "promql-syntax",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "The rule's `expr` is not valid PromQL.",
    doc: r#"## What it does
Parses every `expr` as the targeted Prometheus version would and reports the first error at
its exact line and column in the file, inside quoted and block scalars too. Type errors count:
`rate()` of an instant vector, a comparison of two scalars without `bool`, an unknown function.

## Why is this bad?
Prometheus refuses to load the file, so no rule in it runs.

## Example
```yaml
expr: sum(rate(http_requests_total[5m]) by (job)
```

## Use instead
```yaml
expr: sum(rate(http_requests_total[5m])) by (job)
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules() {
        let Some(expr) = &rule.expr else { continue };
        if let Err(error) = &expr.parsed {
            let span = expr.text.file_span(&ctx.source.text, error.span);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    span,
                    format!("invalid PromQL: {}", error.message),
                )
                .with_primary_message(error.message.clone()),
            );
        }
    }
}
