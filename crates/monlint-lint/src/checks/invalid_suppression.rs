//! Reported while reading `# monlint:` suppression comments.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "M101",
    name: "invalid-suppression",
    category: Category::Configuration,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A `# monlint:` comment is not a valid suppression.",
    doc: r#"## What it does
Reports `# monlint:` comments with an unknown directive, without check names, or naming a
check that does not exist. The directives are `disable-line` (a trailing comment: its own
line), `disable-next-line`, `disable-next-rule` (the next rule in the file, all its lines)
and `disable-file`, each followed by check codes or names separated by commas; text after
` -- ` is a free-form reason.

## Why is this bad?
A suppression that does not parse suppresses nothing, so the finding it was meant to
silence comes back, or worse, the comment looks like it documents an accepted risk that is
in fact still reported as an error elsewhere.

## Example
```yaml
# monlint: disable-next-rule
- alert: ApiDown
```

## Use instead
```yaml
# monlint: disable-next-rule runbook-url -- runbook is being written, see TICKET-123
- alert: ApiDown
```
"#,
};
