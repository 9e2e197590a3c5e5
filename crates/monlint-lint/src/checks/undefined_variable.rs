//! Variables a query uses inside a string that the dashboard does not define.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_grafana::expand::Context;

use crate::dashboards::DashboardContext;
use crate::suggest::closest;

pub static CHECK: Check = Check {
    code: "C307",
    name: "undefined-variable",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A dashboard query uses a `$variable` inside a string that the dashboard does not define.",
    doc: r#"## What it does
Reports `$name`, `${name}` and `[[name]]` inside the quoted strings of a dashboard's
Prometheus queries (label values, regexes) when `name` is neither a template variable of
the dashboard nor one of Grafana's built-ins. `$1`-style regex group references and
regex-escaped dollars (`\\$SYS`, a literal `$` in the label value) are left alone.
Outside strings an unknown variable breaks the query, which `target-promql`
reports.

## Why is this bad?
Grafana leaves an unknown variable as written, so the matcher compares the label with the
text `$name` and the panel shows nothing, with no error. It happens when a variable is
renamed or removed, or misspelt.

## Example
```json
"expr": "up{job=~\"$jbo\"}"
```

## Use instead
```json
"expr": "up{job=~\"$job\"}"
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        for query in dashboard.queries() {
            for reference in &query.expansion.unresolved {
                let name = &reference.name;
                // `\\$SYS` in a regex is a literal dollar, which Grafana leaves as written.
                let escaped = query.raw.value[..reference.raw.start].ends_with('\\');
                if reference.context != Context::Quoted
                    || name.bytes().all(|b| b.is_ascii_digit())
                    || escaped
                {
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    query.raw.file_span(&ctx.source.text, reference.raw.clone()),
                    format!(
                        "`${name}` is not a variable of this dashboard: Grafana sends it as written and the matcher selects nothing"
                    ),
                );
                let names = dashboard.variables.iter().map(|v| v.name.value.as_str());
                diagnostic = match closest(name, names) {
                    Some(suggestion) => {
                        diagnostic.with_help(format!("did you mean `${suggestion}`?"))
                    }
                    None => diagnostic
                        .with_help("define the variable in `templating.list`, or fix the name"),
                };
                out.push(diagnostic);
            }
        }
    }
}
