//! One file per check: its identity and documentation in a `CHECK` static and,
//! for checks over the loaded model, a pure `check` function.
//!
//! The checks emitted while loading (`yaml-syntax`, `unknown-key`, `duplicate-key`,
//! `wrong-type`, `ignored-document`) have no function here: the loader reports them.

use std::collections::BTreeSet;

use monlint_core::{Diagnostic, FileId, SourceFile, Span, Version};
use monlint_promql::ast::Expr;

use crate::policy::Policy;
use crate::rules::model::RuleFile;

pub mod absent_of_rate;
pub mod aggregation_drops_label;
pub mod alert_always_fires;
pub mod alert_for_policy;
pub mod alert_name_style;
pub mod alert_reaches_only_default;
pub mod alert_test_unknown_alert;
pub mod alert_untested;
pub mod alertmanager_duplicate_key;
pub mod alertmanager_invalid_matcher;
pub mod alertmanager_invalid_receiver;
pub mod alertmanager_invalid_route;
pub mod alertmanager_invalid_value;
pub mod alertmanager_unknown_key;
pub mod alertmanager_wrong_type;
pub mod circular_inhibition;
pub(crate) mod common;
pub mod counter_without_rate;
pub mod dashboard_invalid;
pub mod datasource_bare_name;
pub mod deprecated_match;
pub mod description_style;
pub mod duplicate_group;
pub mod duplicate_json_key;
pub mod duplicate_key;
pub mod duplicate_panel_id;
pub mod duplicate_rule;
pub mod editable_dashboard;
pub mod empty_group_name;
pub mod empty_receiver;
pub mod for_missing_or_short;
pub mod fragile_query;
pub mod group_interval_too_long;
pub mod group_too_large;
pub mod grouping_label_missing;
pub mod hard_coded_datasource;
pub mod histogram_quantile_without_le;
pub mod ignored_document;
pub mod impossible_comparison;
pub mod impossible_join;
pub mod inhibit_rule_never_applies;
pub mod inhibit_rule_too_broad;
pub mod inhibit_rule_without_equal;
pub mod invalid_config;
pub mod invalid_duration;
pub mod invalid_label_name;
pub mod invalid_record_name;
pub mod invalid_suppression;
pub mod label_policy;
pub mod legacy_panel;
pub mod legacy_panel_alert;
pub mod matcher_parser_fallback;
pub mod missing_annotation;
pub mod missing_expr;
pub mod missing_label;
pub mod missing_uid_or_title;
pub mod nan_comparison;
pub mod notification_template_syntax;
pub mod panel_no_targets;
pub mod panel_threshold_mismatch;
pub mod panel_title_description;
pub mod panel_units;
pub mod plaintext_secret;
pub mod promql_syntax;
pub mod rate_window_too_short;
pub mod ratio_percent_mismatch;
pub mod receiver_unreached;
pub mod record_or_alert;
pub mod recording_rule_field;
pub mod recording_rule_undefined;
pub mod regex_smells;
pub mod replicas_hard_coded;
pub mod route_matcher_unknown_value;
pub mod route_nesting_too_deep;
pub mod route_shadowed;
pub mod route_timing;
pub mod route_unreachable;
pub mod rule_name_policy;
pub mod runbook_off_topic;
pub mod runbook_unreachable;
pub mod runbook_url;
pub mod selector_matches_nothing;
pub mod selector_missing_matcher;
pub mod severity_ladder_inverted;
pub mod summary_style;
pub mod target_job_instance;
pub mod target_promql;
pub mod target_rate_interval;
pub mod template_datasource;
pub mod template_file_missing;
pub mod template_job_instance;
pub mod template_label_not_in_query;
pub mod template_syntax;
pub mod test_rule_files_missing;
pub mod time_interval_never_active;
pub mod undefined_variable;
pub mod unknown_key;
pub mod unrendered_template;
pub mod unused_receiver;
pub mod unused_suppression;
pub mod unused_variable;
pub mod up_without_absent;
pub mod useless_continue;
pub mod value_in_label;
pub mod value_not_humanized;
pub mod variable_multi_equality;
pub mod variable_refresh;
pub mod wrong_type;
pub mod yaml_syntax;

