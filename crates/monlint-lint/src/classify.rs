//! What a file is when it is not a shape monlint checks: a template to render first,
//! configuration monlint does not read yet, an empty file, a broken link or an unreadable
//! file (found by the caller, which does the IO), or something else entirely,
//! each with the words a user sees for it. Also the shapes that are rule files even with
//! a misspelt top key.

use monlint_core::yaml::{Document, Node, NodeKind, YamlError};

/// Why a file was not checked, with what it was recognised as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    pub reason: SkipReason,
    /// What the file looks like: "a Helm template", "a GitHub Actions workflow".
    pub what: String,
}

/// The reasons a file is not checked; the summary counts files by these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A Helm, Jinja, Go or Terraform template: its rendered output is the configuration.
    Template,
    /// Monitoring configuration monlint does not read yet (prometheus.yml, Helm values).
    NotCheckedYet,
    /// No content at all (`null`, `{}`, comments only).
    Empty,
    /// Not monitoring configuration.
    NotMonitoring,
    /// A symbolic link found in a walk that leads nowhere (dangling, or a loop): noted,
    /// as a repository may well hold one, and the run goes on.
    BrokenLink,
    /// A file that could not be read (permissions, a link loop named on the command
    /// line, an IO error): an error, so the run fails once every other file is checked.
    Unreadable,
}

impl SkipReason {
    /// The words of the summary line for `n` files: "2 templates", "2 not monitoring config".
    pub fn count(self, n: usize) -> String {
        match self {
            SkipReason::Template if n != 1 => format!("{n} templates"),
            SkipReason::BrokenLink if n != 1 => format!("{n} broken links"),
            _ => format!("{n} {}", self.as_str()),
        }
    }

    /// The reason's name in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Template => "template",
            SkipReason::NotCheckedYet => "not checked yet",
            SkipReason::Empty => "empty",
            SkipReason::NotMonitoring => "not monitoring config",
            SkipReason::BrokenLink => "broken link",
            SkipReason::Unreadable => "unreadable",
        }
    }
}

impl Skip {
    fn new(reason: SkipReason, what: impl Into<String>) -> Skip {
        Skip {
            reason,
            what: what.into(),
        }
    }

    /// Whether the file has no known shape at all (neither monitoring config nor another
    /// tool's file).
    pub fn is_unrecognized(&self) -> bool {
        self.what == UNRECOGNIZED
    }

    /// The sentence shown for the file: why it was not checked and what to do.
    pub fn message(&self) -> String {
        match self.reason {
            SkipReason::Template => format!(
                "{}, not checked: check the rendered output instead",
                self.what
            ),
            SkipReason::NotCheckedYet => format!("{}, not checked yet", self.what),
            SkipReason::Empty => "empty, nothing to check".to_owned(),
            SkipReason::NotMonitoring => format!(
                "not a rule file, dashboard or Alertmanager config: looks like {}",
                self.what
            ),
            SkipReason::BrokenLink => format!("{}, not checked", self.what),
            SkipReason::Unreadable => format!("cannot read: {}", self.what),
        }
    }
}

/// File name endings of template sources.
const TEMPLATE_EXTENSIONS: [(&str, &str); 6] = [
    (".j2", "a Jinja template"),
    (".jinja", "a Jinja template"),
    (".jinja2", "a Jinja template"),
    (".tpl", "a template"),
    (".tmpl", "a template"),
    (".gotmpl", "a Go template"),
];

/// Whether a file name is that of a template source (`alertmanager.yml.j2`, `_helpers.tpl`).
pub fn has_template_extension(path: &str) -> bool {
    TEMPLATE_EXTENSIONS
        .iter()
        .any(|(extension, _)| path.ends_with(extension))
}

/// What Helm renders and Prometheus or Alertmanager templates never hold: the chart's
/// objects and Helm's own functions.
const HELM_MARKERS: [&str; 10] = [
    ".Values",
    ".Release.",
    ".Chart.",
    ".Capabilities.",
    ".Files.",
    "include ",
    "toYaml",
    "nindent ",
    "tpl ",
    "required ",
];

