//! From YAML/JSON nodes (JSON is read as YAML flow by `monlint_core::yaml`) to the
//! dashboard model. Never fails: values Grafana could not read become [`Problem`]s and
//! the rest of the dashboard still loads.

use std::sync::Arc;

use monlint_core::Span;
use monlint_core::yaml::{self, Node, NodeKind};
use monlint_promql::{ParseOptions, parse};

use crate::expand::{Context, Variables, expand, neutral_matcher};
use crate::model::{
    Dashboard, Datasource, DatasourceForm, Embedding, Flag, Flavor, Input, Number, Panel, Problem,
    ProblemKind, Query, QueryLanguage, Target, Text, ThresholdStep, Variable,
};

/// Nesting of rows and library panels followed before giving up.
const MAX_PANEL_DEPTH: usize = 8;

/// Whether a document (or an item of a Kubernetes list) holds a dashboard: the classic
/// model, Grafana's HTTP API form, a Kubernetes-style dashboard object, a ConfigMap or
/// `GrafanaDashboard` holding dashboard JSON.
pub fn is_dashboard_document(root: &Node) -> bool {
    is_classic(root)
        || api_dashboard(root).is_some()
        || is_kubernetes_dashboard(root)
        || !embedded_json(root).is_empty()
}

/// The keys Grafana's HTTP API writes beside `dashboard`: `GET /api/dashboards/uid/:uid`
/// returns `meta`, `POST /api/dashboards/db` takes the folder, `overwrite` and `message`.
const API_KEYS: [&str; 5] = ["meta", "folderId", "folderUid", "overwrite", "message"];

/// The dashboard of Grafana's HTTP API form: `{"dashboard": {...}, "meta": {...}}`.
fn api_dashboard(node: &Node) -> Option<&Node> {
    let dashboard = node.get("dashboard").filter(|d| is_classic(d))?;
    API_KEYS
        .iter()
        .any(|key| node.get(key).is_some())
        .then_some(dashboard)
}

fn is_classic(node: &Node) -> bool {
    let has_list = |key| node.get(key).is_some_and(|n| n.as_sequence().is_some());
    (has_list("panels") || has_list("rows"))
        && ["schemaVersion", "title", "templating", "uid", "__inputs"]
            .iter()
            .any(|key| node.get(key).is_some())
}

fn is_kubernetes_dashboard(node: &Node) -> bool {
    node.get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with("dashboard.grafana.app/"))
        && node.get("spec").is_some_and(|s| s.as_mapping().is_some())
}

/// The string values of a ConfigMap (`data`) or a grafana-operator `GrafanaDashboard`
/// (`spec.json`) that look like dashboard JSON.
fn embedded_json(node: &Node) -> Vec<&Node> {
    let looks_like_dashboard = |value: &&Node| {
        value.as_str().is_some_and(|text| {
            text.trim_start().starts_with('{')
                && (text.contains("\"panels\"") || text.contains("\"schemaVersion\""))
        })
    };
    match node.get("kind").and_then(Node::as_str) {
        Some("ConfigMap") => node
            .get("data")
            .and_then(Node::as_mapping)
            .unwrap_or_default()
            .iter()
            .map(|entry| &entry.value)
            .filter(looks_like_dashboard)
            .collect(),
        Some("GrafanaDashboard") => node
            .get("spec")
            .and_then(|spec| spec.get("json"))
            .into_iter()
            .filter(looks_like_dashboard)
            .collect(),
        _ => Vec::new(),
    }
}

/// Loads every dashboard of a file's objects: its documents' roots, with the items of
/// Kubernetes lists in their place (`monlint_core::kubernetes::objects`).
pub fn load(
    file_text: &str,
    objects: &[&Node],
    options: &ParseOptions,
) -> (Vec<Dashboard>, Vec<Problem>) {
    let mut dashboards = Vec::new();
    let mut problems = Vec::new();
    if let Some(error) = strict_json_error(file_text) {
        problems.push(Problem {
            span: error.span,
            message: format!("invalid JSON: {}", error.message),
            kind: ProblemKind::Invalid,
        });
    }
    for &root in objects {
        if file_text.trim_start().starts_with('{') {
            duplicate_keys(root, &|node| node.span, &mut problems);
        }
        let direct = Loader {
            embedding: None,
            options,
            problems: Vec::new(),
        };
        if let Some(dashboard) = direct.load_root(root, &mut problems) {
            dashboards.push(dashboard);
        } else {
            for outer in embedded_json(root) {
                load_embedded(file_text, outer, options, &mut dashboards, &mut problems);
            }
        }
    }
    (dashboards, problems)
}

