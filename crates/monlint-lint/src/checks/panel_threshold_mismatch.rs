//! Panels and alerts that judge the same expression differently.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr};
use monlint_promql::{ParseOptions, parse};

use super::WorkspaceContext;
use super::common::{format_number, threshold};
use crate::dashboards::comparable;

pub static CHECK: Check = Check {
    code: "C306",
    name: "panel-threshold-mismatch",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A panel's thresholds disagree with the alert on the same expression.",
    doc: r#"## What it does
Finds alerting rules of the run of the form `<expression> <comparison> <number>` and
dashboard panels (with threshold steps) that plot the same expression (compared with
range windows ignored, and matchers on labels the panel takes from template variables
ignored on both sides), and reports the panel when
none of its threshold steps is the alert's threshold (a `percent` panel may show a ratio
alert's threshold times 100). Not judged: alerts that test for a value (`== 0`, `!= 4`),
which panels show with colours or value mappings, and panels that keep the steps Grafana
gives every new panel (red at 80).

## Why is this bad?
During an incident the panel is green while the alert pages, or red while nothing fires:
the on-call person cannot tell which to trust. One of the two is out of date.

## Example
```yaml
- alert: HighErrorRatio
  expr: sum(rate(http_requests_errors_total[5m])) / sum(rate(http_requests_total[5m])) > 0.05
```
with a panel plotting the same ratio with a red step at `0.01`.

## Use instead
The same number in both places: a red step at `0.05`.
"#,
};

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    let options = ParseOptions {
        version: ctx.version,
        experimental_functions: true,
    };
    let mut alerts = Vec::new();
    for facts in &ctx.files {
        for alert in &facts.alerts {
            let Some(text) = &alert.expr else { continue };
            let Ok(Expr::Binary(binary)) = parse(text, &options) else {
                continue;
            };
            let Some(threshold) = threshold(&binary) else {
                continue;
            };
            // `== 0`, `!= 4`: a state test, which a panel shows with colours or value
            // mappings rather than a threshold step.
            if matches!(threshold.op, BinaryOp::Eql | BinaryOp::Neq) {
                continue;
            }
            alerts.push((
                facts.file,
                alert,
                threshold.value.clone(),
                threshold.op,
                threshold.threshold,
            ));
        }
    }
    if alerts.is_empty() {
        return;
    }
    for facts in &ctx.files {
        let Some(dashboard) = &facts.dashboard else {
            continue;
        };
        for panel in dashboard
            .thresholds
            .iter()
            .filter(|p| !grafana_default(&p.steps))
        {
            for (alert_file, alert, alert_expr, op, value) in &alerts {
                let variable_labels = &panel.variable_labels;
                let alert_comparable =
                    comparable(alert_expr, &|m| variable_labels.contains(&m.name));
                if alert_comparable != panel.comparable {
                    continue;
                }
                let percent = panel.unit.as_deref() == Some("percent");
                let agrees = panel.steps.iter().any(|(step, _)| {
                    close(*step, *value) || (percent && close(*step, *value * 100.0))
                });
                if agrees {
                    continue;
                }
                let Some(&(step, span)) = panel.steps.first() else {
                    continue;
                };
                let title = if panel.panel_title.is_empty() {
                    "this panel".to_owned()
                } else {
                    format!("panel `{}`", panel.panel_title)
                };
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        facts.file,
                        span,
                        format!(
                            "{title} marks {} but alert `{}` fires at {} {}: the panel and the alert disagree",
                            steps_text(&panel.steps, step),
                            alert.name,
                            op.as_str(),
                            format_number(*value)
                        ),
                    )
                    .with_secondary(facts.file, panel.query_span, "the panel plots the alert's expression")
                    .with_secondary(*alert_file, alert.name_span, "the alert")
                    .with_help(format!("add a threshold step at {}", format_number(*value))),
                );
            }
        }
    }
}

/// A new panel's steps (a base colour and red at 80), which nobody chose: they say nothing
/// about the alert.
fn grafana_default(steps: &[(f64, monlint_core::Span)]) -> bool {
    matches!(steps, [(value, _)] if *value == 80.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn steps_text(steps: &[(f64, monlint_core::Span)], first: f64) -> String {
    if steps.len() == 1 {
        return format!("its threshold at {}", format_number(first));
    }
    let values: Vec<String> = steps.iter().map(|(v, _)| format_number(*v)).collect();
    format!("its thresholds at {}", values.join(", "))
}
