//! Dashboards Grafana cannot load; reported by the loader.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V300",
    name: "dashboard-invalid",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A dashboard file is not valid JSON, or holds values Grafana cannot read.",
    doc: r#"## What it does
Reports JSON syntax errors in a dashboard file (and in dashboard JSON embedded in a
ConfigMap), values of the wrong shape where Grafana needs a list or an object (`panels`,
`targets`, `templating.list`), and a JSON file named on the command line that holds no
dashboard.

## Why is this bad?
Grafana refuses to import or provision the dashboard, or silently drops the broken part.

## Example
```json
{"title": "API", "panels": {"id": 1}}
```

## Use instead
```json
{"title": "API", "panels": [{"id": 1}]}
```
"#,
};