/// A dashboard written as a JSON string inside YAML: parsed on its own, with every
/// position mapped through the outer string to the file.
fn load_embedded(
    file_text: &str,
    outer: &Node,
    options: &ParseOptions,
    dashboards: &mut Vec<Dashboard>,
    problems: &mut Vec<Problem>,
) {
    let inner_text = outer.as_str().unwrap_or_default();
    let (documents, _) = yaml::parse_stream(inner_text, &yaml::Limits::default());
    let embedding = Arc::new(Embedding::new(outer, file_text));
    if let Some(error) = strict_json_error(inner_text) {
        problems.push(Problem {
            span: embedding.span(error.span),
            message: format!("the embedded dashboard JSON is invalid: {}", error.message),
            kind: ProblemKind::Invalid,
        });
    }
    for document in &documents {
        duplicate_keys(&document.root, &|node| embedding.span(node.span), problems);
        let loader = Loader {
            embedding: Some(embedding.clone()),
            options,
            problems: Vec::new(),
        };
        if let Some(dashboard) = loader.load_root(&document.root, problems) {
            dashboards.push(dashboard);
        }
    }
}

/// Keys written twice in one JSON object: JavaScript's parser, which Grafana uses, keeps
/// the last value, while this model (like most readers of the file) sees the first.
fn duplicate_keys(root: &Node, span: &dyn Fn(&Node) -> Span, problems: &mut Vec<Problem>) {
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                let mut seen = std::collections::HashSet::new();
                for entry in entries {
                    let Some(key) = entry.key.as_str() else {
                        continue;
                    };
                    if !seen.insert(key) {
                        problems.push(Problem {
                            span: span(&entry.key),
                            message: format!(
                                "duplicate key `{key}`: Grafana keeps this last value, monlint reads the first"
                            ),
                            kind: ProblemKind::DuplicateKey,
                        });
                    }
                    pending.push(&entry.value);
                }
            }
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Scalar(_) => {}
        }
    }
}

/// A JSON syntax error, with its span in the text.
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

/// Checks a text that starts like JSON against strict JSON, as Grafana reads it. The YAML
/// reader that builds the tree accepts more (trailing commas, single quotes, comments),
/// which Grafana refuses. Other texts (YAML documents) are not judged.
pub fn strict_json_error(text: &str) -> Option<JsonError> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let error = serde_json::from_str::<serde_json::Value>(text).err()?;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = (line_start + error.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let end = text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    // serde_json appends " at line L column C"; the span says where.
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(text, _)| text)
        .to_owned();
    Some(JsonError {
        span: Span::from_usize(offset, end),
        message,
    })
}

struct Loader<'a> {
    /// The YAML string the JSON was read from, for dashboards in ConfigMaps.
    embedding: Option<Arc<Embedding>>,
    options: &'a ParseOptions,
    problems: Vec<Problem>,
}

/// The dashboard's variables as the expansion sees them.
struct VariableTable<'a>(&'a Dashboard);

impl Variables for VariableTable<'_> {
    fn placeholder(&self, name: &str, context: Context) -> Option<String> {
        let variable = self.0.variable(name)?;
        // The value Grafana would send when the dashboard opens, when it is one value.
        let value = variable
            .current
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty() && !v.starts_with('$'));
        let placeholder = match context {
            Context::Quoted => name.to_owned(),
            Context::Duration => "5m".to_owned(),
            Context::Matchers => match value {
                Some(value) if is_matcher_list(value) => value.to_owned(),
                _ => neutral_matcher(name),
            },
            Context::Bare if variable.kind == "interval" => "5m".to_owned(),
            Context::Bare => match value {
                Some(value) if value.parse::<f64>().is_ok() => value.to_owned(),
                Some(value) if monlint_core::Duration::parse(value).is_ok() => value.to_owned(),
                Some(value) if is_operator(value) => value.to_owned(),
                _ if name.starts_with(|c: char| c.is_ascii_digit()) => format!("v_{name}"),
                _ => name.to_owned(),
            },
        };
        Some(placeholder)
    }
}

/// Whether a value is a list of label matchers (`job="a", instance=~"b.*"`), as a variable
/// written inside a selector's braces usually holds.
fn is_matcher_list(value: &str) -> bool {
    !value.contains(['{', '}']) && parse(&format!("{{{value}}}"), &ParseOptions::default()).is_ok()
}

/// Binary operators and their modifiers, which a variable may choose between (`or` or
/// `unless`, `>` or `<`).
fn is_operator(value: &str) -> bool {
    const OPERATORS: &[&str] = &[
        "and", "or", "unless", "+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=",
        "atan2",
    ];
    OPERATORS.contains(&value.to_ascii_lowercase().as_str())
}

