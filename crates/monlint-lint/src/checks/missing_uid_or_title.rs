//! Dashboards that cannot be addressed or found.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "S302",
    name: "missing-uid-or-title",
    category: Category::Style,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "A dashboard has no `uid` or no `title`.",
    doc: r#"## What it does
Reports a dashboard without a `uid` (for Kubernetes-style objects, `metadata.name`) or
without a `title`.

## Why is this bad?
Without a uid, Grafana makes up a new one on every import or provisioning run: links,
bookmarks and alert annotations pointing at the dashboard break, and a provisioned copy
may be duplicated. Without a title the dashboard cannot be found in search.

## Example
```json
{"title": "API overview", "panels": []}
```

## Use instead
```json
{"uid": "api-overview", "title": "API overview", "panels": []}
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        let anchor = dashboard
            .title
            .as_ref()
            .map_or(Span::point(dashboard.span.start), |t| t.span);
        let blank = |t: &Option<monlint_grafana::Text>| {
            t.as_ref().is_none_or(|t| t.value.trim().is_empty())
        };
        if blank(&dashboard.uid) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    anchor,
                    "the dashboard has no uid: Grafana makes up a new one on each import, breaking links to it",
                )
                .with_help("add a stable `uid` (a short slug such as `api-overview`)"),
            );
        }
        if blank(&dashboard.title) {
            out.push(Diagnostic::new(
                &CHECK,
                ctx.file,
                anchor,
                "the dashboard has no title",
            ));
        }
    }
}