/// What a check across files sees: the facts of every rule file of the run. Each file's
/// model is dropped after its own checks, so a run over many files stays small.
pub struct WorkspaceContext<'a> {
    pub files: Vec<&'a FileFacts>,
    /// The promtool unit-test files of the run.
    pub tests: Vec<&'a crate::rule_tests::RuleTestFacts>,
    pub version: Version,
    pub policy: &'a Policy,
    pub alertmanager_version: Version,
    /// The repository's files, for the paths test files name.
    pub documents: &'a crate::documents::Documents,
}

/// What the checks across files and the suppressions need of one rule file.
pub struct FileFacts {
    pub file: FileId,
    /// The file's path as given, for matching unit tests' `rule_files`.
    pub path: String,
    /// Every rule's span, for `disable-next-rule` suppressions.
    pub rule_spans: Vec<Span>,
    /// The names the file's recording rules write.
    pub recorded: Vec<String>,
    /// Colon-named metrics the file's queries select (the recording-rule convention).
    pub recording_uses: Vec<RecordingUse>,
    /// The file's alerting rules, for checks against routes and dashboards.
    pub alerts: Vec<AlertFacts>,
    /// Every label name the file's rules write: static labels, matchers, grouping and
    /// matching clauses, `label_replace` targets, `$labels.x` in templates. Evidence
    /// that series are expected to carry a label even where no rule fixes it.
    pub label_names: BTreeSet<String>,
    /// The model, when the file is an Alertmanager configuration.
    pub alertmanager: Option<monlint_alertmanager::Config>,
    /// For a dashboard file: what its panels query and mark.
    pub dashboard: Option<crate::dashboards::DashboardFacts>,
}

/// What other artifacts need of one alerting rule: its name, its static labels (group
/// labels merged under the rule's own) and its query.
pub struct AlertFacts {
    pub name: String,
    pub name_span: Span,
    /// Label name and value as written; a value holding a template is not a fixed value
    /// and is kept with `templated` set.
    pub labels: Vec<StaticLabel>,
    /// The expression text, when it parsed.
    pub expr: Option<String>,
}

pub struct StaticLabel {
    pub name: String,
    pub value: String,
    pub templated: bool,
    pub span: Span,
}

pub struct RecordingUse {
    pub name: String,
    /// Where the name is written in the file.
    pub span: Span,
    /// The name the using rule records, when it is a recording rule.
    pub in_record: Option<String>,
}

impl FileFacts {
    /// The facts of a file that holds no rules.
    pub fn empty(file: FileId) -> FileFacts {
        FileFacts {
            file,
            path: String::new(),
            alertmanager: None,
            rule_spans: Vec::new(),
            recorded: Vec::new(),
            recording_uses: Vec::new(),
            alerts: Vec::new(),
            label_names: BTreeSet::new(),
            dashboard: None,
        }
    }

    /// The facts of a rule file. Only the rule spans (for suppressions) when no check
    /// across files runs: the rest is a copy of every alert, not worth its memory then.
    pub fn of(source: &SourceFile, rules: &RuleFile, across_files: bool) -> FileFacts {
        let all_rules = || rules.groups.iter().flat_map(|g| &g.rules);
        if !across_files {
            return FileFacts {
                path: source.path.clone(),
                rule_spans: all_rules().map(|r| r.span).collect(),
                ..FileFacts::empty(rules.file)
            };
        }
        let mut recording_uses = Vec::new();
        let mut label_names = BTreeSet::new();
        for group in &rules.groups {
            for pair in &group.labels {
                label_names.insert(pair.key.value.clone());
            }
        }
        for rule in all_rules() {
            label_names.extend(rule.labels.iter().map(|pair| pair.key.value.clone()));
            for pair in rule.labels.iter().chain(&rule.annotations) {
                templated_label_names(pair.value.text(), &mut label_names);
            }
            let Some(expr) = &rule.expr else { continue };
            let Ok(parsed) = &expr.parsed else { continue };
            query_label_names(parsed, &mut label_names);
            parsed.walk_selectors(&mut |selector| {
                let Some(name) = selector.name.as_deref().filter(|n| n.contains(':')) else {
                    return;
                };
                let start = selector.span.start;
                let name_span = Span::new(start, start + name.len() as u32);
                recording_uses.push(RecordingUse {
                    name: name.to_owned(),
                    span: expr.text.file_span(&source.text, name_span),
                    in_record: rule.record.as_ref().map(|r| r.value.clone()),
                });
            });
        }
        let mut alerts = Vec::new();
        for group in &rules.groups {
            for rule in &group.rules {
                let Some(name) = &rule.alert else { continue };
                let mut labels: Vec<StaticLabel> = Vec::new();
                for label in group.labels.iter().chain(&rule.labels) {
                    let value = label.value.text();
                    let entry = StaticLabel {
                        name: label.key.value.clone(),
                        value: value.to_owned(),
                        templated: value.contains("{{"),
                        span: label.key.span,
                    };
                    // The rule's own label overrides the group's.
                    match labels.iter_mut().find(|l| l.name == entry.name) {
                        Some(existing) => *existing = entry,
                        None => labels.push(entry),
                    }
                }
                alerts.push(AlertFacts {
                    name: name.value.clone(),
                    name_span: name.span,
                    labels,
                    expr: rule
                        .expr
                        .as_ref()
                        .filter(|e| e.parsed.is_ok())
                        .map(|e| e.text.text().to_owned()),
                });
            }
        }
        FileFacts {
            file: rules.file,
            path: source.path.clone(),
            alerts,
            rule_spans: all_rules().map(|r| r.span).collect(),
            recorded: all_rules()
                .filter_map(|r| r.record.as_ref().map(|n| n.value.clone()))
                .collect(),
            recording_uses,
            label_names,
            alertmanager: None,
            dashboard: None,
        }
    }

