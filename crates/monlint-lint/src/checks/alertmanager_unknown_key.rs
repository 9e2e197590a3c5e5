//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V201",
    name: "alertmanager-unknown-key",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A key that the targeted Alertmanager version does not accept here.",
    doc: r#"## What it does
Reports keys Alertmanager's strict loading rejects: misspellings, keys at the wrong
level, and fields newer than the targeted release (route `labels` needs 0.34, inhibit rule
`name` 0.30, `active_time_intervals` 0.24; see `--alertmanager-version`).

## Why is this bad?
Alertmanager refuses to load the whole configuration (`amtool check-config` fails), and a
running Alertmanager keeps its previous configuration.

## Example
```yaml
route:
  receiver: team
  group_wiat: 30s
```

## Use instead
```yaml
route:
  receiver: team
  group_wait: 30s
```
"#,
};
