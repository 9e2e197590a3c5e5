//! Builds the rule-file model from YAML, the way Prometheus' strict loader reads it.
//! Loading never fails: whatever cannot be read becomes a diagnostic and the rest
//! of the file is still loaded.

use monlint_core::yaml::{Entry, Node, NodeKind, ScalarStyle};
use monlint_core::{Diagnostic, FileId, Span, Version};
use monlint_promql::ParseOptions;

use super::model::{
    EmbeddedText, Group, KeyValue, Rule, RuleExpr, RuleFile, RuleFileFlavor, Spanned,
};
use crate::checks::{duplicate_key, unknown_key, wrong_type};
use crate::suggest::closest;

/// A key Prometheus accepts at some level, and the first version that accepts it.
struct Field {
    name: &'static str,
    since: Version,
}

const fn field(name: &'static str, major: u16, minor: u16) -> Field {
    Field {
        name,
        since: Version::new(major, minor),
    }
}

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
    file: FileId,
    version: Version,
    diagnostics: Vec<Diagnostic>,
}

/// Loads the groups of a plain rule file (the first YAML document, as Prometheus does).
pub fn load_plain(file: FileId, root: &Node, version: Version) -> (RuleFile, Vec<Diagnostic>) {
    let mut loader = Loader {
        file,
        version,
        diagnostics: Vec::new(),
    };
    let mut groups = Vec::new();
    for (name, value) in loader.fields(root, "a rule file", TOP_FIELDS) {
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
        loader.diagnostics,
    )
}

