//! `histogram_quantile` over buckets whose `le` label was aggregated away, or with a
//! quantile outside [0, 1].

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::Expr;

use super::RuleContext;
use super::common::{ExprFinding, expr_span, format_number, parsed_rules};
use crate::analysis::metric::selector_name;
use crate::analysis::{labels, literal_number};
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q100",
    name: "histogram-quantile-without-le",
    category: Category::Promql,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "`histogram_quantile` gets buckets without `le`, or a quantile outside [0, 1].",
    doc: r#"## What it does
Follows the labels of `histogram_quantile`'s second argument and, when it reads classic
`_bucket` series, reports when the `le` label is provably gone (`sum by (job) (rate(x_bucket[5m]))`, `sum(...)`,
`... without (le)`). Also reports a literal quantile below 0 or above 1.

## Why is this bad?
Classic histograms need the bucket boundaries in `le`: without it `histogram_quantile`
returns nothing, so the alert never fires and the panel stays empty. A quantile outside
[0, 1] returns -Inf or +Inf. Native histograms carry their buckets inside each sample and
need no `le`: expressions without `_bucket` series are not reported.

## Example
```yaml
expr: histogram_quantile(0.99, sum by (job) (rate(http_request_duration_seconds_bucket[5m]))) > 1
```

## Use instead
```yaml
expr: histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m]))) > 1
```
"#,
};

/// Quantiles outside [0, 1] and buckets without `le` in `expr`.
pub fn findings(expr: &Expr) -> Vec<ExprFinding> {
    let mut out = Vec::new();
    expr.walk(&mut |node| {
        let Expr::Call(call) = node else { return };
        if call.function.name != "histogram_quantile" {
            return;
        }
        if let Some(phi) = call.args.first().and_then(literal_number)
            && !(0.0..=1.0).contains(&phi)
        {
            out.push(
                ExprFinding::new(
                    call.args[0].span(),
                    format!(
                        "quantile {} is outside [0, 1]: `histogram_quantile` returns {}",
                        format_number(phi),
                        if phi < 0.0 { "-Inf" } else { "+Inf" }
                    ),
                )
                .with_help("write the quantile as a fraction: 0.99 for the 99th percentile"),
            );
        }
        let Some(buckets) = call.args.get(1) else {
            return;
        };
        if !reads_classic_buckets(buckets) || labels::infer(buckets).may_have("le") {
            return;
        }
        out.push(
            ExprFinding::new(
                buckets.span(),
                "the buckets passed to `histogram_quantile` have lost their `le` label, so it returns nothing",
            )
            .with_primary_message("`le` is aggregated away here")
            .with_help("keep `le` in the aggregation: `sum by (le, ...)`"),
        );
    });
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

/// The same on every Prometheus query of a dashboard.
pub fn check_dashboard(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    ctx.report_expr_findings(&CHECK, findings, |_, _| false, out);
}

/// Native histograms need no `le`; only classic `_bucket` series do.
fn reads_classic_buckets(expr: &Expr) -> bool {
    let mut classic = false;
    expr.walk_selectors(&mut |selector| {
        if selector_name(selector).is_some_and(|name| name.ends_with("_bucket")) {
            classic = true;
        }
    });
    classic
}
