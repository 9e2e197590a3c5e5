//! Queries that ignore the dashboard's `job` / `instance` selection.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};
use monlint_grafana::Query;
use monlint_promql::ast::Expr;

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "L300",
    name: "target-job-instance",
    category: Category::Labels,
    default_severity: Severity::Info,
    summary: "A dashboard has a `job` or `instance` variable, but a query ignores it.",
    doc: r#"## What it does
When a dashboard defines a `job` or `instance` template variable, reports each Prometheus
query with a selector that does not filter on that label with the variable
(`job=~"$job"`). Dashboards without such variables are not judged.

## Why is this bad?
The viewer picks a job or an instance at the top of the dashboard and expects every panel
to follow; a panel that ignores the choice silently shows every job's data, which reads
as the selected job's.

## Example
```json
"expr": "sum(rate(http_requests_total[$__rate_interval]))"
```

## Use instead
```json
"expr": "sum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval]))"
```
"#,
};

const LABELS: &[&str] = &["job", "instance"];

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        let defined: Vec<&str> = LABELS
            .iter()
            .copied()
            .filter(|label| dashboard.variable(label).is_some())
            .collect();
        if defined.is_empty() {
            continue;
        }
        for (_, target) in dashboard.targets() {
            let Some(query) = &target.query else { continue };
            let Ok(expr) = &query.parsed else { continue };
            for label in &defined {
                if let Some(selector) = first_unfiltered(expr, label, query) {
                    out.push(
                        Diagnostic::new(
                            &CHECK,
                            ctx.file,
                            ctx.query_span(query, selector),
                            format!(
                                "this selector does not filter on `${label}`: the panel shows every {label} whatever the viewer selects"
                            ),
                        )
                        .with_help(format!("add `{label}=~\"${label}\"` to the selector")),
                    );
                }
            }
        }
    }
}

/// The first selector of `expr` without a matcher on `label` taken from a variable.
fn first_unfiltered(expr: &Expr, label: &str, query: &Query) -> Option<Span> {
    let mut found = None;
    expr.walk(&mut |node| {
        let selector = match node {
            Expr::VectorSelector(selector) => selector,
            Expr::MatrixSelector(matrix) => &matrix.selector,
            _ => return,
        };
        let filtered = selector
            .matchers
            .iter()
            .any(|m| m.name == label && query.touches_variable(m.span));
        if found.is_none() && !filtered {
            found = Some(selector.span);
        }
    });
    found
}
