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

/// Words that put the things a `_total` counts in a current state (`_open_files_total`,
/// `_active_handles_total`, `_pending_requests_total`): what is open now, not what was
/// ever opened.
const STATE_WORDS: &[&str] = &[
    "open",
    "active",
    "pending",
    "running",
    "current",
    "registered",
    "unapplied",
    "inflight",
    "idle",
    "draining",
    "queued",
    "waiting",
    "connected",
    "online",
    "offline",
    "alive",
    "used",
    "free",
    "available",
    "busy",
    "blocked",
    "ready",
    "healthy",
    "unhealthy",
];

/// Things (not events) whose number a gauge reports as `x_total`: users, hosts, shards, …
/// Events (requests, errors, jobs run, connections made) are left out, and so are the
/// words that name both.
const OBJECT_WORDS: &[&str] = &[
    "user",
    "team",
    "organization",
    "org",
    "project",
    "host",
    "node",
    "pod",
    "session",
    "bucket",
    "database",
    "db",
    "shard",
    "collection",
    "chunk",
    "index",
    "indice",
    "table",
    "member",
    "repository",
    "repo",
    "artifact",
    "dashboard",
    "schedule",
    "template",
    "inventory",
    "inventorie",
    "remote",
    "replica",
    "partition",
    "topic",
    "volume",
    "disk",
    "client",
    "consumer",
    "worker",
    "thread",
    "goroutine",
    "handle",
    "manager",
    "instance",
    "pg",
    "object",
    "key",
    "item",
    "certificate",
    "device",
    "service",
    "endpoint",
    "target",
    "scraper",
    "agent",
    "license",
    "namespace",
    "cluster",
    "account",
    "tenant",
    "memory",
    "capacity",
    "status",
    "state",
];

/// Whether a `_total` name reads as the number of things that exist or are in a state
/// now, a gauge despite its suffix (`awx_users_total`, `mongodb_shards_total`,
/// `nodejs_active_handles_total`, `host_memory_total`). A guess, for silence only: a
/// unit (`_seconds_total`, `_bytes_total`) keeps the name a counter.
pub fn counts_objects(name: &str) -> bool {
    let Some(stem) = name.strip_suffix("_total") else {
        return false;
    };
    if has_nonnegative_unit(name) {
        return false;
    }
    let words: Vec<String> = stem
        .split('_')
        .map(|word| word.to_ascii_lowercase())
        .collect();
    let Some(last) = words.last() else {
        return false;
    };
    let singular = last
        .strip_suffix("es")
        .filter(|s| s.ends_with('x') || s.ends_with("ss"))
        .or_else(|| last.strip_suffix('s'))
        .unwrap_or(last);
    let is_state = |word: &String| STATE_WORDS.contains(&word.as_str());
    // A participle names what happened to the things: `evicted_keys_total` counts evictions.
    let names_an_event = words
        .iter()
        .any(|word| word.ends_with("ed") && !is_state(word));
    !names_an_event
        && (words.iter().any(is_state)
            || OBJECT_WORDS.contains(&last.as_str())
            || OBJECT_WORDS.contains(&singular))
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
    fn totals_of_things_in_a_state_are_not_events() {
        for gauge in [
            "awx_users_total",
            "mongodb_mongos_sharding_shards_total",
            "influxdb_buckets_total",
            "ceph_pg_total",
            "service_sessions_total",
            "nodejs_active_handles_total",
            "app_open_files_total",
            "repo_pending_request_total",
            "app_indexes_total",
            "nomad_client_host_memory_total",
        ] {
            assert!(counts_objects(gauge), "{gauge}");
        }
        for counter in [
            "http_requests_total",
            "app_errors_total",
            "grpc_server_handled_total",
            "app_sessions_seconds_total",
            "cache_hits_total",
            "jobs_total",
            "db_connections_total",
            "node_cpu_seconds_total",
            "redis_evicted_keys_total",
            "users_created_total",
        ] {
            assert!(!counts_objects(counter), "{counter}");
        }
    }

    #[test]
    fn units_are_read_before_counter_suffixes() {
        assert!(has_nonnegative_unit("http_request_duration_seconds_bucket"));
        assert!(has_nonnegative_unit("process_resident_memory_bytes"));
        assert!(!has_nonnegative_unit("temperature_celsius"));
    }
}
