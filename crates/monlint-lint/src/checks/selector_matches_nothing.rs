//! A selector whose matchers no series can satisfy.

use monlint_alertmanager::implication::{matches_nothing, unsatisfiable_label};
use monlint_alertmanager::matcher::{MatchOp as AmMatchOp, Matcher};
use monlint_core::{Category, Check, Diagnostic, Severity, Span, Version};
use monlint_promql::ast::{Expr, LabelMatcher, MatchOp, VectorSelector};

use super::RuleContext;
use super::common::{ExprFinding, expr_span, parsed_rules};
use crate::dashboards::DashboardContext;

pub static CHECK: Check = Check {
    code: "Q107",
    name: "selector-matches-nothing",
    category: Category::Promql,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A selector's matchers contradict each other: it selects no series at all.",
    doc: r#"## What it does
Reports a selector that provably matches no series:
- `integration!~".*"`: every value of a label matches `.*`, and so does a missing label
  (its value is ""), so no series gets through;
- two matchers on one label that no value satisfies together: `job="a", job="b"`,
  `job="a", job!="a"`, `env=~"prod|staging", env="dev"`, or an `=` value that the same
  label's regex cannot match.

Regexes are read as Prometheus does (RE2, anchored at both ends; from 3.0 `.` also
matches a newline). A regex whose language cannot be reasoned about is left alone: only
proven contradictions are reported.

## Why is this bad?
The selector is always empty. An alert built on it can never fire, a recording rule built
on it never records anything, and nothing says so.

## Example
```yaml
expr: rate(http_requests_total{code=~"5..", code="200"}[5m]) > 1
```

## Use instead
```yaml
expr: rate(http_requests_total{code=~"5.."}[5m]) > 1
```
"#,
};

/// A selector's matchers in the form the matcher proofs take, in the same order; `None`
/// when a regex does not compile (then nothing is proven). A metric name written before
/// the braces cannot contradict them: Prometheus refuses a `__name__` matcher next to it.
pub(crate) fn matchers_of(selector: &VectorSelector, version: Version) -> Option<Vec<Matcher>> {
    selector
        .matchers
        .iter()
        .map(|matcher| {
            let op = match matcher.op {
                MatchOp::Equal => AmMatchOp::Equal,
                MatchOp::NotEqual => AmMatchOp::NotEqual,
                MatchOp::Regex => AmMatchOp::Regex,
                MatchOp::NotRegex => AmMatchOp::NotRegex,
            };
            Matcher::new(&matcher.name, op, &prometheus_pattern(matcher, version)).ok()
        })
        .collect()
}

/// The pattern with Prometheus' flags. From 3.0 `.` matches a newline; the `s` flag is
/// only added where a `.` is written, so a plain alternation such as `a|b` keeps the shape
/// the proofs read as a finite set of values.
fn prometheus_pattern(matcher: &LabelMatcher, version: Version) -> String {
    let regex = matches!(matcher.op, MatchOp::Regex | MatchOp::NotRegex);
    if regex
        && version.is_prometheus_3()
        && has_unescaped_dot(&matcher.value)
        && !matcher.value.starts_with("(?s)")
    {
        format!("(?s){}", matcher.value)
    } else {
        matcher.value.clone()
    }
}

fn has_unescaped_dot(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '.' => return true,
            _ => {}
        }
    }
    false
}

/// Why the selector is empty, given the label whose matchers contradict, with the
/// matchers as written.
fn explain(selector: &VectorSelector, matchers: &[Matcher], label: &str) -> String {
    let nothing = matchers
        .iter()
        .position(|m| m.name == label && matches_nothing(m));
    if let Some(matcher) = nothing.map(|index| &selector.matchers[index]) {
        return format!(
            "`{}!~{:?}` selects no series: every value of `{label}`, and its absence (\"\"), matches the regex",
            matcher.name, matcher.value
        );
    }
    let written: Vec<String> = selector
        .matchers
        .iter()
        .filter(|m| m.name == label)
        .map(|m| format!("`{}{}{:?}`", m.name, m.op.as_str(), m.value))
        .collect();
    format!(
        "no value of `{label}` satisfies {} together: the selector is always empty",
        written.join(" and ")
    )
}

/// From the first to the last matcher on `label`.
fn contradiction_span(selector: &VectorSelector, label: &str) -> Span {
    let mut on_label = selector.matchers.iter().filter(|m| m.name == label);
    match (on_label.next(), on_label.next_back()) {
        (Some(first), last) => Span::new(first.span.start, last.unwrap_or(first).span.end),
        (None, _) => selector.span,
    }
}

/// Every selector of `expr` that matches no series.
pub fn findings(expr: &Expr, version: Version) -> Vec<ExprFinding> {
    let mut out = Vec::new();
    expr.walk_selectors(&mut |selector| {
        let Some(matchers) = matchers_of(selector, version) else {
            return;
        };
        let refs: Vec<&Matcher> = matchers.iter().collect();
        if let Some(label) = unsatisfiable_label(&refs) {
            out.push(
                ExprFinding::new(contradiction_span(selector, label), explain(selector, &matchers, label))
                    .with_primary_message("matches no series")
                    .with_help(format!(
                        "fix the matchers on `{label}`: an alert on this selector never fires, a recording rule never records"
                    )),
            );
        }
    });
    out
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule_expr, parsed) in parsed_rules(ctx) {
        for finding in findings(parsed, ctx.version) {
            let span = expr_span(ctx, rule_expr, finding.span);
            out.push(finding.into_diagnostic(&CHECK, ctx.rules.file, span));
        }
    }
}

/// The same on dashboard queries; a selector holding text a variable produced is left
/// alone (the placeholder is not what Grafana sends).
pub fn check_dashboard(ctx: &DashboardContext, out: &mut Vec<Diagnostic>) {
    ctx.report_expr_findings(
        &CHECK,
        |expr| findings(expr, ctx.version),
        |query, span| query.touches_variable(span),
        out,
    );
}
