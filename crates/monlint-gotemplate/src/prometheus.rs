//! What Prometheus puts in scope for alert templates, per version, and the
//! parse check `promtool check rules` runs on alert labels and annotations.

use monlint_core::Version;

use crate::{ParseConfig, Template, TemplateError, parse};

/// Alert templates are named `__alert_<alertname>` in Go's error messages.
pub const ALERT_TEMPLATE_NAME_PREFIX: &str = "__alert_";

/// The functions Go's `text/template` always provides.
pub const GO_BUILTIN_FUNCTIONS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

macro_rules! with_builtins {
    ($($name:literal),* $(,)?) => {
        &[
            "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
            "urlquery", "eq", "ge", "gt", "le", "lt", "ne", $($name),*
        ]
    };
}

// Prometheus' text-template functions, release by release. `tmpl` exists only
// for HTML console templates, so alert templates never see it.
const FUNCTIONS_2_0: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizeTimestamp",
    "label",
    "match",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toUpper",
    "value",
);
const FUNCTIONS_2_11: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toUpper",
    "value",
);
const FUNCTIONS_2_32: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toUpper",
    "value",
);
const FUNCTIONS_2_33: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toUpper",
    "value",
);
const FUNCTIONS_2_36: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "stripDomain",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toUpper",
    "value",
);
const FUNCTIONS_2_38: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "stripDomain",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toTime",
    "toUpper",
    "value",
);
const FUNCTIONS_3_6: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "now",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "stripDomain",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toDuration",
    "toLower",
    "toTime",
    "toUpper",
    "value",
);
const FUNCTIONS_3_8: &[&str] = with_builtins!(
    "args",
    "externalURL",
    "first",
    "graphLink",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "label",
    "match",
    "now",
    "parseDuration",
    "pathPrefix",
    "query",
    "reReplaceAll",
    "safeHtml",
    "sortByLabel",
    "stripDomain",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toDuration",
    "toLower",
    "toTime",
    "toUpper",
    "urlQueryEscape",
    "value",
);

/// The functions of the newest modelled Prometheus release, Go's builtins included.
pub const PROMETHEUS_FUNCTIONS: &[&str] = FUNCTIONS_3_8;

/// The functions an alert template may call in `version`, Go's builtins included.
pub fn prometheus_functions(version: Version) -> &'static [&'static str] {
    let at_least = |major, minor| version >= Version::new(major, minor);
    if at_least(3, 8) {
        FUNCTIONS_3_8
    } else if at_least(3, 6) {
        FUNCTIONS_3_6
    } else if at_least(2, 38) {
        FUNCTIONS_2_38
    } else if at_least(2, 36) {
        FUNCTIONS_2_36
    } else if at_least(2, 33) {
        FUNCTIONS_2_33
    } else if at_least(2, 32) {
        FUNCTIONS_2_32
    } else if at_least(2, 11) {
        FUNCTIONS_2_11
    } else {
        FUNCTIONS_2_0
    }
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
