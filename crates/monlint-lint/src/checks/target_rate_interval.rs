//! Rate windows in dashboards that do not follow the panel's resolution.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::Expr;

use crate::dashboards::{DashboardContext, window_span};

pub static CHECK: Check = Check {
    code: "Q301",
    name: "target-rate-interval",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "A dashboard's `rate()` / `irate()` / `increase()` window is not `$__rate_interval`.",
    doc: r#"## What it does
Reports the range window of `rate`, `irate` and `increase` in dashboard queries when it is
a fixed duration (`[5m]`) or `$__interval`, rather than `$__rate_interval`. Windows over
the whole time range (`[$__range]`) are left alone: they are meant to cover the range.

## Why is this bad?
A fixed window is either too short when the dashboard shows a long time range (Grafana
then skips samples between points) or smooths away spikes at short ranges. `$__interval`
can shrink below two scrape intervals, and the panel goes blank. `$__rate_interval` is
always at least four scrape intervals and follows the panel's resolution.

## Example
```json
"expr": "sum(rate(http_requests_total[5m]))"
```

## Use instead
```json
"expr": "sum(rate(http_requests_total[$__rate_interval]))"
```
"#,
};

const RATE_FUNCTIONS: &[&str] = &["rate", "irate", "increase"];

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for (_, target) in dashboard.targets() {
            let Some(query) = &target.query else { continue };
            let Ok(expr) = &query.parsed else { continue };
            expr.walk(&mut |node| {
                let Expr::Call(call) = node else { return };
                let function = call.function.name;
                if !RATE_FUNCTIONS.contains(&function) {
                    return;
                }
                let Some(Expr::MatrixSelector(matrix)) = call.args.first() else {
                    return;
                };
                let Some(window) = window_span(query, matrix.span) else {
                    return;
                };
                let raw = query.expansion.raw_range(window.range());
                let variable = query
                    .expansion
                    .references
                    .iter()
                    .find(|r| r.raw.start >= raw.start && r.raw.end <= raw.end)
                    .map(|r| r.name.as_str());
                let written = match variable {
                    Some("__rate_interval" | "__range") => return,
                    Some(name) => format!("${name}"),
                    None => query.expansion.text[window.range()].to_owned(),
                };
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        ctx.query_span(query, window),
                        format!(
                            "`{function}` over `[{written}]`: the window should follow the panel's resolution and the scrape interval"
                        ),
                    )
                    .with_help("use `[$__rate_interval]`"),
                );
            });
        }
    }
}
