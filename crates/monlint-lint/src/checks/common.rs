//! Small helpers the rule checks share.

use monlint_core::{Check, Diagnostic, Duration, FileId, Span};
use monlint_gotemplate::{Template, check_prometheus_alert_template};
use monlint_promql::ast::{BinaryExpr, BinaryOp, Expr};

use super::RuleContext;
use crate::analysis::literal_number;
use crate::rules::model::{Group, KeyValue, Rule, RuleExpr, Spanned};

/// Every rule whose expression parsed, with its group.
pub fn parsed_rules<'a>(
    ctx: &'a RuleContext,
) -> impl Iterator<Item = (&'a Group, &'a Rule, &'a RuleExpr, &'a Expr)> {
    ctx.rules().filter_map(|(group, _, rule)| {
        let expr = rule.expr.as_ref()?;
        let parsed = expr.parsed.as_ref().ok()?;
        Some((group, rule, expr, parsed))
    })
}

/// Every alerting rule whose expression parsed.
pub fn parsed_alerts<'a>(
    ctx: &'a RuleContext,
) -> impl Iterator<Item = (&'a Group, &'a Rule, &'a RuleExpr, &'a Expr)> {
    parsed_rules(ctx).filter(|(_, rule, _, _)| rule.is_alert())
}

/// The file span of a span inside an expression.
pub fn expr_span(ctx: &RuleContext, expr: &RuleExpr, span: Span) -> Span {
    expr.text.file_span(&ctx.source.text, span)
}

/// A comparison of an expression with a number, read with the number on the right:
/// `0.5 < x` is returned as (`x`, `>`, 0.5).
pub struct Threshold<'a> {
    pub value: &'a Expr,
    pub op: BinaryOp,
    pub threshold: f64,
}

pub fn threshold(binary: &BinaryExpr) -> Option<Threshold<'_>> {
    if !binary.op.is_comparison() {
        return None;
    }
    match (literal_number(&binary.lhs), literal_number(&binary.rhs)) {
        (None, Some(threshold)) => Some(Threshold {
            value: &binary.lhs,
            op: binary.op,
            threshold,
        }),
        (Some(threshold), None) => Some(Threshold {
            value: &binary.rhs,
            op: binary.op.mirrored(),
            threshold,
        }),
        _ => None,
    }
}

/// Prints a threshold as written in PromQL.
pub fn format_number(value: f64) -> String {
    format!("{value}")
}

/// A label or annotation value parsed as the alert template it is.
pub struct ParsedTemplate<'a> {
    pub pair: &'a KeyValue,
    pub template: Template,
}

/// The alert's labels and annotations that parse as templates (others are
/// `template-syntax`'s business) and whose text passes `wanted`, a cheap filter that
/// spares parsing values a check has no interest in.
pub fn templates<'a>(
    ctx: &RuleContext,
    rule: &'a Rule,
    wanted: impl Fn(&KeyValue, bool) -> bool,
) -> Vec<ParsedTemplate<'a>> {
    let labels = rule.labels.iter().map(|pair| (pair, true));
    let annotations = rule.annotations.iter().map(|pair| (pair, false));
    labels
        .chain(annotations)
        .filter(|(pair, is_label)| pair.value.text().contains("{{") && wanted(pair, *is_label))
        .filter_map(|(pair, _)| {
            let template = check_prometheus_alert_template(pair.value.text(), ctx.version).ok()?;
            Some(ParsedTemplate { pair, template })
        })
        .collect()
}

/// A duration field in milliseconds; `None` when absent or invalid.
pub fn duration_ms(value: &Option<Spanned<String>>) -> Option<u64> {
    let value = value.as_ref()?;
    Duration::parse(&value.value).ok().map(Duration::millis)
}

/// Formats milliseconds as a Prometheus duration.
pub fn format_duration(ms: u64) -> String {
    Duration(ms).to_string()
}

/// The value of a label or annotation of the rule.
pub fn find<'a>(pairs: &'a [KeyValue], key: &str) -> Option<&'a KeyValue> {
    monlint_promql::with_stack(|| pairs.iter().find(|pair| pair.key.value == key))
}

/// An expression as it prints, shortened for a one-line message.
pub fn excerpt(expr: &Expr) -> String {
    shorten(&expr.to_string())
}

/// A text for a one-line message: its first line, at most 60 characters, with `…` when
/// anything was left out.
pub fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let line = text.lines().next().unwrap_or_default();
    let one_line = text[line.len()..].trim().is_empty();
    if one_line && line.chars().count() <= MAX_CHARS {
        return line.to_owned();
    }
    let mut short: String = line.chars().take(MAX_CHARS - 1).collect();
    short.push('…');
    short
}

/// A finding inside one PromQL expression, located in the expression's text, so rule and
/// dashboard checks can share the analysis and each map the span into its file.
pub struct ExprFinding {
    pub span: Span,
    pub message: String,
    pub primary_message: Option<String>,
    pub help: Option<String>,
}

impl ExprFinding {
    pub fn new(span: Span, message: impl Into<String>) -> ExprFinding {
        ExprFinding {
            span,
            message: message.into(),
            primary_message: None,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> ExprFinding {
        self.help = Some(help.into());
        self
    }

    pub fn with_primary_message(mut self, message: impl Into<String>) -> ExprFinding {
        self.primary_message = Some(message.into());
        self
    }

    /// The diagnostic, at `file_span` (the finding's span mapped into the file).
    pub fn into_diagnostic(
        self,
        check: &'static Check,
        file: FileId,
        file_span: Span,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(check, file, file_span, self.message);
        if let Some(message) = self.primary_message {
            diagnostic = diagnostic.with_primary_message(message);
        }
        if let Some(help) = self.help {
            diagnostic = diagnostic.with_help(help);
        }
        diagnostic
    }
}

/// The words of a CamelCase or snake_case name, lowercased: `ErrorRatioHigh` gives
/// error, ratio, high (and `OperationFailures` no "ratio").
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            words.push(String::new());
            continue;
        }
        if (c.is_uppercase() && previous_lower) || words.is_empty() {
            words.push(String::new());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        if let Some(word) = words.last_mut() {
            word.extend(c.to_lowercase());
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shorten_keeps_one_short_line_and_marks_what_it_leaves_out() {
        assert_eq!(shorten("team-a"), "team-a");
        assert_eq!(
            shorten("team-a\n"),
            "team-a",
            "a block scalar's final newline"
        );
        assert_eq!(shorten("first\nsecond"), "first…");
        let long = "x".repeat(61);
        assert_eq!(shorten(&long), format!("{}…", "x".repeat(59)));
        assert_eq!(shorten(&"x".repeat(60)), "x".repeat(60));
    }
}
