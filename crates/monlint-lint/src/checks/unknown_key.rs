//! Reported by the loader for a key Prometheus does not know, or one the targeted version lacks.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V101",
    name: "unknown-key",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A key that the targeted Prometheus version does not accept here.",
    doc: r#"## What it does
Reports keys that Prometheus' strict YAML loading rejects: misspellings such as `anotations`,
keys at the wrong level, and fields newer than the targeted version (`query_offset` needs 2.53,
group `labels` need 3.0; see `--prometheus-version`).

## Why is this bad?
Prometheus refuses to load the file. A misspelt key is not ignored: the whole rule file fails.

## Example
```yaml
- alert: HighErrorRatio
  expr: job:http_errors:ratio5m > 0.05
  anotations:
    summary: Too many errors.
```

## Use instead
```yaml
- alert: HighErrorRatio
  expr: job:http_errors:ratio5m > 0.05
  annotations:
    summary: Too many errors.
```
"#,
};
