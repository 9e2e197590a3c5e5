//! The dashboard model: what the checks read, every value with its place in the file.

use std::sync::Arc;

use monlint_core::Span;
use monlint_core::yaml::{Node, ValueMap};
use monlint_promql::ParseError;
use monlint_promql::ast::Expr;

use crate::expand::Expansion;

/// How the dashboard was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The classic JSON model (any `schemaVersion`), possibly an export with `__inputs`.
    Classic,
    /// A Kubernetes-style object whose `spec` is the classic model.
    KubernetesClassic,
    /// The v2 schema (`spec.elements`, `spec.layout`).
    V2,
}

/// A YAML string holding dashboard JSON (a ConfigMap value), with its decoded text mapped
/// to the file once, for every value of the dashboard to map through.
#[derive(Debug)]
pub(crate) struct Embedding {
    pub(crate) outer: Node,
    pub(crate) map: ValueMap,
}

impl Embedding {
    pub(crate) fn new(outer: &Node, file_text: &str) -> Embedding {
        Embedding {
            map: outer.value_map(file_text),
            outer: outer.clone(),
        }
    }

    /// The file span of a span of the embedded text.
    pub(crate) fn span(&self, inner: Span) -> Span {
        self.map.span(inner.range())
    }
}

/// A string value and where it is written. Strings inside a JSON string inside YAML (a
/// ConfigMap) keep both levels, so any byte of the value maps to the file.
#[derive(Clone, Debug)]
pub struct Text {
    pub value: String,
    /// The whole value in the file.
    pub span: Span,
    node: Node,
    embedding: Option<Arc<Embedding>>,
}

impl Text {
    pub(crate) fn new(
        value: String,
        span: Span,
        node: Node,
        embedding: Option<Arc<Embedding>>,
    ) -> Text {
        Text {
            value,
            span,
            node,
            embedding,
        }
    }

    /// The file span of a byte range of the decoded value.
    pub fn file_span(&self, file_text: &str, decoded: std::ops::Range<usize>) -> Span {
        match &self.embedding {
            None => self.node.value_span(file_text, decoded),
            Some(embedding) => {
                let inner_text = embedding.outer.as_str().unwrap_or_default();
                embedding.span(self.node.value_span(inner_text, decoded))
            }
        }
    }
}

/// A number and where it is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    pub span: Span,
}

/// A boolean and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag {
    pub value: bool,
    pub span: Span,
}

/// A `datasource` field in one of its historical forms.
#[derive(Clone, Debug)]
pub struct Datasource {
    pub span: Span,
    pub form: DatasourceForm,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatasourceForm {
    /// `null`: the default datasource.
    Default,
    /// A bare string: a datasource name (before schema 33) or a variable (`$ds`).
    Name(String),
    /// `{type, uid}`; either may be missing or a variable.
    Reference {
        plugin: Option<String>,
        uid: Option<String>,
    },
}

/// Grafana's pseudo datasources, which hold no queries of their own.
pub const SPECIAL_DATASOURCES: &[&str] = &[
    "-- Mixed --",
    "-- Dashboard --",
    "-- Grafana --",
    "grafana",
    "dashboard",
    "datasource",
    "__expr__",
];

impl Datasource {
    /// The uid or name as written, `None` for the default datasource.
    pub fn identifier(&self) -> Option<&str> {
        match &self.form {
            DatasourceForm::Default => None,
            DatasourceForm::Name(name) => Some(name),
            DatasourceForm::Reference { uid, .. } => uid.as_deref(),
        }
    }

    /// The plugin type, when written.
    pub fn plugin(&self) -> Option<&str> {
        match &self.form {
            DatasourceForm::Reference { plugin, .. } => plugin.as_deref(),
            _ => None,
        }
    }

    /// Whether the datasource is a template variable or an export input (`${DS_X}`).
    pub fn is_variable(&self) -> bool {
        self.identifier().is_some_and(|id| id.contains('$'))
    }

