//! A range window too short to hold the samples its function needs.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::Expr;

use super::RuleContext;
use super::common::{ExprFinding, expr_span, format_duration, parsed_rules};
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q102",
    name: "rate-window-too-short",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A `rate()`-like window is shorter than two scrape intervals, or an `_over_time` window shorter than one.",
    doc: r#"## What it does
Compares the range of every range selector with the scrape interval the policy assumes
(30s by default). `rate`, `irate`, `increase`, `delta`, `idelta`, `deriv`, `changes`,
`resets` and `predict_linear` need at least two samples, so their window must cover at
least two scrape intervals (1m by default); the `_over_time` functions need one sample, so
their window must cover at least one interval.

## Why is this bad?
With fewer samples in the window than the function needs, the result is empty for most
evaluations (and scrape jitter makes it flap): alerts built on it never fire or flap, and
graphs have gaps. Prometheus' own advice is a window of at least four scrape intervals.

## Example
```yaml
expr: rate(http_requests_total[30s]) > 10
```

## Use instead
```yaml
expr: rate(http_requests_total[2m]) > 10
```
"#,
};

/// Functions that need two samples in their window.
const TWO_SAMPLE_FUNCTIONS: &[&str] = &[
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "deriv",
    "changes",
    "resets",
    "predict_linear",
];

/// Every window in `expr` too short for a scrape interval of `scrape` milliseconds.
pub fn findings(expr: &Expr, scrape: u64) -> Vec<ExprFinding> {
    let mut out = Vec::new();
    expr.walk(&mut |node| {
        let Expr::Call(call) = node else { return };
        let name = call.function.name;
        let samples = if TWO_SAMPLE_FUNCTIONS.contains(&name) {
            2
        } else if name.ends_with("_over_time") {
            1
        } else {
            return;
        };
        let minimum = scrape.saturating_mul(samples);
        for arg in &call.args {
            let Expr::MatrixSelector(matrix) = arg else {
                continue;
            };
            if matrix.range.millis() >= minimum {
                continue;
            }
            let holds = if samples == 2 {
                "fewer than two samples"
            } else {
                "no sample"
            };
            out.push(
                ExprFinding::new(
                    matrix.span,
                    format!(
                        "`{name}` over a {} window: with a {} scrape interval it often holds {holds} and returns nothing",
                        format_duration(matrix.range.millis()),
                        format_duration(scrape),
                    ),
                )
                .with_help(format!(
                    "use a window of at least {} (four scrape intervals is safer)",
                    format_duration(minimum)
                )),
            );
        }
    });
    out
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let scrape = ctx.policy.scrape_interval_ms;
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        for finding in findings(parsed, scrape) {
            let span = expr_span(ctx, rule_expr, finding.span);
            out.push(finding.into_diagnostic(&CHECK, ctx.rules.file, span));
        }
    }
}

/// The same on dashboard queries; windows Grafana fills in (`$__rate_interval`) are left
/// alone, Grafana sizes them from the scrape interval.
pub fn check_dashboard(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    let scrape = ctx.policy.scrape_interval_ms;
    ctx.report_expr_findings(
        &CHECK,
        |expr| findings(expr, scrape),
        crate::dashboards::window_from_variable,
        out,
    );
}
