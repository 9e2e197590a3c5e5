//! `.monlint.yml`: what a team sets once for a repository. Read strictly with positions
//! into [`Config`], then resolved into the [`Options`](crate::Options) a run uses.
//!
//! ```yaml
//! prometheus-version: "3.5"          # the default target
//! alertmanager-version: "0.27"        # the Alertmanager target
//! select: [validity, labels]          # report only these (codes, names, categories, all, default)
//! extend-select: [style]              # report these as well as the selected ones
//! ignore: [style]                     # never report these
//! severity: {duplicate-rule: error}   # severity overrides
//! exclude: ["vendor/**"]              # folders and files a walk skips
//! per-file-ignores: {"legacy/*.yml": [runbooks]}
//! policy:
//!   scrape-interval: 30s
//!   evaluation-interval: 1m
//!   required-labels: {severity: [critical, warning, info], team: []}
//!   required-annotations: [summary, description]
//!   runbook-required-for: [critical, warning]
//!   runbook-keys: [runbook_url, playbook]                   # annotations that link a runbook
//!   alert-name-pattern: '[A-Z][A-Za-z0-9]*'                 # RE2, matched against the whole name
//!   record-name-pattern: '[a-z0-9_]+:[a-z0-9_]+:[a-z0-9_]+'
//!   alert-for: {min: 2m, max: 1h}                           # either bound may be left out
//!   forbidden-labels: [instance_id]                         # no rule may set these labels
//!   forbidden-annotations: [dashboard_legacy]               # no alert may set these
//!   label-patterns: {team: '[a-z][a-z-]*'}                  # RE2, the whole static value
//!   annotation-patterns: {runbook_url: 'https://runbooks\.example\.com/.+'}
//!   keep-labels: [namespace]                                # alert results must keep these
//!   required-matchers: [cluster]                            # every selector matches on these
//! ```

use std::collections::HashMap;

use monlint_core::yaml::{self, Node};
use monlint_core::{Diagnostic, Duration, FileId, Severity, SourceFile, Span, Version};
use serde_json::{Value, json};

use crate::checks::invalid_config;
use crate::policy::{ForBounds, NamePattern, Policy, RequiredLabel};
use crate::read::{Field, ReadChecks, YamlReader, field};
use crate::rules::model::Spanned;
use crate::selection::Selection;

/// The names `monlint` looks for, walking up from the checked paths.
pub const CONFIG_FILE_NAMES: [&str; 2] = [".monlint.yml", ".monlint.yaml"];

static CONFIG_CHECKS: ReadChecks = ReadChecks {
    unknown_key: &invalid_config::CHECK,
    duplicate_key: &invalid_config::CHECK,
    wrong_type: &invalid_config::CHECK,
};

const TOP_FIELDS: &[Field] = &[
    field("prometheus-version", 2, 0),
    field("alertmanager-version", 2, 0),
    field("select", 2, 0),
    field("extend-select", 2, 0),
    field("ignore", 2, 0),
    field("severity", 2, 0),
    field("exclude", 2, 0),
    field("per-file-ignores", 2, 0),
    field("policy", 2, 0),
];
const POLICY_FIELDS: &[Field] = &[
    field("scrape-interval", 2, 0),
    field("evaluation-interval", 2, 0),
    field("required-labels", 2, 0),
    field("required-annotations", 2, 0),
    field("runbook-required-for", 2, 0),
    field("runbook-keys", 2, 0),
    field("alert-name-pattern", 2, 0),
    field("record-name-pattern", 2, 0),
    field("alert-for", 2, 0),
    field("forbidden-labels", 2, 0),
    field("forbidden-annotations", 2, 0),
    field("label-patterns", 2, 0),
    field("annotation-patterns", 2, 0),
    field("keep-labels", 2, 0),
    field("required-matchers", 2, 0),
];
const ALERT_FOR_FIELDS: &[Field] = &[field("min", 2, 0), field("max", 2, 0)];

/// The configuration as written, every value checked.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub prometheus_version: Option<Version>,
    pub alertmanager_version: Option<Version>,
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Check code → severity.
    pub severity: HashMap<&'static str, Severity>,
    pub exclude: Vec<glob::Pattern>,
    pub per_file_ignores: Vec<(glob::Pattern, Selection)>,
    pub policy: Policy,
}

