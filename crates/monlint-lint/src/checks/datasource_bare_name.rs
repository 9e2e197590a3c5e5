//! Datasources referenced by name.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_grafana::DatasourceForm;

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "X302",
    name: "datasource-bare-name",
    category: Category::Compatibility,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "A datasource is given by its name, the form before dashboard schema 33.",
    doc: r#"## What it does
Reports a panel's, query's or template variable's `datasource` written as a plain name
(`"Prometheus"`) rather than as `{type, uid}` or a variable. `-- Mixed --`, `-- Dashboard --` and `-- Grafana --`
are not names and are left alone.

## Why is this bad?
Grafana has referenced datasources by uid since schema 33 and migrates names on load by
looking them up: the dashboard breaks when the datasource is renamed, or on an instance
where it has another name.

## Example
```json
"datasource": "Prometheus"
```

## Use instead
```json
"datasource": {"type": "prometheus", "uid": "${datasource}"}
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for datasource in dashboard.datasources() {
            let DatasourceForm::Name(name) = &datasource.form else {
                continue;
            };
            if name.is_empty() || datasource.is_variable() || datasource.is_special() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    datasource.span,
                    format!(
                        "datasource given by name (`{name}`): it breaks when the datasource is renamed or named differently elsewhere"
                    ),
                )
                .with_help("reference it as `{\"type\": \"prometheus\", \"uid\": \"${datasource}\"}` with a datasource variable"),
            );
        }
    }
}
