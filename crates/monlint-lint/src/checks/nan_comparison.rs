//! `== NaN` and `!= NaN`: NaN equals nothing, itself included.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr};

use super::RuleContext;
use super::common::{expr_span, parsed_rules};
use crate::analysis::unparen;

pub static CHECK: Check = Check {
    code: "T102",
    name: "nan-comparison",
    category: Category::Thresholds,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A comparison with NaN is always false (or always true for `!=`).",
    doc: r#"## What it does
Reports comparisons with the literal `NaN`: `x == NaN`, `x != NaN`, `x > NaN` and the like.

## Why is this bad?
In PromQL, as in IEEE 754, NaN compares unequal to everything including NaN. `x == NaN`
never matches, so the alert never fires; `x != NaN` matches every sample, NaN ones included.

## Example
```yaml
expr: node_hwmon_temp_celsius == NaN
```

## Use instead
Select NaN samples with `x != x`, and real numbers with `x == x`:
```yaml
expr: node_hwmon_temp_celsius != node_hwmon_temp_celsius
```
"#,
};

fn is_nan_literal(expr: &Expr) -> bool {
    matches!(unparen(expr), Expr::Number(n) if n.value.is_nan())
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        parsed.walk(&mut |node| {
            let Expr::Binary(binary) = node else { return };
            if !binary.op.is_comparison()
                || !(is_nan_literal(&binary.lhs) || is_nan_literal(&binary.rhs))
            {
                return;
            }
            let outcome = if binary.op == BinaryOp::Neq {
                "always true"
            } else {
                "never true"
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, binary.span),
                    format!(
                        "`{} NaN` is {outcome}: NaN is not equal to anything, not even NaN",
                        binary.op.as_str()
                    ),
                )
                .with_help("to select NaN samples compare a series with itself: `x != x`"),
            );
        });
    }
}
