//! Label and annotation names must be valid label names.

use monlint_core::names::is_valid_label_name;
use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use crate::rules::model::KeyValue;

pub static CHECK: Check = Check {
    code: "V109",
    name: "invalid-label-name",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A label or annotation name is invalid, or a rule sets `__name__`.",
    doc: r#"## What it does
Reports label and annotation names (of rules and of groups) that are not valid for the
targeted version (before Prometheus 3: `[a-zA-Z_][a-zA-Z0-9_]*`), and `__name__` used as a
rule label.

## Why is this bad?
Prometheus refuses the file. `__name__` would overwrite the series' metric name.

## Example
```yaml
labels:
  team-name: payments
```

## Use instead
```yaml
labels:
  team_name: payments
```
"#,
};

fn check_names(
    ctx: &RuleContext,
    pairs: &[KeyValue],
    what: &str,
    forbid_name_label: bool,
    out: &mut Vec<Diagnostic>,
) {
    for pair in pairs {
        let name = &pair.key.value;
        let message = if forbid_name_label && name == "__name__" {
            format!("invalid {what} name: {name} (a rule may not set the metric name)")
        } else if !is_valid_label_name(name, ctx.version) {
            format!("invalid {what} name: {name}")
        } else {
            continue;
        };
        out.push(Diagnostic::new(
            &CHECK,
            ctx.rules.file,
            pair.key.span,
            message,
        ));
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for group in &ctx.rules.groups {
        check_names(ctx, &group.labels, "label", true, out);
        for rule in &group.rules {
            check_names(ctx, &rule.labels, "label", true, out);
            check_names(ctx, &rule.annotations, "annotation", false, out);
        }
    }
}
