//! A counter used as a raw value, without `rate()` or `increase()`.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};
use monlint_promql::ast::{AggregateOp, BinaryExpr, BinaryOp, Expr, VectorSelector};

use super::RuleContext;
use super::common::{ExprFinding, expr_span, parsed_rules, threshold};
use crate::analysis::metric::{
    MetricKind, counts_objects, selector_is_counter, selector_kind, selector_name,
};
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q101",
    name: "counter-without-rate",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "A counter (`_total`, `_count`, `_sum`, `_bucket`) is used raw, without `rate()` or `increase()`.",
    doc: r#"## What it does
Reports a selector of a metric whose name marks it as a counter (`_total`, `_bucket`, or the
`_count` and `_sum` of a histogram or summary with a unit such as `_seconds_count`; a bare
`_count` is too often a gauge) whose value is used directly:
compared, aggregated, or divided, rather than through `rate`, `irate`, `increase`,
`resets`, `changes` or `deriv`. Uses that only look at the presence of series (`absent`,
`count`, `group`, the right side of `and`/`unless`, `timestamp`) are fine, and so is a
`_total` that divides a gauge (`inodes_free / inodes_total`): that is a capacity, and
so are uptime counters (`apache_uptime_seconds_total`), whose raw value is the point.
Not reported either: the difference of two counters (`sessions_created_total -
sessions_closed_total`, counters of one process reset together, and the difference is how
many exist now); a counter compared with zero (`x_total == 0`: nothing happened since the
start); and a `_total` whose name counts things that exist or are in a state rather than
events (`users_total`, `shards_total`, `active_handles_total`, `pending_requests_total`),
a gauge named against the conventions (a guess from the name, so it errs on silence).
Counts of events named without `_total` (`cache_hits`, `cache_misses`, `_evictions`,
`_lookups`) are reported when two of them are divided raw, the classic cache hit ratio.
Dashboard panel queries are checked the same way.

Off by default: without metric metadata the kind is guessed from the name, and real exporters name gauges `_total` and show lifetime totals on purpose; on real configs most findings were not worth a change.

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

/// Every selector of `expr` whose value is used as it is (not through a function that
/// reads its changes, nor only for its presence).
fn raw_selectors<'a>(expr: &'a Expr, depth: usize, found: &mut Vec<&'a VectorSelector>) {
    monlint_promql::with_stack(|| {
        if depth > MAX_DEPTH {
            return;
        }
        match expr {
            Expr::VectorSelector(selector) => found.push(selector),
            Expr::MatrixSelector(matrix) => found.push(&matrix.selector),
            Expr::Call(call) if COUNTER_FUNCTIONS.contains(&call.function.name) => {}
            Expr::Aggregate(aggregate)
                if matches!(
                    aggregate.op,
                    AggregateOp::Count | AggregateOp::Group | AggregateOp::CountValues
                ) => {}
            Expr::Binary(binary) if matches!(binary.op, BinaryOp::And | BinaryOp::Unless) => {
                // The right side only decides which series pass.
                raw_selectors(&binary.lhs, depth + 1, found);
            }
            // `created_total - removed_total`: counters of one process reset together, and
            // their difference is what exists now, a level.
            Expr::Binary(binary)
                if binary.op == BinaryOp::Sub
                    && only_counters(&binary.lhs, depth)
                    && only_counters(&binary.rhs, depth) => {}
            // `x_total == 0`: nothing happened since the start, which a raw counter tells.
            Expr::Binary(binary) if !binary.return_bool && never_happened(binary) => {}
            _ => {
                for child in expr.children() {
                    raw_selectors(child, depth + 1, found);
                }
            }
        }
    })
}

/// Whether the raw values `expr` reads are all counters (and there is one).
fn only_counters(expr: &Expr, depth: usize) -> bool {
    let mut raw = Vec::new();
    raw_selectors(expr, depth + 1, &mut raw);
    !raw.is_empty() && raw.iter().all(|selector| selector_is_counter(selector))
}

/// `== 0`, `<= 0` or `< 1`: the counter has not counted anything yet.
fn never_happened(binary: &BinaryExpr) -> bool {
    threshold(binary).is_some_and(|comparison| {
        matches!(
            (comparison.op, comparison.threshold),
            (BinaryOp::Eql, 0.0) | (BinaryOp::Lte, 0.0) | (BinaryOp::Lss, 1.0)
        )
    })
}

/// Uptime counters (`apache_uptime_seconds_total`) are read raw on purpose: their value
/// is the time since the start, and a drop is the restart one wants to see.
fn is_uptime(selector: &VectorSelector) -> bool {
    selector_name(selector).is_some_and(|name| name.contains("uptime") || name.contains("time_up"))
}

/// Names of event counts that are counters even when the `_total` suffix was left out
/// (cache hits and misses). Only judged in a ratio of two such raw counts.
const EVENT_SUFFIXES: &[&str] = &[
    "_hits",
    "_misses",
    "_hit",
    "_miss",
    "_evictions",
    "_lookups",
];

fn is_event_count(selector: &VectorSelector) -> bool {
    selector_name(selector).is_some_and(|name| EVENT_SUFFIXES.iter().any(|s| name.ends_with(s)))
}

fn raw_event_counts(side: &Expr) -> Vec<(Span, String)> {
    let mut raw = Vec::new();
    raw_selectors(side, 0, &mut raw);
    raw.into_iter()
        .filter(|s| is_event_count(s))
        .map(|s| (s.span, selector_name(s).unwrap_or_default().to_owned()))
        .collect()
}

/// Raw event counts on both sides of a division (`hits / (hits + misses)`): their spans
/// and names.
fn event_count_ratios(expr: &Expr) -> Vec<(Span, String)> {
    let mut found: Vec<(Span, String)> = Vec::new();
    expr.walk(&mut |node| {
        let Expr::Binary(binary) = node else { return };
        if binary.op != BinaryOp::Div {
            return;
        }
        let (lhs, rhs) = (raw_event_counts(&binary.lhs), raw_event_counts(&binary.rhs));
        if lhs.is_empty() || rhs.is_empty() {
            return;
        }
        for (span, name) in lhs.into_iter().chain(rhs) {
            if !found.iter().any(|(f, n)| *f == span || *n == name) {
                found.push((span, name));
            }
        }
    });
    found
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
    let mut raw = Vec::new();
    raw_selectors(expr, 0, &mut raw);
    let capacities = capacity_totals(expr);
    // One finding per counter and expression: its first raw read.
    let mut seen: Vec<&str> = Vec::new();
    raw.retain(|selector| {
        let name = selector_name(selector).unwrap_or_default();
        let first = !seen.contains(&name);
        seen.push(name);
        first
    });
    let mut out: Vec<ExprFinding> = raw
        .into_iter()
        .filter(|selector| {
            selector_is_counter(selector)
                && !is_uptime(selector)
                && !selector_name(selector).is_some_and(counts_objects)
        })
        .filter(|selector| {
            !selector_name(selector).is_some_and(|name| capacities.iter().any(|c| c == name))
        })
        .map(|selector| finding(selector, selector_kind(selector)))
        .collect();
    for (span, name) in event_count_ratios(expr) {
        out.push(
            ExprFinding::new(
                span,
                format!(
                    "`{name}` counts events, so it is a counter (named without `_total`): this ratio divides totals since the last restart, not the current rates"
                ),
            )
            .with_help(format!(
                "divide rates: `rate({name}[5m])`; and name counters with `_total`"
            )),
        );
    }
    out
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
    ctx.report_expr_findings(&CHECK, findings, crate::dashboards::name_from_variable, out);
}
