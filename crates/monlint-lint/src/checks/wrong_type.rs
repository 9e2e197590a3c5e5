//! Reported by the loader when a value has the wrong YAML type.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V103",
    name: "wrong-type",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A value has the wrong YAML type (a list where a string belongs, ...).",
    doc: r#"## What it does
Reports values whose YAML type does not fit the field: a list where a label value belongs,
a string where `limit` needs an integer, a mapping where `rules` needs a list.

## Why is this bad?
Prometheus refuses the file with an "unmarshal" error.

## Example
```yaml
labels:
  team: [payments]
```

## Use instead
```yaml
labels:
  team: payments
```
"#,
};
