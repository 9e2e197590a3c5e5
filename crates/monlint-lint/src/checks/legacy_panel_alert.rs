//! Legacy dashboard alerts, dead since Grafana 11.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "X301",
    name: "legacy-panel-alert",
    category: Category::Compatibility,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A panel holds a legacy dashboard `alert`, which no Grafana since 11 evaluates.",
    doc: r#"## What it does
Reports the `alert` object of a panel: a legacy dashboard alert.

## Why is this bad?
Grafana 11 removed legacy alerting. The alert is dead configuration: nobody is paged,
whatever its conditions say, while the JSON suggests the panel is watched.

## Example
```json
{"type": "graph", "title": "Errors", "alert": {"name": "High errors", "conditions": []}}
```

## Use instead
A Prometheus alerting rule (or a Grafana-managed alert rule) on the same query, and no
`alert` in the panel.
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for panel in &dashboard.panels {
            let Some(span) = panel.legacy_alert else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    span,
                    "legacy dashboard alert: Grafana 11 removed legacy alerting, so this alert never fires",
                )
                .with_help("move it to a Prometheus alerting rule and delete the `alert` object"),
            );
        }
    }
}
