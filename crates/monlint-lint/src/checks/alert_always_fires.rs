//! An alert whose expression filters nothing, so it fires for every series it selects.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr, MatchOp, VectorSelector};

use super::RuleContext;
use super::common::{expr_span, parsed_alerts};
use crate::analysis::metric::{MetricKind, label_matchers, selector_name};
use crate::analysis::unparen;

pub static CHECK: Check = Check {
    code: "T103",
    name: "alert-always-fires",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert's expression has no comparison or filter, so it fires whenever its series exist.",
    doc: r#"## What it does
Reports an alerting rule whose expression contains no filtering comparison (`>`, `==`, …
without `bool`), no `and`/`unless`, no `absent()`, and no selector whose label matchers are
the condition. Such an expression returns a sample for every series it selects, and each
sample is a firing alert. Constant expressions such as `vector(1)` (a dead man's switch)
are not reported.

Label matchers are the condition on a metric whose value is always 1 (`_info` metrics,
`ALERTS{alertname="X", alertstate="firing"}`): the series exist only as long as the
labels say so. They are also the condition when they pick a state label
(`state`, `status`, `health`, `phase`, `condition`, or a name ending in one of them, as in
`ipmi_temperature_celsius{state=~"Warning|Critical"}`), unless the metric's own name
enumerates states: `kube_pod_status_phase{phase="Failed"}` has a series for every pod,
valued 0 or 1, and still fires for every pod without `== 1`.

A lone selector with a matcher on a label other than where the series come from (`job`,
`instance`, `namespace`, `pod`, ...) is not judged: `index_size{index=~".*_old"}` may
mean "such an index exists", which is a condition.

## Why is this bad?
The alert fires permanently as soon as the metric exists, whatever its value: `expr: up`
pages for every healthy target. A comparison with `bool` does not help, it turns "false"
into a 0 that still fires.

## Example
```yaml
- alert: InstanceDown
  expr: up{job="api"}
```

## Use instead
```yaml
- alert: InstanceDown
  expr: up{job="api"} == 0
```
"#,
};

fn filters(expr: &Expr) -> bool {
    let mut filters = false;
    expr.walk(&mut |node| match node {
        Expr::Binary(binary)
            if (binary.op.is_comparison() && !binary.return_bool)
                || matches!(binary.op, BinaryOp::And | BinaryOp::Unless) =>
        {
            filters = true;
        }
        Expr::Call(call) if matches!(call.function.name, "absent" | "absent_over_time") => {
            filters = true;
        }
        Expr::VectorSelector(selector) if matchers_are_the_condition(selector) => filters = true,
        Expr::MatrixSelector(matrix) if matchers_are_the_condition(&matrix.selector) => {
            filters = true;
        }
        _ => {}
    });
    filters
}

/// Labels whose value is a state (`state=~"Warning|Critical"`, `health!="OK"`).
fn is_state_label(name: &str) -> bool {
    const STATES: &[&str] = &[
        "state",
        "status",
        "health",
        "phase",
        "condition",
        "alertstate",
    ];
    STATES.iter().any(|state| {
        name == *state
            || name
                .strip_suffix(state)
                .is_some_and(|rest| rest.ends_with('_'))
    })
}

/// Whether the selector's matchers decide which series fire, so the selector is the
/// condition: on a metric whose value is always 1 (`_info`, `ALERTS`), any label matcher;
/// elsewhere a matcher on a state label (`ipmi_temperature_celsius{state="Critical"}`),
/// unless the metric itself enumerates states (`kube_pod_status_phase{phase="Failed"}`
/// has a series for every phase, 0 or 1, so it still needs `== 1`).
fn matchers_are_the_condition(selector: &VectorSelector) -> bool {
    let name = selector_name(selector).unwrap_or_default();
    let mut matchers =
        label_matchers(selector).filter(|m| !m.value.is_empty() || m.op != MatchOp::Equal);
    if name == "ALERTS" || MetricKind::from_name(name) == MetricKind::Info {
        return matchers.next().is_some();
    }
    let enumerates_states = name.split('_').any(is_state_label);
    !enumerates_states && matchers.any(|m| is_state_label(&m.name))
}

fn selects_series(expr: &Expr) -> bool {
    let mut selects = false;
    expr.walk(&mut |node| {
        if matches!(node, Expr::VectorSelector(_) | Expr::MatrixSelector(_)) {
            selects = true;
        }
    });
    selects
}

/// Labels that name where a series comes from rather than what it says.
fn is_identity_label(name: &str) -> bool {
    const IDENTITY: &[&str] = &[
        "job",
        "instance",
        "namespace",
        "pod",
        "container",
        "service",
        "cluster",
        "node",
        "endpoint",
        "env",
        "environment",
        "region",
    ];
    IDENTITY.contains(&name)
}

/// A lone selector picking series by a label that is not where they come from
/// (`index_size{index=~".*_old"}`): the picked series existing may be the whole condition,
/// so the alert is not judged.
fn selector_may_be_the_condition(expr: &Expr) -> bool {
    let Expr::VectorSelector(selector) = unparen(expr) else {
        return false;
    };
    // `kube_pod_status_phase{phase="Failed"}` has a 0-or-1 series for every state: the
    // matcher on the state it enumerates is no condition.
    let enumerates_states = selector_name(selector)
        .unwrap_or_default()
        .split('_')
        .any(is_state_label);
    let no_condition =
        |name: &str| is_identity_label(name) || (enumerates_states && is_state_label(name));
    label_matchers(selector).any(|m| !no_condition(&m.name))
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        if filters(parsed) || !selects_series(parsed) || selector_may_be_the_condition(parsed) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                expr_span(ctx, rule_expr, parsed.span()),
                format!(
                    "alert {:?} fires for every series this expression returns: nothing in it filters (a `bool` comparison does not)",
                    rule.name()
                ),
            )
            .with_primary_message("nothing here filters the result")
            .with_help("add the condition that should page, such as `> 0.05` or `== 0`"),
        );
    }
}
