//! The one list of checks: every code, name and category monlint knows.

use monlint_core::Check;

use crate::alertmanager::AlertmanagerCheckFn;
use crate::checks::{self, RuleCheckFn, WorkspaceCheckFn};
use crate::dashboards::DashboardCheckFn;

/// Checks run over a loaded rule file, in the order they run.
pub static RULE_CHECKS: &[(&Check, RuleCheckFn)] = &[
    (&checks::missing_expr::CHECK, checks::missing_expr::check),
    (
        &checks::record_or_alert::CHECK,
        checks::record_or_alert::check,
    ),
    (&checks::promql_syntax::CHECK, checks::promql_syntax::check),
    (
        &checks::recording_rule_field::CHECK,
        checks::recording_rule_field::check,
    ),
    (
        &checks::invalid_record_name::CHECK,
        checks::invalid_record_name::check,
    ),
    (
        &checks::invalid_label_name::CHECK,
        checks::invalid_label_name::check,
    ),
    (
        &checks::template_syntax::CHECK,
        checks::template_syntax::check,
    ),
    (
        &checks::invalid_duration::CHECK,
        checks::invalid_duration::check,
    ),
    (
        &checks::empty_group_name::CHECK,
        checks::empty_group_name::check,
    ),
    (
        &checks::duplicate_group::CHECK,
        checks::duplicate_group::check,
    ),
    (
        &checks::duplicate_rule::CHECK,
        checks::duplicate_rule::check,
    ),
    (
        &checks::impossible_comparison::CHECK,
        checks::impossible_comparison::check,
    ),
    (
        &checks::ratio_percent_mismatch::CHECK,
        checks::ratio_percent_mismatch::check,
    ),
    (
        &checks::nan_comparison::CHECK,
        checks::nan_comparison::check,
    ),
    (
        &checks::histogram_quantile_without_le::CHECK,
        checks::histogram_quantile_without_le::check,
    ),
    (
        &checks::counter_without_rate::CHECK,
        checks::counter_without_rate::check,
    ),
    (
        &checks::rate_window_too_short::CHECK,
        checks::rate_window_too_short::check,
    ),
    (
        &checks::alert_always_fires::CHECK,
        checks::alert_always_fires::check,
    ),
    (
        &checks::for_missing_or_short::CHECK,
        checks::for_missing_or_short::check,
    ),
    (&checks::missing_label::CHECK, checks::missing_label::check),
    (
        &checks::missing_annotation::CHECK,
        checks::missing_annotation::check,
    ),
    (
        &checks::template_label_not_in_query::CHECK,
        checks::template_label_not_in_query::check,
    ),
    (
        &checks::value_in_label::CHECK,
        checks::value_in_label::check,
    ),
    (
        &checks::alert_name_style::CHECK,
        checks::alert_name_style::check,
    ),
    (&checks::summary_style::CHECK, checks::summary_style::check),
    (
        &checks::description_style::CHECK,
        checks::description_style::check,
    ),
    (
        &checks::group_too_large::CHECK,
        checks::group_too_large::check,
    ),
    (&checks::runbook_url::CHECK, checks::runbook_url::check),
    (
        &checks::runbook_off_topic::CHECK,
        checks::runbook_off_topic::check,
    ),
    (
        &checks::runbook_unreachable::CHECK,
        checks::runbook_unreachable::check,
    ),
    (&checks::regex_smells::CHECK, checks::regex_smells::check),
    (
        &checks::impossible_join::CHECK,
        checks::impossible_join::check,
    ),
    (&checks::fragile_query::CHECK, checks::fragile_query::check),
    (
        &checks::severity_ladder_inverted::CHECK,
        checks::severity_ladder_inverted::check,
    ),
    (
        &checks::up_without_absent::CHECK,
        checks::up_without_absent::check,
    ),
    (
        &checks::replicas_hard_coded::CHECK,
        checks::replicas_hard_coded::check,
    ),
    (
        &checks::group_interval_too_long::CHECK,
        checks::group_interval_too_long::check,
    ),
    (
        &checks::value_not_humanized::CHECK,
        checks::value_not_humanized::check,
    ),
    (
        &checks::rule_name_policy::CHECK,
        checks::rule_name_policy::check,
    ),
    (
        &checks::alert_for_policy::CHECK,
        checks::alert_for_policy::check,
    ),
    (&checks::label_policy::CHECK, checks::label_policy::check),
    (
        &checks::aggregation_drops_label::CHECK,
        checks::aggregation_drops_label::check,
    ),
    (
        &checks::selector_missing_matcher::CHECK,
        checks::selector_missing_matcher::check,
    ),
    (
        &checks::selector_matches_nothing::CHECK,
        checks::selector_matches_nothing::check,
    ),
    (
        &checks::absent_of_rate::CHECK,
        checks::absent_of_rate::check,
    ),
];

