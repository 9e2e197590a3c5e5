//! Data panels without a query.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "C301",
    name: "panel-no-targets",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A data panel has no queries.",
    doc: r#"## What it does
Reports panels of a type that shows data (time series, stat, gauge, table, ...) with no
`targets`. Library panels whose model is not in the file are not judged, nor are panels
of the `-- Dashboard --` datasource.

## Why is this bad?
The panel renders "No data" forever: usually a query lost while editing or while
converting a dashboard.

## Example
```json
{"type": "timeseries", "title": "Requests", "targets": []}
```

## Use instead
```json
{"type": "timeseries", "title": "Requests",
 "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}]}
```
"#,
};

/// Panel types that display query results.
pub const DATA_PANELS: &[&str] = &[
    "timeseries",
    "graph",
    "stat",
    "singlestat",
    "gauge",
    "bargauge",
    "table",
    "table-old",
    "heatmap",
    "piechart",
    "barchart",
    "histogram",
    "state-timeline",
    "status-history",
    "trend",
    "xychart",
];

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for panel in &dashboard.panels {
            let unresolved_library = panel.library_panel.is_some() && !panel.library_panel_resolved;
            if !DATA_PANELS.contains(&panel.kind())
                || !panel.targets.is_empty()
                || unresolved_library
                || panel.datasource.as_ref().is_some_and(|d| d.is_special())
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    panel.anchor(),
                    format!(
                        "this `{}` panel has no query: it can only show \"No data\"",
                        panel.kind()
                    ),
                )
                .with_help("add the query, or remove the panel"),
            );
        }
    }
}
