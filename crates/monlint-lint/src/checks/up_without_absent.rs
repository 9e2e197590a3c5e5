//! `up == 0` sees targets that fail to scrape, not targets that vanished.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{Expr, MatchOp};

use super::RuleContext;
use super::common::{expr_span, parsed_alerts, threshold};
use crate::analysis::metric::selector_name;
use crate::analysis::unparen;

pub static CHECK: Check = Check {
    code: "T106",
    name: "up-without-absent",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An `up == 0` alert has no companion that notices the target disappearing.",
    doc: r#"## What it does
Reports an alert on `up{job="x"} == 0` (or `< 1`) when no alert in the same file watches
for the series disappearing: `absent(up{job="x"})`, `absent_over_time(up{job="x"}[…])`,
or a `count(up{job="x"})` comparison.

## Why is this bad?
`up == 0` only fires while Prometheus still knows the target and fails to scrape it. When
service discovery loses the target (the deployment was deleted, the pod label changed,
the exporter was removed from the config), the series is gone, `up == 0` returns nothing,
and the outage is silent.

## Example
```yaml
- alert: RedisDown
  expr: up{job="redis"} == 0
```

## Use instead
```yaml
- alert: RedisDown
  expr: up{job="redis"} == 0
- alert: RedisMissing
  expr: absent(up{job="redis"})
```
"#,
};

/// The `job` an `up` selector is restricted to by an equality matcher.
fn up_job(expr: &Expr) -> Option<&str> {
    let Expr::VectorSelector(selector) = unparen(expr) else {
        return None;
    };
    if selector_name(selector) != Some("up") {
        return None;
    }
    selector
        .matchers
        .iter()
        .find(|m| m.name == "job" && m.op == MatchOp::Equal)
        .map(|m| m.value.as_str())
}

/// Jobs whose disappearance some expression watches for.
fn watched_jobs(expr: &Expr, jobs: &mut Vec<String>) {
    expr.walk(&mut |node| {
        let argument = match node {
            Expr::Call(call) if matches!(call.function.name, "absent" | "absent_over_time") => {
                call.args.first()
            }
            Expr::Aggregate(aggregate)
                if aggregate.op == monlint_promql::ast::AggregateOp::Count =>
            {
                Some(&*aggregate.expr)
            }
            _ => None,
        };
        let Some(argument) = argument else { return };
        argument.walk_selectors(&mut |selector| {
            if selector_name(selector) == Some("up") {
                let job = selector
                    .matchers
                    .iter()
                    .find(|m| m.name == "job")
                    .map_or(String::new(), |m| m.value.clone());
                jobs.push(job);
            }
        });
    });
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let mut watched = Vec::new();
    for (_, _, _, parsed) in parsed_alerts(ctx) {
        watched_jobs(parsed, &mut watched);
    }
    for (_, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        let Expr::Binary(binary) = unparen(parsed) else {
            continue;
        };
        let Some(comparison) = threshold(binary) else {
            continue;
        };
        let down = match comparison.op {
            monlint_promql::ast::BinaryOp::Eql => comparison.threshold == 0.0,
            monlint_promql::ast::BinaryOp::Lss => comparison.threshold == 1.0,
            _ => false,
        };
        let Some(job) = up_job(comparison.value).filter(|_| down) else {
            continue;
        };
        // A watcher without a job matcher, or with a regex, may cover this job too.
        if watched
            .iter()
            .any(|w| w == job || w.is_empty() || w.contains(['*', '|', '+']))
        {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                expr_span(ctx, rule_expr, binary.span),
                format!(
                    "alert {:?} fires only while job {job:?} is still discovered: nothing notices its targets disappearing",
                    rule.name()
                ),
            )
            .with_help(format!(
                "add an alert on `absent(up{{job=\"{job}\"}})` next to this one"
            )),
        );
    }
}