    /// `-- Mixed --`, `-- Dashboard --`, `-- Grafana --` and server-side expressions.
    pub fn is_special(&self) -> bool {
        let special = |s: &str| SPECIAL_DATASOURCES.contains(&s);
        self.identifier().is_some_and(special) || self.plugin().is_some_and(special)
    }
}

/// A PromQL query: as written, with its variables expanded, and parsed.
#[derive(Clone, Debug)]
pub struct Query {
    pub raw: Text,
    pub expansion: Expansion,
    pub parsed: Result<Expr, ParseError>,
}

impl Query {
    /// The file span of a span of the expanded (parsed) text.
    pub fn file_span(&self, file_text: &str, expanded: Span) -> Span {
        let raw = self.expansion.raw_range(expanded.range());
        self.raw.file_span(file_text, raw)
    }

    /// Whether a span of the expanded text comes from a variable.
    pub fn touches_variable(&self, expanded: Span) -> bool {
        self.expansion.touches_variable(expanded.range())
    }
}

/// Whose queries a target sends, as far as the file tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryLanguage {
    Promql,
    /// Another datasource type (Loki, SQL, ...): its `expr` is not PromQL.
    Other,
}

/// One query of a panel.
#[derive(Clone, Debug)]
pub struct Target {
    pub span: Span,
    pub ref_id: Option<Text>,
    pub datasource: Option<Datasource>,
    pub hidden: bool,
    /// The query text, parsed when the target is a Prometheus query.
    pub expr: Option<Text>,
    pub language: QueryLanguage,
    pub query: Option<Query>,
}

/// A threshold step (`fieldConfig.defaults.thresholds.steps[].value`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThresholdStep {
    pub value: Number,
}

/// A panel, a row, or a panel nested in a collapsed row (the dashboard lists them flat).
#[derive(Clone, Debug)]
pub struct Panel {
    pub span: Span,
    pub id: Option<Number>,
    /// The panel plugin (`type`, or the v2 `vizConfig` kind).
    pub kind: Option<Text>,
    pub title: Option<Text>,
    pub description: Option<Text>,
    pub datasource: Option<Datasource>,
    pub targets: Vec<Target>,
    /// The key of a legacy `alert` object.
    pub legacy_alert: Option<Span>,
    /// The uid of the library panel this panel shows.
    pub library_panel: Option<Text>,
    /// Whether the library panel's model was found in the file (`__elements`).
    pub library_panel_resolved: bool,
    /// `fieldConfig.defaults.unit`, an override's unit, or a legacy `yaxes[0].format`.
    pub unit: Option<Text>,
    pub thresholds: Vec<ThresholdStep>,
    /// Nested in a row (`collapsed` rows hold their panels; old `rows[]` too).
    pub in_row: bool,
    /// The variables the panel is repeated over (its own `repeat`, its row's): each copy
    /// gets one value of them.
    pub repeat: Vec<String>,
}

impl Panel {
    pub fn kind(&self) -> &str {
        self.kind.as_ref().map_or("", |k| k.value.as_str())
    }

    pub fn is_row(&self) -> bool {
        self.kind() == "row"
    }

    /// Where to point when a finding is about the whole panel: its title, else its type.
    pub fn anchor(&self) -> Span {
        self.title
            .as_ref()
            .or(self.kind.as_ref())
            .map_or(Span::point(self.span.start), |t| t.span)
    }
}

