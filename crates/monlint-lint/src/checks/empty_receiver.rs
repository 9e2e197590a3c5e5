//! Receivers with no integration.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C204",
    name: "empty-receiver",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A receiver without any integration: alerts routed to it are dropped.",
    doc: r#"## What it does
Reports receivers that have no `*_configs` entry at all.

## Why is this bad?
Alerts routed there are silently discarded. That is sometimes intended (a "blackhole" for
alerts nobody should see), but then a suppression comment says so; more often an
integration was lost in an edit.

## Example
```yaml
receivers:
  - name: db-team
```

## Use instead
```yaml
receivers:
  - name: db-team
    slack_configs:
      - channel: '#db-alerts'
        api_url_file: /etc/alertmanager/slack-url
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    for receiver in &ctx.config.receivers {
        if receiver.integrations.is_empty() && !receiver.name.value.is_empty() {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    receiver.name.span,
                    format!("receiver {:?} has no integration; alerts routed to it are dropped", receiver.name.value),
                )
                .with_help("add an integration, or suppress this finding where dropping alerts is intended"),
            );
        }
    }
}
