//! Diagnostics: what a check found, where, and how bad it is.

use std::fmt;
use std::str::FromStr;

use crate::{FileId, Span};

/// How bad a finding is. Ordered, so `severity >= Severity::Warning` reads naturally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity {other:?}: expected error, warning or info"
            )),
        }
    }
}

/// The family a check belongs to; `--select`/`--ignore` accept these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Exactly what the upstream tool (promtool, amtool) would reject.
    Validity,
    /// Accepted upstream, but almost certainly not what the author meant.
    Correctness,
    /// Differences between what monlint reads and what the targeted tool reads.
    Compatibility,
    /// Labels and annotations: required ones missing, template labels the query cannot carry.
    Labels,
    /// Alert thresholds and conditions that cannot or will not work as written.
    Thresholds,
    /// Runbook links: present, well-formed, not placeholders.
    Runbooks,
    /// PromQL that runs but is fragile, wasteful or misleading.
    Promql,
    /// Naming and wording conventions (the monitoring-mixins style).
    Style,
    /// monlint's own configuration file and suppression comments.
    Configuration,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Validity,
        Category::Correctness,
        Category::Compatibility,
        Category::Labels,
        Category::Thresholds,
        Category::Runbooks,
        Category::Promql,
        Category::Style,
        Category::Configuration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Validity => "validity",
            Category::Correctness => "correctness",
            Category::Compatibility => "compatibility",
            Category::Labels => "labels",
            Category::Thresholds => "thresholds",
            Category::Runbooks => "runbooks",
            Category::Promql => "promql",
            Category::Style => "style",
            Category::Configuration => "configuration",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The static description of one check: its stable identity and its docs.
#[derive(Debug)]
pub struct Check {
    /// Stable short code such as `V104`; never reused for another meaning.
    pub code: &'static str,
    /// Stable kebab-case name such as `promql-syntax`.
    pub name: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// Whether a run without `--select` reports it. Off for checks whose findings on real
    /// configs are mostly a matter of taste or a project's convention.
    pub enabled_by_default: bool,
    /// One line, shown in listings.
    pub summary: &'static str,
    /// Markdown with the headings "What it does", "Why is this bad?", "Example", "Use instead".
    pub doc: &'static str,
}

/// A span in a file with an optional message, shown under the source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub check: &'static Check,
    /// Starts as the check's default; configuration may override it at the sink.
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    /// Most helps are fixed sentences, borrowed rather than copied into every finding.
    pub help: Option<std::borrow::Cow<'static, str>>,
}

impl Diagnostic {
    pub fn new(
        check: &'static Check,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            check,
            severity: check.default_severity,
            message: message.into(),
            primary: Label {
                file,
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Text shown under the primary span.
    pub fn with_primary_message(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The order every output uses: file, position, then code, so runs are reproducible.
    pub fn sort_key(&self) -> (FileId, u32, u32, &'static str, &str) {
        (
            self.primary.file,
            self.primary.span.start,
            self.primary.span.end,
            self.check.code,
            &self.message,
        )
    }
}
