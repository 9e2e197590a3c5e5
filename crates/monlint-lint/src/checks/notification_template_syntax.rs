//! Go template syntax in the text fields of Alertmanager integrations.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};
use monlint_gotemplate::{GO_BUILTIN_FUNCTIONS, ParseConfig};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C212",
    name: "notification-template-syntax",
    category: Category::Correctness,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A notification text (title, text, message, ...) whose Go template does not parse.",
    doc: r#"## What it does
Parses the text fields of every integration that hold template actions (`{{ ... }}`) as
Go's `text/template` does, with the functions Alertmanager gives templates, and reports
syntax errors where they are. `amtool check-config` does not parse these fields: the error
shows up only when a notification is sent.

## Why is this bad?
Alertmanager fails to render the notification and does not send it: the alert is lost at
the moment it matters.

## Example
```yaml
slack_configs:
  - title: '{{ .CommonLabels.alertname }'
```

## Use instead
```yaml
slack_configs:
  - title: '{{ .CommonLabels.alertname }}'
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let functions: Vec<&str> = GO_BUILTIN_FUNCTIONS
        .iter()
        .chain(monlint_alertmanager::TEMPLATE_FUNCTIONS)
        .copied()
        .collect();
    let config = ParseConfig {
        functions: &functions,
        variables: &[],
    };
    for field in &ctx.config.templated_fields {
        let text = field.node.as_str().unwrap_or_default();
        let Err(error) = monlint_gotemplate::parse(text, &config) else {
            continue;
        };
        // Inside an embedded configuration only the whole value can be pointed at.
        let span = if field.node.span == field.span {
            let decoded: Span = error.span;
            field.node.value_span(&ctx.source.text, decoded.range())
        } else {
            field.span
        };
        out.push(Diagnostic::new(
            &CHECK,
            ctx.file,
            span,
            format!("`{}`: {}", field.key, error.go_message(&field.key)),
        ));
    }
}