struct ConfigReader {
    reader: YamlReader,
}

impl ConfigReader {
    fn error(&mut self, span: Span, message: String) {
        let file = self.reader.file;
        self.reader
            .diagnostics
            .push(Diagnostic::new(&invalid_config::CHECK, file, span, message));
    }

    fn strings(&mut self, node: &Node, what: &str) -> Vec<Spanned<String>> {
        let items = self.reader.sequence(node, what);
        items
            .iter()
            .filter_map(|item| self.reader.string(item))
            .collect()
    }

    /// Check selectors (codes, names, categories), each validated where it is written.
    fn selectors(&mut self, node: &Node, what: &str) -> Vec<String> {
        let mut valid = Vec::new();
        for item in self.strings(node, what) {
            match Selection::new(&[item.value.as_str()], &[]) {
                Ok(_) => valid.push(item.value),
                Err(message) => self.error(item.span, message),
            }
        }
        valid
    }

    /// A duration in milliseconds, with where it is written; a malformed one is reported.
    fn duration(&mut self, node: &Node) -> Option<Spanned<u64>> {
        let text = self.reader.string(node)?;
        match Duration::parse(&text.value) {
            Ok(duration) => Some(Spanned {
                value: duration.millis(),
                span: text.span,
            }),
            Err(error) => {
                self.error(text.span, error.to_string());
                None
            }
        }
    }

    /// An interval: a duration longer than 0s.
    fn duration_ms(&mut self, node: &Node) -> Option<u64> {
        let duration = self.duration(node)?;
        if duration.value == 0 {
            self.error(
                duration.span,
                "an interval must be longer than 0s".to_owned(),
            );
            return None;
        }
        Some(duration.value)
    }

    /// A name pattern of the policy (`key` names it in messages).
    fn name_pattern(&mut self, node: &Node, key: &str) -> Option<NamePattern> {
        let text = self.reader.string(node)?;
        if text.value.is_empty() {
            self.error(
                text.span,
                format!("`{key}` is empty: it matches no name; leave the key out to allow any"),
            );
            return None;
        }
        NamePattern::new(&text.value)
            .map_err(|error| self.error(text.span, format!("invalid `{key}`: {error}")))
            .ok()
    }

    /// A list of label or annotation names (`key` names it in messages); an empty name
    /// is reported, as no label or annotation can have it.
    fn names(&mut self, node: &Node, key: &str) -> Vec<String> {
        let mut names = Vec::new();
        for name in self.strings(node, "names") {
            if name.value.is_empty() {
                self.error(name.span, format!("an empty name in `{key}` names nothing"));
            } else if !names.contains(&name.value) {
                names.push(name.value);
            }
        }
        names
    }

    /// `label-patterns` or `annotation-patterns` (`key`): name → the pattern its value
    /// must match. Every entry is checked where it is written.
    fn value_patterns(&mut self, node: &Node, key: &str) -> Vec<(String, NamePattern)> {
        let Some(entries) = self.reader.mapping(node, &format!("`{key}`")) else {
            return Vec::new();
        };
        let mut patterns: Vec<(String, NamePattern)> = Vec::new();
        let mut seen: Vec<Spanned<String>> = Vec::new();
        for entry in entries {
            let Some(name) = self.reader.string(&entry.key) else {
                continue;
            };
            if let Some(first) = seen.iter().find(|s| s.value == name.value) {
                let first = first.span;
                self.reader.duplicate_key(&name.value, name.span, first);
                continue;
            }
            seen.push(name.clone());
            if name.value.is_empty() {
                self.error(name.span, format!("an empty name in `{key}` names nothing"));
                continue;
            }
            let Some(text) = self.reader.string(&entry.value) else {
                continue;
            };
            if text.value.is_empty() {
                self.error(
                    text.span,
                    format!(
                        "the pattern of `{}` in `{key}` is empty: it matches only an empty value; leave `{}` out to allow any",
                        name.value, name.value
                    ),
                );
                continue;
            }
            match NamePattern::new(&text.value) {
                Ok(pattern) => patterns.push((name.value, pattern)),
                Err(error) => self.error(
                    text.span,
                    format!("invalid pattern of `{}` in `{key}`: {error}", name.value),
                ),
            }
        }
        patterns
    }

