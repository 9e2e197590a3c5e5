//! Query variables whose values go stale.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "C305",
    name: "variable-refresh",
    category: Category::Correctness,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A Prometheus query variable is not refreshed when the time range changes.",
    doc: r#"## What it does
Reports query variables on a Prometheus datasource whose `refresh` is not 2 ("On time
range change").

## Why is this bad?
The variable's values are computed once (on load, or never) from the series that existed
then: new jobs, pods or instances do not appear in the picker, and values that no
longer exist stay in it, until someone edits the dashboard.

## Example
```json
{"name": "job", "type": "query", "query": "label_values(up, job)", "refresh": 1}
```

## Use instead
```json
{"name": "job", "type": "query", "query": "label_values(up, job)", "refresh": 2}
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for variable in &dashboard.variables {
            if variable.kind != "query" || variable.query.is_none() {
                continue;
            }
            if variable.refresh.is_some_and(|r| r.value == 2.0) {
                continue;
            }
            let span = variable.refresh.map_or(variable.name.span, |r| r.span);
            let when = match variable.refresh.map(|r| r.value) {
                Some(1.0) => "refreshed only when the dashboard loads",
                Some(_) => "never refreshed",
                None => "never refreshed (it has no `refresh`)",
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    span,
                    format!(
                        "variable `{}` is {when}: new values appear late and removed ones linger",
                        variable.name.value
                    ),
                )
                .with_help("set `\"refresh\": 2` (on time range change)"),
            );
        }
    }
}
