//! Equality matchers on variables that may hold several values.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_grafana::expand::Context;
use monlint_promql::ast::MatchOp;

use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "C300",
    name: "variable-multi-equality",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A multi-value or \"All\" variable is matched with `=` instead of `=~`.",
    doc: r#"## What it does
Reports label matchers `label="$var"` (and `!=`) in dashboard queries where `$var` is a
variable that allows several values (`multi`) or an "All" option (`includeAll`). Panels
repeated over the variable (their own `repeat` or their row's) get one value per copy and
are left alone.

## Why is this bad?
With several values selected, Grafana writes them as a regex alternation
(`(api|web)`), which an equality matcher compares literally: the panel goes empty as soon
as the viewer picks two values or "All".

## Example
```json
"expr": "up{job=\"$job\"}"
```

## Use instead
```json
"expr": "up{job=~\"$job\"}"
```
"#,
};

pub fn check(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    for dashboard in ctx.dashboards {
        let panel_queries = dashboard.panels.iter().flat_map(|panel| {
            panel
                .targets
                .iter()
                .filter_map(move |t| t.query.as_ref().map(|q| (q, panel.repeat.as_slice())))
        });
        let variable_queries = dashboard
            .variables
            .iter()
            .filter_map(|v| v.query.as_ref().map(|q| (q, &[][..])));
        for (query, repeated) in panel_queries.chain(variable_queries) {
            let Ok(expr) = &query.parsed else { continue };
            expr.walk_selectors(&mut |selector| {
                for matcher in &selector.matchers {
                    if !matches!(matcher.op, MatchOp::Equal | MatchOp::NotEqual) {
                        continue;
                    }
                    let raw = query.expansion.raw_range(matcher.span.range());
                    let variable = query
                        .expansion
                        .references
                        .iter()
                        .filter(|r| r.raw.start >= raw.start && r.raw.end <= raw.end)
                        // In the value; a matcher that a variable writes whole is its own.
                        .filter(|r| r.context == Context::Quoted)
                        .filter(|r| !repeated.contains(&r.name))
                        .find_map(|r| dashboard.variable(&r.name))
                        .filter(|v| v.multi || v.include_all);
                    let Some(variable) = variable else { continue };
                    let regex_op = if matcher.op == MatchOp::Equal { "=~" } else { "!~" };
                    out.push(
                        Diagnostic::new(
                            &CHECK,
                            ctx.file,
                            ctx.query_span(query, matcher.span),
                            format!(
                                "`${}` can hold several values, which Grafana joins into a regex; `{}` compares it literally and matches nothing",
                                variable.name.value,
                                matcher.op.as_str()
                            ),
                        )
                        .with_help(format!(
                            "use `{}{regex_op}\"${}\"`",
                            matcher.name, variable.name.value
                        )),
                    );
                }
            });
        }
    }
}
