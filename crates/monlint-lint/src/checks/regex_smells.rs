//! Regex matchers that are not needed or do not do what they look like.

use monlint_core::{Category, Check, Diagnostic, Severity};
use monlint_promql::ast::{Expr, LabelMatcher, MatchOp};

use super::RuleContext;
use super::common::{ExprFinding, expr_span, parsed_rules};
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q103",
    name: "regex-smells",
    category: Category::Promql,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A regex matcher has no regex in it, redundant anchors, or matches everything.",
    doc: r#"## What it does
Reports label matchers:
- `=~"api"` / `!~"api"` with no regex metacharacter: an equality matcher says the same;
- `=~"^api$"`: PromQL regexes are always anchored at both ends, `^` and `$` add nothing;
- `=~".*"`: matches every series, including those without the label.

## Why is this bad?
Regex matchers are slower than equality matchers, and misleading anchors suggest that
unanchored regexes match substrings, which they do not in PromQL. A match-everything
matcher is usually a leftover of a dashboard variable.

## Example
```yaml
expr: up{job=~"^api$", env=~".*"} == 0
```

## Use instead
```yaml
expr: up{job="api"} == 0
```
"#,
};

fn has_metacharacter(value: &str) -> bool {
    value.contains([
        '.', '^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\',
    ])
}

fn problem(matcher: &LabelMatcher) -> Option<String> {
    if !matches!(matcher.op, MatchOp::Regex | MatchOp::NotRegex) {
        return None;
    }
    let value = matcher.value.as_str();
    if !has_metacharacter(value) {
        let equality = if matcher.op == MatchOp::Regex {
            "="
        } else {
            "!="
        };
        return Some(format!(
            "`{}{}{:?}` has no regex in it: use `{}{equality}{value:?}`",
            matcher.name,
            matcher.op.as_str(),
            value,
            matcher.name
        ));
    }
    if matcher.op == MatchOp::Regex && value == ".*" {
        return Some(format!(
            "`{}=~\".*\"` matches every series, with or without `{}`: drop the matcher",
            matcher.name, matcher.name
        ));
    }
    let ends_with_anchor = value.ends_with('$') && !value.ends_with("\\$");
    if value.starts_with('^') || ends_with_anchor {
        return Some(format!(
            "the anchors in `{}{}{:?}` are redundant: PromQL regexes always match the whole value",
            matcher.name,
            matcher.op.as_str(),
            value
        ));
    }
    None
}

/// Every smelly regex matcher of `expr`.
pub fn findings(expr: &Expr) -> Vec<ExprFinding> {
    let mut out = Vec::new();
    expr.walk_selectors(&mut |selector| {
        for matcher in &selector.matchers {
            if let Some(message) = problem(matcher) {
                out.push(ExprFinding::new(matcher.span, message));
            }
        }
    });
    out
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        for finding in findings(parsed) {
            let span = expr_span(ctx, rule_expr, finding.span);
            out.push(finding.into_diagnostic(&CHECK, ctx.rules.file, span));
        }
    }
}

/// The same on dashboard queries; a matcher whose value is a template variable is left
/// alone (`job=~"$job"` is how multi-value variables are used).
pub fn check_dashboard(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    ctx.report_expr_findings(
        &CHECK,
        findings,
        |query, span| query.touches_variable(span),
        out,
    );
}
