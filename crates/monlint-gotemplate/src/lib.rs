//! Go `text/template` parsing, as Prometheus uses it for alert labels and
//! annotations.
//!
//! The parser reproduces Go's grammar, variable scoping and error messages,
//! line numbers included, and records byte spans so diagnostics can point into
//! the template. [`Template::execute`] and [`expand_alert_template`] run a parsed
//! template with Prometheus' functions and Go's value formatting.
//!
//! # Fidelity
//!
//! Error texts are those of current Go (1.23 and later). They were checked
//! against `promtool check rules` 2.42, built with Go 1.19, which differs in
//! two places: a stray `)` is reported as `unexpected ")" in command` (now
//! `unexpected right paren`), and `{{else with}}` is refused (`unexpected
//! <with> in else`). Known approximations: Go's Unicode letter, digit and
//! printable classes are approximated without Unicode tables; the error text
//! for a malformed complex constant is approximate; string escapes that make
//! invalid UTF-8 are decoded lossily; nesting of parentheses, control
//! structures and blocks is limited to [`MAX_NESTING`] (Go allows 10000
//! parentheses and unlimited blocks) and reported as Go's
//! `max expression depth exceeded`.
//!
//! Execution follows Go's `text/template` with `missingkey=zero` and
//! Prometheus' functions; outputs and error texts were checked against
//! promtool 2.42 (see `tests/execute.rs`). Known differences: regular
//! expressions use the `regex` crate, whose `\d`, `\w`, `\s` and `\b` are
//! Unicode-aware where Go's are ASCII-only, and only the commonest regexp
//! errors are worded as Go words them; `args`, `now` and `toDuration` are not
//! implemented; `pathPrefix` returns the external URL's path where promtool
//! fails; nested templates and control structures together are limited to
//! [`MAX_EXEC_DEPTH`], and execution stops after a fixed step and output
//! budget, so that hostile templates end quickly.
//!
//! ```
//! use monlint_core::Version;
//! use monlint_gotemplate::check_prometheus_alert_template;
//!
//! let error = check_prometheus_alert_template("{{ $label.instance }}", Version::new(3, 5)).unwrap_err();
//! assert_eq!(error.go_text("__alert_Down"), "template: __alert_Down:1: undefined variable \"$label\"");
//! assert_eq!(error.span.range(), 3..9);
//!
//! use monlint_gotemplate::{AlertData, NoQueries, expand_alert_template};
//!
//! let data = AlertData { value: 1234567.0, ..AlertData::default() };
//! let text = "{{ $value }} is {{ humanize $value }}";
//! let expanded = expand_alert_template("Big", text, &data, Version::new(2, 42), &NoQueries);
//! assert_eq!(expanded, "1.234567e+06 is 1.235M");
//! ```

mod ast;
mod exec;
mod format;
mod functions;
mod lexer;
mod literal;
mod parser;
mod prometheus;
mod value;

use monlint_core::Span;

pub use value::{AlertData, Labels, Value};

pub use ast::{
    Branch, Command, Definition, DefinitionKind, Expr, FieldChain, FieldRoot, FunctionCall, List,
    Node, NumberValue, Pipeline, Template, Variable,
};
pub use exec::{
    AlertTemplate, Environment, ExecError, MAX_EXEC_DEPTH, NoQueries, Sample, Source,
    expand_alert_template,
};
pub use format::{format_float_g, sprintf};
pub use parser::MAX_NESTING;
pub use prometheus::{
    ALERT_TEMPLATE_NAME_PREFIX, GO_BUILTIN_FUNCTIONS, check_prometheus_alert_template,
    prelude_variables, prometheus_functions,
};

/// A template that Go's parser would refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// The byte range in the checked text that the error is about (possibly empty).
    pub span: Span,
    /// Go's message without the `template: <name>:<line>: ` prefix.
    pub message: String,
    /// The line Go reports: that of the last item Go's parser had read.
    pub line: u32,
    /// For a scanning error inside an action that spans lines, the line the
    /// action started on; Go then appends `started at <name>:<line>`.
    pub action_start_line: Option<u32>,
}

impl TemplateError {
    /// The message as Go words it for a template called `template_name`,
    /// e.g. `unclosed action started at __alert_X:1`.
    pub fn go_message(&self, template_name: &str) -> String {
        match self.action_start_line {
            None => self.message.clone(),
            Some(line) if self.message.ends_with(" action") => {
                format!("{} started at {template_name}:{line}", self.message)
            }
            Some(line) => format!(
                "{} in action started at {template_name}:{line}",
                self.message
            ),
        }
    }

    /// The full error text Go produces, e.g.
    /// `template: __alert_X:1: undefined variable "$label"`.
    pub fn go_text(&self, template_name: &str) -> String {
        format!(
            "template: {template_name}:{}: {}",
            self.line,
            self.go_message(template_name)
        )
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

/// What is in scope when a template is parsed.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseConfig<'a> {
    /// Every function name templates may call, Go's builtins included
    /// (see [`GO_BUILTIN_FUNCTIONS`]).
    pub functions: &'a [&'a str],
    /// Variables declared before the text, such as `$labels` (with the `$`).
    /// `$` itself is always declared. They are not visible inside
    /// `{{define}}` and `{{block}}` bodies, as in Go.
    pub variables: &'a [&'a str],
}

/// Parses a template as Go's `text/template` would.
pub fn parse(text: &str, config: &ParseConfig) -> Result<Template, TemplateError> {
    parser::parse_template(text, config)
}
