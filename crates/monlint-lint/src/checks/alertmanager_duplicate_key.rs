//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V202",
    name: "alertmanager-duplicate-key",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A key written twice in one mapping of an Alertmanager configuration.",
    doc: r#"## What it does
Reports a key that appears twice in the same mapping, which Alertmanager's YAML reader refuses.

## Why is this bad?
Alertmanager refuses the file; and a reader of the file cannot tell which value was meant.

## Example
```yaml
route:
  receiver: team
  receiver: pager
```

## Use instead
```yaml
route:
  receiver: pager
```
"#,
};
