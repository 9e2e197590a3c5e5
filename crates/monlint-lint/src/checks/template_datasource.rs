//! Dashboards that cannot be pointed at another Prometheus.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "C304",
    name: "template-datasource",
    category: Category::Correctness,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A dashboard with Prometheus queries has no Prometheus datasource variable.",
    doc: r#"## What it does
Reports a dashboard whose panels query Prometheus but which defines no template variable
of type `datasource` for Prometheus. Exports that bind their datasource at import
(`__inputs` with `${DS_...}`) are left alone.

## Why is this bad?
Without a datasource variable, the viewer cannot point the dashboard at another
Prometheus (another cluster, region or a long-term store), and every panel depends on
whatever the default datasource is on each Grafana instance.

## Example
```json
"templating": {"list": []}
```

## Use instead
```json
"templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        if !dashboard.queries_prometheus() {
            continue;
        }
        let has_variable = dashboard
            .variables
            .iter()
            .any(|v| v.kind == "datasource" && v.plugin.as_deref() == Some("prometheus"));
        let has_input = dashboard
            .inputs
            .iter()
            .any(|i| i.plugin.as_deref() == Some("prometheus"));
        if has_variable || has_input {
            continue;
        }
        let anchor = dashboard
            .title
            .as_ref()
            .map_or(Span::point(dashboard.span.start), |t| t.span);
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                anchor,
                "the dashboard queries Prometheus but has no datasource variable: viewers cannot switch Prometheus",
            )
            .with_help("add `{\"name\": \"datasource\", \"type\": \"datasource\", \"query\": \"prometheus\"}` to `templating.list` and use `${datasource}` in the panels"),
        );
    }
}
