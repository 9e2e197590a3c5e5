//! Reported while reading `.monlint.yml`.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "M100",
    name: "invalid-config",
    category: Category::Configuration,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "monlint's configuration file has an unknown key, a wrong type or an unknown check.",
    doc: r#"## What it does
Reads `.monlint.yml` strictly: unknown or repeated keys, values of the wrong type, unknown
check names or categories, bad durations, versions and glob patterns are reported where they
are written. A run with an invalid configuration stops (exit code 2) rather than checking
with settings you did not mean.

## Why is this bad?
A misspelt key such as `ignroe:` would otherwise be silently dropped, and the checks you
meant to turn off would fail your CI, or the ones you meant to require would never run.

## Example
```yaml
ignroe: [style]
```

## Use instead
```yaml
ignore: [style]
```
"#,
};
