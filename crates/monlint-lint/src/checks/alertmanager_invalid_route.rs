//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V205",
    name: "alertmanager-invalid-route",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A route tree Alertmanager refuses: root route rules, undefined receivers or time intervals, bad group_by, zero intervals.",
    doc: r#"## What it does
Checks the route tree as `amtool check-config` does: the root route exists, names a
receiver, has no matchers, time intervals or `continue`; every receiver and time interval a
route names is defined (and time interval names are unique); `group_by` holds valid label
names, no duplicates, and `...` only alone; `group_interval` and `repeat_interval` are not 0.

## Why is this bad?
Alertmanager refuses the file, so a deploy with it fails or keeps the old routing.

## Example
```yaml
route:
  receiver: team
  routes:
    - matchers: [severity="critical"]
      receiver: pagr
```

## Use instead
```yaml
route:
  receiver: team
  routes:
    - matchers: [severity="critical"]
      receiver: pager
```
"#,
};