    /// `alert-for`: `min` and `max`, each optional. A zero `min` bounds nothing and a
    /// `min` above the `max` admits no alert, so both are errors; `max: 0s` is a policy
    /// (no alert may wait).
    fn alert_for(&mut self, node: &Node) -> ForBounds {
        let mut min = None;
        let mut max = None;
        for (name, value) in self.reader.fields(node, "`alert-for`", ALERT_FOR_FIELDS) {
            let Some(bound) = self.duration(value) else {
                continue;
            };
            match name {
                "min" if bound.value == 0 => self.error(
                    bound.span,
                    "`min: 0s` is no bound: every `for` is at least 0s; leave `min` out".to_owned(),
                ),
                "min" => min = Some(bound),
                "max" => max = Some(bound),
                _ => unreachable!("ALERT_FOR_FIELDS and this match list the same keys"),
            }
        }
        if let (Some(low), Some(high)) = (&min, &max)
            && low.value > high.value
        {
            let file = self.reader.file;
            self.reader.diagnostics.push(
                Diagnostic::new(
                    &invalid_config::CHECK,
                    file,
                    low.span,
                    format!(
                        "`min` ({}) is longer than `max` ({}): no `for` can satisfy both",
                        Duration(low.value),
                        Duration(high.value)
                    ),
                )
                .with_secondary(file, high.span, "the maximum"),
            );
            return ForBounds::default();
        }
        ForBounds {
            min_ms: min.map(|b| b.value),
            max_ms: max.map(|b| b.value),
        }
    }

    fn pattern(&mut self, text: &Spanned<String>) -> Option<glob::Pattern> {
        glob::Pattern::new(&text.value)
            .map_err(|e| {
                self.error(
                    text.span,
                    format!("invalid glob pattern {:?}: {e}", text.value),
                )
            })
            .ok()
    }

    fn severity(&mut self, node: &Node, config: &mut Config) {
        let Some(entries) = self.reader.mapping(node, "severity overrides") else {
            return;
        };
        for entry in entries {
            let (Some(key), Some(value)) = (
                self.reader.string(&entry.key),
                self.reader.string(&entry.value),
            ) else {
                continue;
            };
            let Some(check) = crate::registry::find(&key.value) else {
                self.error(
                    key.span,
                    format!("unknown check {:?}; `monlint checks` lists them", key.value),
                );
                continue;
            };
            match value.value.parse::<Severity>() {
                Ok(severity) => {
                    config.severity.insert(check.code, severity);
                }
                Err(message) => self.error(value.span, message),
            }
        }
    }

    fn per_file_ignores(&mut self, node: &Node, config: &mut Config) {
        let Some(entries) = self.reader.mapping(node, "per-file ignores") else {
            return;
        };
        for entry in entries {
            let Some(key) = self.reader.string(&entry.key) else {
                continue;
            };
            let selectors = self.selectors(&entry.value, "checks to ignore");
            // An empty selection would mean "every check": an entry ignores only what it names.
            if selectors.is_empty() {
                continue;
            }
            if let (Some(pattern), Ok(selection)) =
                (self.pattern(&key), Selection::new(&selectors, &[]))
            {
                config.per_file_ignores.push((pattern, selection));
            }
        }
    }

