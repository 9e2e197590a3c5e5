//! Builds the rule-file model from YAML, the way Prometheus' strict loader reads it.
//! Loading never fails: whatever cannot be read becomes a diagnostic and the rest
//! of the file is still loaded.

use monlint_core::yaml::Node;
use monlint_core::{Diagnostic, FileId};
use monlint_promql::ParseOptions;

use super::model::{Group, Rule, RuleExpr, RuleFile, RuleFileFlavor, Spanned};
use crate::checks::{duplicate_key, unknown_key, wrong_type};
use crate::read::{Field, ReadChecks, YamlReader, field};

/// Rule files report what promtool rejects under the validity checks.
static RULE_FILE_CHECKS: ReadChecks = ReadChecks {
    unknown_key: &unknown_key::CHECK,
    duplicate_key: &duplicate_key::CHECK,
    wrong_type: &wrong_type::CHECK,
};

const TOP_FIELDS: &[Field] = &[field("groups", 2, 0)];
const GROUP_FIELDS: &[Field] = &[
    field("name", 2, 0),
    field("interval", 2, 0),
    field("limit", 2, 42),
    field("query_offset", 2, 53),
    field("labels", 3, 0),
    field("rules", 2, 0),
];
const RULE_FIELDS: &[Field] = &[
    field("record", 2, 0),
    field("alert", 2, 0),
    field("expr", 2, 0),
    field("for", 2, 0),
    field("keep_firing_for", 2, 42),
    field("labels", 2, 0),
    field("annotations", 2, 0),
];

struct Loader {
    reader: YamlReader,
    promql: ParseOptions,
}

/// Loads the groups of a plain rule file (the first YAML document, as Prometheus does).
pub fn load_plain(file: FileId, root: &Node, promql: &ParseOptions) -> (RuleFile, Vec<Diagnostic>) {
    let mut loader = Loader::new(file, promql);
    let mut groups = Vec::new();
    for (name, value) in loader.reader.fields(root, "a rule file", TOP_FIELDS) {
        if name == "groups" {
            groups = loader.groups(value);
        }
    }
    (
        RuleFile {
            file,
            flavor: RuleFileFlavor::Plain,
            groups,
        },
        loader.reader.diagnostics,
    )
}

/// Loads `spec.groups` of every Kubernetes `PrometheusRule` object in the file.
/// Fields outside `spec` belong to Kubernetes and are not checked here.
pub fn load_prometheus_rules(
    file: FileId,
    objects: &[&Node],
    promql: &ParseOptions,
) -> (RuleFile, Vec<Diagnostic>) {
    let mut loader = Loader::new(file, promql);
    let mut groups = Vec::new();
    for object in objects {
        if let Some(spec) = object.get("spec") {
            for (name, value) in loader
                .reader
                .fields(spec, "a PrometheusRule spec", TOP_FIELDS)
            {
                if name == "groups" {
                    groups.extend(loader.groups(value));
                }
            }
        }
    }
    (
        RuleFile {
            file,
            flavor: RuleFileFlavor::PrometheusRule,
            groups,
        },
        loader.reader.diagnostics,
    )
}

/// Rule-file structure on top of the generic reader.
impl Loader {
    /// Keys and PromQL are both judged as `promql.version` would.
    fn new(file: FileId, promql: &ParseOptions) -> Loader {
        Loader {
            reader: YamlReader::new(file, promql.version, &RULE_FILE_CHECKS),
            promql: promql.clone(),
        }
    }

    fn groups(&mut self, node: &Node) -> Vec<Group> {
        self.reader
            .sequence(node, "groups")
            .iter()
            .map(|group| self.group(group))
            .collect()
    }

    fn group(&mut self, node: &Node) -> Group {
        let mut group = Group {
            span: node.span,
            name: None,
            interval: None,
            query_offset: None,
            limit: None,
            labels: Vec::new(),
            rules: Vec::new(),
        };
        for (name, value) in self.reader.fields(node, "a rule group", GROUP_FIELDS) {
            match name {
                "name" => group.name = self.reader.string(value),
                "interval" => group.interval = self.reader.string(value),
                "query_offset" => group.query_offset = self.reader.string(value),
                "limit" => group.limit = self.reader.int(value),
                "labels" => group.labels = self.reader.string_map(value, "group labels"),
                "rules" => {
                    let rules = self.reader.sequence(value, "rules");
                    group.rules = rules.iter().map(|rule| self.rule(rule)).collect();
                }
                _ => unreachable!("GROUP_FIELDS and this match list the same keys"),
            }
        }
        group
    }

    fn rule(&mut self, node: &Node) -> Rule {
        let mut rule = Rule {
            span: node.span,
            record: None,
            alert: None,
            expr: None,
            for_: None,
            keep_firing_for: None,
            labels: Vec::new(),
            annotations: Vec::new(),
            keys: Vec::new(),
        };
        if let Some(entries) = node.as_mapping() {
            rule.keys = entries
                .iter()
                .filter_map(|e| {
                    e.key.as_str().map(|k| Spanned {
                        value: k.to_owned(),
                        span: e.key.span,
                    })
                })
                .collect();
        }
        for (name, value) in self.reader.fields(node, "a rule", RULE_FIELDS) {
            match name {
                "record" => rule.record = self.reader.string(value).filter(|s| !s.value.is_empty()),
                "alert" => rule.alert = self.reader.string(value).filter(|s| !s.value.is_empty()),
                "expr" => {
                    rule.expr = self.reader.embedded(value).map(|text| {
                        let parsed = monlint_promql::parse(text.text(), &self.promql);
                        RuleExpr { text, parsed }
                    });
                }
                "for" => rule.for_ = self.reader.string(value),
                "keep_firing_for" => rule.keep_firing_for = self.reader.string(value),
                "labels" => rule.labels = self.reader.string_map(value, "rule labels"),
                "annotations" => rule.annotations = self.reader.string_map(value, "annotations"),
                _ => unreachable!("RULE_FIELDS and this match list the same keys"),
            }
        }
        rule
    }
}
