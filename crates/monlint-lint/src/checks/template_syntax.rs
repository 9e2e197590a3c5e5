//! Alert label and annotation values must parse as Go templates.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_gotemplate::check_prometheus_alert_template;

use super::RuleContext;
use crate::rules::model::KeyValue;

pub static CHECK: Check = Check {
    code: "V110",
    name: "template-syntax",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "An alert's label or annotation template does not parse.",
    doc: r#"## What it does
Parses every label and annotation value of alerting rules as Prometheus does: a Go
text/template with `$labels`, `$externalLabels`, `$externalURL` and `$value` defined and
Prometheus' template functions available. Reports the error where it is in the value.

## Why is this bad?
Prometheus refuses the file. A typo such as `$label.instance` would otherwise only show up
when the alert fires, as an `<error expanding template>` in the page.

## Example
```yaml
summary: "Instance {{ $label.instance }} is down."
```

## Use instead
```yaml
summary: "Instance {{ $labels.instance }} is down."
```
"#,
};

fn check_values(ctx: &RuleContext, pairs: &[KeyValue], what: &str, out: &mut Vec<Diagnostic>) {
    for pair in pairs {
        if let Err(error) = check_prometheus_alert_template(pair.value.text(), ctx.version) {
            let span = pair.value.file_span(&ctx.source.text, error.span);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    span,
                    format!(
                        "{what} {:?}: invalid template: {}",
                        pair.key.value, error.message
                    ),
                )
                .with_primary_message(error.message.clone()),
            );
        }
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        check_values(ctx, &rule.labels, "label", out);
        check_values(ctx, &rule.annotations, "annotation", out);
    }
}
