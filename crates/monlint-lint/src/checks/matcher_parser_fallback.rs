//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "X201",
    name: "matcher-parser-fallback",
    category: Category::Compatibility,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A matcher only the classic parser accepts; Alertmanager 0.27+ warns about it and will refuse it in UTF-8 strict mode.",
    doc: r#"## What it does
From 0.27 Alertmanager reads `matchers` with a new UTF-8 parser and falls back to the
classic one, with a warning in its log, when only the classic parser accepts the input (or
the two read it differently). Reports each such matcher and how to write it for both.

## Why is this bad?
The fallback is a migration aid: in UTF-8 strict mode, and in a future release, the file
is refused.

## Example
```yaml
route:
  receiver: team
  routes:
    - matchers: ['severity=critical, team=']
      receiver: team
```

## Use instead
```yaml
route:
  receiver: team
  routes:
    - matchers: ['severity="critical"', 'team=""']
      receiver: team
```
"#,
};
