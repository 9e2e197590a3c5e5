//! Panels plotting numbers without saying what they are.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "S301",
    name: "panel-units",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A time series, graph or gauge panel of Prometheus data has no unit.",
    doc: r#"## What it does
Reports time series, graph, gauge and bar gauge panels with Prometheus queries whose
unit is not set (`fieldConfig.defaults.unit`, an override's `unit`, or a legacy graph's
y-axis `format`).

## Why is this bad?
Without a unit, `0.25` may be seconds, a ratio or requests per second; bytes show as huge
raw numbers. The reader has to guess, under pressure.

## Example
```json
{"type": "timeseries", "title": "Latency p95", "fieldConfig": {"defaults": {}}}
```

## Use instead
```json
{"type": "timeseries", "title": "Latency p95", "fieldConfig": {"defaults": {"unit": "s"}}}
```
"#,
};

/// Stat panels are left out: they mostly show counts (pods, targets, versions), for
/// which Grafana's default (`short`) is the right unit.
const UNIT_PANELS: &[&str] = &["timeseries", "graph", "gauge", "bargauge"];

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for panel in &dashboard.panels {
            if !UNIT_PANELS.contains(&panel.kind()) || panel.unit.is_some() {
                continue;
            }
            if !panel.targets.iter().any(|t| t.query.is_some()) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    panel.anchor(),
                    "this panel has no unit: readers cannot tell seconds from ratios or bytes",
                )
                .with_help(
                    "set `fieldConfig.defaults.unit` (`s`, `percentunit`, `reqps`, `bytes`, ...)",
                ),
            );
        }
    }
}
