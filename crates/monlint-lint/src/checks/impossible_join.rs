//! Joins and groupings on labels an inner aggregation already removed (pint's
//! promql/impossible).

use monlint_core::{Category, Check, Diagnostic, Severity, Span};
use monlint_promql::ast::{BinaryOp, Expr};

use super::RuleContext;
use super::common::{expr_span, parsed_rules};
use crate::analysis::labels::{self, LabelSet};
use crate::rules::model::RuleExpr;

pub static CHECK: Check = Check {
    code: "Q104",
    name: "impossible-join",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "`on(...)`, `by(...)` or a set operator relies on a label that an inner aggregation provably removed.",
    doc: r#"## What it does
Infers which labels each side of an expression can carry and reports:
- `on (l)` in a binary operation where one side cannot carry `l` (an aggregation dropped it):
  the match compares `l=""` on that side, so only series without `l` on the other side match;
- `by (l)` over an expression that cannot carry `l`: every group gets `l=""`, so the `by`
  clause does nothing for `l`;
- `and` or `unless` without `on` against an aggregation that keeps only a few labels:
  set operators compare every label, so a left-hand series matches only when it has exactly
  those labels.

## Why is this bad?
Each of these makes the expression return nothing (or everything, for `unless`) whatever the
data: an alert built on it never fires, or never stops being silenced.

## Example
```yaml
expr: rate(errors_total[5m]) / on (instance) sum by (job) (rate(requests_total[5m]))
```

## Use instead
```yaml
expr: sum by (job) (rate(errors_total[5m])) / on (job) sum by (job) (rate(requests_total[5m]))
```
"#,
};

/// The file span of `label` written between two operands, or of the gap itself.
fn label_span(ctx: &RuleContext, expr: &RuleExpr, gap: Span, label: &str) -> Span {
    let text = expr.text.text();
    let region = text.get(gap.range()).unwrap_or_default();
    let found = region.match_indices(label).find(|(at, _)| {
        let before = region[..*at].chars().next_back();
        let after = region[at + label.len()..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        boundary(before) && boundary(after)
    });
    let span = match found {
        Some((at, _)) => Span::from_usize(
            gap.start as usize + at,
            gap.start as usize + at + label.len(),
        ),
        None => gap,
    };
    expr_span(ctx, expr, span)
}

fn removed_by(set: &LabelSet) -> String {
    match set.possible_labels() {
        Some(labels) if labels.is_empty() => "it carries no labels".to_owned(),
        Some(labels) => format!(
            "it carries only {}",
            labels.into_iter().collect::<Vec<_>>().join(", ")
        ),
        None => "an aggregation removed it".to_owned(),
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        parsed.walk(&mut |node| match node {
            Expr::Binary(binary) => {
                let (lhs, rhs) = (labels::infer(&binary.lhs), labels::infer(&binary.rhs));
                let gap = Span::new(binary.lhs.span().end, binary.rhs.span().start);
                match &binary.matching {
                    Some(matching) if matching.on => {
                        for label in &matching.labels {
                            for (side, set) in [("left", &lhs), ("right", &rhs)] {
                                if set.may_have(label) {
                                    continue;
                                }
                                out.push(
                                    Diagnostic::new(
                                        &CHECK,
                                        ctx.rules.file,
                                        label_span(ctx, rule_expr, gap, label),
                                        format!(
                                            "`on ({label})` joins on a label the {side}-hand side cannot carry: {}",
                                            removed_by(set)
                                        ),
                                    )
                                    .with_primary_message(format!("`{label}` is always empty on the {side}"))
                                    .with_help(format!("keep `{label}` in the {side}-hand aggregation, or join on labels both sides keep")),
                                );
                                break;
                            }
                        }
                    }
                    // `or` against a label-less side is the `or vector(0)` idiom, on purpose.
                    None if matches!(binary.op, BinaryOp::And | BinaryOp::Unless)
                        && lhs.possible_labels().is_none() =>
                    {
                        if let Some(kept) = rhs.possible_labels() {
                            let kept: Vec<&str> =
                                kept.into_iter().filter(|l| *l != "__name__").collect();
                            out.push(
                                Diagnostic::new(
                                    &CHECK,
                                    ctx.rules.file,
                                    expr_span(ctx, rule_expr, gap),
                                    format!(
                                        "`{}` compares every label, but its right-hand side carries only {{{}}}: left series match only if they have exactly those labels",
                                        binary.op.as_str(),
                                        kept.join(", ")
                                    ),
                                )
                                .with_help(format!("compare on the labels both sides have: `{} on ({})`", binary.op.as_str(), kept.join(", "))),
                            );
                        }
                    }
                    _ => {}
                }
            }
            Expr::Aggregate(aggregate) => {
                let Some(grouping) = aggregate.grouping.as_ref().filter(|g| !g.without) else {
                    return;
                };
                let inner = labels::infer(&aggregate.expr);
                for label in grouping.labels.iter().filter(|l| !inner.may_have(l)) {
                    let gap = Span::new(aggregate.span.start, aggregate.expr.span().start);
                    out.push(
                        Diagnostic::new(
                            &CHECK,
                            ctx.rules.file,
                            label_span(ctx, rule_expr, gap, label),
                            format!(
                                "`by ({label})` groups by a label the aggregated expression cannot carry: {}",
                                removed_by(&inner)
                            ),
                        )
                        .with_primary_message(format!("`{label}` is always empty here"))
                        .with_help(format!("keep `{label}` in the inner aggregation, or drop it from `by`")),
                    );
                }
            }
            _ => {}
        });
    }
}
