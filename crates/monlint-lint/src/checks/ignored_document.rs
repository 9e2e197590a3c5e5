//! Reported while loading: Prometheus reads only the first YAML document of a rule file.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "X100",
    name: "ignored-document",
    category: Category::Compatibility,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A rule file has more than one YAML document; Prometheus ignores all but the first.",
    doc: r#"## What it does
Reports the second and later `---` documents of a plain rule file. (Kubernetes
`PrometheusRule` files are different: each document is its own object and all are read.)

## Why is this bad?
Prometheus and promtool read only the first document. The rules after `---` are never
loaded and never checked, and nothing says so.

## Example
```yaml
groups:
  - name: app
    rules: [...]
---
groups:
  - name: infra
    rules: [...]
```

## Use instead
One document per file: move the second document's groups into the first, or into a file of
their own.
"#,
};
