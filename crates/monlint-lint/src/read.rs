//! Strict reading of YAML into typed values, the way Go's yaml.v3 reads into structs:
//! unknown and repeated keys, and values of the wrong type, become diagnostics with
//! positions, and reading goes on with the rest.

use monlint_core::yaml::{Entry, Node, NodeKind, ScalarStyle};
use monlint_core::{Check, Diagnostic, FileId, Span, Version};

use crate::rules::model::{EmbeddedText, KeyValue, Spanned};
use crate::suggest::closest;

/// A key accepted at some level, and the first (Prometheus) version that accepts it.
pub(crate) struct Field {
    pub name: &'static str,
    pub since: Version,
}

pub(crate) const fn field(name: &'static str, major: u16, minor: u16) -> Field {
    Field {
        name,
        since: Version::new(major, minor),
    }
}

/// The checks a reader reports its three kinds of problems under.
pub(crate) struct ReadChecks {
    pub unknown_key: &'static Check,
    pub duplicate_key: &'static Check,
    pub wrong_type: &'static Check,
}

/// Reads nodes of one file, collecting diagnostics.
pub(crate) struct YamlReader {
    pub file: FileId,
    pub version: Version,
    pub checks: &'static ReadChecks,
    pub diagnostics: Vec<Diagnostic>,
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

impl YamlReader {
    pub fn new(file: FileId, version: Version, checks: &'static ReadChecks) -> Self {
        YamlReader {
            file,
            version,
            checks,
            diagnostics: Vec::new(),
        }
    }

    pub fn wrong_type(&mut self, node: &Node, expected: &str) {
        let message = format!("expected {expected}, found {}", node.kind_name());
        let diagnostic = Diagnostic::new(self.checks.wrong_type, self.file, node.span, message)
            .with_primary_message(format!(
                "cannot unmarshal {} into {expected}",
                yaml_type(node)
            ));
        self.diagnostics.push(diagnostic);
    }

    /// The entries of a mapping with strict keys: unknown and repeated keys are reported
    /// and skipped. A null node is an empty mapping, as in Go.
    pub fn fields<'n>(
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
                    self.checks.unknown_key,
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
                    self.checks.unknown_key,
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

    pub fn duplicate_key(&mut self, name: &str, span: Span, first: Span) {
        let diagnostic = Diagnostic::new(
            self.checks.duplicate_key,
            self.file,
            span,
            format!("key {name:?} is already defined"),
        )
        .with_secondary(self.file, first, "first defined here");
        self.diagnostics.push(diagnostic);
    }

    pub fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Entry]> {
        if node.is_null() {
            return None;
        }
        let entries = node.as_mapping();
        if entries.is_none() {
            self.wrong_type(node, &format!("a mapping for {what}"));
        }
        entries
    }

    pub fn sequence<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        if node.is_null() {
            return &[];
        }
        node.as_sequence().unwrap_or_else(|| {
            self.wrong_type(node, &format!("a list of {what}"));
            &[]
        })
    }

    /// A string field: any scalar reads as its text, as yaml.v3 does; null reads as unset.
    pub fn string(&mut self, node: &Node) -> Option<Spanned<String>> {
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
    pub fn embedded(&mut self, node: &Node) -> Option<EmbeddedText> {
        if node.is_null() {
            return None;
        }
        if node.as_str().is_none() {
            self.wrong_type(node, "a string");
            return None;
        }
        Some(EmbeddedText { node: node.clone() })
    }

    pub fn int(&mut self, node: &Node) -> Option<Spanned<i64>> {
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
    pub fn string_map(&mut self, node: &Node, what: &str) -> Vec<KeyValue> {
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