impl Loader<'_> {
    /// A document's dashboard, if it holds one directly.
    fn load_root(self, root: &Node, problems: &mut Vec<Problem>) -> Option<Dashboard> {
        if is_classic(root) {
            return Some(self.finish(root, Flavor::Classic, problems));
        }
        if let Some(dashboard) = api_dashboard(root) {
            return Some(self.finish(dashboard, Flavor::Classic, problems));
        }
        if !is_kubernetes_dashboard(root) {
            return None;
        }
        let spec = root.get("spec").unwrap_or(root);
        let flavor = if spec.get("elements").is_some() {
            Flavor::V2
        } else {
            Flavor::KubernetesClassic
        };
        // A Kubernetes object's name is the dashboard's uid.
        let name = self.text(root.get("metadata").and_then(|m| m.get("name")));
        let mut dashboard = self.finish(spec, flavor, problems);
        if dashboard.uid.is_none() {
            dashboard.uid = name;
        }
        Some(dashboard)
    }

    fn span(&self, node: &Node) -> Span {
        match &self.embedding {
            None => node.span,
            Some(embedding) => embedding.span(node.span),
        }
    }

    fn problem(&mut self, node: &Node, message: String) {
        let span = self.span(node);
        self.problems.push(Problem {
            span,
            message,
            kind: ProblemKind::Invalid,
        });
    }

    fn text(&self, node: Option<&Node>) -> Option<Text> {
        let node = node?;
        let value = node.as_str()?;
        if node.is_null() {
            return None;
        }
        Some(Text::new(
            value.to_owned(),
            self.span(node),
            node.clone(),
            self.embedding.clone(),
        ))
    }

    fn number(&self, node: Option<&Node>) -> Option<Number> {
        let node = node?;
        let value = node.as_str()?.parse::<f64>().ok()?;
        Some(Number {
            value,
            span: self.span(node),
        })
    }

    fn flag(&self, node: Option<&Node>) -> Option<Flag> {
        let node = node?;
        let value = match node.as_str()? {
            "true" => true,
            "false" => false,
            _ => return None,
        };
        Some(Flag {
            value,
            span: self.span(node),
        })
    }

    /// A list the dashboard model requires to be a list; anything else is reported.
    fn list<'n>(&mut self, parent: &'n Node, key: &str) -> &'n [Node] {
        match parent.get(key) {
            None => &[],
            Some(node) if node.is_null() => &[],
            Some(node) => match node.as_sequence() {
                Some(items) => items,
                None => {
                    let message = format!("`{key}` must be a list, not a {}", node.kind_name());
                    self.problem(node, message);
                    &[]
                }
            },
        }
    }

    fn datasource(&self, node: Option<&Node>) -> Option<Datasource> {
        let node = node?;
        let form = match &node.kind {
            _ if node.is_null() => DatasourceForm::Default,
            NodeKind::Scalar(scalar) => DatasourceForm::Name(scalar.value.clone()),
            NodeKind::Mapping(_) => DatasourceForm::Reference {
                plugin: node.get("type").and_then(Node::as_str).map(str::to_owned),
                uid: node.get("uid").and_then(Node::as_str).map(str::to_owned),
            },
            NodeKind::Sequence(_) => return None,
        };
        Some(Datasource {
            span: self.span(node),
            form,
        })
    }

    fn finish(mut self, root: &Node, flavor: Flavor, problems: &mut Vec<Problem>) -> Dashboard {
        let mut dashboard = Dashboard {
            flavor,
            span: self.span(root),
            title: self.text(root.get("title")),
            uid: self.text(root.get("uid")),
            editable: self.flag(root.get("editable")),
            schema_version: self.number(root.get("schemaVersion")),
            inputs: Vec::new(),
            required_datasources: Vec::new(),
            variables: Vec::new(),
            panels: Vec::new(),
            annotation_queries: Vec::new(),
            variable_index: std::collections::HashMap::new(),
            other_datasource_types: false,
            input_index: std::collections::HashMap::new(),
        };
        for input in self.list(root, "__inputs") {
            if let Some(name) = input.get("name").and_then(Node::as_str) {
                let plugin = input
                    .get("pluginId")
                    .and_then(Node::as_str)
                    .map(str::to_owned);
                dashboard
                    .input_index
                    .entry(name.to_owned())
                    .or_insert(plugin);
                dashboard.inputs.push(Input {
                    name: name.to_owned(),
                    plugin: input
                        .get("pluginId")
                        .and_then(Node::as_str)
                        .map(str::to_owned),
                });
            }
        }
        for required in self.list(root, "__requires") {
            if required.get("type").and_then(Node::as_str) == Some("datasource")
                && let Some(id) = required.get("id").and_then(Node::as_str)
            {
                dashboard.required_datasources.push(id.to_owned());
            }
        }
        if flavor == Flavor::V2 {
            self.load_v2(root, &mut dashboard);
        } else {
            let templating: Vec<Node> = match root.get("templating") {
                Some(templating) => self.list(templating, "list").to_vec(),
                None => Vec::new(),
            };
            for node in &templating {
                if let Some(variable) = self.classic_variable(node) {
                    add_variable(&mut dashboard, variable);
                }
            }
            note_datasource_types(&mut dashboard);
            let elements = root.get("__elements");
            let mut panels = Vec::new();
            // The panels after an expanded row belong to it, and repeat with it.
            let mut row_repeat = None;
            for panel in self.list(root, "panels") {
                let is_row = panel.get("type").and_then(Node::as_str) == Some("row");
                if is_row {
                    row_repeat = repeat_of(panel);
                }
                let placement = Placement {
                    in_row: false,
                    row_repeat: if is_row { None } else { row_repeat.clone() },
                };
                self.classic_panel(panel, &dashboard, elements, &placement, 0, &mut panels);
            }
            for row in self.list(root, "rows") {
                let placement = Placement {
                    in_row: true,
                    row_repeat: repeat_of(row),
                };
                for panel in self.list(row, "panels") {
                    self.classic_panel(panel, &dashboard, elements, &placement, 0, &mut panels);
                }
            }
            dashboard.panels = panels;
            let annotations: Vec<Node> = match root.get("annotations") {
                Some(annotations) => self.list(annotations, "list").to_vec(),
                None => Vec::new(),
            };
            for annotation in &annotations {
                let datasource = self.datasource(annotation.get("datasource"));
                if language(datasource.as_ref(), &dashboard) != QueryLanguage::Promql {
                    continue;
                }
                if let Some(expr) = self
                    .text(annotation.get("expr"))
                    .filter(|e| !e.value.trim().is_empty())
                {
                    let query = self.query(expr.clone(), 0..expr.value.len(), &dashboard);
                    dashboard.annotation_queries.push(query);
                }
            }
        }
        self.parse_variable_queries(&mut dashboard);
        problems.append(&mut self.problems);
        dashboard
    }

    fn classic_variable(&mut self, node: &Node) -> Option<Variable> {
        if node.as_mapping().is_none() {
            let message = format!(
                "a template variable must be an object, not a {}",
                node.kind_name()
            );
            self.problem(node, message);
            return None;
        }
        let name = self.text(node.get("name"))?;
        let query = node.get("query");
        let query_text = match query {
            Some(q) if q.as_mapping().is_some() => self.text(q.get("query")),
            other => self.text(other),
        };
        let kind = node
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or("query")
            .to_owned();
        let plugin = (kind == "datasource")
            .then(|| query_text.as_ref().map(|q| q.value.clone()))
            .flatten();
        let current = initial_value(node, &kind, query_text.as_ref());
        Some(Variable {
            span: self.span(node),
            name,
            multi: self.flag(node.get("multi")).is_some_and(|f| f.value),
            include_all: self.flag(node.get("includeAll")).is_some_and(|f| f.value),
            hidden: self
                .number(node.get("hide"))
                .is_some_and(|n| n.value == 2.0),
            refresh: self.number(node.get("refresh")),
            datasource: self.datasource(node.get("datasource")),
            plugin,
            query_text,
            query: None,
            current,
            kind,
        })
    }

    fn classic_panel(
        &mut self,
        node: &Node,
        dashboard: &Dashboard,
        elements: Option<&Node>,
        placement: &Placement,
        depth: usize,
        out: &mut Vec<Panel>,
    ) {
        if depth > MAX_PANEL_DEPTH {
            return;
        }
        if node.as_mapping().is_none() {
            let message = format!("a panel must be an object, not a {}", node.kind_name());
            self.problem(node, message);
            return;
        }
        let library_panel = node
            .get("libraryPanel")
            .and_then(|l| self.text(l.get("uid")));
        // An export carries its library panels' models in `__elements`, keyed by uid.
        let library_model = library_panel.as_ref().and_then(|uid| {
            elements
                .and_then(|e| e.get(&uid.value))
                .and_then(|element| element.get("model"))
        });
        let content = library_model.unwrap_or(node);
        let own_or_library = |key: &str| node.get(key).or_else(|| content.get(key));
        let datasource = self.datasource(own_or_library("datasource"));
        let mut targets = Vec::new();
        let targets_node = if node.get("targets").is_some() {
            node
        } else {
            content
        };
        for target in self.list(targets_node, "targets").to_vec() {
            if let Some(target) = self.classic_target(&target, datasource.as_ref(), dashboard) {
                targets.push(target);
            }
        }
        let field_defaults = content.get("fieldConfig").and_then(|f| f.get("defaults"));
        let panel = Panel {
            span: self.span(node),
            id: self.number(node.get("id")),
            kind: self.text(own_or_library("type")),
            title: self.text(own_or_library("title")),
            description: self.text(own_or_library("description")),
            datasource,
            targets,
            legacy_alert: content
                .as_mapping()
                .and_then(|entries| entries.iter().find(|e| e.key.as_str() == Some("alert")))
                .filter(|entry| entry.value.as_mapping().is_some())
                .map(|entry| self.span(&entry.key)),
            library_panel_resolved: library_model.is_some(),
            library_panel,
            unit: self.unit(content, field_defaults),
            thresholds: self.thresholds(field_defaults),
            in_row: placement.in_row,
            repeat: repeat_of(node)
                .into_iter()
                .chain(placement.row_repeat.clone())
                .collect(),
        };
        let nested = self.list(node, "panels").to_vec();
        out.push(panel);
        let inner = Placement {
            in_row: true,
            row_repeat: repeat_of(node),
        };
        for child in &nested {
            self.classic_panel(child, dashboard, elements, &inner, depth + 1, out);
        }
    }

    fn unit(&self, panel: &Node, defaults: Option<&Node>) -> Option<Text> {
        let non_empty = |t: Option<Text>| t.filter(|t| !t.value.is_empty());
        if let Some(unit) = non_empty(self.text(defaults.and_then(|d| d.get("unit")))) {
            return Some(unit);
        }
        let overrides = panel
            .get("fieldConfig")
            .and_then(|f| f.get("overrides"))
            .and_then(Node::as_sequence)
            .unwrap_or_default();
        for item in overrides {
            let properties = item
                .get("properties")
                .and_then(Node::as_sequence)
                .unwrap_or_default();
            for property in properties {
                if property.get("id").and_then(Node::as_str) == Some("unit")
                    && let Some(unit) = non_empty(self.text(property.get("value")))
                {
                    return Some(unit);
                }
            }
        }
        // Legacy graph panels: the left y axis' format; singlestat: `format`.
        let axis = panel
            .get("yaxes")
            .and_then(Node::as_sequence)
            .and_then(|axes| axes.first())
            .and_then(|axis| axis.get("format"));
        non_empty(self.text(axis.or_else(|| panel.get("format"))))
    }

    fn thresholds(&self, defaults: Option<&Node>) -> Vec<ThresholdStep> {
        let steps = defaults
            .and_then(|d| d.get("thresholds"))
            .and_then(|t| t.get("steps"))
            .and_then(Node::as_sequence)
            .unwrap_or_default();
        steps
            .iter()
            .filter_map(|step| self.number(step.get("value")))
            .map(|value| ThresholdStep { value })
            .collect()
    }

    fn classic_target(
        &mut self,
        node: &Node,
        panel_datasource: Option<&Datasource>,
        dashboard: &Dashboard,
    ) -> Option<Target> {
        if node.as_mapping().is_none() {
            let message = format!("a target must be an object, not a {}", node.kind_name());
            self.problem(node, message);
            return None;
        }
        let datasource = self.datasource(node.get("datasource"));
        let language = language(datasource.as_ref().or(panel_datasource), dashboard);
        let expr = self.text(node.get("expr"));
        let query = match (&expr, language) {
            (Some(expr), QueryLanguage::Promql) if !expr.value.trim().is_empty() => {
                Some(self.query(expr.clone(), 0..expr.value.len(), dashboard))
            }
            _ => None,
        };
        Some(Target {
            span: self.span(node),
            ref_id: self.text(node.get("refId")),
            hidden: self.flag(node.get("hide")).is_some_and(|f| f.value),
            datasource,
            expr,
            language,
            query,
        })
    }

    /// Expands and parses the part `range` of a query text.
    fn query(&self, raw: Text, range: std::ops::Range<usize>, dashboard: &Dashboard) -> Query {
        let table = VariableTable(dashboard);
        let expansion = expand(&raw.value[range.clone()], &table).shifted(range.start);
        let parsed = parse(&expansion.text, self.options);
        Query {
            raw,
            expansion,
            parsed,
        }
    }

    fn parse_variable_queries(&mut self, dashboard: &mut Dashboard) {
        let mut parsed = Vec::new();
        for (index, variable) in dashboard.variables.iter().enumerate() {
            if variable.kind != "query"
                || language(variable.datasource.as_ref(), dashboard) != QueryLanguage::Promql
            {
                continue;
            }
            let Some(text) = &variable.query_text else {
                continue;
            };
            if let Some(range) = variable_query_expr(&text.value) {
                parsed.push((index, self.query(text.clone(), range, dashboard)));
            }
        }
        for (index, query) in parsed {
            dashboard.variables[index].query = Some(query);
        }
    }

    /// The v2 schema: panels under `elements`, variables as `{kind, spec}`.
    fn load_v2(&mut self, spec: &Node, dashboard: &mut Dashboard) {
        for node in self.list(spec, "variables").to_vec() {
            if let Some(variable) = self.v2_variable(&node) {
                add_variable(dashboard, variable);
            }
        }
        note_datasource_types(dashboard);
        let elements = spec
            .get("elements")
            .and_then(Node::as_mapping)
            .unwrap_or_default();
        let mut panels = Vec::new();
        for entry in elements {
            let element = &entry.value;
            let Some(panel_spec) = element.get("spec") else {
                continue;
            };
            let is_library = element.get("kind").and_then(Node::as_str) == Some("LibraryPanel");
            let viz = panel_spec.get("vizConfig");
            let kind_node = viz
                .and_then(|v| v.get("group"))
                .or_else(|| viz.and_then(|v| v.get("kind")));
            let viz_spec = viz.and_then(|v| v.get("spec"));
            let field_defaults = viz_spec
                .and_then(|s| s.get("fieldConfig"))
                .and_then(|f| f.get("defaults"));
            let mut targets = Vec::new();
            let queries = panel_spec
                .get("data")
                .and_then(|d| d.get("spec"))
                .map(|d| self.list(d, "queries").to_vec())
                .unwrap_or_default();
            for query in &queries {
                if let Some(target) = self.v2_target(query, dashboard) {
                    targets.push(target);
                }
            }
            panels.push(Panel {
                span: self.span(element),
                id: self.number(panel_spec.get("id")),
                kind: self.text(kind_node),
                title: self.text(panel_spec.get("title")),
                description: self.text(panel_spec.get("description")),
                datasource: None,
                targets,
                legacy_alert: None,
                library_panel: if is_library {
                    self.text(panel_spec.get("libraryPanel").and_then(|l| l.get("uid")))
                } else {
                    None
                },
                library_panel_resolved: false,
                unit: viz_spec.and_then(|s| self.unit(s, field_defaults)),
                thresholds: self.thresholds(field_defaults),
                in_row: false,
                repeat: panel_spec
                    .get("repeatOptions")
                    .and_then(|r| r.get("value"))
                    .and_then(Node::as_str)
                    .map(str::to_owned)
                    .into_iter()
                    .collect(),
            });
        }
        dashboard.panels = panels;
    }

    fn v2_variable(&mut self, node: &Node) -> Option<Variable> {
        let kind = node.get("kind").and_then(Node::as_str)?;
        let spec = node.get("spec")?;
        let kind = kind.strip_suffix("Variable").unwrap_or(kind);
        let kind = match kind {
            "Text" => "textbox".to_owned(),
            "GroupBy" => "groupby".to_owned(),
            "Adhoc" => "adhoc".to_owned(),
            other => other.to_ascii_lowercase(),
        };
        let query = spec.get("query");
        let query_text = match query {
            Some(q) if q.as_mapping().is_some() => {
                let inner = q.get("spec");
                self.text(
                    inner
                        .and_then(|s| s.get("query"))
                        .or_else(|| inner.and_then(|s| s.get("expr"))),
                )
            }
            other => self.text(other),
        };
        let plugin = match kind.as_str() {
            "datasource" => spec
                .get("pluginId")
                .and_then(Node::as_str)
                .map(str::to_owned),
            _ => None,
        };
        let refresh = spec.get("refresh").and_then(|r| {
            let value = match r.as_str()? {
                "never" => 0.0,
                "onDashboardLoad" => 1.0,
                "onTimeRangeChanged" => 2.0,
                _ => return None,
            };
            Some(Number {
                value,
                span: self.span(r),
            })
        });
        let datasource = query.and_then(|q| {
            let plugin = q
                .get("group")
                .or_else(|| q.get("kind"))
                .and_then(Node::as_str)?;
            Some(Datasource {
                span: self.span(q),
                form: DatasourceForm::Reference {
                    plugin: Some(plugin.to_owned()),
                    uid: q
                        .get("datasource")
                        .and_then(|d| d.get("name"))
                        .and_then(Node::as_str)
                        .map(str::to_owned),
                },
            })
        });
        Some(Variable {
            span: self.span(node),
            name: self.text(spec.get("name"))?,
            multi: self.flag(spec.get("multi")).is_some_and(|f| f.value),
            include_all: self.flag(spec.get("includeAll")).is_some_and(|f| f.value),
            hidden: spec.get("hide").and_then(Node::as_str) == Some("hideVariable"),
            refresh,
            datasource,
            plugin,
            query_text,
            query: None,
            current: spec
                .get("current")
                .and_then(|c| c.get("value"))
                .and_then(Node::as_str)
                .map(str::to_owned),
            kind,
        })
    }

    fn v2_target(&mut self, node: &Node, dashboard: &Dashboard) -> Option<Target> {
        let spec = node.get("spec")?;
        let query = spec.get("query");
        // v2alpha1 names the plugin in `kind`, v2beta1 in `group`.
        let plugin = query
            .and_then(|q| q.get("group").or_else(|| q.get("kind")))
            .and_then(Node::as_str)
            .filter(|p| *p != "DataQuery");
        let datasource = plugin.map(|plugin| Datasource {
            span: self.span(query.unwrap_or(node)),
            form: DatasourceForm::Reference {
                plugin: Some(plugin.to_owned()),
                uid: query
                    .and_then(|q| q.get("datasource"))
                    .and_then(|d| d.get("name"))
                    .and_then(Node::as_str)
                    .map(str::to_owned),
            },
        });
        let language = language(datasource.as_ref(), dashboard);
        let expr = self.text(
            query
                .and_then(|q| q.get("spec"))
                .and_then(|s| s.get("expr")),
        );
        let parsed = match (&expr, language) {
            (Some(expr), QueryLanguage::Promql) if !expr.value.trim().is_empty() => {
                Some(self.query(expr.clone(), 0..expr.value.len(), dashboard))
            }
            _ => None,
        };
        Some(Target {
            span: self.span(node),
            ref_id: self.text(spec.get("refId")),
            hidden: self.flag(spec.get("hidden")).is_some_and(|f| f.value),
            datasource,
            expr,
            language,
            query: parsed,
        })
    }
}