/// Checks run over the dashboards of a file, in the order they run. The PromQL checks
/// shared with rule files appear here with their dashboard entry point.
pub static DASHBOARD_CHECKS: &[(&Check, DashboardCheckFn)] = &[
    (&checks::target_promql::CHECK, checks::target_promql::check),
    (
        &checks::target_rate_interval::CHECK,
        checks::target_rate_interval::check,
    ),
    (
        &checks::target_job_instance::CHECK,
        checks::target_job_instance::check,
    ),
    (
        &checks::variable_multi_equality::CHECK,
        checks::variable_multi_equality::check,
    ),
    (
        &checks::undefined_variable::CHECK,
        checks::undefined_variable::check,
    ),
    (
        &checks::unused_variable::CHECK,
        checks::unused_variable::check,
    ),
    (
        &checks::histogram_quantile_without_le::CHECK,
        checks::histogram_quantile_without_le::check_dashboard,
    ),
    (
        &checks::counter_without_rate::CHECK,
        checks::counter_without_rate::check_dashboard,
    ),
    (
        &checks::rate_window_too_short::CHECK,
        checks::rate_window_too_short::check_dashboard,
    ),
    (
        &checks::regex_smells::CHECK,
        checks::regex_smells::check_dashboard,
    ),
    (
        &checks::selector_matches_nothing::CHECK,
        checks::selector_matches_nothing::check_dashboard,
    ),
    (
        &checks::panel_no_targets::CHECK,
        checks::panel_no_targets::check,
    ),
    (
        &checks::panel_title_description::CHECK,
        checks::panel_title_description::check,
    ),
    (&checks::panel_units::CHECK, checks::panel_units::check),
    (&checks::legacy_panel::CHECK, checks::legacy_panel::check),
    (
        &checks::legacy_panel_alert::CHECK,
        checks::legacy_panel_alert::check,
    ),
    (
        &checks::duplicate_panel_id::CHECK,
        checks::duplicate_panel_id::check,
    ),
    (
        &checks::missing_uid_or_title::CHECK,
        checks::missing_uid_or_title::check,
    ),
    (
        &checks::datasource_bare_name::CHECK,
        checks::datasource_bare_name::check,
    ),
    (
        &checks::hard_coded_datasource::CHECK,
        checks::hard_coded_datasource::check,
    ),
    (
        &checks::template_datasource::CHECK,
        checks::template_datasource::check,
    ),
    (
        &checks::template_job_instance::CHECK,
        checks::template_job_instance::check,
    ),
    (
        &checks::variable_refresh::CHECK,
        checks::variable_refresh::check,
    ),
    (
        &checks::editable_dashboard::CHECK,
        checks::editable_dashboard::check,
    ),
];

/// Checks across all the files of a run, after each file's own checks.
pub static WORKSPACE_CHECKS: &[(&Check, WorkspaceCheckFn)] = &[
    (
        &checks::recording_rule_undefined::CHECK,
        checks::recording_rule_undefined::check,
    ),
    (
        &checks::panel_threshold_mismatch::CHECK,
        checks::panel_threshold_mismatch::check,
    ),
    (
        &checks::alert_test_unknown_alert::CHECK,
        checks::alert_test_unknown_alert::check,
    ),
    (
        &checks::alert_untested::CHECK,
        checks::alert_untested::check,
    ),
    (
        &checks::test_rule_files_missing::CHECK,
        checks::test_rule_files_missing::check,
    ),
    (
        &checks::alert_reaches_only_default::CHECK,
        checks::alert_reaches_only_default::check,
    ),
    (
        &checks::route_matcher_unknown_value::CHECK,
        checks::route_matcher_unknown_value::check,
    ),
    (
        &checks::grouping_label_missing::CHECK,
        checks::grouping_label_missing::check,
    ),
    (
        &checks::receiver_unreached::CHECK,
        checks::receiver_unreached::check,
    ),
    (
        &checks::inhibit_rule_never_applies::CHECK,
        checks::inhibit_rule_never_applies::check,
    ),
];

