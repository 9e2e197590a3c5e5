//! Warning and critical alerts on the same expression whose thresholds are the wrong way round.

use std::collections::HashMap;

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr};

use super::RuleContext;
use super::common::{duration_ms, find, format_number, parsed_alerts, threshold};
use crate::analysis::unparen;

pub static CHECK: Check = Check {
    code: "T105",
    name: "severity-ladder-inverted",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A critical alert's threshold is less severe than (or equal to) the warning's on the same expression.",
    doc: r#"## What it does
Pairs alerts of one file that compare the same expression with a number in the same
direction, one at `severity: warning` and one at `severity: critical`. Reports the pair
when the critical threshold is reached first (`> 0.01` critical, `> 0.05` warning) or at
the same value, unless the critical alert waits longer (a longer `for`), which is an
escalation by duration.

## Why is this bad?
The critical page fires before the warning, or both fire together: the escalation the
ladder was meant to give does not exist, and the warning never precedes anything.

## Example
```yaml
- alert: ErrorRatioHigh
  expr: job:errors:ratio_rate5m > 0.05
  labels: {severity: warning}
- alert: ErrorRatioHigh
  expr: job:errors:ratio_rate5m > 0.01
  labels: {severity: critical}
```

## Use instead
Give the critical alert the threshold further from normal: `> 0.05` critical, `> 0.01` warning.
"#,
};

/// Which way a comparison points: up for `>`/`>=`, down for `<`/`<=`.
fn direction(op: BinaryOp) -> Option<bool> {
    match op {
        BinaryOp::Gtr | BinaryOp::Gte => Some(true),
        BinaryOp::Lss | BinaryOp::Lte => Some(false),
        _ => None,
    }
}

struct Rung {
    threshold: f64,
    for_ms: u64,
    span: monlint_core::Span,
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    // (expression text, direction) → the warning rung, then critical rungs are compared to it.
    let mut warnings: HashMap<(String, bool), Rung> = HashMap::new();
    let mut criticals: Vec<((String, bool), Rung, &str)> = Vec::new();
    for (group, rule, _, parsed) in parsed_alerts(ctx) {
        let Expr::Binary(binary) = unparen(parsed) else {
            continue;
        };
        let Some(comparison) = threshold(binary) else {
            continue;
        };
        let Some(up) = direction(comparison.op) else {
            continue;
        };
        let severity = find(&rule.labels, "severity")
            .or_else(|| find(&group.labels, "severity"))
            .map(|pair| pair.value.text());
        let key = (comparison.value.to_string(), up);
        let rung = Rung {
            threshold: comparison.threshold,
            for_ms: duration_ms(&rule.for_).unwrap_or(0),
            span: rule.name_span(),
        };
        match severity {
            Some("warning") => {
                warnings.entry(key).or_insert(rung);
            }
            Some("critical") => criticals.push((key, rung, rule.name())),
            _ => {}
        }
    }
    for (key, critical, name) in criticals {
        let Some(warning) = warnings.get(&key) else {
            continue;
        };
        let up = key.1;
        let inverted = if up {
            critical.threshold <= warning.threshold
        } else {
            critical.threshold >= warning.threshold
        };
        if !inverted || critical.for_ms > warning.for_ms {
            continue;
        }
        let relation = if critical.threshold == warning.threshold {
            "the same as"
        } else if up {
            "lower than"
        } else {
            "higher than"
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                critical.span,
                format!(
                    "critical alert {name:?} fires at {}, {relation} the warning threshold {}: it never escalates",
                    format_number(critical.threshold),
                    format_number(warning.threshold)
                ),
            )
            .with_secondary(ctx.rules.file, warning.span, "the warning on the same expression")
            .with_help("give the critical alert the threshold further from normal"),
        );
    }
}