/// Whether a file is a template whose rendered output is the configuration, and which
/// kind. `in_helm_chart`: the file is under a chart's `templates/` folder, where every
/// `{{` is Helm's.
pub fn template(
    path: &str,
    text: &str,
    documents: &[Document],
    yaml_error: Option<&YamlError>,
    in_helm_chart: bool,
) -> Option<Skip> {
    let skip = |what: &str| Some(Skip::new(SkipReason::Template, what));
    let has_action = text.contains("{{");
    if in_helm_chart && has_action {
        return skip("a Helm template");
    }
    if let Some((_, what)) = TEMPLATE_EXTENSIONS
        .iter()
        .find(|(extension, _)| path.ends_with(extension))
    {
        return skip(what);
    }
    if actions(text).any(|action| HELM_MARKERS.iter().any(|m| action.contains(m))) {
        return skip("a Helm template");
    }
    if has_directive(text, "{%", "%}") || has_directive(text, "{#", "#}") {
        return skip("a Jinja template");
    }
    if has_directive(text, "%{", "}") {
        return skip("a Terraform template");
    }
    // A JSON document (a dashboard) writes `{{label}}` legends inside strings; when it is
    // broken or cut short, it is a broken dashboard, not a template.
    if text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    // A directive where YAML expects structure: the YAML reader fails on it, or reads it
    // as a flow mapping (`key: {{ .x }}`) instead of a string.
    if let Some(error) = yaml_error {
        let line_start = text[..error.span.start as usize]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let previous_start = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let around = &text[previous_start..line_end];
        // Alert templates (`{{ $labels.job }}`, `{{ .Value }}`) sit in rule files too: a
        // YAML error beside one is a broken rule file, not a template.
        if actions(around).any(|action| !is_alert_template_action(action)) || around.contains("{%")
        {
            return skip("a Go or Jinja template");
        }
        if around.contains("${") || around.contains("%{") {
            return skip("a Terraform template");
        }
    }
    // Without a whole tree, every `{{` would look outside strings.
    if has_action && yaml_error.is_none() && action_outside_strings(text, documents) {
        return skip("a Go or Jinja template");
    }
    None
}

/// An action of Prometheus' or Alertmanager's own templates: it reads a variable or
/// field, or starts with a Go keyword.
fn is_alert_template_action(action: &str) -> bool {
    const KEYWORDS: &[&str] = &["if", "else", "end", "range", "with", "template", "define"];
    let body = action.trim_matches(|c: char| c == '-' || c.is_whitespace());
    body.starts_with(['$', '.', '"'])
        || KEYWORDS
            .iter()
            .any(|k| body == *k || body.starts_with(&format!("{k} ")))
}

/// The texts between `{{` and `}}`.
fn actions(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("{{").filter_map(move |(start, _)| {
        let rest = &text[start + 2..];
        rest.find("}}").map(|end| &rest[..end])
    })
}

/// A template directive: `open` followed by a space or `-`/`~` and closed by `close` on
/// the same line (`{% if x %}`, `%{ for a in b ~}`).
fn has_directive(text: &str, open: &str, close: &str) -> bool {
    text.match_indices(open).any(|(start, _)| {
        let rest = &text[start + open.len()..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        line.starts_with([' ', '-', '~']) && line.contains(close)
    })
}

/// Whether a `{{` stands outside every string the YAML reader saw: there it is template
/// syntax, not text of an alert or notification template.
fn action_outside_strings(text: &str, documents: &[Document]) -> bool {
    let mut strings: Vec<(u32, u32)> = Vec::new();
    let mut pending: Vec<&Node> = documents.iter().map(|d| &d.root).collect();
    while let Some(node) = pending.pop() {
        match &node.kind {
            NodeKind::Scalar(_) => strings.push((node.span.start, node.span.end)),
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    pending.push(&entry.key);
                    pending.push(&entry.value);
                }
            }
        }
    }
    strings.sort_unstable();
    text.match_indices("{{").any(|(offset, _)| {
        let offset = offset as u32;
        let index = strings.partition_point(|(start, _)| *start <= offset);
        index == 0 || strings[index - 1].1 <= offset
    })
}

/// Whether a file that holds no known shape still has the shape of a rule file: a
/// misspelt top key (`group:`, `rule:`, `rules:`) or a list of groups without `groups:`.
/// Such a file is checked, so the mistake is reported, never skipped.
pub fn looks_like_rule_file(documents: &[Document]) -> bool {
    let Some(root) = documents.first().map(|d| &d.root) else {
        return false;
    };
    if let Some(entries) = root.as_mapping() {
        return entries
            .iter()
            .any(|e| matches!(e.key.as_str(), Some("group" | "groups" | "rule" | "rules")));
    }
    root.as_sequence().is_some_and(|items| {
        !items.is_empty()
            && items
                .iter()
                .all(|item| item.get("name").is_some() && item.get("rules").is_some())
    })
}

