//! `for` missing on a noisy alert, shorter than two evaluations, or combined with `irate`.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{AggregateOp, BinaryOp, Expr, VectorSelector};

use super::RuleContext;
use super::common::{duration_ms, expr_span, find, format_duration, parsed_alerts, threshold};
use crate::analysis::metric::{MetricKind, is_counter_name, selector_name};
use crate::analysis::{ELEMENTWISE_FUNCTIONS, LABEL_FUNCTIONS, unparen};
use crate::rules::model::{Group, Rule};

pub static CHECK: Check = Check {
    code: "T104",
    name: "for-missing-or-short",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An alert on a rate, on `up == 0`, or a paging alert on a level has no `for`, a `for` shorter than two evaluations, or uses `irate`.",
    doc: r#"## What it does
Reports an alerting rule that:
- computes a rate or change (`rate`, `irate`, `increase`, `delta`, `deriv`, …) and has no
  `for` (or `for: 0s`);
- compares `up` with 0 (`up == 0`, `up < 1`) and has no `for`;
- computes a rate and has a `for` shorter than two evaluation intervals of its group (the
  group's `interval`, else the policy's evaluation interval, 1m by default);
- uses `irate` together with a `for`;
- pages (its `severity` is `critical`, `page`, `pager`, `paging` or `emergency`), has no
  `for`, and compares a raw level with a threshold (`node_memory_MemAvailable_bytes /
  node_memory_MemTotal_bytes < 0.05`, a gauge read as it is, not through a function over a
  window) or a `predict_linear` forecast.

A comparison that asks whether anything is in a state (`> 0`, `< 1`) is not a level.
Rate alerts are not reported when the window already debounces them: when the condition
is about any occurrence (`increase(failures_total[5m]) > 0`, `increase(x[1d]) >= 1`,
`== 0`), or when every window is at least ten evaluation intervals long (`rate(x[1h])` in
a group evaluated every minute). Levels are only judged on paging alerts, by ordering
comparisons (`>`, `<`, …) of metrics read raw; recorded series (`job:x:rate5m`), counters,
`time()` arithmetic and `_info` metrics are left alone.

Off by default: how long to wait before paging is a team's choice, and on real configs most findings (a `for: 1m` on a 5m window, a warning without `for`) were not worth a change.

## Why is this bad?
Rates are noisy: without `for`, one spike pages someone. Likewise one slow or lost scrape
makes `up` 0 for one evaluation. A `for` shorter than two
evaluation intervals fires as soon as two evaluations in a row see a spike.
`irate` looks at the last two samples only, so an `irate` condition rarely holds for
several evaluations in a row: the alert flaps instead of firing.
A gauge crosses its threshold for a moment on every burst, and `predict_linear` swings with
each change of slope: a paging alert on either without `for` wakes someone up for one
evaluation's excursion.

## Example
```yaml
- alert: ErrorsHigh
  expr: irate(errors_total[5m]) > 10
  for: 10m
- alert: DiskFillingUp
  expr: predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0
  labels:
    severity: critical
```

## Use instead
```yaml
- alert: ErrorsHigh
  expr: rate(errors_total[5m]) > 10
  for: 10m
- alert: DiskFillingUp
  expr: predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0
  for: 1h
  labels:
    severity: critical
```
"#,
};

const NOISY_FUNCTIONS: &[&str] = &["rate", "irate", "increase", "delta", "idelta", "deriv"];

/// A window this many evaluation intervals long already smooths out a spike.
const DEBOUNCING_WINDOWS: u64 = 10;

