//! Metric and label name rules, which depend on the targeted version: Prometheus
//! 3 accepts any non-empty UTF-8 name, 2.x only the legacy character set.

use crate::Version;

fn is_legacy_name(name: &str, allow_colon: bool) -> bool {
    let mut chars = name.chars();
    let valid_first = |c: char| c.is_ascii_alphabetic() || c == '_' || (allow_colon && c == ':');
    let valid_rest = |c: char| valid_first(c) || c.is_ascii_digit();
    chars.next().is_some_and(valid_first) && chars.all(valid_rest)
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`, the name every Prometheus version accepts.
pub fn is_legacy_label_name(name: &str) -> bool {
    is_legacy_name(name, false)
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`, the metric name every Prometheus version accepts.
pub fn is_legacy_metric_name(name: &str) -> bool {
    is_legacy_name(name, true)
}

/// Whether `version` accepts `name` as a label name.
pub fn is_valid_label_name(name: &str, version: Version) -> bool {
    if version.is_prometheus_3() {
        !name.is_empty()
    } else {
        is_legacy_label_name(name)
    }
}

/// Whether `version` accepts `name` as a metric name (a `record:` value).
pub fn is_valid_metric_name(name: &str, version: Version) -> bool {
    if version.is_prometheus_3() {
        !name.is_empty()
    } else {
        is_legacy_metric_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_and_utf8_names() {
        let v2 = Version::new(2, 42);
        let v3 = Version::new(3, 0);
        assert!(is_valid_label_name("job", v2));
        assert!(!is_valid_label_name("1abc", v2));
        assert!(!is_valid_label_name("a-b", v2));
        assert!(is_valid_label_name("a-b", v3));
        assert!(!is_valid_label_name("", v3));
        assert!(is_valid_metric_name("job:http_requests:rate5m", v2));
        assert!(!is_valid_label_name("a:b", v2));
        assert!(!is_valid_metric_name("a.b", v2));
        assert!(is_valid_metric_name("a.b", v3));
    }
}
