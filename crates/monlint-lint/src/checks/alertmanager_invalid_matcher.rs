//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V204",
    name: "alertmanager-invalid-matcher",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A route or inhibit-rule matcher that does not parse, or a regex that does not compile.",
    doc: r#"## What it does
Parses `match`, `match_re` and `matchers` as the targeted Alertmanager does (the classic
parser before 0.27) and compiles regexes as Go's RE2, fully anchored. Reports bad label names
(`foo.bar="x"` is "bad matcher format" for the classic parser), unbalanced quotes, empty
`match_re` values and regex syntax errors.

## Why is this bad?
Alertmanager refuses the file, so none of its routes apply.

## Example
```yaml
route:
  receiver: team
  routes:
    - matchers: ['code=~"5[0-9"']
      receiver: team
```

## Use instead
```yaml
route:
  receiver: team
  routes:
    - matchers: ['code=~"5[0-9]+"']
      receiver: team
```
"#,
};
