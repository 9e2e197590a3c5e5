//! Selectors without a matcher on the labels the policy says every query must narrow by.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::VectorSelector;

use super::RuleContext;
use super::common::{expr_span, parsed_rules, shorten};

pub static CHECK: Check = Check {
    code: "Q106",
    name: "selector-missing-matcher",
    category: Category::Promql,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A selector in a rule has no matcher on a label that `required-matchers` of the policy names.",
    doc: r#"## What it does
Reports every vector and range selector in an alerting or recording rule that has no
matcher on a label listed in `policy.required-matchers` of `.monlint.yml`. Any matcher
counts (`=`, `!=`, `=~`, `!~`); for `__name__`, so does a metric name. Every selector is
judged, including selectors of recording-rule outputs and those inside `absent()`, so a
recording rule that keeps the label still needs the matcher where it is read. The check
is silent without `required-matchers`, which is unset by default.

```yaml
# .monlint.yml
policy:
  required-matchers: [cluster]
```

## Why is this bad?
When several clusters (or environments, or tenants) write to the same Prometheus or
Thanos, a query that does not say which one it means mixes them: an alert compares one
cluster's errors with all clusters' traffic, or fires once for every cluster on a
condition that concerns one.

## Example
```yaml
- alert: ApiErrorsHigh
  expr: sum by (cluster) (rate(http_requests_total{job="api", code=~"5.."}[5m])) > 1
```

## Use instead
```yaml
- alert: ApiErrorsHigh
  expr: sum by (cluster) (rate(http_requests_total{cluster=~"prod-.+", job="api", code=~"5.."}[5m])) > 1
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let required = &ctx.policy.required_matchers;
    if required.is_empty() {
        return;
    }
    for (_, rule, rule_expr, parsed) in parsed_rules(ctx) {
        parsed.walk_selectors(&mut |selector| {
            let missing: Vec<&str> = required
                .iter()
                .filter(|label| !has_matcher(selector, label))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                return;
            }
            let list = missing
                .iter()
                .map(|label| format!("`{label}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let example = missing
                .iter()
                .map(|label| format!("`{label}=\"...\"`"))
                .collect::<Vec<_>>()
                .join(", ");
            let written = rule_expr.text.text().get(selector.span.range());
            let written = written.map_or_else(|| selector.to_string(), shorten);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    expr_span(ctx, rule_expr, selector.span),
                    format!(
                        "selector `{written}` in {} {:?} has no matcher on {list}, which the policy's required-matchers requires",
                        if rule.is_alert() { "alert" } else { "recording rule" },
                        rule.name(),
                    ),
                )
                .with_help(format!(
                    "say which series you mean: add {example} (or a regex matcher) to the selector"
                )),
            );
        });
    }
}

fn has_matcher(selector: &VectorSelector, label: &str) -> bool {
    label == "__name__" && selector.name.is_some()
        || selector.matchers.iter().any(|m| m.name == label)
}