/// Checks run over a loaded Alertmanager configuration.
pub static ALERTMANAGER_CHECKS: &[(&Check, AlertmanagerCheckFn)] = &[
    (
        &checks::template_file_missing::CHECK,
        checks::template_file_missing::check,
    ),
    (
        &checks::notification_template_syntax::CHECK,
        checks::notification_template_syntax::check,
    ),
    (
        &checks::route_unreachable::CHECK,
        checks::route_unreachable::check,
    ),
    (
        &checks::route_shadowed::CHECK,
        checks::route_shadowed::check,
    ),
    (
        &checks::useless_continue::CHECK,
        checks::useless_continue::check,
    ),
    (
        &checks::deprecated_match::CHECK,
        checks::deprecated_match::check,
    ),
    (
        &checks::empty_receiver::CHECK,
        checks::empty_receiver::check,
    ),
    (
        &checks::unused_receiver::CHECK,
        checks::unused_receiver::check,
    ),
    (
        &checks::plaintext_secret::CHECK,
        checks::plaintext_secret::check,
    ),
    (
        &checks::inhibit_rule_without_equal::CHECK,
        checks::inhibit_rule_without_equal::check,
    ),
    (
        &checks::inhibit_rule_too_broad::CHECK,
        checks::inhibit_rule_too_broad::check,
    ),
    (
        &checks::circular_inhibition::CHECK,
        checks::circular_inhibition::check,
    ),
    (&checks::route_timing::CHECK, checks::route_timing::check),
    (
        &checks::time_interval_never_active::CHECK,
        checks::time_interval_never_active::check,
    ),
    (
        &checks::route_nesting_too_deep::CHECK,
        checks::route_nesting_too_deep::check,
    ),
];

/// Checks the loaders report themselves.
pub static LOADER_CHECKS: &[&Check] = &[
    &checks::yaml_syntax::CHECK,
    &checks::unknown_key::CHECK,
    &checks::duplicate_key::CHECK,
    &checks::wrong_type::CHECK,
    &checks::ignored_document::CHECK,
    &checks::invalid_config::CHECK,
    &checks::invalid_suppression::CHECK,
    &checks::unused_suppression::CHECK,
    &checks::alertmanager_unknown_key::CHECK,
    &checks::alertmanager_duplicate_key::CHECK,
    &checks::alertmanager_wrong_type::CHECK,
    &checks::alertmanager_invalid_matcher::CHECK,
    &checks::alertmanager_invalid_route::CHECK,
    &checks::alertmanager_invalid_receiver::CHECK,
    &checks::alertmanager_invalid_value::CHECK,
    &checks::matcher_parser_fallback::CHECK,
    &checks::unrendered_template::CHECK,
    &checks::dashboard_invalid::CHECK,
    &checks::duplicate_json_key::CHECK,
];

/// Every check, sorted by code.
pub fn all_checks() -> Vec<&'static Check> {
    let mut all: Vec<&'static Check> = LOADER_CHECKS
        .iter()
        .copied()
        .chain(RULE_CHECKS.iter().map(|(check, _)| *check))
        .chain(DASHBOARD_CHECKS.iter().map(|(check, _)| *check))
        .chain(WORKSPACE_CHECKS.iter().map(|(check, _)| *check))
        .chain(ALERTMANAGER_CHECKS.iter().map(|(check, _)| *check))
        .collect();
    all.sort_by_key(|check| check.code);
    // The PromQL checks shared by rules and dashboards are listed twice.
    all.dedup_by_key(|check| check.code);
    all
}

/// Looks a check up by code or name.
pub fn find(code_or_name: &str) -> Option<&'static Check> {
    all_checks()
        .into_iter()
        .find(|c| c.code == code_or_name || c.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let all = all_checks();
        for pair in all.windows(2) {
            assert_ne!(pair[0].code, pair[1].code, "duplicate code");
        }
        let mut names: Vec<&str> = all.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "duplicate name");
        for check in all {
            assert!(
                check
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                check.name
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    check.doc.contains(heading),
                    "{} lacks {heading}",
                    check.name
                );
            }
        }
    }
}