/// Loads `spec.groups` of every Kubernetes `PrometheusRule` object in the file.
/// Fields outside `spec` belong to Kubernetes and are not checked here.
pub fn load_prometheus_rules(
    file: FileId,
    objects: &[&Node],
    version: Version,
) -> (RuleFile, Vec<Diagnostic>) {
    let mut loader = Loader {
        file,
        version,
        diagnostics: Vec::new(),
    };
    let mut groups = Vec::new();
    for object in objects {
        if let Some(spec) = object.get("spec") {
            for (name, value) in loader.fields(spec, "a PrometheusRule spec", TOP_FIELDS) {
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
        loader.diagnostics,
    )
}

/// What Go's yaml.v3 calls a node's type in its unmarshal errors.
fn yaml_type(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Mapping(_) => "!!map",
        NodeKind::Sequence(_) => "!!seq",
        NodeKind::Scalar(_) if node.is_null() => "!!null",
        NodeKind::Scalar(_) => "!!str",
    }
}

impl Loader {
    fn wrong_type(&mut self, node: &Node, expected: &str) {
        let message = format!("expected {expected}, found {}", node.kind_name());
        let diagnostic = Diagnostic::new(&wrong_type::CHECK, self.file, node.span, message)
            .with_primary_message(format!(
                "cannot unmarshal {} into {expected}",
                yaml_type(node)
            ));
        self.diagnostics.push(diagnostic);
    }

    /// The entries of a mapping with strict keys: unknown and repeated keys are reported
    /// and skipped. A null node is an empty mapping, as in Go.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[Field],
    ) -> Vec<(&'static str, &'n Node)> {
        let entries = match self.mapping(node, what) {
            Some(entries) => entries,
            None => return Vec::new(),
        };
        let mut accepted: Vec<(&'static str, &'n Node, Span)> = Vec::new();
        for Entry { key, value } in entries {
            let name = key.as_str().unwrap_or_default();
            let Some(field) = known.iter().find(|f| f.name == name) else {
                let candidates = known
                    .iter()
                    .filter(|f| f.since <= self.version)
                    .map(|f| f.name);
                let mut diagnostic = Diagnostic::new(
                    &unknown_key::CHECK,
                    self.file,
                    key.span,
                    format!("unknown key {name:?} in {what}"),
                );
                if let Some(suggestion) = closest(name, candidates) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                } else {
                    let expected: Vec<&str> = known
                        .iter()
                        .filter(|f| f.since <= self.version)
                        .map(|f| f.name)
                        .collect();
                    diagnostic =
                        diagnostic.with_help(format!("expected one of: {}", expected.join(", ")));
                }
                self.diagnostics.push(diagnostic);
                continue;
            };
            if field.since > self.version {
                let message = format!(
                    "`{name}` needs Prometheus {} or newer; the target is {} (see --prometheus-version)",
                    field.since, self.version
                );
                self.diagnostics.push(Diagnostic::new(
                    &unknown_key::CHECK,
                    self.file,
                    key.span,
                    message,
                ));
                continue;
            }
            if let Some((_, _, first)) = accepted.iter().find(|(n, _, _)| *n == field.name) {
                let first = *first;
                self.duplicate_key(name, key.span, first);
                continue;
            }
            accepted.push((field.name, value, key.span));
        }
        accepted
            .into_iter()
            .map(|(name, value, _)| (name, value))
            .collect()
    }

    fn duplicate_key(&mut self, name: &str, span: Span, first: Span) {
        let diagnostic = Diagnostic::new(
            &duplicate_key::CHECK,
            self.file,
            span,
            format!("key {name:?} is already defined"),
        )
        .with_secondary(self.file, first, "first defined here");
        self.diagnostics.push(diagnostic);
    }

    fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Entry]> {
        if node.is_null() {
            return None;
        }
        let entries = node.as_mapping();
        if entries.is_none() {
            self.wrong_type(node, &format!("a mapping for {what}"));
        }
        entries
    }

    fn sequence<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        if node.is_null() {
            return &[];
        }
        node.as_sequence().unwrap_or_else(|| {
            self.wrong_type(node, &format!("a list of {what}"));
            &[]
        })
    }

    /// A string field: any scalar reads as its text, as yaml.v3 does; null reads as unset.
    fn string(&mut self, node: &Node) -> Option<Spanned<String>> {
        if node.is_null() {
            return None;
        }
        match node.as_str() {
            Some(text) => Some(Spanned {
                value: text.to_owned(),
                span: node.span,
            }),
            None => {
                self.wrong_type(node, "a string");
                None
            }
        }
    }

    /// A scalar whose text is itself code; keeps the node to map offsets back.
    fn embedded(&mut self, node: &Node) -> Option<EmbeddedText> {
        if node.is_null() {
            return None;
        }
        if node.as_str().is_none() {
            self.wrong_type(node, "a string");
            return None;
        }
        Some(EmbeddedText { node: node.clone() })
    }

    fn int(&mut self, node: &Node) -> Option<Spanned<i64>> {
        if node.is_null() {
            return None;
        }
        let parsed = match &node.kind {
            NodeKind::Scalar(scalar) if scalar.style == ScalarStyle::Plain => {
                parse_yaml_int(&scalar.value)
            }
            _ => None,
        };
        match parsed {
            Some(value) => Some(Spanned {
                value,
                span: node.span,
            }),
            None => {
                self.wrong_type(node, "an integer");
                None
            }
        }
    }

    /// `labels:` / `annotations:`: a mapping of strings, repeated keys reported.
    fn string_map(&mut self, node: &Node, what: &str) -> Vec<KeyValue> {
        let Some(entries) = self.mapping(node, what) else {
            return Vec::new();
        };
        let mut pairs: Vec<KeyValue> = Vec::new();
        for Entry { key, value } in entries {
            let Some(key) = self.string(key) else {
                continue;
            };
            if let Some(first) = pairs.iter().find(|p| p.key.value == key.value) {
                let first = first.key.span;
                self.duplicate_key(&key.value, key.span, first);
                continue;
            }
            // A null value is an empty string in Go; keep it so name checks still see the key.
            let value = if value.is_null() {
                Some(EmbeddedText {
                    node: value.clone(),
                })
            } else {
                self.embedded(value)
            };
            if let Some(value) = value {
                pairs.push(KeyValue { key, value });
            }
        }
        pairs
    }

    fn groups(&mut self, node: &Node) -> Vec<Group> {
        self.sequence(node, "groups")
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
        for (name, value) in self.fields(node, "a rule group", GROUP_FIELDS) {
            match name {
                "name" => group.name = self.string(value),
                "interval" => group.interval = self.string(value),
                "query_offset" => group.query_offset = self.string(value),
                "limit" => group.limit = self.int(value),
                "labels" => group.labels = self.string_map(value, "group labels"),
                "rules" => {
                    let rules = self.sequence(value, "rules");
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
        for (name, value) in self.fields(node, "a rule", RULE_FIELDS) {
            match name {
                "record" => rule.record = self.string(value).filter(|s| !s.value.is_empty()),
                "alert" => rule.alert = self.string(value).filter(|s| !s.value.is_empty()),
                "expr" => {
                    rule.expr = self.embedded(value).map(|text| {
                        let options = ParseOptions {
                            version: self.version,
                            ..ParseOptions::default()
                        };
                        let parsed = monlint_promql::parse(text.text(), &options);
                        RuleExpr { text, parsed }
                    });
                }
                "for" => rule.for_ = self.string(value),
                "keep_firing_for" => rule.keep_firing_for = self.string(value),
                "labels" => rule.labels = self.string_map(value, "rule labels"),
                "annotations" => rule.annotations = self.string_map(value, "annotations"),
                _ => unreachable!("RULE_FIELDS and this match list the same keys"),
            }
        }
        rule
    }
}

/// A YAML 1.1/1.2 integer as go-yaml reads one: decimal, `0x`, `0o`/leading-zero octal,
/// `0b`, an optional sign and `_` separators.
fn parse_yaml_int(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let cleaned: String = unsigned.chars().filter(|&c| c != '_').collect();
    let (digits, radix) = if let Some(hex) = cleaned.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = cleaned.strip_prefix("0o") {
        (octal, 8)
    } else if let Some(binary) = cleaned.strip_prefix("0b") {
        (binary, 2)
    } else if cleaned.len() > 1 && cleaned.starts_with('0') {
        (&cleaned[1..], 8)
    } else {
        (cleaned.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i64::from_str_radix(digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::parse_yaml_int;

    #[test]
    fn yaml_integers() {
        assert_eq!(parse_yaml_int("10"), Some(10));
        assert_eq!(parse_yaml_int("-3"), Some(-3));
        assert_eq!(parse_yaml_int("0x1f"), Some(31));
        assert_eq!(parse_yaml_int("010"), Some(8));
        assert_eq!(parse_yaml_int("1_000"), Some(1000));
        assert_eq!(parse_yaml_int("ten"), None);
        assert_eq!(parse_yaml_int("1.5"), None);
        assert_eq!(parse_yaml_int(""), None);
    }
}