/// The one value a classic variable has when the dashboard opens: `current`, else the
/// selected (or first) option, else what a custom, constant or text box variable's query
/// gives first.
fn initial_value(node: &Node, kind: &str, query: Option<&Text>) -> Option<String> {
    let single = |value: &Node| -> Option<String> {
        if value.is_null() {
            return None;
        }
        match value.as_sequence() {
            Some([only]) => only.as_str().map(str::to_owned),
            Some(_) => None,
            None => value.as_str().map(str::to_owned),
        }
    };
    if let Some(current) = node.get("current").and_then(|c| c.get("value")) {
        return single(current);
    }
    let options = node
        .get("options")
        .and_then(Node::as_sequence)
        .unwrap_or_default();
    let selected = options
        .iter()
        .find(|o| o.get("selected").and_then(Node::as_str) == Some("true"))
        .or_else(|| options.first());
    if let Some(value) = selected.and_then(|o| o.get("value")) {
        return single(value);
    }
    let query = query?.value.as_str();
    match kind {
        "constant" | "textbox" => Some(query.to_owned()),
        // `a, b` or `Label : value, ...`
        "custom" => {
            let first = query.split(',').next()?;
            let value = first.rsplit_once(" : ").map_or(first, |(_, v)| v);
            Some(value.trim().to_owned())
        }
        _ => None,
    }
}

