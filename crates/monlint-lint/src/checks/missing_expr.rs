//! Every rule needs an `expr`.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "V105",
    name: "missing-expr",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A rule has no `expr`.",
    doc: r#"## What it does
Reports recording and alerting rules without an `expr` (or with an empty one).

## Why is this bad?
Prometheus refuses the file: a rule without a query has nothing to evaluate.

## Example
```yaml
- alert: ServiceDown
  for: 5m
```

## Use instead
```yaml
- alert: ServiceDown
  expr: up{job="api"} == 0
  for: 5m
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules() {
        let empty = rule.expr.as_ref().is_none_or(|e| e.text.text().is_empty());
        if empty {
            let span = rule.key_span("expr").unwrap_or_else(|| rule.name_span());
            out.push(Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                span,
                "field 'expr' must be set in rule",
            ));
        }
    }
}
