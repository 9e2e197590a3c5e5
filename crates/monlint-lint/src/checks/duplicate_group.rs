//! Group names are unique within a file.

use std::collections::HashMap;

use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "V113",
    name: "duplicate-group",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "Two rule groups in one file have the same name.",
    doc: r#"## What it does
Reports a group whose name an earlier group in the same file already uses.

## Why is this bad?
Prometheus refuses the file ("groupname is repeated in the same file").

## Example
```yaml
groups:
  - name: app
    rules: [...]
  - name: app
    rules: [...]
```

## Use instead
Merge the groups, or give the second one its own name.
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let mut first_seen: HashMap<&str, Span> = HashMap::new();
    for group in &ctx.rules.groups {
        let Some(name) = group.name.as_ref().filter(|n| !n.value.is_empty()) else {
            continue;
        };
        if let Some(first) = first_seen.get(name.value.as_str()) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    name.span,
                    format!("groupname: {:?} is repeated in the same file", name.value),
                )
                .with_secondary(ctx.rules.file, *first, "first used here"),
            );
        } else {
            first_seen.insert(&name.value, name.span);
        }
    }
}