/// `severity` values that wake someone up.
const PAGING_SEVERITIES: &[&str] = &["critical", "page", "pager", "paging", "emergency"];

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (group, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        let mut noisy = None;
        let mut irate = None;
        parsed.walk(&mut |node| {
            if let Expr::Call(call) = node {
                if NOISY_FUNCTIONS.contains(&call.function.name) && noisy.is_none() {
                    noisy = Some(call.function.name);
                }
                if call.function.name == "irate" && irate.is_none() {
                    irate = Some(call.span);
                }
            }
        });
        let for_ms = duration_ms(&rule.for_).unwrap_or(0);
        let evaluation = duration_ms(&group.interval)
            .filter(|ms| *ms > 0)
            .unwrap_or(ctx.policy.evaluation_interval_ms);
        let debounced = detects_events(parsed)
            || shortest_window(parsed)
                .is_some_and(|window| window >= evaluation.saturating_mul(DEBOUNCING_WINDOWS));
        match (&rule.for_, noisy) {
            (_, Some(_)) if debounced => {}
            (Some(for_), Some(function)) if for_ms > 0 && for_ms < evaluation.saturating_mul(2) => out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    for_.span,
                    format!(
                        "`for: {}` on a `{function}` alert is shorter than two evaluation intervals ({}): two noisy evaluations in a row page",
                        for_.value,
                        format_duration(evaluation.saturating_mul(2))
                    ),
                )
                .with_help(format!(
                    "use `for: {}` or longer",
                    format_duration(evaluation.saturating_mul(2))
                )),
            ),
            (_, Some(function)) if for_ms == 0 => out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    rule.name_span(),
                    format!(
                        "alert {:?} uses `{function}` but has no `for`: a single spike pages",
                        rule.name()
                    ),
                )
                .with_help("add `for: 5m` (or the delay the alert can afford)"),
            ),
            _ => {}
        }
        if for_ms == 0 && noisy.is_none() {
            if rule.for_.is_none() && watches_scrape_failures(parsed) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        rule.name_span(),
                        format!(
                            "alert {:?} on `up` has no `for`: a single failed scrape pages",
                            rule.name()
                        ),
                    )
                    .with_help(
                        "add `for: 2m` or more, so that one slow or lost scrape is not an outage",
                    ),
                );
            } else if let Some(severity) = paging_severity(group, rule)
                && let Some(level) = level_condition(parsed)
            {
                let what = match level {
                    Level::Raw => {
                        "a level read at one instant: one evaluation's excursion over the threshold"
                    }
                    Level::Forecast => {
                        "a `predict_linear` forecast, which swings with every change of slope: one evaluation's forecast"
                    }
                };
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        rule.name_span(),
                        format!(
                            "alert {:?} pages (`severity: {severity}`) with no `for` on {what} wakes someone up",
                            rule.name()
                        ),
                    )
                    .with_help("add a `for` as long as the condition must hold before someone is woken up, such as `for: 5m`"),
                );
            }
        }
        if let Some(span) = irate
            && for_ms > 0
        {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, span),
                    "`irate` with `for`: the rate between the last two samples rarely stays over the threshold for the whole `for`, so the alert flaps",
                )
                .with_help("use `rate` over a window at least as long as the scrape interval times four"),
            );
        }
    }
}

/// `up == 0` or `up < 1`: a condition one failed scrape makes true.
fn watches_scrape_failures(expr: &Expr) -> bool {
    let Expr::Binary(binary) = crate::analysis::unparen(expr) else {
        return false;
    };
    let Some(comparison) = threshold(binary) else {
        return false;
    };
    let is_up = matches!(
        crate::analysis::unparen(comparison.value),
        Expr::VectorSelector(selector) if selector.name.as_deref() == Some("up")
    );
    let means_down = matches!(
        (comparison.op, comparison.threshold),
        (BinaryOp::Eql, 0.0) | (BinaryOp::Lss, 1.0) | (BinaryOp::Lte, 0.0)
    );
    is_up && means_down
}

/// Functions whose result counts events in a window: `>= 1` on them means "any".
const EVENT_COUNTS: &[&str] = &["increase", "changes", "resets", "count_over_time"];

/// `increase(failures_total[5m]) > 0`, `increase(x[1d]) >= 1`: the alert is about any
/// occurrence (or none), not a level a spike could cross, so it needs no `for`.
fn detects_events(expr: &Expr) -> bool {
    let (mut comparisons, mut occurrences) = (0usize, 0usize);
    expr.walk(&mut |node| {
        if let Expr::Binary(binary) = node
            && let Some(comparison) = threshold(binary)
        {
            comparisons += 1;
            let any_or_none = comparison.threshold == 0.0
                || (comparison.threshold == 1.0
                    && matches!(comparison.op, BinaryOp::Gte | BinaryOp::Lss)
                    && counts_events(comparison.value));
            if any_or_none {
                occurrences += 1;
            }
        }
    });
    comparisons > 0 && comparisons == occurrences
}

fn counts_events(expr: &Expr) -> bool {
    let mut counts = false;
    expr.walk(&mut |node| {
        if let Expr::Call(call) = node
            && EVENT_COUNTS.contains(&call.function.name)
        {
            counts = true;
        }
    });
    counts
}

/// The shortest range window of the expression (range selectors and subqueries).
fn shortest_window(expr: &Expr) -> Option<u64> {
    let mut shortest: Option<u64> = None;
    expr.walk(&mut |node| {
        let window = match node {
            Expr::MatrixSelector(matrix) => matrix.range.millis(),
            Expr::Subquery(subquery) => subquery.range.millis(),
            _ => return,
        };
        shortest = Some(shortest.map_or(window, |s| s.min(window)));
    });
    shortest
}