/// Adds a variable; the first of a name is the one lookups find.
fn add_variable(dashboard: &mut Dashboard, variable: Variable) {
    dashboard
        .variable_index
        .entry(variable.name.value.clone())
        .or_insert(dashboard.variables.len());
    dashboard.variables.push(variable);
}

/// Where a panel sits: in a row object, and under a row repeated over a variable.
struct Placement {
    in_row: bool,
    row_repeat: Option<String>,
}

/// The variable a panel or row repeats over.
fn repeat_of(node: &Node) -> Option<String> {
    node.get("repeat")
        .and_then(Node::as_str)
        .filter(|r| !r.is_empty() && !node.get("repeat").is_some_and(Node::is_null))
        .map(str::to_owned)
}

/// The PromQL inside a query variable's query: `label_values(<expr>, <label>)` and
/// `query_result(<expr>)`; `label_values(<label>)`, `label_names()` and `metrics(<re>)`
/// hold none.
fn variable_query_expr(text: &str) -> Option<std::ops::Range<usize>> {
    let trimmed_start = text.len() - text.trim_start().len();
    let body = text.trim();
    let (function, open) = ["label_values(", "query_result("]
        .iter()
        .find_map(|f| body.starts_with(f).then_some((*f, f.len())))?;
    if !body.ends_with(')') {
        return None;
    }
    let inner_start = trimmed_start + open;
    let inner_end = trimmed_start + body.len() - 1;
    let inner = &text[inner_start..inner_end];
    if function == "query_result(" {
        return Some(inner_start..inner_end);
    }
    // The label is after the last comma outside quotes, braces and parentheses.
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut last_comma = None;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            ',' if depth == 0 => last_comma = Some(i),
            _ => {}
        }
    }
    let comma = last_comma?;
    (!inner[..comma].trim().is_empty()).then_some(inner_start..inner_start + comma)
}

