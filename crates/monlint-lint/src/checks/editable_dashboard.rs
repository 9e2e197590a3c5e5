//! Dashboards that invite edits the next deployment overwrites.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "S303",
    name: "editable-dashboard",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A dashboard kept in git is editable in Grafana.",
    doc: r#"## What it does
Reports a dashboard without `"editable": false`.

## Why is this bad?
A dashboard kept in version control is provisioned from it: edits made in Grafana's UI
are overwritten at the next deployment (or, worse, drift from the file when provisioning
allows UI updates). Making it read-only in Grafana keeps the file the one source of truth.

## Example
```json
{"uid": "api", "title": "API", "editable": true}
```

## Use instead
```json
{"uid": "api", "title": "API", "editable": false}
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        if dashboard.editable.is_some_and(|e| !e.value) {
            continue;
        }
        let span = match (dashboard.editable, &dashboard.title) {
            (Some(editable), _) => editable.span,
            (None, Some(title)) => title.span,
            (None, None) => Span::point(dashboard.span.start),
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                span,
                "the dashboard is editable in Grafana: UI edits are lost at the next deployment of this file",
            )
            .with_help("set `\"editable\": false`"),
        );
    }
}