    fn policy(&mut self, node: &Node, policy: &mut Policy) {
        for (name, value) in self.reader.fields(node, "the policy", POLICY_FIELDS) {
            match name {
                "scrape-interval" => {
                    if let Some(ms) = self.duration_ms(value) {
                        policy.scrape_interval_ms = ms;
                    }
                }
                "evaluation-interval" => {
                    if let Some(ms) = self.duration_ms(value) {
                        policy.evaluation_interval_ms = ms;
                    }
                }
                "required-labels" => {
                    let Some(entries) = self.reader.mapping(value, "required labels") else {
                        policy.required_alert_labels.clear();
                        continue;
                    };
                    policy.required_alert_labels = entries
                        .iter()
                        .filter_map(|entry| {
                            let name = self.reader.string(&entry.key)?;
                            let allowed = self.strings(&entry.value, "allowed values");
                            Some(RequiredLabel {
                                name: name.value,
                                allowed_values: allowed.into_iter().map(|v| v.value).collect(),
                            })
                        })
                        .collect();
                }
                "required-annotations" => {
                    policy.required_annotations = self
                        .strings(value, "annotation names")
                        .into_iter()
                        .map(|v| v.value)
                        .collect();
                }
                "runbook-required-for" => {
                    policy.runbook_required_for = self
                        .strings(value, "severities")
                        .into_iter()
                        .map(|v| v.value)
                        .collect();
                }
                "runbook-keys" => policy.runbook_keys = self.names(value, name),
                "alert-name-pattern" => {
                    policy.alert_name_pattern = self.name_pattern(value, name);
                }
                "record-name-pattern" => {
                    policy.record_name_pattern = self.name_pattern(value, name);
                }
                "alert-for" => policy.alert_for = self.alert_for(value),
                "forbidden-labels" => policy.forbidden_labels = self.names(value, name),
                "forbidden-annotations" => policy.forbidden_annotations = self.names(value, name),
                "label-patterns" => policy.label_patterns = self.value_patterns(value, name),
                "annotation-patterns" => {
                    policy.annotation_patterns = self.value_patterns(value, name);
                }
                "keep-labels" => policy.keep_labels = self.names(value, name),
                "required-matchers" => policy.required_matchers = self.names(value, name),
                _ => unreachable!("POLICY_FIELDS and this match list the same keys"),
            }
        }
    }
}

impl Config {
    /// Whether a walk should skip `path` (relative to the configuration's folder).
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude
            .iter()
            .any(|pattern| pattern.matches(path) || path_starts_with_match(pattern, path))
    }

    /// The sink: drops what `per-file-ignores` ignores for `path` (relative to the
    /// configuration's folder) and applies the severity overrides.
    pub fn apply(&self, path: &str, diagnostics: &mut Vec<Diagnostic>) {
        let ignored: Vec<&Selection> = self
            .per_file_ignores
            .iter()
            .filter(|(pattern, _)| pattern.matches(path))
            .map(|(_, selection)| selection)
            .collect();
        diagnostics.retain(|d| {
            !ignored
                .iter()
                .any(|selection| selection.is_enabled(d.check))
        });
        for diagnostic in diagnostics {
            if let Some(severity) = self.severity.get(diagnostic.check.code) {
                diagnostic.severity = *severity;
            }
        }
    }
}

/// `vendor` or `vendor/**` excludes everything below `vendor/`.
fn path_starts_with_match(pattern: &glob::Pattern, path: &str) -> bool {
    let mut prefix = String::new();
    for component in path.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(component);
        if pattern.matches(&prefix) {
            return true;
        }
    }
    false
}

