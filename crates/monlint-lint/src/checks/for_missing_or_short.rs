//! `for` missing on a noisy alert, shorter than two evaluations, or combined with `irate`.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr};

use super::RuleContext;
use super::common::{duration_ms, expr_span, format_duration, parsed_alerts, threshold};

pub static CHECK: Check = Check {
    code: "T104",
    name: "for-missing-or-short",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert on a rate or on `up == 0` has no `for`, a `for` shorter than two evaluations, or uses `irate`.",
    doc: r#"## What it does
Reports an alerting rule that:
- computes a rate or change (`rate`, `irate`, `increase`, `delta`, `deriv`, …) and has no
  `for` (or `for: 0s`), unless it only compares with 0 (`increase(failures_total[5m]) > 0`
  is about any occurrence, not a level);
- compares `up` with 0 (`up == 0`, `up < 1`) and has no `for`;
- computes a rate and has a `for` shorter than two evaluation intervals of its group (the
  group's `interval`, else the policy's evaluation interval, 1m by default);
- uses `irate` together with a `for`.

## Why is this bad?
Rates are noisy: without `for`, one spike pages someone. Likewise one slow or lost scrape
makes `up` 0 for one evaluation. A `for` shorter than two
evaluation intervals fires as soon as two evaluations in a row see a spike.
`irate` looks at the last two samples only, so an `irate` condition rarely holds for
several evaluations in a row: the alert flaps instead of firing.

## Example
```yaml
- alert: ErrorsHigh
  expr: irate(errors_total[5m]) > 10
  for: 10m
```

## Use instead
```yaml
- alert: ErrorsHigh
  expr: rate(errors_total[5m]) > 10
  for: 10m
```
"#,
};

const NOISY_FUNCTIONS: &[&str] = &["rate", "irate", "increase", "delta", "idelta", "deriv"];

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (group, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        let mut noisy = None;
        let event = detects_events(parsed);
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
        match (&rule.for_, noisy) {
            (_, Some(_)) if event => {}
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
        if rule.for_.is_none() && noisy.is_none() && watches_scrape_failures(parsed) {
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

/// `increase(failures_total[5m]) > 0`: the alert is about any occurrence, not a level a
/// spike could cross, so it needs no `for`.
fn detects_events(expr: &Expr) -> bool {
    let mut thresholds = Vec::new();
    expr.walk(&mut |node| {
        if let Expr::Binary(binary) = node
            && let Some(comparison) = threshold(binary)
        {
            thresholds.push(comparison.threshold);
        }
    });
    !thresholds.is_empty() && thresholds.iter().all(|t| *t == 0.0)
}
