//! Reported by the loader when a file is not well-formed YAML.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V100",
    name: "yaml-syntax",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "The file is not well-formed YAML.",
    doc: r#"## What it does
Reports YAML that does not parse: bad indentation, an unclosed bracket or quote, a tab used
for indentation, or an alias that would expand beyond monlint's limits (an "alias bomb").

## Why is this bad?
Prometheus refuses to load the whole file, so none of its rules run.

## Example
```yaml
groups:
  - name: app
    rules: [
```

## Use instead
```yaml
groups:
  - name: app
    rules: []
```
"#,
};
