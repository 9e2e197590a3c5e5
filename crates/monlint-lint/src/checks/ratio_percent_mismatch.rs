//! A ratio handled as a percent, or a percent handled as a ratio.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{BinaryOp, Expr};

use super::RuleContext;
use super::common::{
    excerpt, expr_span, find, format_number, name_words, parsed_alerts, parsed_rules, templates,
    threshold,
};
use crate::analysis::literal_number;
use crate::analysis::range::{self, Scale};
use crate::rules::model::Rule;

pub static CHECK: Check = Check {
    code: "T101",
    name: "ratio-percent-mismatch",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A ratio is compared or printed as a percent, or a percent as a ratio.",
    doc: r#"## What it does
Tells ratios (0.05 is 5 %: a fraction of a counter over its total, `_ratio` metrics) from
percents (a ratio multiplied by 100, `_percent` metrics) and reports:
- a value the query multiplies by 100 compared with a threshold between 0 and 1
  (`… * 100 > 0.05`); a `_percent` name alone is not enough, as exporters name 0-1
  gauges so too;
- a ratio compared with a threshold above 1 (`errors_ratio > 5`);
- `humanizePercentage` applied to an alert value that is already a percent, or that is a
  per-second rate (`rate(errors_total[5m]) > 0.05` is 0.05 errors per second, not 5 %);
- an alert value that is a ratio printed with a `%` sign after it without `humanizePercentage`;
- an alert on a per-second rate whose name says "ratio" or "percent", or whose summary
  speaks of a percentage.

## Why is this bad?
The threshold is off by a factor of 100: the alert fires on noise or never fires, and the
page shows "500%" or "0.05%" where 5 % was meant.

## Example
```yaml
expr: sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) * 100 > 0.05
annotations:
  description: "{{ $value | humanizePercentage }} of requests fail."
```

## Use instead
```yaml
expr: sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) > 0.05
annotations:
  description: "{{ $value | humanizePercentage }} of requests fail."
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        parsed.walk(&mut |node| {
            let Expr::Binary(binary) = node else { return };
            let Some(comparison) = threshold(binary) else {
                return;
            };
            let values = range::infer(comparison.value);
            // A comparison no value satisfies is `impossible-comparison`'s finding.
            if !values.can_satisfy(comparison.op, comparison.threshold) {
                return;
            }
            let t = comparison.threshold;
            let problem = match values.scale {
                // A `_percent` name alone is a guess (exporters name 0-1 gauges so too):
                // only a value the query itself multiplied by 100 is surely a percent.
                Scale::Percent if t > 0.0 && t < 1.0 && multiplied_by_100(comparison.value) => format!(
                    "`{}` is a percent (0-100) but is compared with {}, a ratio: did you mean {}?",
                    excerpt(comparison.value),
                    format_number(t),
                    format_number(t * 100.0)
                ),
                Scale::Ratio if t > 1.0 => format!(
                    "`{}` is a ratio (0-1) but is compared with {}, a percent: did you mean {}?",
                    excerpt(comparison.value),
                    format_number(t),
                    format_number(t / 100.0)
                ),
                _ => return,
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, binary.span),
                    problem,
                )
                .with_help("write the threshold in the scale of the value"),
            );
        });
    }
    for (_, rule, _, parsed) in parsed_alerts(ctx) {
        let scale = range::infer(parsed).scale;
        if scale == Scale::Unknown {
            continue;
        }
        if scale == Scale::PerSecond
            && let Some(claim) = claims_a_fraction(rule)
        {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    rule.name_span(),
                    format!(
                        "alert {:?} {claim}, but its expression compares a per-second rate, not a fraction",
                        rule.name()
                    ),
                )
                .with_help("divide by the total (`sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))`) to alert on a ratio"),
            );
        }
        let printing_value = |pair: &crate::rules::model::KeyValue, _| {
            let text = pair.value.text();
            text.contains("humanizePercentage") || text.contains('%')
        };
        for parsed_template in templates(ctx, rule, printing_value) {
            let text = parsed_template.pair.value.text();
            let humanized = parsed_template
                .template
                .function_calls()
                .into_iter()
                .find(|call| call.name == "humanizePercentage");
            match (scale, humanized) {
                (Scale::Percent, Some(call)) => out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        parsed_template.pair.value.file_span(&ctx.source.text, call.span),
                        "`humanizePercentage` multiplies by 100, but the alert value is already a percent",
                    )
                    .with_help("print the value with `humanize` followed by `%`, or alert on the ratio"),
                ),
                (Scale::PerSecond, Some(call)) => out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        parsed_template.pair.value.file_span(&ctx.source.text, call.span),
                        "`humanizePercentage` prints a ratio as a percent, but the alert value is a per-second rate: 0.05 errors/s shows as \"5%\"",
                    )
                    .with_help("alert on a ratio (errors over total), or print the rate with `humanize` and a unit"),
                ),
                (Scale::Ratio, None) => {
                    let uses = parsed_template.template.variable_uses();
                    let Some(value) = uses
                        .iter()
                        .find(|v| v.name == "$value" && percent_sign_follows(text, v.span.end as usize))
                    else {
                        continue;
                    };
                    out.push(
                        Diagnostic::new(
                            &CHECK,
                            ctx.rules.file,
                            parsed_template.pair.value.file_span(&ctx.source.text, value.span),
                            "the alert value is a ratio (0-1) but is printed as a percent: 0.05 shows as \"0.05%\"",
                        )
                        .with_help("use `{{ $value | humanizePercentage }}`"),
                    );
                }
                _ => {}
            }
        }
    }
}

/// Whether the action around `offset` is followed by a `%` sign.
fn multiplied_by_100(expr: &Expr) -> bool {
    let mut found = false;
    expr.walk(&mut |node| {
        if let Expr::Binary(binary) = node
            && binary.op == BinaryOp::Mul
            && [&binary.lhs, &binary.rhs]
                .iter()
                .any(|side| literal_number(side) == Some(100.0))
        {
            found = true;
        }
    });
    found
}

fn percent_sign_follows(text: &str, offset: usize) -> bool {
    let Some(rest) = text.get(offset..) else {
        return false;
    };
    let Some(close) = rest.find("}}") else {
        return false;
    };
    rest[close + 2..].trim_start().starts_with('%')
}

/// What in the alert's name or summary says its value is a fraction.
fn claims_a_fraction(rule: &Rule) -> Option<&'static str> {
    if name_words(rule.name())
        .iter()
        .any(|word| matches!(word.as_str(), "ratio" | "percent" | "percentage"))
    {
        return Some("is named as a ratio or a percentage");
    }
    let summary = find(&rule.annotations, "summary")?.value.text();
    // Only the static text counts: a `%` inside `{{ printf "%.2f" }}` says nothing.
    let static_text: String = summary
        .split("{{")
        .map(|part| part.split_once("}}").map_or(part, |(_, after)| after))
        .collect();
    let lower = static_text.to_ascii_lowercase();
    (static_text.contains('%') || lower.contains("percent"))
        .then_some("has a summary that speaks of a percentage")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("ErrorRatioHigh"), ["error", "ratio", "high"]);
        assert_eq!(name_words("cpu_percent_high"), ["cpu", "percent", "high"]);
        assert!(!name_words("CiliumAgentMapOperationFailures").contains(&"ratio".to_owned()));
    }
}
