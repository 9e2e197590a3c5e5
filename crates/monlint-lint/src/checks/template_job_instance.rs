//! `job` / `instance` variables whose values do not follow the panels' Prometheus.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_grafana::{Dashboard, Variable, variable_name};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "L301",
    name: "template-job-instance",
    category: Category::Labels,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A `job` or `instance` variable is typed in, or lists values from another datasource than the panels.",
    doc: r#"## What it does
Looks at the `job` and `instance` template variables of a dashboard that queries
Prometheus and reports one that is not a query variable (`custom`, `textbox`,
`constant`: its values are typed in), or a query variable that does not read the
dashboard's Prometheus datasource variable while the panels do.

## Why is this bad?
Typed-in jobs and instances go stale: new ones never appear in the picker, removed ones
select nothing. A variable that lists its values from the default (or a fixed)
datasource offers the jobs of another Prometheus than the one the viewer selected for
the panels, so picking one empties every panel.

## Example
```json
{"name": "job", "type": "custom", "query": "api,web"}
```

## Use instead
```json
{"name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
 "query": "label_values(up, job)", "refresh": 2}
```
"#,
};

const NAMES: &[&str] = &["job", "instance"];

/// The dashboard's Prometheus datasource variable, if it has one.
fn datasource_variable(dashboard: &Dashboard) -> Option<&str> {
    dashboard
        .variables
        .iter()
        .find(|v| v.kind == "datasource" && v.plugin.as_deref() == Some("prometheus"))
        .map(|v| v.name.value.as_str())
}

fn problem(variable: &Variable, datasource: Option<&str>) -> Option<String> {
    let name = &variable.name.value;
    if matches!(variable.kind.as_str(), "custom" | "textbox" | "constant") {
        return Some(format!(
            "`${name}` is a {} variable: its values are typed in, so new {name}s never appear in the picker",
            variable.kind
        ));
    }
    let datasource = datasource?;
    if variable.kind != "query" {
        return None;
    }
    let reads = variable
        .datasource
        .as_ref()
        .and_then(|d| d.identifier())
        .and_then(variable_name);
    if reads == Some(datasource) {
        return None;
    }
    Some(format!(
        "`${name}` lists its values from another datasource than the panels, which use `${{{datasource}}}`: switching Prometheus leaves the picker on the old one"
    ))
}

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        if !dashboard.queries_prometheus() {
            continue;
        }
        let datasource = datasource_variable(dashboard);
        for variable in &dashboard.variables {
            if !NAMES.contains(&variable.name.value.as_str()) {
                continue;
            }
            if let Some(message) = problem(variable, datasource) {
                out.push(
                    Diagnostic::new(&CHECK, ctx.file, variable.name.span, message).with_help(
                        "make it a query variable (`label_values(up, job)`) on the dashboard's datasource variable",
                    ),
                );
            }
        }
    }
}
