//! The Prometheus rule-file model: what Prometheus would load, with the span of
//! every value so checks can point at it.

use monlint_core::yaml::Node;
use monlint_core::{FileId, Span};
use monlint_promql::ParseError;
use monlint_promql::ast::Expr;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A scalar whose content is itself a language (PromQL, a Go template): keeps the
/// YAML node so an offset inside the decoded text maps back to the file.
#[derive(Clone, Debug)]
pub struct EmbeddedText {
    pub node: Node,
}

impl EmbeddedText {
    pub fn text(&self) -> &str {
        self.node.as_str().unwrap_or_default()
    }

    /// The file span of a byte range of the decoded text.
    pub fn file_span(&self, source: &str, decoded: Span) -> Span {
        self.node.value_span(source, decoded.range())
    }
}

/// How the groups were wrapped in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleFileFlavor {
    /// `groups:` at the top level, as Prometheus reads it.
    Plain,
    /// Kubernetes `PrometheusRule` objects (`spec.groups`), one or more documents.
    PrometheusRule,
}

#[derive(Clone, Debug)]
pub struct RuleFile {
    pub file: FileId,
    pub flavor: RuleFileFlavor,
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug)]
pub struct Group {
    /// The span of the whole group mapping.
    pub span: Span,
    pub name: Option<Spanned<String>>,
    pub interval: Option<Spanned<String>>,
    pub query_offset: Option<Spanned<String>>,
    pub limit: Option<Spanned<i64>>,
    pub labels: Vec<KeyValue>,
    pub rules: Vec<Rule>,
}

impl Group {
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct KeyValue {
    pub key: Spanned<String>,
    pub value: EmbeddedText,
}

#[derive(Clone, Debug)]
pub struct RuleExpr {
    pub text: EmbeddedText,
    pub parsed: Result<Expr, ParseError>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    /// The span of the whole rule mapping.
    pub span: Span,
    pub record: Option<Spanned<String>>,
    pub alert: Option<Spanned<String>>,
    pub expr: Option<RuleExpr>,
    pub for_: Option<Spanned<String>>,
    pub keep_firing_for: Option<Spanned<String>>,
    pub labels: Vec<KeyValue>,
    pub annotations: Vec<KeyValue>,
    /// Keys as written, for checks about fields that do not belong (`for` on a recording rule).
    pub keys: Vec<Spanned<String>>,
}

impl Rule {
    /// The alert or record name, alert first as promtool prints it.
    pub fn name(&self) -> &str {
        self.alert
            .as_ref()
            .or(self.record.as_ref())
            .map_or("", |n| n.value.as_str())
    }

    /// Where to point when a finding is about the rule as a whole.
    pub fn name_span(&self) -> Span {
        self.alert
            .as_ref()
            .or(self.record.as_ref())
            .map_or(self.span, |n| n.span)
    }

    pub fn is_alert(&self) -> bool {
        self.alert.is_some()
    }

    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.keys.iter().find(|k| k.value == key).map(|k| k.span)
    }
}
