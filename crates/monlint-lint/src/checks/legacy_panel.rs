//! Angular panel types Grafana migrates or no longer renders.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "X300",
    name: "legacy-panel",
    category: Category::Compatibility,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "A panel uses a legacy Angular panel type (`graph`, `singlestat`, ...).",
    doc: r#"## What it does
Reports panels of the Angular panel types Grafana replaced: `graph` (now `timeseries`),
`singlestat` and `grafana-singlestat-panel` (now `stat`), `table-old` (now `table`),
`grafana-piechart-panel` (now `piechart`) and `grafana-worldmap-panel` (now `geomap`).

## Why is this bad?
Angular support was deprecated in Grafana 9, is off by default since Grafana 11 (which
migrates these panels when the dashboard loads) and is removed in Grafana 12. What users
see is the migrated panel, not this JSON: options without an equivalent are lost, and
every save produces a large unexpected diff.

## Example
```json
{"type": "graph", "title": "Requests"}
```

## Use instead
```json
{"type": "timeseries", "title": "Requests"}
```
"#,
};

const REPLACEMENTS: &[(&str, &str)] = &[
    ("graph", "timeseries"),
    ("singlestat", "stat"),
    ("grafana-singlestat-panel", "stat"),
    ("table-old", "table"),
    ("grafana-piechart-panel", "piechart"),
    ("grafana-worldmap-panel", "geomap"),
];

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for panel in &dashboard.panels {
            let Some(kind) = &panel.kind else { continue };
            let Some((_, replacement)) = REPLACEMENTS.iter().find(|(old, _)| *old == kind.value)
            else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    kind.span,
                    format!(
                        "`{}` is a legacy Angular panel: Grafana 11 migrates it to `{replacement}` on load and Grafana 12 cannot render it",
                        kind.value
                    ),
                )
                .with_help(format!("convert the panel to `{replacement}` and commit the result")),
            );
        }
    }
}
