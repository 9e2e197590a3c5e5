//! What Prometheus puts in scope for alert templates, per version, and the
//! parse check `promtool check rules` runs on alert labels and annotations.

use std::sync::OnceLock;

use monlint_core::Version;

use crate::{ParseConfig, Template, TemplateError, parse};

/// Alert templates are named `__alert_<alertname>` in Go's error messages.
pub const ALERT_TEMPLATE_NAME_PREFIX: &str = "__alert_";

/// The functions Go's `text/template` always provides.
pub const GO_BUILTIN_FUNCTIONS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Prometheus' text-template functions with the release that introduced each.
/// `tmpl` exists only for HTML console templates, so alert templates never see it.
const TEMPLATE_FUNCTIONS: &[(&str, Version)] = &[
    ("args", Version::new(2, 0)),
    ("externalURL", Version::new(2, 0)),
    ("first", Version::new(2, 0)),
    ("graphLink", Version::new(2, 0)),
    ("humanize", Version::new(2, 0)),
    ("humanize1024", Version::new(2, 0)),
    ("humanizeDuration", Version::new(2, 0)),
    ("humanizeTimestamp", Version::new(2, 0)),
    ("label", Version::new(2, 0)),
    ("match", Version::new(2, 0)),
    ("pathPrefix", Version::new(2, 0)),
    ("query", Version::new(2, 0)),
    ("reReplaceAll", Version::new(2, 0)),
    ("safeHtml", Version::new(2, 0)),
    ("sortByLabel", Version::new(2, 0)),
    ("strvalue", Version::new(2, 0)),
    ("tableLink", Version::new(2, 0)),
    ("title", Version::new(2, 0)),
    ("toLower", Version::new(2, 0)),
    ("toUpper", Version::new(2, 0)),
    ("value", Version::new(2, 0)),
    ("humanizePercentage", Version::new(2, 11)),
    ("parseDuration", Version::new(2, 32)),
    ("stripPort", Version::new(2, 33)),
    ("stripDomain", Version::new(2, 36)),
    ("toTime", Version::new(2, 38)),
    ("now", Version::new(3, 6)),
    ("toDuration", Version::new(3, 6)),
    ("urlQueryEscape", Version::new(3, 8)),
];

/// The releases at which the function set changed, oldest first; one cached list each.
const FUNCTION_SET_RELEASES: [Version; 8] = [
    Version::new(2, 0),
    Version::new(2, 11),
    Version::new(2, 32),
    Version::new(2, 33),
    Version::new(2, 36),
    Version::new(2, 38),
    Version::new(3, 6),
    Version::new(3, 8),
];

/// The functions an alert template may call in `version`, Go's builtins included.
pub fn prometheus_functions(version: Version) -> &'static [&'static str] {
    static SETS: [OnceLock<Vec<&'static str>>; FUNCTION_SET_RELEASES.len()] =
        [const { OnceLock::new() }; FUNCTION_SET_RELEASES.len()];
    let index = FUNCTION_SET_RELEASES
        .iter()
        .rposition(|release| *release <= version)
        .unwrap_or(0);
    let release = FUNCTION_SET_RELEASES[index];
    SETS[index].get_or_init(|| {
        let prometheus = TEMPLATE_FUNCTIONS
            .iter()
            .filter(|(_, since)| *since <= release)
            .map(|(name, _)| *name);
        GO_BUILTIN_FUNCTIONS
            .iter()
            .copied()
            .chain(prometheus)
            .collect()
    })
}

/// The variables Prometheus' prelude declares before an alert template, each
/// bound to the data field of the same meaning:
/// `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}`
/// (`$externalURL` since 2.28). promtool checks templates since 2.5.
pub fn prelude_variables(version: Version) -> &'static [&'static str] {
    if version >= Version::new(2, 28) {
        &["$labels", "$externalLabels", "$externalURL", "$value"]
    } else {
        &["$labels", "$externalLabels", "$value"]
    }
}

/// What promtool does for an alerting rule's label or annotation value: parse
/// it after Prometheus' prelude, with the function set of `version`.
///
/// The prelude holds no newline, so line numbers are those of `value`, and the
/// error span is relative to `value`. The prelude is not part of the returned
/// template; its variables are those of [`prelude_variables`]. One difference
/// with promtool: a `{{define}}` of the alert's own template name is not
/// reported, since the alert name is not known here.
pub fn check_prometheus_alert_template(
    value: &str,
    version: Version,
) -> Result<Template, TemplateError> {
    let config = ParseConfig {
        functions: prometheus_functions(version),
        variables: prelude_variables(version),
    };
    parse(value, &config)
}
