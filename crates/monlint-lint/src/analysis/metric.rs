//! What a metric's name says about it, by the Prometheus naming conventions.
//! These are guesses: checks built on them report warnings, never errors.

use monlint_promql::ast::{LabelMatcher, MatchOp, VectorSelector};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// `_total`: a counter.
    Counter,
    /// `_count` or `_sum`: the counters of a histogram or summary.
    HistogramCount,
    HistogramSum,
    /// `_bucket`: a histogram's cumulative bucket counters.
    Bucket,
    /// `_info`: a constant 1 carrying labels.
    Info,
    /// `_ratio`: a fraction, usually in [0, 1].
    Ratio,
    /// `_percent` / `_percentage`: a value in percent.
    Percent,
    /// Anything else: a gauge, or unknown.
    Other,
}

impl MetricKind {
    pub fn from_name(name: &str) -> MetricKind {
        // A recording rule's name (`level:metric:operations`) ends in what was done to
        // the metric: `job:http_requests_total:rate5m` is a rate, not a counter.
        if let Some((_, operations)) = name.rsplit_once(':') {
            return if operations.contains("ratio") {
                MetricKind::Ratio
            } else {
                MetricKind::Other
            };
        }
        let metric = name;
        if metric.ends_with("_total") {
            MetricKind::Counter
        } else if metric.ends_with("_count") {
            MetricKind::HistogramCount
        } else if metric.ends_with("_sum") {
            MetricKind::HistogramSum
        } else if metric.ends_with("_bucket") {
            MetricKind::Bucket
        } else if metric.ends_with("_info") {
            MetricKind::Info
        } else if metric.ends_with("_ratio") {
            MetricKind::Ratio
        } else if metric.ends_with("_percent") || metric.ends_with("_percentage") {
            MetricKind::Percent
        } else {
            MetricKind::Other
        }
    }
}

/// Whether a metric name reads as a counter: `_total`, `_bucket`, or the `_count` and
/// `_sum` of a histogram or summary with a unit (`_seconds_count`). A bare `_count` or
/// `_sum` is too often a gauge (`pg_stat_activity_count`, CloudWatch `_sum` statistics).
pub fn is_counter_name(name: &str) -> bool {
    match MetricKind::from_name(name) {
        MetricKind::Counter | MetricKind::Bucket => true,
        MetricKind::HistogramCount | MetricKind::HistogramSum => has_nonnegative_unit(name),
        _ => false,
    }
}

/// Whether a selector's metric reads as a counter.
pub fn selector_is_counter(selector: &VectorSelector) -> bool {
    selector_name(selector).is_some_and(is_counter_name)
}

/// The metric name a selector selects, from its name or a `__name__="..."` matcher.
pub fn selector_name(selector: &VectorSelector) -> Option<&str> {
    selector.name.as_deref().or_else(|| {
        selector
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
            .map(|m| m.value.as_str())
    })
}

/// The kind of a selector's metric, `Other` when the name is not fixed.
pub fn selector_kind(selector: &VectorSelector) -> MetricKind {
    selector_name(selector).map_or(MetricKind::Other, MetricKind::from_name)
}

/// The matchers other than the metric name.
pub fn label_matchers(selector: &VectorSelector) -> impl Iterator<Item = &LabelMatcher> {
    selector.matchers.iter().filter(|m| m.name != "__name__")
}

/// A physical unit the name ends in (`_seconds`, `_bytes`), before any counter suffix.
pub fn has_nonnegative_unit(name: &str) -> bool {
    let base = ["_bucket", "_total", "_count", "_sum"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name);
    base.ends_with("_seconds") || base.ends_with("_bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_suffix_of_the_metric_part() {
        assert_eq!(
            MetricKind::from_name("http_requests_total"),
            MetricKind::Counter
        );
        assert_eq!(
            MetricKind::from_name("request_duration_seconds_bucket"),
            MetricKind::Bucket
        );
        assert_eq!(MetricKind::from_name("build_info"), MetricKind::Info);
        assert_eq!(
            MetricKind::from_name("job:http_requests_total:rate5m"),
            MetricKind::Other
        );
        assert_eq!(
            MetricKind::from_name("job:http_requests_errors:ratio_rate5m"),
            MetricKind::Ratio
        );
        assert_eq!(MetricKind::from_name("node_load1"), MetricKind::Other);
    }

    #[test]
    fn bare_count_and_sum_are_not_counters() {
        assert!(is_counter_name("http_request_duration_seconds_count"));
        assert!(is_counter_name("http_requests_total"));
        assert!(!is_counter_name("pg_stat_activity_count"));
        assert!(!is_counter_name("aws_lambda_errors_sum"));
    }

    #[test]
    fn units_are_read_before_counter_suffixes() {
        assert!(has_nonnegative_unit("http_request_duration_seconds_bucket"));
        assert!(has_nonnegative_unit("process_resident_memory_bytes"));
        assert!(!has_nonnegative_unit("temperature_celsius"));
    }
}
