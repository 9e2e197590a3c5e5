//! A counter used as a raw value, without `rate()` or `increase()`.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{AggregateOp, BinaryOp, Expr, VectorSelector};

use super::RuleContext;
use super::common::{ExprFinding, expr_span, parsed_rules};
use crate::analysis::metric::{MetricKind, selector_is_counter, selector_kind, selector_name};
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q101",
    name: "counter-without-rate",
    category: Category::Promql,
    default_severity: Severity::Warning,
    summary: "A counter (`_total`, `_count`, `_sum`, `_bucket`) is used raw, without `rate()` or `increase()`.",
    doc: r#"## What it does
Reports a selector of a metric whose name marks it as a counter (`_total`, `_bucket`, or the
`_count` and `_sum` of a histogram or summary with a unit such as `_seconds_count`; a bare
`_count` is too often a gauge) whose value is used directly:
compared, aggregated, or divided, rather than through `rate`, `irate`, `increase`,
`resets`, `changes` or `deriv`. Uses that only look at the presence of series (`absent`,
`count`, `group`, the right side of `and`/`unless`, `timestamp`) are fine, and so is a
`_total` that divides a gauge (`inodes_free / inodes_total`): that is a capacity.

## Why is this bad?
A counter's value is the total since the process started: it grows forever and drops to
zero on every restart. A threshold on it fires at some random time after deployment and
clears on restart; a graph of it shows nothing about the current load.

## Example
```yaml
expr: http_requests_total{code=~"5.."} > 100
```

## Use instead
```yaml
expr: increase(http_requests_total{code=~"5.."}[10m]) > 100
```
"#,
};

/// Functions whose result does not depend on the counter's absolute value.
const COUNTER_FUNCTIONS: &[&str] = &[
    "rate",
    "irate",
    "increase",
    "resets",
    "changes",
    "deriv",
    "delta",
    "idelta",
    "absent",
    "absent_over_time",
    "present_over_time",
    "count_over_time",
    "timestamp",
];

const MAX_DEPTH: usize = 128;

fn visit<'a>(expr: &'a Expr, depth: usize, found: &mut Vec<(&'a VectorSelector, MetricKind)>) {
    if depth > MAX_DEPTH {
        return;
    }
    match expr {
        Expr::VectorSelector(selector) => report_if_counter(selector, found),
        Expr::MatrixSelector(matrix) => report_if_counter(&matrix.selector, found),
        Expr::Call(call) if COUNTER_FUNCTIONS.contains(&call.function.name) => {}
        Expr::Aggregate(aggregate)
            if matches!(
                aggregate.op,
                AggregateOp::Count | AggregateOp::Group | AggregateOp::CountValues
            ) => {}
        Expr::Binary(binary) if matches!(binary.op, BinaryOp::And | BinaryOp::Unless) => {
            // The right side only decides which series pass.
            visit(&binary.lhs, depth + 1, found);
        }
        _ => {
            for child in expr.children() {
                visit(child, depth + 1, found);
            }
        }
    }
}

fn report_if_counter<'a>(
    selector: &'a VectorSelector,
    found: &mut Vec<(&'a VectorSelector, MetricKind)>,
) {
    if selector_is_counter(selector) {
        found.push((selector, selector_kind(selector)));
    }
}

fn describe(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::HistogramCount => "the observation counter of a histogram or summary",
        MetricKind::HistogramSum => "the running sum of a histogram or summary",
        MetricKind::Bucket => "a histogram bucket counter",
        _ => "a counter",
    }
}

fn finding(selector: &VectorSelector, kind: MetricKind) -> ExprFinding {
    let name = selector_name(selector).unwrap_or_default();
    ExprFinding::new(
        selector.span,
        format!(
            "`{name}` is {}, used here as a raw value: it only grows and resets to zero on restart",
            describe(kind)
        ),
    )
    .with_help(format!(
        "use `rate({name}[5m])` for a per-second rate or `increase({name}[1h])` for a count over a window"
    ))
}

/// Names used as the denominator of a gauge (`inodes_free / inodes_total`): such a
/// `_total` is a capacity, a gauge despite its suffix.
fn capacity_totals(expr: &Expr) -> Vec<String> {
    let mut names = Vec::new();
    expr.walk(&mut |node| {
        let Expr::Binary(binary) = node else { return };
        if binary.op != BinaryOp::Div || reads_counter(&binary.lhs) {
            return;
        }
        binary.rhs.walk(&mut |side| {
            if let Expr::VectorSelector(selector) = side
                && let Some(name) = selector_name(selector)
            {
                names.push(name.to_owned());
            }
        });
    });
    names
}

fn reads_counter(expr: &Expr) -> bool {
    let mut counter = false;
    expr.walk(&mut |node| {
        if let Expr::VectorSelector(selector) = node
            && selector_is_counter(selector)
        {
            counter = true;
        }
    });
    counter
}

/// Every counter read raw in `expr`.
pub fn findings(expr: &Expr) -> Vec<ExprFinding> {
    let mut found = Vec::new();
    visit(expr, 0, &mut found);
    if found.is_empty() {
        return Vec::new();
    }
    let capacities = capacity_totals(expr);
    found
        .into_iter()
        .filter(|(selector, _)| {
            !selector_name(selector).is_some_and(|name| capacities.iter().any(|c| c == name))
        })
        .map(|(selector, kind)| finding(selector, kind))
        .collect()
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        for finding in findings(parsed) {
            let span = expr_span(ctx, rule_expr, finding.span);
            out.push(finding.into_diagnostic(&CHECK, ctx.rules.file, span));
        }
    }
}

/// The same on every Prometheus query of a dashboard's panels.
pub fn check_dashboard(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    ctx.report_expr_findings(&CHECK, findings, out);
}