/// Reads a configuration file. Never fails: problems come back as diagnostics, and the
/// caller decides (the CLI stops on any).
pub fn load_config(source: &SourceFile, file: FileId) -> (Config, Vec<Diagnostic>) {
    let mut config = Config::default();
    let mut reader = ConfigReader {
        reader: YamlReader::new(file, Version::PROMETHEUS_LATEST, &CONFIG_CHECKS),
    };
    let (documents, error) = yaml::parse_stream(&source.text, &yaml::Limits::default());
    if let Some(error) = error {
        reader.error(error.span, error.message);
    }
    let Some(root) = documents.first().map(|d| &d.root) else {
        return (config, reader.reader.diagnostics);
    };
    for (name, value) in reader
        .reader
        .fields(root, "the monlint configuration", TOP_FIELDS)
    {
        match name {
            "prometheus-version" => {
                if let Some(text) = reader.reader.string(value) {
                    match text.value.parse::<Version>() {
                        Ok(version) if (Version::PROMETHEUS_OLDEST..=Version::PROMETHEUS_LATEST).contains(&version) => {
                            config.prometheus_version = Some(version);
                        }
                        Ok(version) => reader.error(
                            text.span,
                            format!(
                                "Prometheus {version} is not supported: choose a version from {} to {}",
                                Version::PROMETHEUS_OLDEST,
                                Version::PROMETHEUS_LATEST
                            ),
                        ),
                        Err(error) => reader.error(text.span, error.to_string()),
                    }
                }
            }
            "alertmanager-version" => {
                if let Some(text) = reader.reader.string(value) {
                    let (oldest, newest) =
                        (monlint_alertmanager::OLDEST, monlint_alertmanager::LATEST);
                    match text.value.parse::<Version>() {
                        Ok(version) if (oldest..=newest).contains(&version) => {
                            config.alertmanager_version = Some(version);
                        }
                        Ok(version) => reader.error(
                            text.span,
                            format!("Alertmanager {version} is not supported: choose a version from {oldest} to {newest}"),
                        ),
                        Err(error) => reader.error(text.span, error.to_string()),
                    }
                }
            }
            "select" => config.select = reader.selectors(value, "checks to select"),
            "extend-select" => {
                config.extend_select = reader.selectors(value, "checks to add to the selection")
            }
            "ignore" => config.ignore = reader.selectors(value, "checks to ignore"),
            "severity" => reader.severity(value, &mut config),
            "exclude" => {
                let patterns = reader.strings(value, "glob patterns");
                config.exclude = patterns.iter().filter_map(|p| reader.pattern(p)).collect();
            }
            "per-file-ignores" => reader.per_file_ignores(value, &mut config),
            "policy" => reader.policy(value, &mut config.policy),
            _ => unreachable!("TOP_FIELDS and this match list the same keys"),
        }
    }
    (config, reader.reader.diagnostics)
}

