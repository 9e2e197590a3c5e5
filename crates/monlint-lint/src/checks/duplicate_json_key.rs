//! Keys written twice in a dashboard's JSON; reported by the loader.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "C308",
    name: "duplicate-json-key",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A key is written twice in one object of a dashboard's JSON.",
    doc: r#"## What it does
Reports a key that appears twice in the same JSON object of a dashboard (also inside
dashboards embedded in ConfigMaps).

## Why is this bad?
Grafana's JSON reader silently keeps the last value, so the first one is dead text that
still reads as the configuration; other tools (and reviewers) may read the first. It is
usually a bad merge or a copy-paste.

## Example
```json
{"uid": "shop", "title": "Shop", "uid": "shop-v2"}
```

## Use instead
```json
{"uid": "shop-v2", "title": "Shop"}
```
"#,
};
