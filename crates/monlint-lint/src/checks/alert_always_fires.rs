//! An alert whose expression filters nothing, so it fires for every series it selects.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr};

use super::RuleContext;
use super::common::{expr_span, parsed_alerts};

pub static CHECK: Check = Check {
    code: "T103",
    name: "alert-always-fires",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert's expression has no comparison or filter, so it fires whenever its series exist.",
    doc: r#"## What it does
Reports an alerting rule whose expression contains no filtering comparison (`>`, `==`, …
without `bool`), no `and`/`unless`, and no `absent()`. Such an expression returns a sample
for every series it selects, and each sample is a firing alert. Constant expressions such as
`vector(1)` (a dead man's switch) are not reported.

## Why is this bad?
The alert fires permanently as soon as the metric exists, whatever its value: `expr: up`
pages for every healthy target. A comparison with `bool` does not help, it turns "false"
into a 0 that still fires.

## Example
```yaml
- alert: InstanceDown
  expr: up{job="api"}
```

## Use instead
```yaml
- alert: InstanceDown
  expr: up{job="api"} == 0
```
"#,
};

fn filters(expr: &Expr) -> bool {
    let mut filters = false;
    expr.walk(&mut |node| match node {
        Expr::Binary(binary)
            if (binary.op.is_comparison() && !binary.return_bool)
                || matches!(binary.op, BinaryOp::And | BinaryOp::Unless) =>
        {
            filters = true;
        }
        Expr::Call(call) if matches!(call.function.name, "absent" | "absent_over_time") => {
            filters = true;
        }
        _ => {}
    });
    filters
}

fn selects_series(expr: &Expr) -> bool {
    let mut selects = false;
    expr.walk(&mut |node| {
        if matches!(node, Expr::VectorSelector(_) | Expr::MatrixSelector(_)) {
            selects = true;
        }
    });
    selects
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        if filters(parsed) || !selects_series(parsed) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                expr_span(ctx, rule_expr, parsed.span()),
                format!(
                    "alert {:?} fires for every series this expression returns: nothing in it filters (a `bool` comparison does not)",
                    rule.name()
                ),
            )
            .with_primary_message("nothing here filters the result")
            .with_help("add the condition that should page, such as `> 0.05` or `== 0`"),
        );
    }
}