/// What a file that is not monitoring configuration monlint checks looks like.
pub fn other(path: &str, text: &str, documents: &[Document]) -> Skip {
    let not_monitoring = |what: &str| Skip::new(SkipReason::NotMonitoring, what);
    let not_yet = |what: &str| Skip::new(SkipReason::NotCheckedYet, what);
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let roots: Vec<&Node> = documents
        .iter()
        .map(|d| &d.root)
        .filter(|root| !is_empty(root))
        .collect();
    let Some(root) = roots.first() else {
        return Skip::new(SkipReason::Empty, "an empty file");
    };
    let has = |key: &str| root.get(key).is_some();
    let kind = root.get("kind").and_then(Node::as_str);
    if roots
        .iter()
        .any(|root| root.get("kind").and_then(Node::as_str) == Some("HelmRelease"))
    {
        return not_yet("a Flux HelmRelease (Helm values)");
    }
    if is_helm_values_name(name) {
        return not_yet("a Helm values file");
    }
    if has("scrape_configs") || has("remote_write") || has("alerting") || is_prometheus_config(root)
    {
        return not_yet("a Prometheus server configuration");
    }
    if has("jobs") && has("on") {
        return not_monitoring("a GitHub Actions workflow");
    }
    if has("services") && (has("version") || has("volumes") || has("networks"))
        || name.starts_with("docker-compose")
        || name.starts_with("compose.")
    {
        return not_monitoring("a Docker Compose file");
    }
    if name == "Chart.yaml" {
        return not_monitoring("a Helm chart's Chart.yaml");
    }
    if let Some(kind) = kind.filter(|_| has("apiVersion")) {
        return not_monitoring(&format!("a Kubernetes {kind}"));
    }
    if text.trim_start().starts_with(['{', '[']) {
        return not_monitoring("JSON that is not a Grafana dashboard");
    }
    not_monitoring(UNRECOGNIZED)
}

/// What a file of no known shape is called: named on the command line, it is read as a
/// rule file (as promtool would), so that what is wrong with it is reported.
const UNRECOGNIZED: &str = "YAML with no rule groups, dashboard or Alertmanager configuration";

/// The top-level keys of Prometheus' own configuration file.
const PROMETHEUS_KEYS: [&str; 11] = [
    "global",
    "runtime",
    "rule_files",
    "scrape_config_files",
    "scrape_configs",
    "alerting",
    "remote_write",
    "remote_read",
    "storage",
    "tracing",
    "otlp",
];

/// A mapping made only of Prometheus' configuration keys.
fn is_prometheus_config(root: &Node) -> bool {
    root.as_mapping().is_some_and(|entries| {
        !entries.is_empty()
            && entries
                .iter()
                .all(|e| e.key.as_str().is_some_and(|k| PROMETHEUS_KEYS.contains(&k)))
    })
}

/// `values.yaml`, `values-prod.yaml`, `alertmanager-values.yaml`: Helm's values files.
fn is_helm_values_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name);
    stem == "values"
        || stem.starts_with("values-")
        || stem.starts_with("values.")
        || stem.ends_with("-values")
        || stem.ends_with(".values")
        || stem.ends_with("_values")
}

