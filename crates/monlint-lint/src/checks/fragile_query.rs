//! Queries whose result changes shape for reasons unrelated to the condition (pint's
//! promql/fragile): `topk`/`bottomk`/`limitk` in alerts, and joins of `without` aggregations.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{AggregateExpr, AggregateOp, BinaryOp, Expr, ValueType};

use super::RuleContext;
use super::common::{expr_span, parsed_rules};
use crate::analysis::ELEMENTWISE_FUNCTIONS;

pub static CHECK: Check = Check {
    code: "Q105",
    name: "fragile-query",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An alert picks series with `topk`/`bottomk`/`limitk`, or a query joins two `without` aggregations without `on`/`ignoring`.",
    doc: r#"## What it does
Reports two patterns whose results depend on more than the condition they express:
- an alerting rule whose expression keeps the series `topk`, `bottomk`, `limitk` or
  `limit_ratio` pick (not aggregated away afterwards); `topk by (...) (1, ...)`, one series
  per group, is the idiom that removes duplicates (the same series from two replicas of an
  exporter) and is not reported;
- a binary operation between two vectors, without `on` or `ignoring`, where a side is an
  aggregation with `without (...)` (unless both sides drop the same labels from the same
  metrics, which keeps them in step, also through arithmetic with a number such as
  `100 * sum without (code) (...)`); `or` is not judged, since it keeps the series of both
  sides whatever their labels. An expression is reported once, at its first such join.

Off by default: on real configs most findings joined sibling metrics of one exporter aggregated the same way, which works; a join that can never match is `impossible-join`'s.

## Why is this bad?
`topk(3, ...)` may pick other series at every evaluation: each change resolves one alert and
fires another, and notifications flap while nothing changes. A `without` aggregation keeps
every label it is not told to drop, so when one side's metric gains a label (an exporter
upgrade, a new relabelling), the two sides stop matching and the expression silently returns
nothing.

## Example
```yaml
- alert: BusiestPodsHot
  expr: topk(3, rate(container_cpu_usage_seconds_total[5m])) > 0.9
- record: job:errors:ratio
  expr: sum without (instance) (rate(errors_total[5m])) / sum without (instance) (rate(requests_total[5m]))
```

## Use instead
```yaml
- alert: PodCpuHot
  expr: rate(container_cpu_usage_seconds_total[5m]) > 0.9
- record: job:errors:ratio
  expr: sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))
```
"#,
};

fn picks_series(op: AggregateOp) -> bool {
    matches!(
        op,
        AggregateOp::Topk | AggregateOp::Bottomk | AggregateOp::Limitk | AggregateOp::LimitRatio
    )
}

/// `topk by (<labels>) (1, ...)`: one series per group, the de-duplication idiom for
/// series that differ only in labels outside the group (replicas of an exporter).
fn deduplicates(aggregate: &AggregateExpr) -> bool {
    let one = aggregate
        .param
        .as_deref()
        .and_then(crate::analysis::literal_number)
        == Some(1.0);
    let by_labels = aggregate
        .grouping
        .as_ref()
        .is_some_and(|grouping| !grouping.without && !grouping.labels.is_empty());
    aggregate.op != AggregateOp::LimitRatio && one && by_labels
}

/// The series-picking aggregations whose choice reaches the result, outermost first.
fn leaking_picks<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    monlint_promql::with_stack(|| {
        match expr {
            Expr::Aggregate(aggregate)
                if picks_series(aggregate.op) && !deduplicates(aggregate) =>
            {
                out.push(expr)
            }
            Expr::Aggregate(aggregate) if picks_series(aggregate.op) => {
                leaking_picks(&aggregate.expr, out)
            }
            // Any other aggregation decides the output series itself.
            Expr::Aggregate(_) => {}
            Expr::Paren(inner) => leaking_picks(&inner.expr, out),
            Expr::Binary(binary) => {
                leaking_picks(&binary.lhs, out);
                leaking_picks(&binary.rhs, out);
            }
            Expr::Unary(unary) => leaking_picks(&unary.expr, out),
            Expr::Call(call) => call.args.iter().for_each(|arg| leaking_picks(arg, out)),
            _ => {}
        }
    })
}

/// A `without` aggregation's dropped labels and the metric names it reads, found through
/// what keeps its labels as they are: parentheses, arithmetic with a number
/// (`100 * sum without (...) (...)`) and functions of its value (`clamp_min(..., 1)`).
fn without_aggregation(expr: &Expr) -> Option<(&[String], Vec<String>)> {
    monlint_promql::with_stack(|| {
        let aggregate = match crate::analysis::unparen(expr) {
            Expr::Aggregate(aggregate) => aggregate,
            Expr::Binary(binary) if binary.lhs.value_type() == ValueType::Scalar => {
                return without_aggregation(&binary.rhs);
            }
            Expr::Binary(binary) if binary.rhs.value_type() == ValueType::Scalar => {
                return without_aggregation(&binary.lhs);
            }
            Expr::Unary(unary) => return without_aggregation(&unary.expr),
            Expr::Call(call)
                if ELEMENTWISE_FUNCTIONS.contains(&call.function.name)
                    && call
                        .args
                        .iter()
                        .skip(1)
                        .all(|arg| arg.value_type() == ValueType::Scalar) =>
            {
                return without_aggregation(call.args.first()?);
            }
            _ => return None,
        };
        let grouping = aggregate.grouping.as_ref().filter(|g| g.without)?;
        let mut metrics = Vec::new();
        aggregate.expr.walk_selectors(&mut |selector| {
            if let Some(name) = &selector.name {
                metrics.push(name.clone());
            }
        });
        metrics.sort_unstable();
        metrics.dedup();
        Some((&grouping.labels, metrics))
    })
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, rule, rule_expr, parsed) in parsed_rules(ctx) {
        if rule.is_alert() {
            let mut picks = Vec::new();
            leaking_picks(parsed, &mut picks);
            for pick in picks {
                let Expr::Aggregate(aggregate) = pick else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        expr_span(ctx, rule_expr, aggregate.span),
                        format!(
                            "`{}` may pick other series at every evaluation, so this alert's series come and go",
                            aggregate.op.as_str()
                        ),
                    )
                    .with_primary_message("the picked series can change without the condition changing")
                    .with_help("alert on every series that meets the condition, and rank them in the notification instead"),
                );
            }
        }
        // One finding per rule: the joins of one expression share the cause.
        let mut reported = false;
        parsed.walk(&mut |node| {
            let Expr::Binary(binary) = node else { return };
            // `or` keeps the series of both sides whatever their labels: nothing is lost.
            if reported
                || binary.matching.is_some()
                || binary.op == BinaryOp::Or
                || binary.lhs.value_type() != ValueType::Vector
                || binary.rhs.value_type() != ValueType::Vector
            {
                return;
            }
            let (lhs, rhs) = (without_aggregation(&binary.lhs), without_aggregation(&binary.rhs));
            // Two `without` aggregations of the same metrics dropping the same labels keep the
            // same labels, whatever the metric gains.
            let same_shape = matches!((&lhs, &rhs), (Some(l), Some(r)) if l == r);
            if (lhs.is_some() || rhs.is_some()) && !same_shape {
                reported = true;
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        expr_span(ctx, rule_expr, binary.span),
                        "this join matches on every label a `without` aggregation kept: if either metric gains a label, the sides stop matching",
                    )
                    .with_help("aggregate with `by (...)`, or join with `on (...)` on the labels you mean"),
                );
            }
        });
    }
}
