//! Alerts whose query provably removes a label the policy says alerts must keep.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{Cardinality, Expr, ValueType};

use super::RuleContext;
use super::common::{excerpt, expr_span, find, parsed_alerts};
use crate::analysis::labels;

pub static CHECK: Check = Check {
    code: "L105",
    name: "aggregation-drops-label",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert's query removes a label that `keep-labels` of the policy says every alert must keep.",
    doc: r#"## What it does
For every label in `policy.keep-labels` of `.monlint.yml`, infers whether the series an
alert's expression returns can still carry it, and reports the aggregation (or the other
part of the expression) that provably removes it: `sum(...)` without `by`, a `by (...)`
that does not list it, `without (...)` that lists it, `on (...)` that leaves it out. When
the analysis cannot tell, nothing is reported. An alert whose `labels` (or its group's)
set the label itself is not judged. The check is silent without `keep-labels`, which is
unset by default.

```yaml
# .monlint.yml
policy:
  keep-labels: [namespace]
```

## Why is this bad?
Alertmanager routes, groups and inhibits alerts by their labels, and responders read them
to find what broke. When the query aggregates a label away, the alert reaches the wrong
receiver (or the default one), is grouped with unrelated alerts, and its page no longer
says where the problem is.

## Example
```yaml
- alert: PodsCrashLooping
  expr: sum by (pod) (rate(kube_pod_container_status_restarts_total[15m])) > 0
```

## Use instead
```yaml
- alert: PodsCrashLooping
  expr: sum by (namespace, pod) (rate(kube_pod_container_status_restarts_total[15m])) > 0
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let keep = &ctx.policy.keep_labels;
    if keep.is_empty() {
        return;
    }
    for (group, rule, rule_expr, parsed) in parsed_alerts(ctx) {
        let result = labels::infer(parsed);
        for label in keep {
            if result.may_have(label)
                || find(&rule.labels, label).is_some()
                || find(&group.labels, label).is_some()
            {
                continue;
            }
            let culprit = remover(parsed, label);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, culprit.span()),
                    format!(
                        "alert {:?} cannot carry `{label}`, which the policy's keep-labels requires: `{}` removes it",
                        rule.name(),
                        excerpt(culprit)
                    ),
                )
                .with_primary_message(format!("`{label}` is removed here"))
                .with_help(help(culprit, label)),
            );
        }
    }
}

/// The part of `expr` that removes `label`: the outermost sub-expression without the
/// label whose inputs (those the result's labels come from) may all still carry it.
fn remover<'e>(expr: &'e Expr, label: &str) -> &'e Expr {
    let mut node = expr;
    // Each step goes one level down a tree whose depth the parser bounds.
    loop {
        let next = label_inputs(node)
            .into_iter()
            .find(|input| !labels::infer(input).may_have(label));
        match next {
            Some(input) => node = input,
            None => return node,
        }
    }
}

/// The operands a node's result series take their labels from.
fn label_inputs(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::Number(_) | Expr::String(_) | Expr::VectorSelector(_) => Vec::new(),
        Expr::MatrixSelector(_) => Vec::new(),
        Expr::Subquery(e) => vec![&e.expr],
        Expr::Paren(e) => vec![&e.expr],
        Expr::Unary(e) => vec![&e.expr],
        Expr::Aggregate(e) => vec![&e.expr],
        Expr::Call(call) => match call.function.name {
            "absent" | "absent_over_time" | "vector" | "info" => Vec::new(),
            _ if call.function.return_type == ValueType::Scalar => Vec::new(),
            _ => call
                .args
                .iter()
                .find(|arg| matches!(arg.value_type(), ValueType::Vector | ValueType::Matrix))
                .into_iter()
                .collect(),
        },
        Expr::Binary(binary) => {
            let (lhs, rhs) = (binary.lhs.value_type(), binary.rhs.value_type());
            match (lhs, rhs) {
                (ValueType::Scalar, ValueType::Scalar) => Vec::new(),
                (ValueType::Scalar, _) => vec![&binary.rhs],
                (_, ValueType::Scalar) => vec![&binary.lhs],
                _ if binary.op.is_set_operator() => match binary.op {
                    monlint_promql::ast::BinaryOp::Or => vec![&binary.lhs, &binary.rhs],
                    _ => vec![&binary.lhs],
                },
                _ => match &binary.matching {
                    Some(matching) if matching.card == Cardinality::OneToMany => {
                        vec![&binary.rhs]
                    }
                    _ => vec![&binary.lhs],
                },
            }
        }
    }
}

fn help(culprit: &Expr, label: &str) -> String {
    match culprit {
        Expr::Aggregate(aggregate) => {
            let op = aggregate.op.as_str();
            match &aggregate.grouping {
                Some(grouping) if grouping.without => {
                    format!("take `{label}` out of `{op} without (...)`")
                }
                Some(grouping) => {
                    let mut kept = grouping.labels.clone();
                    kept.push(label.to_owned());
                    format!(
                        "add `{label}` to `by (...)`: `{op} by ({}) (...)`",
                        kept.join(", ")
                    )
                }
                None => format!(
                    "aggregate with `{op} by ({label}) (...)`, so that the alert keeps `{label}`"
                ),
            }
        }
        Expr::Binary(binary) => match &binary.matching {
            Some(matching) if matching.include.iter().any(|l| l == label) => format!(
                "`{label}` is copied from the other side, which lacks it: keep `{label}` there"
            ),
            Some(matching) if matching.on => format!("add `{label}` to `on (...)`"),
            Some(_) => format!("take `{label}` out of `ignoring (...)`"),
            None => format!("keep `{label}` on both sides of `{}`", binary.op.as_str()),
        },
        _ => format!(
            "rewrite this part so that `{label}` survives it, or set `{label}` under the alert's `labels:`"
        ),
    }
}
