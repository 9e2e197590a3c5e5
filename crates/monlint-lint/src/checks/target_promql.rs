//! Dashboard queries that do not parse as PromQL.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q300",
    name: "target-promql",
    category: Category::Promql,
    default_severity: Severity::Error,
    summary: "A dashboard query is not valid PromQL once its template variables are expanded.",
    doc: r#"## What it does
Expands the template variables of every Prometheus query of a dashboard (panel targets and
the `label_values(...)` / `query_result(...)` queries of query variables) into placeholders
of the right kind (a duration inside `[...]`, a word inside quotes), parses the result as
the targeted Prometheus version would, and reports the first error at its place in the
JSON string. Queries of other datasources (Loki, SQL, `-- Mixed --` targets of another
type) are not PromQL and are left alone.

## Why is this bad?
The panel shows an error instead of data, exactly when someone looks at it during an
incident.

## Example
```json
"expr": "sum(rate(http_requests_total{job=\"$job\"}[$__rate_interval]) by (code)"
```

## Use instead
```json
"expr": "sum(rate(http_requests_total{job=\"$job\"}[$__rate_interval])) by (code)"
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        let panel_queries = dashboard.targets().filter_map(|(_, target)| target.query.as_ref());
        let variable_queries = dashboard.variables.iter().filter_map(|v| v.query.as_ref());
        for query in panel_queries.chain(variable_queries) {
            let Err(error) = &query.parsed else { continue };
            let mut diagnostic = Diagnostic::new(
                &CHECK,
                ctx.file,
                ctx.query_span(query, error.span),
                format!("invalid PromQL: {}", error.message),
            )
            .with_primary_message(error.message.clone());
            if let Some(name) = undefined_variable(&query.expansion.text, error.span.start as usize) {
                diagnostic = diagnostic.with_help(format!(
                    "`${name}` is not a variable of this dashboard, so Grafana sends it as written"
                ));
            }
            out.push(diagnostic);
        }
    }
}

/// A `$name` left unexpanded at or just before the error.
fn undefined_variable(text: &str, at: usize) -> Option<&str> {
    let start = text.get(..at.min(text.len()))?.rfind('$')?;
    let rest = &text[start + 1..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '{'))
        .unwrap_or(rest.len());
    let name = rest[..name_len].trim_start_matches('{');
    (!name.is_empty() && start + 1 + name_len >= at.min(text.len())).then_some(name)
}