    pub fn of_alertmanager(
        file: FileId,
        path: &str,
        config: monlint_alertmanager::Config,
    ) -> FileFacts {
        FileFacts {
            file,
            path: path.to_owned(),
            rule_spans: Vec::new(),
            recorded: Vec::new(),
            recording_uses: Vec::new(),
            alerts: Vec::new(),
            label_names: BTreeSet::new(),
            alertmanager: Some(config),
            dashboard: None,
        }
    }
}

/// The label names a query writes: matchers, `by`/`without`, `on`/`ignoring`,
/// `group_left`/`group_right` and `label_replace`/`label_join` targets.
fn query_label_names(expr: &Expr, out: &mut BTreeSet<String>) {
    expr.walk(&mut |node| match node {
        Expr::VectorSelector(selector) => {
            out.extend(selector.matchers.iter().map(|m| m.name.clone()));
        }
        Expr::MatrixSelector(matrix) => {
            out.extend(matrix.selector.matchers.iter().map(|m| m.name.clone()));
        }
        Expr::Aggregate(aggregate) => {
            out.extend(aggregate.grouping.iter().flat_map(|g| g.labels.clone()));
        }
        Expr::Binary(binary) => {
            if let Some(matching) = &binary.matching {
                out.extend(matching.labels.iter().chain(&matching.include).cloned());
            }
        }
        Expr::Call(call) if matches!(call.function.name, "label_replace" | "label_join") => {
            if let Some(Expr::String(target)) = call.args.get(1) {
                out.insert(target.value.clone());
            }
        }
        _ => {}
    });
}

/// The names after `$labels.` or `.Labels.` in a template.
fn templated_label_names(text: &str, out: &mut BTreeSet<String>) {
    for prefix in ["$labels.", ".Labels."] {
        for (start, _) in text.match_indices(prefix) {
            let rest = &text[start + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
}

pub type WorkspaceCheckFn = fn(&WorkspaceContext, &mut Vec<Diagnostic>);

/// What a rule-file check sees: one loaded file, its text, and the targeted version.
pub struct RuleContext<'a> {
    pub source: &'a SourceFile,
    pub rules: &'a RuleFile,
    pub version: Version,
    pub policy: &'a Policy,
    pub documents: &'a crate::documents::Documents,
    /// Probed runbook links, when `--check-links` asked for them.
    pub links: &'a crate::links::LinkStatuses,
}

impl RuleContext<'_> {
    /// Iterates every rule with its group, and its 1-based position in the group.
    pub fn rules(
        &self,
    ) -> impl Iterator<
        Item = (
            &crate::rules::model::Group,
            usize,
            &crate::rules::model::Rule,
        ),
    > {
        self.rules.groups.iter().flat_map(|group| {
            group
                .rules
                .iter()
                .enumerate()
                .map(move |(i, rule)| (group, i + 1, rule))
        })
    }
}

pub type RuleCheckFn = fn(&RuleContext, &mut Vec<Diagnostic>);
