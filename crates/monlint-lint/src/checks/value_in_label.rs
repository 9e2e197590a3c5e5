//! `$value` in an alert label: every new value makes a new alert.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::templates;

pub static CHECK: Check = Check {
    code: "L103",
    name: "value-in-label",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert label uses `$value`, so each evaluation makes a different alert.",
    doc: r#"## What it does
Reports `$value` (or `.Value`) in the template of an alerting rule's label.

## Why is this bad?
Labels identify an alert. When a label changes with the value, every evaluation creates a
new alert and resolves the previous one: the alert never stays firing long enough for its
`for`, pages repeat, and silences stop matching.

## Example
```yaml
labels:
  current: "{{ $value }}"
```

## Use instead
Put the value in an annotation:
```yaml
annotations:
  description: "The current value is {{ $value }}."
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let label_templates = templates(ctx, rule, |pair, is_label| {
            is_label
                && (pair.value.text().contains("$value") || pair.value.text().contains(".Value"))
        });
        for parsed_template in &label_templates {
            let value_uses = parsed_template
                .template
                .variable_uses()
                .into_iter()
                .filter(|v| v.name == "$value")
                .map(|v| v.span)
                .chain(
                    parsed_template
                        .template
                        .field_chains()
                        .into_iter()
                        .filter(|chain| {
                            matches!(chain.root, monlint_gotemplate::FieldRoot::Dot)
                                && chain.fields.first().is_some_and(|f| f == "Value")
                        })
                        .map(|chain| chain.span),
                );
            for span in value_uses {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        parsed_template.pair.value.file_span(&ctx.source.text, span),
                        format!(
                            "label {:?} uses the alert value: each new value makes a new alert and resolves the old one",
                            parsed_template.pair.key.value
                        ),
                    )
                    .with_help("move the value to an annotation"),
                );
            }
        }
    }
}