/// Whether a datasource sends PromQL. Unknown datasources (the default one, a bare
/// name, a variable of unknown type) count as Prometheus unless the dashboard shows
/// another datasource type somewhere, so Loki or SQL queries never get PromQL findings.
fn language(datasource: Option<&Datasource>, dashboard: &Dashboard) -> QueryLanguage {
    let plugin = datasource.and_then(|ds| {
        if let Some(plugin) = ds.plugin().filter(|p| !p.contains('$')) {
            return Some(plugin.to_owned());
        }
        let id = ds.identifier()?;
        let name = variable_name(id)?;
        match dashboard.variable(name) {
            Some(variable) => variable.plugin.clone(),
            None => dashboard.input_plugin(name).map(str::to_owned),
        }
    });
    match plugin {
        Some(plugin) if is_promql(&plugin) => QueryLanguage::Promql,
        Some(_) => QueryLanguage::Other,
        None if datasource.is_some_and(Datasource::is_special) => QueryLanguage::Other,
        None if dashboard.other_datasource_types => QueryLanguage::Other,
        None => QueryLanguage::Promql,
    }
}

fn is_promql(plugin: &str) -> bool {
    plugin == "prometheus" || plugin.ends_with("prometheus-datasource")
}

/// Notes once whether the dashboard names datasource types other than Prometheus, which
/// makes queries on an unknown datasource not count as PromQL.
fn note_datasource_types(dashboard: &mut Dashboard) {
    dashboard.other_datasource_types = dashboard
        .required_datasources
        .iter()
        .chain(dashboard.inputs.iter().filter_map(|i| i.plugin.as_ref()))
        .chain(dashboard.variables.iter().filter_map(|v| v.plugin.as_ref()))
        .any(|p| !is_promql(p));
}

