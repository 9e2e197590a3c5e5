//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V207",
    name: "alertmanager-invalid-value",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A value Alertmanager refuses: durations, URLs, time interval specifications, label names, template globs.",
    doc: r#"## What it does
Reports values that do not parse: durations (`5 minutes`), URLs without an http(s) scheme
or a host, time interval fields (`weekdays: [funday]`, `times` with an end before the start),
label names in inhibit `equal`, malformed template globs.

## Why is this bad?
Alertmanager refuses the file.

## Example
```yaml
time_intervals:
  - name: office-hours
    time_intervals:
      - weekdays: ['monday:fryday']
```

## Use instead
```yaml
time_intervals:
  - name: office-hours
    time_intervals:
      - weekdays: ['monday:friday']
```
"#,
};
