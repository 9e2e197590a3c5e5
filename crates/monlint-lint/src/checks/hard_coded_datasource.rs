//! Datasource uids that tie a dashboard to one Grafana instance.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_grafana::DatasourceForm;

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "C303",
    name: "hard-coded-datasource",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "A panel or query names a fixed datasource uid instead of a datasource variable.",
    doc: r#"## What it does
Reports `datasource: {"uid": "..."}` on panels, queries and template variables when the
uid is a fixed value rather than a variable (`${datasource}`) or an export input
(`${DS_PROMETHEUS}`). Grafana's own pseudo datasources (`-- Mixed --`, `-- Dashboard --`,
`-- Grafana --`, expressions) are left alone.

## Why is this bad?
Datasource uids are generated per Grafana instance: the dashboard works only where it was
made, shows "datasource not found" elsewhere (staging, another region, a rebuilt
Grafana), and cannot be pointed at another Prometheus by the viewer.

## Example
```json
"datasource": {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
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
            let DatasourceForm::Reference { uid: Some(uid), .. } = &datasource.form else {
                continue;
            };
            if uid.is_empty() || datasource.is_variable() || datasource.is_special() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    datasource.span,
                    format!("hard-coded datasource uid `{uid}`: the dashboard only works on the Grafana instance that has it"),
                )
                .with_help("add a datasource variable and use `\"uid\": \"${datasource}\"`"),
            );
        }
    }
}
