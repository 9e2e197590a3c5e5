//! Queries that ignore the dashboard's `job` / `instance` selection.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_grafana::Query;
use monlint_promql::ast::{Expr, VectorSelector};

use crate::analysis::metric::selector_name;
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "L300",
    name: "target-job-instance",
    category: Category::Labels,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A dashboard has a `job` or `instance` variable, but a query ignores it.",
    doc: r#"## What it does
When a dashboard defines a `job` or `instance` template variable, reports each Prometheus
query with a selector that does not filter on that label with the variable
(`job=~"$job"`) while other selectors of the same metric family (`node_*`, `http_*`) in the
dashboard do. Dashboards without such variables are not judged, nor are families the
variable never filters (a `job` picker meant for node-exporter panels says nothing about
`kube_*` panels).

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

/// The metric family of a selector: its name up to the first `_` (`node`, `kube`,
/// `http`). A dashboard often scopes its `job` variable to one exporter; selectors of
/// families the variable never filters are that design, not an oversight.
fn family(selector: &VectorSelector) -> Option<&str> {
    let name = selector_name(selector)?;
    Some(name.split_once('_').map_or(name, |(family, _)| family))
}

fn selectors(expr: &Expr) -> Vec<&VectorSelector> {
    let mut found = Vec::new();
    collect(expr, &mut found, 0);
    found
}

fn collect<'a>(expr: &'a Expr, found: &mut Vec<&'a VectorSelector>, depth: usize) {
    monlint_promql::with_stack(|| {
        if depth > 256 {
            return;
        }
        match expr {
            Expr::VectorSelector(selector) => found.push(selector),
            Expr::MatrixSelector(matrix) => found.push(&matrix.selector),
            _ => {
                for child in expr.children() {
                    collect(child, found, depth + 1);
                }
            }
        }
    })
}

fn filters_on(selector: &VectorSelector, label: &str, query: &Query) -> bool {
    selector
        .matchers
        .iter()
        .any(|m| m.name == label && query.touches_variable(m.span))
}

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        let queries: Vec<(&Query, &Expr)> = dashboard
            .targets()
            .filter_map(|(_, target)| target.query.as_ref())
            .filter_map(|query| query.parsed.as_ref().ok().map(|expr| (query, expr)))
            .collect();
        for label in LABELS {
            if dashboard.variable(label).is_none() {
                continue;
            }
            let mut filtered_families: Vec<&str> = Vec::new();
            for (query, expr) in &queries {
                for selector in selectors(expr) {
                    if let Some(family) = family(selector)
                        && filters_on(selector, label, query)
                        && !filtered_families.contains(&family)
                    {
                        filtered_families.push(family);
                    }
                }
            }
            for (query, expr) in &queries {
                let unfiltered = selectors(expr).into_iter().find(|selector| {
                    family(selector).is_some_and(|f| filtered_families.contains(&f))
                        && !filters_on(selector, label, query)
                });
                let Some(selector) = unfiltered else { continue };
                let family = family(selector).unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        ctx.query_span(query, selector.span),
                        format!(
                            "this selector does not filter on `${label}`, unlike the dashboard's other `{family}_*` selectors: the panel shows every {label} whatever the viewer selects"
                        ),
                    )
                    .with_help(format!("add `{label}=~\"${label}\"` to the selector")),
                );
            }
        }
    }
}