/// The JSON schema of `.monlint.yml`, for editors; `docs/monlint.schema.json` is generated from it.
pub fn json_schema() -> Value {
    let check_names: Vec<&str> = crate::registry::all_checks()
        .iter()
        .flat_map(|check| [check.code, check.name])
        .chain(monlint_core::Category::ALL.iter().map(|c| c.as_str()))
        .chain(["all", "default"])
        .collect();
    let selectors = json!({"type": "array", "items": {"type": "string", "enum": check_names}});
    let duration = json!({"type": "string", "pattern": "^([0-9]+(y|w|d|h|m|s|ms))+$"});
    let severity = json!({"type": "string", "enum": ["error", "warning", "info"]});
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let names = json!({"type": "array", "items": {"type": "string", "minLength": 1}});
    let pattern = json!({"type": "string", "minLength": 1});
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "monlint configuration (.monlint.yml)",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "prometheus-version": {"type": "string", "pattern": "^v?[0-9]+(\\.[0-9]+){0,2}$",
                "description": "The Prometheus version to check as (MAJOR.MINOR)."},
            "alertmanager-version": {"type": "string", "pattern": "^v?[0-9]+(\\.[0-9]+){0,2}$",
                "description": "The Alertmanager version to check as (MAJOR.MINOR)."},
            "select": {"description": "Report only these checks (codes, names, categories, `all` or `default`); unset: the checks on by default.", "allOf": [selectors]},
            "extend-select": {"description": "Report these checks as well as the selected ones (`[style]` adds the style checks to the default ones).", "allOf": [selectors]},
            "ignore": {"description": "Never report these checks.", "allOf": [selectors]},
            "severity": {"type": "object", "description": "Severity overrides by check code or name.",
                "propertyNames": {"enum": check_names}, "additionalProperties": severity},
            "exclude": {"description": "Glob patterns of files and folders a walk skips.", "allOf": [strings]},
            "per-file-ignores": {"type": "object", "description": "Checks to ignore in files matching a glob.",
                "additionalProperties": selectors},
            "policy": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "scrape-interval": duration,
                    "evaluation-interval": duration,
                    "required-labels": {"type": "object", "additionalProperties": strings,
                        "description": "Labels every alert must carry, each with its allowed values (empty: any)."},
                    "required-annotations": strings,
                    "runbook-required-for": strings,
                    "runbook-keys": {"description": "The annotations that hold an alert's runbook link, in order of preference (default: runbook_url, runbook, runbook_link, playbook, playbook_url, sop, sop_url, documentation).", "allOf": [names]},
                    "alert-name-pattern": {"type": "string", "minLength": 1,
                        "description": "An RE2 expression every alert name must match as a whole; unset: any name."},
                    "record-name-pattern": {"type": "string", "minLength": 1,
                        "description": "An RE2 expression every recording rule's name must match as a whole; unset: any name."},
                    "alert-for": {"type": "object", "additionalProperties": false,
                        "description": "The shortest and longest `for` an alert may have (no `for` counts as 0s); either bound may be left out.",
                        "properties": {"min": duration, "max": duration}},
                    "forbidden-labels": {"description": "Labels no alert or recording rule may set (group labels included).", "allOf": [names]},
                    "forbidden-annotations": {"description": "Annotations no alert may set.", "allOf": [names]},
                    "label-patterns": {"type": "object", "additionalProperties": pattern,
                        "description": "Label name → an RE2 expression its static value must match as a whole (templated values are not judged)."},
                    "annotation-patterns": {"type": "object", "additionalProperties": pattern,
                        "description": "Annotation name → an RE2 expression its static value must match as a whole (templated values are not judged)."},
                    "keep-labels": {"description": "Labels every alert's query result must keep (an aggregation must not remove them).", "allOf": [names]},
                    "required-matchers": {"description": "Labels every selector of an alerting or recording rule must have a matcher on.", "allOf": [names]},
                },
            },
        },
    });
    debug_assert_eq!(
        schema["properties"].as_object().map(|p| p.len()),
        Some(TOP_FIELDS.len())
    );
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration read from `text`, and each diagnostic's message with the text
    /// it points at.
    fn load(text: &str) -> (Config, Vec<(String, String)>) {
        let source = SourceFile::new(".monlint.yml".to_owned(), text.to_owned());
        let (config, diagnostics) = load_config(&source, FileId(0));
        let found = diagnostics
            .into_iter()
            .map(|d| (d.message, text[d.primary.span.range()].to_owned()))
            .collect();
        (config, found)
    }

    #[test]
    fn name_patterns_and_for_bounds_are_read() {
        let (config, found) = load(
            "policy:\n  alert-name-pattern: '[A-Z][A-Za-z0-9]*'\n  record-name-pattern: '[a-z]+:[a-z]+'\n  alert-for: {min: 2m, max: 1h}\n",
        );
        assert_eq!(found, []);
        let policy = config.policy;
        let alerts = policy.alert_name_pattern.unwrap();
        assert!(alerts.matches("ApiDown"));
        assert!(!alerts.matches("ApiDown_v2"), "anchored at the end");
        assert!(!alerts.matches("api_Down"), "anchored at the start");
        assert!(policy.record_name_pattern.unwrap().matches("job:up"));
        assert_eq!(
            policy.alert_for,
            ForBounds {
                min_ms: Some(120_000),
                max_ms: Some(3_600_000)
            }
        );
    }

    #[test]
    fn runbook_keys_replace_the_default_set() {
        assert!(
            Policy::default()
                .runbook_keys
                .contains(&"playbook".to_owned())
        );
        let (config, found) =
            load("policy:\n  runbook-keys: [runbook_url, wiki_page, wiki_page]\n");
        assert_eq!(found, []);
        assert_eq!(config.policy.runbook_keys, ["runbook_url", "wiki_page"]);
        let (_, found) = load("policy:\n  runbook-keys: ['']\n");
        assert_eq!(
            found,
            [(
                "an empty name in `runbook-keys` names nothing".to_owned(),
                "''".to_owned()
            )]
        );
    }

    #[test]
    fn either_bound_may_be_left_out_and_max_may_be_zero() {
        let (config, found) = load("policy:\n  alert-for: {max: 0s}\n");
        assert_eq!(found, []);
        assert_eq!(
            config.policy.alert_for,
            ForBounds {
                min_ms: None,
                max_ms: Some(0)
            }
        );
    }

    #[test]
    fn label_and_annotation_policies_are_read() {
        let (config, found) = load(concat!(
            "policy:\n",
            "  forbidden-labels: [instance_id, instance_id]\n",
            "  forbidden-annotations: [dashboard_legacy]\n",
            "  label-patterns: {team: '[a-z][a-z-]*'}\n",
            "  annotation-patterns: {runbook_url: 'https://runbooks\\.example\\.com/.+'}\n",
            "  keep-labels: [namespace]\n",
            "  required-matchers: [cluster, env]\n",
        ));
        assert_eq!(found, []);
        let policy = config.policy;
        assert_eq!(policy.forbidden_labels, ["instance_id"]);
        assert_eq!(policy.forbidden_annotations, ["dashboard_legacy"]);
        let (name, team) = &policy.label_patterns[0];
        assert_eq!(name, "team");
        assert!(team.matches("checkout-web"));
        assert!(!team.matches("Checkout"), "anchored at the start");
        assert!(!team.matches("web1"), "anchored at the end");
        let (name, runbook) = &policy.annotation_patterns[0];
        assert_eq!(name, "runbook_url");
        assert!(runbook.matches("https://runbooks.example.com/api"));
        assert_eq!(policy.keep_labels, ["namespace"]);
        assert_eq!(policy.required_matchers, ["cluster", "env"]);
    }

    #[test]
    fn a_repeated_pattern_is_reported_and_the_first_kept() {
        let (config, found) = load("policy: {label-patterns: {team: a, team: b}}");
        assert_eq!(
            found,
            [(
                "key \"team\" is already defined".to_owned(),
                "team".to_owned()
            )]
        );
        let patterns = &config.policy.label_patterns;
        assert_eq!(patterns.len(), 1);
        assert!(patterns[0].1.matches("a"));
    }

    #[test]
    fn bad_values_are_reported_where_written() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "policy: {alert-name-pattern: '[A-Z'}",
                "'[A-Z'",
                "invalid `alert-name-pattern`: error parsing regexp: missing closing ]: `[A-Z`",
            ),
            (
                "policy: {record-name-pattern: 'a)|(b'}",
                "'a)|(b'",
                "invalid `record-name-pattern`: error parsing regexp: unexpected ): `a)|(b`",
            ),
            (
                "policy: {record-name-pattern: ''}",
                "''",
                "`record-name-pattern` is empty: it matches no name; leave the key out to allow any",
            ),
            (
                "policy: {alert-for: {min: 0s}}",
                "0s",
                "`min: 0s` is no bound: every `for` is at least 0s; leave `min` out",
            ),
            (
                "policy: {alert-for: {max: soon}}",
                "soon",
                "not a valid duration string: \"soon\"",
            ),
            (
                "policy: {alert-for: {max: -1m}}",
                "-1m",
                "not a valid duration string: \"-1m\"",
            ),
            (
                "policy: {alert-for: {min: 2h, max: 1h}}",
                "2h",
                "`min` (2h) is longer than `max` (1h): no `for` can satisfy both",
            ),
            (
                "policy: {alert-for: {minimum: 2m}}",
                "minimum",
                "unknown key \"minimum\" in `alert-for`",
            ),
            (
                "policy: {alert-for: 5m}",
                "5m",
                "expected a mapping for `alert-for`, found string",
            ),
            (
                "policy: {label-patterns: {team: '[a-z'}}",
                "'[a-z'",
                "invalid pattern of `team` in `label-patterns`: error parsing regexp: missing closing ]: `[a-z`",
            ),
            (
                "policy: {annotation-patterns: {runbook_url: ''}}",
                "''",
                "the pattern of `runbook_url` in `annotation-patterns` is empty: it matches only an empty value; leave `runbook_url` out to allow any",
            ),
            (
                "policy: {label-patterns: [team]}",
                "[team]",
                "expected a mapping for `label-patterns`, found sequence",
            ),
            (
                "policy: {label-patterns: {team: [a, b]}}",
                "[a, b]",
                "expected a string, found sequence",
            ),
            (
                "policy: {forbidden-labels: instance_id}",
                "instance_id",
                "expected a list of names, found string",
            ),
            (
                "policy: {keep-labels: ['']}",
                "''",
                "an empty name in `keep-labels` names nothing",
            ),
            (
                "policy: {required-matchers: {cluster: prod}}",
                "{cluster: prod}",
                "expected a list of names, found mapping",
            ),
        ];
        for (text, at, message) in cases {
            let (config, found) = load(text);
            assert_eq!(found, [((*message).to_owned(), (*at).to_owned())], "{text}");
            assert_eq!(config.policy, Policy::default(), "{text}");
        }
    }
}