/// `$ds`, `${ds}`, `${ds:text}`, `[[ds]]` → `ds`.
pub fn variable_name(reference: &str) -> Option<&str> {
    let inner = if let Some(rest) = reference.strip_prefix("${") {
        rest.strip_suffix('}')?.split([':', '.']).next()?
    } else if let Some(rest) = reference.strip_prefix("[[") {
        rest.strip_suffix("]]")?.split(':').next()?
    } else {
        reference.strip_prefix('$')?
    };
    (!inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_query_expressions() {
        let text = r#"label_values(up{job="a,b"}, instance)"#;
        let range = variable_query_expr(text).unwrap();
        assert_eq!(&text[range], r#"up{job="a,b"}"#);
        assert_eq!(variable_query_expr("label_values(job)"), None);
        let text = " query_result(topk(5, up))";
        assert_eq!(&text[variable_query_expr(text).unwrap()], "topk(5, up)");
        assert_eq!(variable_query_expr("metrics(up)"), None);
    }

    #[test]
    fn what_yaml_accepts_but_json_does_not() {
        for (text, message) in [
            ("{\"a\": [1, 2,]}", "trailing comma"),
            ("{'a': 1}", "key must be a string"),
            ("{\"a\": 1} # note", "trailing characters"),
        ] {
            let error = strict_json_error(text).unwrap();
            assert_eq!(error.message, message, "{text}");
        }
        let error = strict_json_error("{\n  \"a\": 1,\n}").unwrap();
        assert_eq!(error.span, Span::new(12, 13));
        assert!(strict_json_error("{\"a\": \"\\u00e9\"}").is_none());
        assert!(strict_json_error("kind: ConfigMap").is_none());
    }

    #[test]
    fn datasource_variable_names() {
        assert_eq!(variable_name("${DS_PROMETHEUS}"), Some("DS_PROMETHEUS"));
        assert_eq!(variable_name("$datasource"), Some("datasource"));
        assert_eq!(variable_name("[[ds:text]]"), Some("ds"));
        assert_eq!(variable_name("Prometheus"), None);
    }
}
