//! Loading the rule files a test names, with monlint's own loader and validity checks,
//! reporting a broken file as promtool does (`<file>: <line>:<col>: group "g", rule 1, "x": ...`).

use monlint_core::yaml::{self, Node};
use monlint_core::{Diagnostic, Duration, Severity, SourceFile, Sources, Span, Version};
use monlint_lint::rules::load::load_plain;
use monlint_lint::rules::model::{Group, Rule, RuleFile};
use monlint_lint::{Input, Options, Origin, Selection, check_files};
use monlint_promql::ParseOptions;

use crate::groups::{GroupDef, RuleDef, RuleKind};

/// Loads one rule file into evaluable groups, or promtool's error lines for it.
pub fn load_rule_file(
    path: &str,
    text: &str,
    version: Version,
    ignore_unknown_fields: bool,
) -> Result<Vec<GroupDef>, Vec<String>> {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new(path, text));
    let source = sources.get(id);
    let options = Options {
        prometheus_version: version,
        selection: Selection::new(&["validity"], &[]).expect("validity is a category"),
        ..Options::default()
    };
    let diagnostics = check_files(
        &sources,
        &[Input::new(id, Origin::RuleFile)],
        &options,
        &|| {},
    )
    .remove(0)
    .diagnostics;
    let (documents, _) = yaml::parse_stream(text, &yaml::Limits::default());
    let promql = ParseOptions {
        version,
        experimental_functions: false,
    };
    let null = Node {
        span: Span::new(0, 0),
        kind: yaml::NodeKind::Mapping(Vec::new()),
        tag: None,
    };
    let root = documents.first().map_or(&null, |d| &d.root);
    let (rules, _) = load_plain(id, root, &promql);
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| !(ignore_unknown_fields && d.check.name == "unknown-key"))
        .collect();
    if !errors.is_empty() {
        return Err(promtool_errors(path, source, &rules, &errors));
    }
    Ok(rules
        .groups
        .iter()
        .map(|group| group_def(path, source, group))
        .collect())
}

fn millis(text: Option<&str>) -> i64 {
    text.and_then(|t| Duration::parse(t).ok())
        .map_or(0, |d| i64::try_from(d.millis()).unwrap_or(i64::MAX))
}

fn group_def(path: &str, source: &SourceFile, group: &Group) -> GroupDef {
    let group_labels: Vec<(String, String)> = group
        .labels
        .iter()
        .map(|kv| (kv.key.value.clone(), kv.value.text().to_owned()))
        .collect();
    let rules = group
        .rules
        .iter()
        .filter_map(|rule| {
            let mut expr = rule.expr.as_ref()?.parsed.as_ref().ok()?.clone();
            expr.sort_matchers_as_printed();
            let mut labels = group_labels.clone();
            for kv in &rule.labels {
                labels.retain(|(name, _)| *name != kv.key.value);
                labels.push((kv.key.value.clone(), kv.value.text().to_owned()));
            }
            let kind = if rule.is_alert() {
                RuleKind::Alerting {
                    for_ms: millis(rule.for_.as_ref().map(|f| f.value.as_str())),
                    keep_firing_for_ms: millis(
                        rule.keep_firing_for.as_ref().map(|f| f.value.as_str()),
                    ),
                    annotations: rule
                        .annotations
                        .iter()
                        .map(|kv| (kv.key.value.clone(), kv.value.text().to_owned()))
                        .collect(),
                }
            } else {
                RuleKind::Recording
            };
            Some(RuleDef {
                name: rule.name().to_owned(),
                expr,
                labels,
                kind,
                location: format!("{path}:{}", source.line_col(rule.name_span().start).line),
            })
        })
        .collect();
    GroupDef {
        name: group.name().to_owned(),
        query_offset_ms: millis(group.query_offset.as_ref().map(|q| q.value.as_str())),
        limit: group
            .limit
            .as_ref()
            .map_or(0, |l| usize::try_from(l.value).unwrap_or(0)),
        rules,
    }
}

/// The Go type go-yaml names for a key at this place of a rule file.
fn go_type_at(rules: &RuleFile, span: Span) -> &'static str {
    let inside = |outer: Span| outer.start <= span.start && span.end <= outer.end;
    for group in &rules.groups {
        if group.rules.iter().any(|rule| inside(rule.span)) {
            return "rulefmt.RuleNode";
        }
        if inside(group.span) {
            return "rulefmt.RuleGroup";
        }
    }
    "rulefmt.RuleGroups"
}

