//! Dashboard queries that do not parse as PromQL.

use monlint_core::{Category, Check, Diagnostic, Severity, Span};
use monlint_grafana::Query;
use monlint_grafana::expand::{Reference, is_builtin};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q300",
    name: "target-promql",
    category: Category::Promql,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A dashboard query is not valid PromQL once its template variables are expanded.",
    doc: r#"## What it does
Expands the template variables of every Prometheus query of a dashboard (panel targets,
the `label_values(...)` / `query_result(...)` queries of query variables, and annotation
queries) into placeholders
of the right kind (a duration inside `[...]`, a word inside quotes), parses the result as
the targeted Prometheus version would, and reports the first error at its place in the
JSON string. Queries of other datasources (Loki, SQL, `-- Mixed --` targets of another
type) are not PromQL and are left alone.

A variable written where its value shapes the query (a list of matchers in
`{$filter}` or `{job="x", $extra}`, an operator, a whole expression) is replaced by the
value Grafana would send when the dashboard opens, when the file says it (`current`, the
first option, a constant), else by a neutral placeholder (a matcher such as
`filter=~".+"`). A query that fails only with such a guess is reported as a warning that
names what was substituted for which variable; an error means the query is invalid
whatever its variables hold. PromQL `#` comments are skipped.

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
        for query in dashboard.queries() {
            let Err(error) = &query.parsed else { continue };
            let diagnostic = match undefined_variable(&query.expansion.text, error.span.start as usize) {
                Some((name, span)) => Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    ctx.query_span(query, span),
                    format!("invalid PromQL: `${name}` is not a variable of this dashboard"),
                )
                .with_primary_message(error.message.clone())
                .with_help("Grafana sends an unknown variable as written; define it in `templating.list` or fix the name"),
                None => match guesses(query, error.span) {
                    Some(substitutions) => {
                        let mut diagnostic = Diagnostic::new(
                            &CHECK,
                            ctx.file,
                            ctx.query_span(query, error.span),
                            format!(
                                "this query does not parse with {substitutions}: {}",
                                error.message
                            ),
                        )
                        .with_primary_message(error.message.clone())
                        .with_help("monlint guessed these values; check the query with the values the variables really hold");
                        // Another value of the variable may well make it valid.
                        diagnostic.severity = Severity::Warning;
                        diagnostic
                    }
                    None => Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        ctx.query_span(query, error.span),
                        format!("invalid PromQL: {}", error.message),
                    )
                    .with_primary_message(error.message.clone()),
                },
            };
            out.push(diagnostic);
        }
    }
}

/// When a query fails to parse and its variables could be why, what was substituted for
/// them (`` `$filter` as `job=~".+"` ``). A variable decides when it stands where its
/// value shapes the query (a matcher list, an operator, an expression) or when the error
/// starts inside its placeholder; strings and durations elsewhere cannot turn an invalid
/// query valid.
fn guesses(query: &Query, error: Span) -> Option<String> {
    let error_range = query.expansion.raw_range(error.range());
    let deciding: Vec<&Reference> = query
        .expansion
        .references
        .iter()
        .filter(|r| {
            (r.context.shapes_query() && !is_builtin(&r.name)) || r.raw.contains(&error_range.start)
        })
        .collect();
    if deciding.is_empty() {
        return None;
    }
    let mut named: Vec<String> = Vec::new();
    for reference in deciding {
        let text = format!("`${}` as `{}`", reference.name, reference.substituted);
        if !named.contains(&text) {
            named.push(text);
        }
    }
    Some(named.join(", "))
}

/// An unexpanded `$name` where the parser stopped: its name and span.
fn undefined_variable(text: &str, at: usize) -> Option<(&str, Span)> {
    if text.as_bytes().get(at) != Some(&b'$') {
        return None;
    }
    let rest = &text[at + 1..];
    let braced = rest.starts_with('{');
    let name_start = usize::from(braced);
    let name_len = rest[name_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len() - name_start);
    let name = &rest[name_start..name_start + name_len];
    let end = at
        + 1
        + name_start
        + name_len
        + usize::from(braced && rest[name_start + name_len..].starts_with('}'));
    (!name.is_empty()).then(|| (name, Span::from_usize(at, end)))
}
