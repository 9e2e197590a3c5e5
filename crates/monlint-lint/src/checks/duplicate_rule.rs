//! promtool's `--lint duplicate-rules`: two rules with the same name and labels.

use std::collections::{BTreeMap, HashMap};

use monlint_alertmanager::implication::unsatisfiable_label;
use monlint_alertmanager::matcher::Matcher;
use monlint_core::{Category, Check, Diagnostic, Severity, Span, Version};
use monlint_promql::ast::{Expr, VectorSelector};

use super::RuleContext;
use super::selector_matches_nothing::matchers_of;
use crate::analysis::metric::selector_name;

pub static CHECK: Check = Check {
    code: "C100",
    name: "duplicate-rule",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "Two rules in one file have the same name and the same static labels.",
    doc: r#"## What it does
Reports a rule whose name (`record` or `alert`) and static labels (with its group's labels)
equal an earlier rule's in
the same file, across groups: promtool's `duplicate-rules` lint, except that two rules whose
queries select provably disjoint series of one metric (`handler="/query"` in one,
`handler!="/query"` in the other) are one alert split by a label, and are not reported.

## Why is this bad?
Two recording rules writing the same series make samples collide ("duplicate sample for
timestamp") and the stored values flip between the two expressions. Two identical alerts
page twice or hide each other's state.

## Example
```yaml
- record: job:requests:rate5m
  expr: sum by (job) (rate(requests_total[5m]))
- record: job:requests:rate5m
  expr: sum by (job) (rate(requests_total[1m]))
```

## Use instead
Keep one rule, or tell them apart with a label or a different name.
"#,
};

/// Whether the two queries read disjoint series: a metric both select with matchers that
/// no series satisfies together (`handler="/query"` in one, `handler!="/query"` in the
/// other). Such rules are one alert split by a label, not a copy.
fn select_disjoint_series(a: &Expr, b: &Expr, version: Version) -> bool {
    let selectors = |expr: &Expr| {
        let mut found = Vec::new();
        expr.walk_selectors(&mut |selector| found.push(selector.clone()));
        found
    };
    let (left, right) = (selectors(a), selectors(b));
    let contradict = |l: &VectorSelector, r: &VectorSelector| {
        let (Some(mut both), Some(other)) = (matchers_of(l, version), matchers_of(r, version))
        else {
            return false;
        };
        both.extend(other);
        let refs: Vec<&Matcher> = both.iter().collect();
        unsatisfiable_label(&refs).is_some()
    };
    left.iter().any(|l| {
        right.iter().any(|r| {
            selector_name(l).is_some() && selector_name(l) == selector_name(r) && contradict(l, r)
        })
    })
}

/// What makes two rules the same: the name, and the sorted labels.
type RuleIdentity<'a> = (&'a str, Vec<(&'a str, &'a str)>);

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let mut first_seen: HashMap<RuleIdentity, (Span, Option<&Expr>)> = HashMap::new();
    for (group, _, rule) in ctx.rules() {
        if rule.name().is_empty() {
            continue;
        }
        // Group labels apply to every rule of the group; a rule's own label wins.
        let mut labels: BTreeMap<&str, &str> = BTreeMap::new();
        for pair in group.labels.iter().chain(&rule.labels) {
            labels.insert(pair.key.value.as_str(), pair.value.text());
        }
        let labels: Vec<(&str, &str)> = labels.into_iter().collect();
        let key = (rule.name(), labels);
        let parsed = rule.expr.as_ref().and_then(|e| e.parsed.as_ref().ok());
        if let Some((first, first_parsed)) = first_seen.get(&key) {
            if let (Some(a), Some(b)) = (first_parsed, parsed)
                && select_disjoint_series(a, b, ctx.version)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    rule.name_span(),
                    format!(
                        "duplicate rule: {:?} with the same labels is defined earlier in this file",
                        rule.name()
                    ),
                )
                .with_secondary(ctx.rules.file, *first, "first defined here"),
            );
        } else {
            first_seen.insert(key, (rule.name_span(), parsed));
        }
    }
}