/// The group and 1-based rule index around a span, for promtool's rule prefix.
fn rule_at(rules: &RuleFile, span: Span) -> Option<(&Group, usize, &Rule)> {
    rules.groups.iter().find_map(|group| {
        group
            .rules
            .iter()
            .enumerate()
            .find(|(_, rule)| rule.span.start <= span.start && span.end <= rule.span.end)
            .map(|(index, rule)| (group, index + 1, rule))
    })
}

/// promtool's texts for a rule file's errors: unknown keys as one go-yaml block, PromQL
/// errors at the expression's position, the rest with the rule they are in.
fn promtool_errors(
    path: &str,
    source: &SourceFile,
    rules: &RuleFile,
    errors: &[&Diagnostic],
) -> Vec<String> {
    let unknown: Vec<String> = errors
        .iter()
        .filter(|d| d.check.name == "unknown-key")
        .map(|d| {
            let key = &source.text[d.primary.span.range()];
            format!(
                "line {}: field {key} not found in type {}",
                source.line_col(d.primary.span.start).line,
                go_type_at(rules, d.primary.span)
            )
        })
        .collect();
    if !unknown.is_empty() {
        return vec![format!(
            "{path}: yaml: unmarshal errors:\n  {}",
            unknown.join("\n  ")
        )];
    }
    let mut lines = Vec::new();
    for diagnostic in errors {
        let span = diagnostic.primary.span;
        let Some((group, index, rule)) = rule_at(rules, span) else {
            lines.push(format!("{path}: {}", diagnostic.message));
            continue;
        };
        let prefix = |at: Span| {
            let position = source.line_col(at.start);
            format!(
                "{path}: {}:{}: group {:?}, rule {index}, {:?}",
                position.line,
                position.column,
                group.name(),
                rule.name()
            )
        };
        let line = match rule.expr.as_ref().map(|e| (&e.parsed, &e.text)) {
            Some((Err(error), text)) if diagnostic.check.name == "promql-syntax" => format!(
                "{}: could not parse expression: {}",
                prefix(text.node.span),
                error.prometheus_text(text.text())
            ),
            _ => format!("{}: {}", prefix(span), diagnostic.message),
        };
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// Go's `filepath.Join(dir, file)` then `Clean`, for rule-file paths relative to a test.
pub fn join_clean(dir: &str, file: &str) -> String {
    let joined = if dir.is_empty() || file.starts_with('/') {
        file.to_owned()
    } else {
        format!("{dir}/{file}")
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            _ => parts.push(part),
        }
    }
    let body = parts.join("/");
    match (absolute, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_owned(),
        (false, false) => body,
    }
}

/// Go's `filepath.Dir`.
pub fn go_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(0) => "/".to_owned(),
        Some(index) => join_clean("", &path[..index]),
        None => ".".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_clean_as_go() {
        assert_eq!(join_clean(".", "rules.yml"), "rules.yml");
        assert_eq!(join_clean("a/b", "../c.yml"), "a/c.yml");
        assert_eq!(join_clean("/x", "./y/*.yml"), "/x/y/*.yml");
        assert_eq!(go_dir("t.yml"), ".");
        assert_eq!(go_dir("dir/t.yml"), "dir");
        assert_eq!(go_dir("/t.yml"), "/");
    }

    #[test]
    fn broken_expressions_report_as_promtool() {
        let text =
            "groups:\n  - name: bad-syntax\n    rules:\n      - record: x\n        expr: 'sum('\n";
        let errors = load_rule_file("r.yml", text, Version::new(2, 42), false).unwrap_err();
        assert_eq!(
            errors,
            vec![
                "r.yml: 5:15: group \"bad-syntax\", rule 1, \"x\": could not parse expression: 1:5: parse error: unclosed left parenthesis"
            ]
        );
    }

    #[test]
    fn unknown_keys_report_as_go_yaml() {
        let text = "groups:\n  - name: g\n    namespace: x\n    rules:\n      - record: x\n        expr: up\n        owner: me\n";
        let errors = load_rule_file("r.yml", text, Version::new(2, 42), false).unwrap_err();
        assert_eq!(
            errors,
            vec![
                "r.yml: yaml: unmarshal errors:\n  line 3: field namespace not found in type rulefmt.RuleGroup\n  line 7: field owner not found in type rulefmt.RuleNode"
            ]
        );
        assert!(load_rule_file("r.yml", text, Version::new(3, 2), true).is_ok());
    }
}
