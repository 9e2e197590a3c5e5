//! `absent()` over a rate: it fires when the series vanish, not when events stop.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Call, Expr, MatrixSelector};

use super::RuleContext;
use super::common::{excerpt, expr_span, parsed_alerts, shorten};
use crate::analysis::{ELEMENTWISE_FUNCTIONS, LABEL_FUNCTIONS, literal_number};

pub static CHECK: Check = Check {
    code: "Q108",
    name: "absent-of-rate",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert uses `absent()` over a rate to catch events that stopped happening.",
    doc: r#"## What it does
Reports `absent()` in an alerting rule whose argument is a rate of events: `rate`,
`irate`, `increase`, `changes` or `resets` of a range, possibly aggregated (`sum by
(job) (...)`), rounded or scaled by a number, and not filtered by a comparison.

## Why is this bad?
`absent(v)` returns 1 only when `v` has no series at all. A rate of a counter that
stopped moving is 0, not missing: its series are still there, so `absent()` stays
empty and the alert never fires when events stop. It fires only once the counter's
series disappear altogether (the target is gone), which `absent_over_time` says more
plainly.

## Example
```yaml
- alert: NoOrdersProcessed
  expr: absent(sum(rate(orders_processed_total[15m])))
```

## Use instead
```yaml
- alert: NoOrdersProcessed
  expr: sum(rate(orders_processed_total[15m])) == 0 or absent_over_time(orders_processed_total[15m])
```
"#,
};

/// Functions whose value is 0, not missing, when the counted events stop.
const EVENT_RATES: [&str; 5] = ["rate", "irate", "increase", "changes", "resets"];

/// The event-rate call whose series decide whether `expr` is empty, when nothing on the
/// way filters series by value.
fn event_rate(expr: &Expr) -> Option<&Call> {
    monlint_promql::with_stack(|| {
        match expr {
            Expr::Paren(paren) => event_rate(&paren.expr),
            Expr::Unary(unary) => event_rate(&unary.expr),
            Expr::Aggregate(aggregate) => event_rate(&aggregate.expr),
            Expr::Call(call) if EVENT_RATES.contains(&call.function.name) => {
                matches!(call.args.first(), Some(Expr::MatrixSelector(_))).then_some(call)
            }
            Expr::Call(call)
                if ELEMENTWISE_FUNCTIONS
                    .iter()
                    .chain(LABEL_FUNCTIONS)
                    .chain(&["sort"])
                    .any(|f| *f == call.function.name) =>
            {
                event_rate(call.args.first()?)
            }
            // Arithmetic with a number keeps every series; a comparison filters them.
            Expr::Binary(binary) if !binary.op.is_comparison() && !binary.op.is_set_operator() => {
                match (literal_number(&binary.lhs), literal_number(&binary.rhs)) {
                    (Some(_), None) => event_rate(&binary.rhs),
                    (None, Some(_)) => event_rate(&binary.lhs),
                    _ => None,
                }
            }
            _ => None,
        }
    })
}

/// The operands of the alert's top-level `or`s.
fn or_branches<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    monlint_promql::with_stack(|| match expr {
        Expr::Paren(paren) => or_branches(&paren.expr, out),
        Expr::Binary(binary) if binary.op == BinaryOp::Or => {
            or_branches(&binary.lhs, out);
            or_branches(&binary.rhs, out);
        }
        other => out.push(other),
    })
}

fn calls_absent(expr: &Expr) -> bool {
    let mut found = false;
    expr.walk(&mut |node| {
        found |= matches!(node, Expr::Call(call) if call.function.name == "absent");
    });
    found
}

/// Whether another `or` branch already compares the rate with a number:
/// `absent(rate(x[5m])) or rate(x[5m]) == 0` covers both cases.
fn covered_by_comparison(expr: &Expr) -> bool {
    let mut branches = Vec::new();
    or_branches(expr, &mut branches);
    branches.len() > 1
        && branches.iter().any(|branch| {
            matches!(branch, Expr::Binary(binary) if binary.op.is_comparison())
                && !calls_absent(branch)
        })
}

/// `: `expr == 0`` when the expression is short enough to quote whole.
fn comparison(inner: &Expr) -> String {
    let text = inner.to_string();
    if shorten(&text) == text {
        format!(": `{text} == 0`")
    } else {
        String::new()
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_alerts(ctx) {
        if covered_by_comparison(parsed) {
            continue;
        }
        parsed.walk(&mut |node| {
            let Expr::Call(absent) = node else { return };
            if absent.function.name != "absent" {
                return;
            }
            let Some(inner) = absent.args.first() else {
                return;
            };
            let Some(rate) = event_rate(inner) else {
                return;
            };
            let Some(range @ Expr::MatrixSelector(MatrixSelector { selector, .. })) =
                rate.args.first()
            else {
                return;
            };
            let window = excerpt(range);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, absent.span),
                    format!(
                        "`absent()` of `{}` fires only when the series of `{}` disappear, never when `{}()` falls to 0",
                        excerpt(inner),
                        shorten(&selector.to_string()),
                        rate.function.name
                    ),
                )
                .with_primary_message("empty while the series exist, even with no events")
                .with_help(format!(
                    "to alert when events stop, compare with 0{}; to alert when the series are gone, use `absent_over_time({window})`",
                    comparison(inner)
                )),
            );
        });
    }
}