/// The `severity` of the alert (or its group) when it is one that pages.
fn paging_severity<'r>(group: &'r Group, rule: &'r Rule) -> Option<&'r str> {
    let severity = find(&rule.labels, "severity")
        .or_else(|| find(&group.labels, "severity"))?
        .value
        .text();
    PAGING_SEVERITIES
        .iter()
        .any(|paging| severity.eq_ignore_ascii_case(paging))
        .then_some(severity)
}

/// What a paging condition compares with its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// Gauges read at one instant.
    Raw,
    /// A `predict_linear` forecast.
    Forecast,
}

/// The level compared by the alert's condition, through `and`/`unless` (their left side)
/// and `or` (either side); only ordering comparisons with a number count.
fn level_condition(expr: &Expr) -> Option<Level> {
    monlint_promql::with_stack(|| {
        let Expr::Binary(binary) = unparen(expr) else {
            return None;
        };
        match binary.op {
            BinaryOp::And | BinaryOp::Unless => level_condition(&binary.lhs),
            BinaryOp::Or => level_condition(&binary.lhs).or_else(|| level_condition(&binary.rhs)),
            BinaryOp::Gtr | BinaryOp::Gte | BinaryOp::Lss | BinaryOp::Lte
                if !binary.return_bool =>
            {
                let comparison = threshold(binary)?;
                // `> 0`, `< 1`: whether anything is in a state, not a level crossing a line.
                if matches!(
                    (comparison.op, comparison.threshold),
                    (BinaryOp::Gtr | BinaryOp::Lte, 0.0) | (BinaryOp::Gte | BinaryOp::Lss, 1.0)
                ) {
                    return None;
                }
                let mut level = LevelScan::default();
                level.scan(comparison.value, 0);
                level.result()
            }
            _ => None,
        }
    })
}

const MAX_DEPTH: usize = 64;

#[derive(Default)]
struct LevelScan {
    selectors: usize,
    forecast: bool,
    /// Something whose noise is unknown: a window, time, a recorded or special series.
    other: bool,
}

impl LevelScan {
    fn scan(&mut self, expr: &Expr, depth: usize) {
        monlint_promql::with_stack(|| {
            if depth > MAX_DEPTH {
                self.other = true;
                return;
            }
            match expr {
                Expr::Number(_) => {}
                Expr::VectorSelector(selector) => {
                    if is_plain_gauge(selector) {
                        self.selectors += 1;
                    } else {
                        self.other = true;
                    }
                }
                Expr::Paren(inner) => self.scan(&inner.expr, depth + 1),
                Expr::Unary(unary) => self.scan(&unary.expr, depth + 1),
                Expr::Binary(binary)
                    if !binary.op.is_comparison() && !binary.op.is_set_operator() =>
                {
                    self.scan(&binary.lhs, depth + 1);
                    self.scan(&binary.rhs, depth + 1);
                }
                Expr::Aggregate(aggregate)
                    if matches!(
                        aggregate.op,
                        AggregateOp::Sum | AggregateOp::Avg | AggregateOp::Min | AggregateOp::Max
                    ) =>
                {
                    self.scan(&aggregate.expr, depth + 1);
                }
                Expr::Call(call) if call.function.name == "predict_linear" => {
                    match call.args.first() {
                        Some(Expr::MatrixSelector(matrix)) if is_plain_gauge(&matrix.selector) => {
                            self.forecast = true;
                            self.selectors += 1;
                        }
                        _ => self.other = true,
                    }
                }
                Expr::Call(call)
                    if ELEMENTWISE_FUNCTIONS
                        .iter()
                        .chain(LABEL_FUNCTIONS)
                        .any(|f| *f == call.function.name) =>
                {
                    if let Some(arg) = call.args.first() {
                        self.scan(arg, depth + 1);
                    }
                }
                _ => self.other = true,
            }
        })
    }

    fn result(&self) -> Option<Level> {
        if self.other || self.selectors == 0 {
            None
        } else if self.forecast {
            Some(Level::Forecast)
        } else {
            Some(Level::Raw)
        }
    }
}

/// A series that is a plain gauge by its name: not a counter (counter-without-rate's
/// business), not a recorded series (which may already be smoothed), not `up`, `ALERTS`
/// or an `_info` metric, and no timestamp (its age grows steadily, there is no spike).
fn is_plain_gauge(selector: &VectorSelector) -> bool {
    let Some(name) = selector_name(selector) else {
        return false;
    };
    !name.contains(':')
        && !is_counter_name(name)
        && !matches!(name, "up" | "ALERTS" | "ALERTS_FOR_STATE")
        && !name.contains("timestamp")
        && !matches!(
            MetricKind::from_name(name),
            MetricKind::Info | MetricKind::HistogramCount | MetricKind::HistogramSum
        )
}
