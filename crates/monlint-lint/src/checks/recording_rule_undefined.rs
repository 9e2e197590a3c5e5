//! A colon-named metric used in a query that no recording rule of the run writes.

use std::collections::HashSet;

use monlint_core::{Category, Check, Diagnostic, Span};
use monlint_promql::ast::{Expr, VectorSelector};

use super::WorkspaceContext;
use crate::suggest::closest;

pub static CHECK: Check = Check {
    code: "C101",
    name: "recording-rule-undefined",
    category: Category::Correctness,
    default_severity: monlint_core::Severity::Warning,
    summary: "A query uses a recording-rule name (`level:metric:operations`) that no rule file in the run records.",
    doc: r#"## What it does
Collects the names every recording rule of the run writes (all the files checked together)
and reports selectors of colon-named metrics, the recording-rule naming convention, that
none of them writes. Suggests the closest recorded name.

## Why is this bad?
A selector of a series nobody records returns nothing, so an alert on it never fires and a
rule built on it records nothing, without any error. It happens when a recording rule is
renamed or removed and its users are not updated, or when the name is misspelt.

## Example
```yaml
- record: job:http_requests:rate5m
  expr: sum by (job) (rate(http_requests_total[5m]))
- alert: TrafficDropped
  expr: job:http_request:rate5m == 0
```

## Use instead
```yaml
- alert: TrafficDropped
  expr: job:http_requests:rate5m == 0
```
"#,
};

/// The metric name a selector selects, and where that name is written.
fn selected_name(selector: &VectorSelector) -> Option<(&str, Span)> {
    let name = selector.name.as_deref()?;
    let start = selector.span.start;
    Some((name, Span::new(start, start + name.len() as u32)))
}

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    let recorded: HashSet<&str> = ctx
        .files
        .iter()
        .flat_map(|(_, rules)| rules.groups.iter().flat_map(|g| &g.rules))
        .filter_map(|rule| rule.record.as_ref().map(|r| r.value.as_str()))
        .collect();
    for (source, rules) in &ctx.files {
        for rule in rules.groups.iter().flat_map(|g| &g.rules) {
            let Some(expr) = &rule.expr else { continue };
            let Ok(parsed) = &expr.parsed else { continue };
            parsed.walk(&mut |node| {
                let selector = match node {
                    Expr::VectorSelector(selector) => selector,
                    Expr::MatrixSelector(matrix) => &matrix.selector,
                    _ => return,
                };
                let Some((name, name_span)) = selected_name(selector) else { return };
                if !name.contains(':') || recorded.contains(name) {
                    return;
                }
                let span = expr.text.file_span(&source.text, name_span);
                let mut diagnostic = Diagnostic::new(
                    &CHECK,
                    rules.file,
                    span,
                    format!("`{name}` looks like a recording rule, but no rule file in this run records it"),
                )
                .with_primary_message("never recorded: this selects nothing");
                // A rule is no answer to its own missing input.
                let own = rule.record.as_ref().map(|r| r.value.as_str());
                let candidates = recorded.iter().copied().filter(|c| Some(*c) != own);
                diagnostic = match closest(name, candidates) {
                    Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                    None => diagnostic.with_help(
                        "check the name, or include the file that records it in the run (monlint checks all given files together)",
                    ),
                };
                out.push(diagnostic);
            });
        }
    }
}
