//! Inhibit rules without `equal`.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C207",
    name: "inhibit-rule-without-equal",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An inhibit rule with no `equal` labels: one source alert anywhere mutes every target alert.",
    doc: r#"## What it does
Reports inhibit rules without an `equal` list.

## Why is this bad?
Without `equal`, any firing source alert mutes every matching target alert, whatever
cluster, service or instance they are about: one critical alert in staging silences the
warnings of production.

## Example
```yaml
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
```

## Use instead
```yaml
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, instance]
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    for rule in &ctx.config.inhibit_rules {
        if rule.equal.is_empty() {
            let span = rule
                .equal_key
                .unwrap_or_else(|| ctx.source.first_line(rule.span));
            out.push(
                Diagnostic::new(&CHECK, ctx.file, span, "this inhibit rule has no `equal` labels: any source alert mutes every target alert")
                    .with_help("list the labels source and target must share, e.g. `equal: [alertname, instance]`"),
            );
        }
    }
}
