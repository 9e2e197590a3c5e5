//! Reported when a suppression comment silences nothing.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "M102",
    name: "unused-suppression",
    category: Category::Configuration,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A `# monlint:` suppression names a check that reports nothing where it applies.",
    doc: r#"## What it does
Reports each check named in a `# monlint: disable-…` comment that did not suppress any
finding, when that check ran. (A check turned off by `--select`/`--ignore` is not judged.)

## Why is this bad?
Stale suppressions pile up after the problem was fixed, and later hide a new problem of the
same kind in the same place.

## Example
```yaml
# monlint: disable-next-rule missing-label
- alert: ApiDown
  expr: up{job="api"} == 0
  labels:
    severity: critical
```

## Use instead
Remove the comment, or the check name that no longer applies.
"#,
};
