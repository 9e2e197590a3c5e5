//! Template variables nothing in the dashboard uses.

use std::collections::HashMap;

use monlint_core::{Category, Check, Diagnostic, Severity, Span};
use monlint_grafana::Dashboard;
use monlint_grafana::expand::references_in;

use crate::dashboards::DashboardContext;
use crate::suggest::closest;

pub static CHECK: Check = Check {
    code: "C309",
    name: "unused-variable",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A dashboard variable is used by no query, panel, link or other variable.",
    doc: r#"## What it does
Reports a template variable shown to the viewer whose name (`$name`, `${name}`,
`[[name]]`) appears nowhere else in the dashboard: not in a query, another variable's
query or regex, a panel or row title, a link, a datasource field, an annotation, a
library panel's model, and which no panel or row repeats over.

Not judged: hidden variables (`hide: 2`), which no viewer sees; ad hoc filters and
group-by variables, which Grafana applies to every query of their datasource without a
reference; dashboards with a link that carries every variable (`includeVars: true`,
`${__all_variables}`, `${__url.params}`); dashboards that show a library panel whose
model is not in the file; and a variable that a query names with a typo (`$jbo` for
`$job`), which `undefined-variable` or `target-promql` reports where the fix is.

## Why is this bad?
The viewer sees a selector that changes nothing: picking a cluster or an instance leaves
every panel as it was, so the dashboard silently shows more (or other) data than the
viewer asked for. Usually the queries lost their matcher, or the variable outlived them.

## Example
```json
"templating": {"list": [{"name": "cluster", "type": "query", "query": "label_values(up, cluster)"}]},
"panels": [{"type": "timeseries", "targets": [{"expr": "sum(rate(http_requests_total[5m]))"}]}]
```

## Use instead
```json
"templating": {"list": [{"name": "cluster", "type": "query", "query": "label_values(up, cluster)"}]},
"panels": [{"type": "timeseries", "targets": [{"expr": "sum(rate(http_requests_total{cluster=\"$cluster\"}[5m]))"}]}]
```
or remove the variable.
"#,
};

/// Variable types Grafana applies without a reference.
const APPLIED_WITHOUT_REFERENCE: &[&str] = &["adhoc", "groupby"];

/// Built-ins that stand for every variable of the dashboard (in links).
const ALL_VARIABLES: &[&str] = &["__all_variables", "__url"];

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        let Some(text) = ctx.source.text.get(dashboard.span.range()) else {
            continue;
        };
        if hides_usage(dashboard, text) {
            continue;
        }
        // Where each name is referenced, as file offsets.
        let mut uses: HashMap<&str, Vec<usize>> = HashMap::new();
        for (name, range) in references_in(text) {
            uses.entry(name)
                .or_default()
                .push(dashboard.span.start as usize + range.start);
        }
        if ALL_VARIABLES.iter().any(|name| uses.contains_key(name)) {
            continue;
        }
        let misspelt = misspelt_uses(dashboard);
        for variable in &dashboard.variables {
            let name = variable.name.value.as_str();
            if variable.hidden
                || name.is_empty()
                || APPLIED_WITHOUT_REFERENCE.contains(&variable.kind.as_str())
                || repeated(dashboard, name)
                || used_outside(uses.get(name), variable.span)
                || misspelt.contains(&name)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    variable.name.span,
                    format!(
                        "variable `${name}` is used by no query, panel, link or other variable: choosing a value changes nothing"
                    ),
                )
                .with_help("use it in the queries it should filter, or remove it"),
            );
        }
    }
}

/// Whether some uses of the variables cannot be seen in the file: a library panel whose
/// model is elsewhere, or a link that passes every variable on.
fn hides_usage(dashboard: &Dashboard, text: &str) -> bool {
    let unresolved_library = dashboard
        .panels
        .iter()
        .any(|p| p.library_panel.is_some() && !p.library_panel_resolved);
    unresolved_library || links_include_variables(text)
}

/// `"includeVars": true` (JSON) or `includeVars: true` (YAML) anywhere in the dashboard.
fn links_include_variables(text: &str) -> bool {
    text.match_indices("includeVars").any(|(at, key)| {
        text[at + key.len()..]
            .trim_start_matches('"')
            .trim_start()
            .strip_prefix(':')
            .is_some_and(|rest| rest.trim_start().starts_with("true"))
    })
}

/// The variables that queries name with a typo (`$jbo` for `$job`): undefined-variable or
/// target-promql already report the use, and the fix is there, not in the variable.
fn misspelt_uses(dashboard: &Dashboard) -> Vec<&str> {
    let names = || dashboard.variables.iter().map(|v| v.name.value.as_str());
    dashboard
        .queries()
        .flat_map(|query| &query.expansion.unresolved)
        .filter_map(|reference| closest(&reference.name, names()))
        .collect()
}

fn repeated(dashboard: &Dashboard, name: &str) -> bool {
    dashboard
        .panels
        .iter()
        .any(|panel| panel.repeat.iter().any(|r| r == name))
}

/// Whether a reference lies outside the variable's own definition.
fn used_outside(uses: Option<&Vec<usize>>, definition: Span) -> bool {
    uses.is_some_and(|offsets| {
        offsets
            .iter()
            .any(|&at| !(definition.start as usize..definition.end as usize).contains(&at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_that_carry_every_variable() {
        assert!(links_include_variables(
            r#"{"links": [{"includeVars": true}]}"#
        ));
        assert!(links_include_variables("links:\n- includeVars:  true\n"));
        assert!(!links_include_variables(
            r#"{"links": [{"includeVars": false}]}"#
        ));
        assert!(!links_include_variables(r#"{"title": "includeVars"}"#));
    }
}
