//! Every group needs a name.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "V112",
    name: "empty-group-name",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A rule group has no name.",
    doc: r#"## What it does
Reports rule groups without a `name` or with an empty one.

## Why is this bad?
Prometheus refuses the file: groups are identified by their name.

## Example
```yaml
groups:
  - rules:
      - alert: ServiceDown
```

## Use instead
```yaml
groups:
  - name: availability
    rules:
      - alert: ServiceDown
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for group in &ctx.rules.groups {
        if group.name().is_empty() {
            let span = group
                .name
                .as_ref()
                .map_or_else(|| ctx.source.first_line(group.span), |n| n.span);
            out.push(Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                span,
                "Groupname must not be empty",
            ));
        }
    }
}