/// A template variable (`templating.list[]`, v2 `variables[]`).
#[derive(Clone, Debug)]
pub struct Variable {
    pub span: Span,
    pub name: Text,
    /// `query`, `custom`, `interval`, `datasource`, `constant`, `textbox`, `adhoc`, `groupby`.
    pub kind: String,
    pub multi: bool,
    pub include_all: bool,
    /// Hidden from the viewer (`hide: 2`, v2 `hideVariable`): no selector is shown.
    pub hidden: bool,
    /// `refresh` as written: 0 never, 1 on load, 2 on time range change.
    pub refresh: Option<Number>,
    pub datasource: Option<Datasource>,
    /// A datasource variable's plugin (`query: "prometheus"`).
    pub plugin: Option<String>,
    /// The variable's query text (a query variable's `label_values(...)`).
    pub query_text: Option<Text>,
    /// The PromQL inside the query: `label_values(<expr>, label)`, `query_result(<expr>)`.
    pub query: Option<Query>,
    /// The one value the variable has when the dashboard opens: the value selected when it
    /// was saved, else its first option; `None` when several or unknown.
    pub current: Option<String>,
}

/// A `__inputs` entry of an exported dashboard.
#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub plugin: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Dashboard {
    pub flavor: Flavor,
    /// The dashboard object (the `spec` for Kubernetes objects).
    pub span: Span,
    pub title: Option<Text>,
    pub uid: Option<Text>,
    pub editable: Option<Flag>,
    pub schema_version: Option<Number>,
    pub inputs: Vec<Input>,
    /// Datasource plugin ids an export says it requires (`__requires`).
    pub required_datasources: Vec<String>,
    pub variables: Vec<Variable>,
    /// Every panel in layout order; rows before the panels they hold.
    pub panels: Vec<Panel>,
    /// The PromQL of Prometheus annotation queries (`annotations.list[].expr`).
    pub annotation_queries: Vec<Query>,
    /// Variable names to their index in `variables`, so lookups stay constant-time on
    /// dashboards with many variables.
    pub(crate) variable_index: std::collections::HashMap<String, usize>,
    /// Whether `__requires`, `__inputs` or a datasource variable names a datasource type
    /// other than Prometheus (computed once the variables are loaded).
    pub(crate) other_datasource_types: bool,
    /// `__inputs` names to their plugin.
    pub(crate) input_index: std::collections::HashMap<String, Option<String>>,
}

impl Dashboard {
    /// The variable of that name (the first, if the name is defined twice).
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variable_index
            .get(name)
            .and_then(|&index| self.variables.get(index))
    }

    /// The plugin of an export input (`DS_PROMETHEUS` → `prometheus`).
    pub fn input_plugin(&self, name: &str) -> Option<&str> {
        self.input_index.get(name)?.as_deref()
    }

    /// Every datasource written in the dashboard: panels', their queries', and variables'.
    pub fn datasources(&self) -> impl Iterator<Item = &Datasource> {
        let panels = self.panels.iter().flat_map(|panel| {
            panel
                .datasource
                .iter()
                .chain(panel.targets.iter().filter_map(|t| t.datasource.as_ref()))
        });
        panels.chain(self.variables.iter().filter_map(|v| v.datasource.as_ref()))
    }

    /// The queries of every panel, with the panel.
    pub fn targets(&self) -> impl Iterator<Item = (&Panel, &Target)> {
        self.panels
            .iter()
            .flat_map(|panel| panel.targets.iter().map(move |target| (panel, target)))
    }

    /// Every PromQL query: panel targets, variable queries and annotation queries.
    pub fn queries(&self) -> impl Iterator<Item = &Query> {
        self.targets()
            .filter_map(|(_, target)| target.query.as_ref())
            .chain(self.variables.iter().filter_map(|v| v.query.as_ref()))
            .chain(&self.annotation_queries)
    }

    /// Whether any target sends PromQL.
    pub fn queries_prometheus(&self) -> bool {
        self.targets()
            .any(|(_, target)| target.language == QueryLanguage::Promql)
    }
}

/// A problem found while loading: the JSON itself, or a value Grafana cannot read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub kind: ProblemKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Grafana cannot read this: broken JSON, or a value of the wrong shape.
    Invalid,
    /// A key written twice in one object; Grafana reads it, keeping the last value.
    DuplicateKey,
}