/// `null`, `{}` or `[]`: a document with nothing in it.
pub fn is_empty(root: &Node) -> bool {
    root.is_null()
        || root.as_mapping().is_some_and(<[_]>::is_empty)
        || root.as_sequence().is_some_and(<[_]>::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use monlint_core::yaml::{Limits, parse_stream};

    fn template_of(path: &str, text: &str) -> Option<String> {
        let (documents, error) = parse_stream(text, &Limits::default());
        template(path, text, &documents, error.as_ref(), false).map(|s| s.what)
    }

    fn other_of(path: &str, text: &str) -> Skip {
        let (documents, _) = parse_stream(text, &Limits::default());
        other(path, text, &documents)
    }

    #[test]
    fn templates_by_name_and_by_directive() {
        let helm = "metadata:\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\n";
        assert_eq!(template_of("a.yaml", helm).unwrap(), "a Helm template");
        let quoted = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: \"{{ .Values.for }}\"\n";
        assert_eq!(template_of("a.yaml", quoted).unwrap(), "a Helm template");
        let jinja = "route:\n  receiver: x\n{% if mail %}\nreceivers: []\n{% endif %}\n";
        assert_eq!(template_of("a.yaml", jinja).unwrap(), "a Jinja template");
        let terraform = "receivers:\n%{ for r in list ~}\n- name: ${r}\n%{ endfor ~}\n";
        assert_eq!(
            template_of("a.yaml", terraform).unwrap(),
            "a Terraform template"
        );
        let flow = "route:\n  receiver: {{ receiver }}\n";
        assert_eq!(
            template_of("a.yaml", flow).unwrap(),
            "a Go or Jinja template"
        );
        assert_eq!(
            template_of("am.yml.j2", "route: {}\n").unwrap(),
            "a Jinja template"
        );
        assert_eq!(template_of("_helpers.tpl", "").unwrap(), "a template");
    }

    #[test]
    fn a_broken_rule_file_with_alert_templates_is_not_a_template() {
        let text = "groups:\n- name: x\n  rules:\n\t- alert: A\n    expr: up == 0\n    annotations:\n      summary: '{{ $labels.instance }} is down'\n";
        assert_eq!(template_of("rules.yml", text), None);
        let beside = "groups:\n  - name: x\n    rules:\n      - alert: A\n        annotations:\n          summary: {{ $labels.instance }} down\n";
        assert_eq!(template_of("rules.yml", beside), None);
    }

    #[test]
    fn a_broken_dashboard_with_legends_is_not_a_template() {
        let text = "{\"panels\": [{\"targets\": [{\"legendFormat\": \"{{pod}}\", \"expr\": \"up";
        assert_eq!(template_of("cut.json", text), None);
    }

    #[test]
    fn alert_and_notification_templates_are_not_template_files() {
        let rules = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      summary: '{{ $labels.instance }} down'\n      description: |\n        {{- range query \"up\" }}{{ .Labels.job }}{{ end }}\n";
        assert_eq!(template_of("r.yaml", rules), None);
        let alertmanager = "route:\n  receiver: x\nreceivers:\n- name: x\n  slack_configs:\n  - text: >-\n      {{ range .Alerts }}{{ .Annotations.summary }}{{ end }}\n";
        assert_eq!(template_of("am.yaml", alertmanager), None);
        let dashboard =
            r#"{"title": "t", "panels": [{"targets": [{"legendFormat": "{{instance}}"}]}]}"#;
        assert_eq!(template_of("d.json", dashboard), None);
    }

    #[test]
    fn in_a_helm_chart_every_action_is_helm() {
        let text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      team: \"{{ $.x }}\"\n";
        let (documents, error) = parse_stream(text, &Limits::default());
        assert!(template("r.yaml", text, &documents, error.as_ref(), true).is_some());
    }

    #[test]
    fn misspelt_rule_files() {
        let shaped = |text: &str| {
            let (documents, _) = parse_stream(text, &Limits::default());
            looks_like_rule_file(&documents)
        };
        assert!(shaped("group:\n- name: g\n  rules: []\n"));
        assert!(shaped("rules:\n- alert: A\n"));
        assert!(shaped("- name: g\n  rules: []\n"));
        assert!(!shaped("- name: g\n"));
        assert!(!shaped("on: push\njobs: {}\n"));
    }

    #[test]
    fn what_other_files_look_like() {
        let workflow = other_of(".github/workflows/ci.yml", "on: push\njobs:\n  a: {}\n");
        assert_eq!(workflow.reason, SkipReason::NotMonitoring);
        assert_eq!(
            workflow.message(),
            "not a rule file, dashboard or Alertmanager config: looks like a GitHub Actions workflow"
        );
        let prometheus = other_of(
            "prometheus.yml",
            "global:\n  scrape_interval: 15s\nscrape_configs: []\n",
        );
        assert_eq!(
            prometheus.message(),
            "a Prometheus server configuration, not checked yet"
        );
        assert_eq!(
            other_of("d.yaml", "apiVersion: apps/v1\nkind: Deployment\n").what,
            "a Kubernetes Deployment"
        );
        assert_eq!(
            other_of("compose.yaml", "services:\n  a:\n    image: x\n").what,
            "a Docker Compose file"
        );
        assert_eq!(
            other_of("charts/x/values.yaml", "replicas: 1\n").reason,
            SkipReason::NotCheckedYet
        );
        assert_eq!(
            other_of("r.yaml", "kind: OCIRepository\n---\nkind: HelmRelease\n").reason,
            SkipReason::NotCheckedYet
        );
        assert_eq!(other_of("rules.yaml", "{}\n").reason, SkipReason::Empty);
        assert_eq!(other_of("rules.yaml", "null\n").reason, SkipReason::Empty);
    }
}
