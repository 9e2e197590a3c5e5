//! Panel ids used twice in one dashboard.

use std::collections::HashMap;

use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "C302",
    name: "duplicate-panel-id",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "Two panels of a dashboard have the same `id`.",
    doc: r#"## What it does
Reports a panel whose `id` an earlier panel of the same dashboard (rows and panels nested
in collapsed rows included) already has.

## Why is this bad?
Grafana addresses panels by id: "view panel" and "edit panel" links, panel links
(`viewPanel=`), embedding and the `-- Dashboard --` datasource open the wrong panel.
Usually the result of copying a panel's JSON.

## Example
```json
"panels": [{"id": 2, "title": "Requests"}, {"id": 2, "title": "Errors"}]
```

## Use instead
```json
"panels": [{"id": 2, "title": "Requests"}, {"id": 3, "title": "Errors"}]
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        // Keyed by the bits of the number: ids are integers in practice.
        let mut seen: HashMap<u64, Span> = HashMap::new();
        for panel in &dashboard.panels {
            let Some(id) = panel.id else { continue };
            match seen.get(&id.value.to_bits()) {
                Some(&first) => out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        id.span,
                        format!("panel id {} is already used by another panel", id.value),
                    )
                    .with_secondary(ctx.file, first, "first used here")
                    .with_help("give every panel its own id"),
                ),
                None => {
                    seen.insert(id.value.to_bits(), id.span);
                }
            }
        }
    }
}
