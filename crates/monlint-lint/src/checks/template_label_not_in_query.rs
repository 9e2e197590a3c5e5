//! `$labels.X` in an alert template where the query provably returns no label X.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_gotemplate::{FieldChain, FieldRoot};

use super::RuleContext;
use super::common::{parsed_alerts, templates};
use crate::analysis::labels;

pub static CHECK: Check = Check {
    code: "L102",
    name: "template-label-not-in-query",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A template reads `$labels.X`, but the alert's query cannot return a label X.",
    doc: r#"## What it does
Infers the labels the alert's expression can return, through aggregations (`by`,
`without`), vector matching (`on`, `ignoring`, `group_left`), and functions
(`label_replace`, `histogram_quantile`, `absent`, …), and reports `$labels.X` or
`.Labels.X` in a label or annotation template when X cannot be among them. Labels of
selected series are unknown and never reported; only labels the expression provably removes.
Inside `{{ range query "..." }}` or `{{ with query "..." }}`, `.Labels` belongs to that
query's result and is not judged, nor is `$labels` in a template that declares its own.

## Why is this bad?
The template renders an empty string: the page says "instance  is down" and the
responder does not know where to look. `$labels` holds the query's labels only, not the
rule's own `labels:`.

## Example
```yaml
expr: sum by (job) (rate(errors_total[5m])) > 1
annotations:
  summary: "{{ $labels.instance }} returns errors"
```

## Use instead
```yaml
expr: sum by (job, instance) (rate(errors_total[5m])) > 1
annotations:
  summary: "{{ $labels.instance }} returns errors"
```
"#,
};

/// The label of the alert a field chain reads, if it does: `$labels.x` unless the
/// template declares its own `$labels`, `.Labels.x` where `.` is the alert's data (not
/// the result of a `range`/`with` over a `query`, whose labels are another query's).
fn label_read<'t>(chain: &FieldChain<'t>, labels_redeclared: bool) -> Option<&'t str> {
    match chain.root {
        FieldRoot::Variable("$labels") if !labels_redeclared => {
            chain.fields.first().map(String::as_str)
        }
        FieldRoot::Dot
            if chain.dot_is_data && chain.fields.first().is_some_and(|f| f == "Labels") =>
        {
            chain.fields.get(1).map(String::as_str)
        }
        _ => None,
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, rule, _, parsed) in parsed_alerts(ctx) {
        let parsed_templates = templates(ctx, rule, |pair, _| {
            let text = pair.value.text();
            text.contains("$labels") || text.contains(".Labels")
        });
        if parsed_templates.is_empty() {
            continue;
        }
        let result_labels = labels::infer(parsed);
        for parsed_template in &parsed_templates {
            let labels_redeclared = parsed_template.template.declares_variable("$labels");
            for chain in parsed_template.template.field_chains() {
                let Some(label) = label_read(&chain, labels_redeclared) else {
                    continue;
                };
                if result_labels.may_have(label) {
                    continue;
                }
                let available = result_labels.possible_labels().map(|names| {
                    names
                        .into_iter()
                        .filter(|name| *name != "__name__")
                        .collect::<Vec<_>>()
                });
                let help = match available {
                    Some(names) if names.is_empty() => {
                        "the query returns no labels at all; keep the label in the aggregation (`by (...)`)".to_owned()
                    }
                    Some(names) => format!(
                        "the query returns only {}; keep `{label}` in the aggregation or drop it from the template",
                        names.join(", ")
                    ),
                    None => format!(
                        "keep `{label}` in the query (it is removed by an aggregation or a matching clause)"
                    ),
                };
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        parsed_template
                            .pair
                            .value
                            .file_span(&ctx.source.text, chain.span),
                        format!(
                            "`{label}` is not a label of the alert's query result, so this renders empty",
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
