//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V203",
    name: "alertmanager-wrong-type",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A value of the wrong type or shape in an Alertmanager configuration.",
    doc: r#"## What it does
Reports values Alertmanager cannot read into the field: a list where a mapping belongs, a
string for a boolean, a mapping for a string.

## Why is this bad?
Alertmanager refuses the whole file with a `cannot unmarshal` error.

## Example
```yaml
route:
  receiver: team
  continue: maybe
```

## Use instead
```yaml
route:
  receiver: team
```
"#,
};
