//! `.monlint.yml`: what a team sets once for a repository. Read strictly with positions
//! into [`Config`], then resolved into the [`Options`](crate::Options) a run uses.
//!
//! ```yaml
//! prometheus-version: "3.5"          # the default target
//! alertmanager-version: "0.27"        # the Alertmanager target
//! select: [validity, labels]          # report only these (codes, names, categories)
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
//! ```

use std::collections::HashMap;

use monlint_core::yaml::{self, Node};
use monlint_core::{Diagnostic, Duration, FileId, Severity, SourceFile, Span, Version};
use serde_json::{Value, json};

use crate::checks::invalid_config;
use crate::policy::{Policy, RequiredLabel};
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
];

/// The configuration as written, every value checked.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub prometheus_version: Option<Version>,
    pub alertmanager_version: Option<Version>,
    pub select: Vec<String>,
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

    fn duration_ms(&mut self, node: &Node) -> Option<u64> {
        let text = self.reader.string(node)?;
        match Duration::parse(&text.value) {
            Ok(duration) if duration.millis() > 0 => Some(duration.millis()),
            Ok(_) => {
                self.error(text.span, "an interval must be longer than 0s".to_owned());
                None
            }
            Err(error) => {
                self.error(text.span, error.to_string());
                None
            }
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
        .collect();
    let selectors = json!({"type": "array", "items": {"type": "string", "enum": check_names}});
    let duration = json!({"type": "string", "pattern": "^([0-9]+(y|w|d|h|m|s|ms))+$"});
    let severity = json!({"type": "string", "enum": ["error", "warning", "info"]});
    let strings = json!({"type": "array", "items": {"type": "string"}});
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
            "select": {"description": "Report only these checks (codes, names or categories).", "allOf": [selectors]},
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
