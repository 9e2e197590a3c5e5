//! Available replicas compared with a fixed count instead of the desired count.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr, MatchOp};

use super::RuleContext;
use super::common::{expr_span, format_number, parsed_alerts, threshold};
use crate::analysis::metric::selector_name;
use crate::analysis::unparen;

pub static CHECK: Check = Check {
    code: "T109",
    name: "replicas-hard-coded",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "Ready or available replicas are compared with a fixed number rather than the desired count.",
    doc: r#"## What it does
Reports an alert that compares a kube-state-metrics count of ready, available or scheduled
replicas (`kube_deployment_status_replicas_available`,
`kube_statefulset_status_replicas_ready`, `kube_daemonset_status_number_available`, …)
with a fixed number above zero, such as `< 2` or `<= 1`, when the selector does not name one
workload.

Comparing with 0 (`== 0`, `< 1`) is not reported: "none left" means the same for every
workload. Neither is a selector pinned to one workload (`{deployment="api"}`), whose
minimum may be deliberate.

## Why is this bad?
Workloads are scaled to different sizes. A fixed count pages forever for every workload
scaled below it (a one-replica deployment is always "below 2"), and notices a large one
only once nearly all its replicas are gone. The desired count is published next to the
current one, so the comparison can follow each workload's own size.

## Example
```yaml
- alert: DeploymentReplicasLow
  expr: kube_deployment_status_replicas_available < 2
```

## Use instead
```yaml
- alert: DeploymentReplicasLow
  expr: kube_deployment_status_replicas_available < kube_deployment_spec_replicas
```
"#,
};

/// A current-replica metric, the metric with the desired count, and the label naming the
/// workload.
struct ReplicaMetric {
    current: &'static str,
    desired: &'static str,
    workload: &'static str,
}

const fn metric(
    current: &'static str,
    desired: &'static str,
    workload: &'static str,
) -> ReplicaMetric {
    ReplicaMetric {
        current,
        desired,
        workload,
    }
}

const REPLICA_METRICS: &[ReplicaMetric] = &[
    metric(
        "kube_deployment_status_replicas",
        "kube_deployment_spec_replicas",
        "deployment",
    ),
    metric(
        "kube_deployment_status_replicas_available",
        "kube_deployment_spec_replicas",
        "deployment",
    ),
    metric(
        "kube_deployment_status_replicas_ready",
        "kube_deployment_spec_replicas",
        "deployment",
    ),
    metric(
        "kube_deployment_status_replicas_updated",
        "kube_deployment_spec_replicas",
        "deployment",
    ),
    metric(
        "kube_statefulset_status_replicas",
        "kube_statefulset_replicas",
        "statefulset",
    ),
    metric(
        "kube_statefulset_status_replicas_available",
        "kube_statefulset_replicas",
        "statefulset",
    ),
    metric(
        "kube_statefulset_status_replicas_current",
        "kube_statefulset_replicas",
        "statefulset",
    ),
    metric(
        "kube_statefulset_status_replicas_ready",
        "kube_statefulset_replicas",
        "statefulset",
    ),
    metric(
        "kube_statefulset_status_replicas_updated",
        "kube_statefulset_replicas",
        "statefulset",
    ),
    metric(
        "kube_daemonset_status_current_number_scheduled",
        "kube_daemonset_status_desired_number_scheduled",
        "daemonset",
    ),
    metric(
        "kube_daemonset_status_number_available",
        "kube_daemonset_status_desired_number_scheduled",
        "daemonset",
    ),
    metric(
        "kube_daemonset_status_number_ready",
        "kube_daemonset_status_desired_number_scheduled",
        "daemonset",
    ),
    metric(
        "kube_daemonset_status_updated_number_scheduled",
        "kube_daemonset_status_desired_number_scheduled",
        "daemonset",
    ),
    metric(
        "kube_replicaset_status_ready_replicas",
        "kube_replicaset_spec_replicas",
        "replicaset",
    ),
];

/// The workloads `value <op> threshold` reports all the time, when it fires below a
/// count above zero (`< 2`, `<= 1`); `< 1` and `<= 0` mean "none left" and are fine.
fn always_reported(op: BinaryOp, threshold: f64) -> Option<String> {
    let count = format_number(threshold);
    match op {
        BinaryOp::Lss if threshold > 1.0 => Some(format!("wants fewer than {count} replicas")),
        BinaryOp::Lte if threshold >= 1.0 => Some(format!("wants {count} replicas or fewer")),
        _ => None,
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        parsed.walk(&mut |node| {
            let Expr::Binary(binary) = node else { return };
            let Some(comparison) = threshold(binary) else {
                return;
            };
            if binary.return_bool {
                return;
            }
            let Some(always) = always_reported(comparison.op, comparison.threshold) else {
                return;
            };
            let Expr::VectorSelector(selector) = unparen(comparison.value) else {
                return;
            };
            let Some(name) = selector_name(selector) else {
                return;
            };
            let Some(known) = REPLICA_METRICS.iter().find(|m| m.current == name) else {
                return;
            };
            let one_workload = selector
                .matchers
                .iter()
                .any(|m| m.name == known.workload && m.op == MatchOp::Equal);
            if one_workload {
                return;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, binary.span),
                    format!(
                        "alert {:?} compares `{name}` with a fixed count: every {workload} that {always} is reported all the time, and a large one only once nearly all its replicas are gone",
                        rule.name(),
                        workload = known.workload,
                    ),
                )
                .with_help(format!(
                    "compare with the desired count: `{name} < {desired}`",
                    desired = known.desired
                )),
            );
        });
    }
}
