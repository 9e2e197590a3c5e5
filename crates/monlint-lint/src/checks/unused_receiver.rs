//! Receivers no route names.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C205",
    name: "unused-receiver",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A receiver that no route of the tree names.",
    doc: r#"## What it does
Reports receivers that no route of the routing tree (root included) names.

## Why is this bad?
No alert can reach them: either the route that should use them was lost or misspelt, or
the receiver is dead configuration that misleads readers (and may hold stale secrets).

## Example
```yaml
route:
  receiver: default
receivers:
  - name: default
    webhook_configs: [{url_file: /etc/am/default}]
  - name: db-pager
    pagerduty_configs: [{routing_key_file: /etc/am/db}]
```

## Use instead
```yaml
route:
  receiver: default
  routes:
    - matchers: [team="db"]
      receiver: db-pager
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let Some(root) = &ctx.config.route else {
        return;
    };
    let mut used: Vec<&str> = Vec::new();
    root.walk(&mut |route, _| {
        if let Some(receiver) = &route.receiver {
            used.push(&receiver.value);
        }
    });
    for receiver in &ctx.config.receivers {
        if !receiver.name.value.is_empty() && !used.contains(&receiver.name.value.as_str()) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    receiver.name.span,
                    format!(
                        "receiver {:?} is not used by any route",
                        receiver.name.value
                    ),
                )
                .with_help("route alerts to it, or remove it"),
            );
        }
    }
}
