//! Panels without a title or a description.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "S300",
    name: "panel-title-description",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A panel has no title or no description.",
    doc: r#"## What it does
Reports panels (other than rows and text panels) without a title or without a
description.

## Why is this bad?
During an incident the reader needs to know what a panel measures and what a bad value
looks like; the description is the tooltip that says so. A panel without a title cannot
be found or linked.

## Example
```json
{"type": "timeseries", "title": "Errors"}
```

## Use instead
```json
{"type": "timeseries", "title": "Errors",
 "description": "Share of requests answered 5xx. Above 1% the error-budget alert fires."}
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for panel in &dashboard.panels {
            if matches!(panel.kind(), "row" | "text") {
                continue;
            }
            let blank = |t: &Option<monlint_grafana::Text>| {
                t.as_ref().is_none_or(|t| t.value.trim().is_empty())
            };
            let message = match (blank(&panel.title), blank(&panel.description)) {
                (true, true) => "this panel has neither a title nor a description",
                (true, false) => "this panel has no title",
                (false, true) => {
                    "this panel has no description: say what it measures and what a bad value looks like"
                }
                (false, false) => continue,
            };
            out.push(Diagnostic::new(&CHECK, ctx.file, panel.anchor(), message));
        }
    }
}
