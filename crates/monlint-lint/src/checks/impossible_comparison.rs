//! A comparison that no value of its left side can satisfy.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::Expr;

use super::RuleContext;
use super::common::{excerpt, expr_span, format_number, parsed_rules, threshold};
use crate::analysis::range;

pub static CHECK: Check = Check {
    code: "T100",
    name: "impossible-comparison",
    category: Category::Thresholds,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A comparison can never be true given the values its expression can take.",
    doc: r#"## What it does
Infers the range of values an expression can return and reports a comparison with a number
that no value in that range satisfies: `up > 1` (`up` is 0 or 1), `absent(x) > 1` (always 1),
`count(x) < 1`, a fraction of a counter over its total compared with `> 5`, `hour() > 24`.
It is an error when PromQL's semantics prove it, a warning when the range rests on a naming
convention (`rate()` of a `_total` counter is never negative).

## Why is this bad?
The alert can never fire, or the recording rule is always empty, and nothing says so: the
outage it was written for goes unnoticed.

## Example
```yaml
expr: up{job="api"} > 1
```

## Use instead
```yaml
expr: up{job="api"} == 0
```
"#,
};

fn describe(min: f64, max: f64) -> String {
    if max == f64::INFINITY {
        format!("at least {}", format_number(min))
    } else if min == max {
        format!("always {}", format_number(min))
    } else {
        format!("between {} and {}", format_number(min), format_number(max))
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        parsed.walk(&mut |node| {
            let Expr::Binary(binary) = node else { return };
            let Some(comparison) = threshold(binary) else {
                return;
            };
            let values = range::infer(comparison.value);
            if values.is_unknown() || values.can_satisfy(comparison.op, comparison.threshold) {
                return;
            }
            let mut diagnostic = Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                expr_span(ctx, rule_expr, binary.span),
                format!(
                    "`{}` is never true: `{}` is {}",
                    format_args!(
                        "{} {}",
                        binary.op.as_str(),
                        format_number(comparison.threshold)
                    ),
                    excerpt(comparison.value),
                    describe(values.min, values.max)
                ),
            )
            .with_primary_message("this comparison never matches")
            .with_help("compare with a value the expression can take, or fix the expression");
            if !values.proven {
                diagnostic.severity = Severity::Warning;
            }
            out.push(diagnostic);
        });
    }
}
