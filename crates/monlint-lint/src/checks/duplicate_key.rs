//! Reported by the loader when a mapping repeats a key.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V102",
    name: "duplicate-key",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A mapping key is written twice.",
    doc: r#"## What it does
Reports a key that appears twice in the same mapping, such as two `expr:` in one rule or
the same label twice.

## Why is this bad?
Prometheus refuses the file ("mapping key already defined"). Other YAML tools silently keep
one of the values, so the file may look fine elsewhere.

## Example
```yaml
labels:
  severity: warning
  severity: critical
```

## Use instead
```yaml
labels:
  severity: critical
```
"#,
};
