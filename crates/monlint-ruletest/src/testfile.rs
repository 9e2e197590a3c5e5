//! The promtool unit-test file: its model, and a reader that accepts and refuses what
//! promtool's go-yaml v2 `UnmarshalStrict` does, with the same error texts
//! (`yaml: unmarshal errors:` + `line N: field x not found in type main.testGroup`).

use std::collections::BTreeMap;

use monlint_core::yaml::{self, Node, NodeKind, ScalarStyle};
use monlint_core::{Duration, SourceFile, Span, Version};

/// A whole test file.
#[derive(Clone, Debug, Default)]
pub struct TestFile {
    pub rule_files: Vec<String>,
    /// 0 when not given; the runner defaults it to one minute.
    pub evaluation_interval_ms: i64,
    pub group_eval_order: Vec<String>,
    pub tests: Vec<TestGroup>,
    pub fuzzy_compare: bool,
}

/// One entry of `tests`.
#[derive(Clone, Debug, Default)]
pub struct TestGroup {
    pub name: String,
    /// 0 when not given.
    pub interval_ms: i64,
    pub input_series: Vec<InputSeries>,
    pub alert_rule_test: Vec<AlertTest>,
    pub promql_expr_test: Vec<ExprTest>,
    pub external_labels: BTreeMap<String, String>,
    pub external_url: String,
    /// Milliseconds since the epoch, when given.
    pub start_timestamp_ms: Option<i64>,
    /// Where the group is written, for reports beyond promtool's.
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct InputSeries {
    pub series: String,
    pub values: String,
}

#[derive(Clone, Debug, Default)]
pub struct AlertTest {
    pub eval_time_ms: i64,
    pub alertname: String,
    pub exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Clone, Debug, Default)]
pub struct ExpectedAlert {
    pub exp_labels: BTreeMap<String, String>,
    pub exp_annotations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default)]
pub struct ExprTest {
    pub expr: String,
    pub eval_time_ms: i64,
    pub exp_samples: Vec<ExpectedSample>,
}

#[derive(Clone, Debug, Default)]
pub struct ExpectedSample {
    pub labels: String,
    pub value: f64,
    /// A native histogram in series notation; non-empty means `value` is ignored.
    pub histogram: String,
}

/// Reads a test file as promtool of `version` would (always strictly: promtool's
/// `--ignore-unknown-fields` is about rule files). The error is promtool's text.
pub fn read_test_file(source: &SourceFile, version: Version) -> Result<TestFile, String> {
    let (documents, error) = yaml::parse_stream(&source.text, &yaml::Limits::default());
    if let Some(error) = error {
        let line = source.line_col(error.span.start).line;
        return Err(format!("yaml: line {line}: {}", error.message));
    }
    let mut decoder = Decoder {
        source,
        version,
        errors: Vec::new(),
    };
    let mut file = TestFile::default();
    if let Some(document) = documents.first() {
        decoder.test_file(&document.root, &mut file)?;
    }
    if decoder.errors.is_empty() {
        Ok(file)
    } else {
        Err(format!(
            "yaml: unmarshal errors:\n  {}",
            decoder.errors.join("\n  ")
        ))
    }
}

/// A field and the first promtool version that knows it.
struct Field {
    name: &'static str,
    since: Version,
}

const fn field(name: &'static str, major: u16, minor: u16) -> Field {
    Field {
        name,
        since: Version::new(major, minor),
    }
}

const ALWAYS: (u16, u16) = (2, 0);

const FILE_FIELDS: &[Field] = &[
    field("rule_files", ALWAYS.0, ALWAYS.1),
    field("evaluation_interval", ALWAYS.0, ALWAYS.1),
    field("group_eval_order", ALWAYS.0, ALWAYS.1),
    field("tests", ALWAYS.0, ALWAYS.1),
    field("fuzzy_compare", 3, 5),
];

const GROUP_FIELDS: &[Field] = &[
    field("interval", ALWAYS.0, ALWAYS.1),
    field("input_series", ALWAYS.0, ALWAYS.1),
    field("alert_rule_test", ALWAYS.0, ALWAYS.1),
    field("promql_expr_test", ALWAYS.0, ALWAYS.1),
    field("external_labels", ALWAYS.0, ALWAYS.1),
    field("external_url", ALWAYS.0, ALWAYS.1),
    field("name", ALWAYS.0, ALWAYS.1),
    field("start_timestamp", 3, 9),
];

const SERIES_FIELDS: &[Field] = &[
    field("series", ALWAYS.0, ALWAYS.1),
    field("values", ALWAYS.0, ALWAYS.1),
];

const ALERT_TEST_FIELDS: &[Field] = &[
    field("eval_time", ALWAYS.0, ALWAYS.1),
    field("alertname", ALWAYS.0, ALWAYS.1),
    field("exp_alerts", ALWAYS.0, ALWAYS.1),
];

const ALERT_FIELDS: &[Field] = &[
    field("exp_labels", ALWAYS.0, ALWAYS.1),
    field("exp_annotations", ALWAYS.0, ALWAYS.1),
];

const EXPR_TEST_FIELDS: &[Field] = &[
    field("expr", ALWAYS.0, ALWAYS.1),
    field("eval_time", ALWAYS.0, ALWAYS.1),
    field("exp_samples", ALWAYS.0, ALWAYS.1),
];

const SAMPLE_FIELDS: &[Field] = &[
    field("labels", ALWAYS.0, ALWAYS.1),
    field("value", ALWAYS.0, ALWAYS.1),
    field("histogram", 2, 47),
];

/// go-yaml v2's decoder: type errors collect, a custom unmarshaler's error (a bad
/// duration) ends the read at once.
struct Decoder<'a> {
    source: &'a SourceFile,
    version: Version,
    errors: Vec<String>,
}

type Fatal = String;

impl Decoder<'_> {
    fn line(&self, node: &Node) -> u32 {
        self.source.line_col(node.span.start).line
    }

    /// go-yaml's `cannot unmarshal !!str `abc` into float64`.
    fn type_error(&mut self, node: &Node, go_type: &str) {
        let tag = node.yaml_tag();
        let value = match &node.kind {
            NodeKind::Scalar(scalar) => {
                let text = &scalar.value;
                if text.len() > 10 {
                    let mut cut = 7;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    format!(" `{}...`", &text[..cut])
                } else {
                    format!(" `{text}`")
                }
            }
            _ => String::new(),
        };
        let line = self.line(node);
        self.errors.push(format!(
            "line {line}: cannot unmarshal {tag}{value} into {go_type}"
        ));
    }

    /// Walks a mapping read into a Go struct, calling `read` for each known field.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        go_type: &str,
        known: &[Field],
        mut read: impl FnMut(&mut Self, &str, &'n Node) -> Result<(), Fatal>,
    ) -> Result<(), Fatal> {
        let entries = match &node.kind {
            NodeKind::Mapping(entries) => entries,
            _ if node.is_null() => return Ok(()),
            _ => {
                self.type_error(node, go_type);
                return Ok(());
            }
        };
        let mut seen: Vec<&str> = Vec::new();
        for entry in entries {
            let name = entry.key.as_str().unwrap_or_default();
            let is_known = known
                .iter()
                .any(|f| f.name == name && self.version >= f.since);
            let line = self.line(&entry.key);
            if !is_known {
                self.errors.push(format!(
                    "line {line}: field {name} not found in type {go_type}"
                ));
                continue;
            }
            if seen.contains(&name) {
                self.errors.push(format!(
                    "line {line}: field {name} already set in type {go_type}"
                ));
                continue;
            }
            seen.push(name);
            read(self, name, &entry.value)?;
        }
        Ok(())
    }

    fn sequence<'n>(
        &mut self,
        node: &'n Node,
        go_type: &str,
        mut read: impl FnMut(&mut Self, &'n Node) -> Result<(), Fatal>,
    ) -> Result<(), Fatal> {
        match &node.kind {
            NodeKind::Sequence(items) => items.iter().try_for_each(|item| read(self, item)),
            _ if node.is_null() => Ok(()),
            _ => {
                self.type_error(node, go_type);
                Ok(())
            }
        }
    }

    /// Any scalar reads into a Go string as written; null leaves it empty.
    fn string(&mut self, node: &Node) -> String {
        match &node.kind {
            _ if node.is_null() => String::new(),
            NodeKind::Scalar(scalar) => scalar.value.clone(),
            _ => {
                self.type_error(node, "string");
                String::new()
            }
        }
    }

    fn string_map(&mut self, node: &Node) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        let entries = match &node.kind {
            NodeKind::Mapping(entries) => entries,
            _ if node.is_null() => return map,
            _ => {
                self.type_error(node, "map[string]string");
                return map;
            }
        };
        for entry in entries {
            if !matches!(entry.key.kind, NodeKind::Scalar(_)) {
                self.type_error(&entry.key, "string");
                continue;
            }
            let key = self.string(&entry.key);
            let value = self.string(&entry.value);
            if map.contains_key(&key) {
                let line = self.line(node);
                self.errors
                    .push(format!("line {line}: key {key:?} already set in map"));
                continue;
            }
            map.insert(key, value);
        }
        map
    }

    /// `model.Duration`: read as a string, then parsed; a bad one ends the read.
    fn duration(&mut self, node: &Node) -> Result<i64, Fatal> {
        let text = self.string(node);
        let parsed = Duration::parse(&text).map_err(|e| e.to_string())?;
        i64::try_from(parsed.millis())
            .map_err(|_| format!("invalid duration {text:?}: out of range"))
    }

    fn float(&mut self, node: &Node) -> f64 {
        if node.is_null() {
            return 0.0;
        }
        let plain = match &node.kind {
            NodeKind::Scalar(scalar)
                if scalar.style == ScalarStyle::Plain && node.tag.is_none() =>
            {
                Some(scalar.value.as_str())
            }
            _ => None,
        };
        match plain.and_then(yaml11_number) {
            Some(value) => value,
            None => {
                self.type_error(node, "float64");
                0.0
            }
        }
    }

    fn bool(&mut self, node: &Node) -> bool {
        if node.is_null() {
            return false;
        }
        let plain = match &node.kind {
            NodeKind::Scalar(scalar)
                if scalar.style == ScalarStyle::Plain && node.tag.is_none() =>
            {
                Some(scalar.value.as_str())
            }
            _ => None,
        };
        match plain.and_then(yaml11_bool) {
            Some(value) => value,
            None => {
                self.type_error(node, "bool");
                false
            }
        }
    }

    fn test_file(&mut self, root: &Node, file: &mut TestFile) -> Result<(), Fatal> {
        self.fields(root, "main.unitTestFile", FILE_FIELDS, |d, name, value| {
            match name {
                "rule_files" => d.sequence(value, "[]string", |d, item| {
                    let text = d.string(item);
                    file.rule_files.push(text);
                    Ok(())
                })?,
                "evaluation_interval" => file.evaluation_interval_ms = d.duration(value)?,
                "group_eval_order" => d.sequence(value, "[]string", |d, item| {
                    let text = d.string(item);
                    file.group_eval_order.push(text);
                    Ok(())
                })?,
                "tests" => d.sequence(value, "[]main.testGroup", |d, item| {
                    let mut group = TestGroup {
                        span: item.span,
                        ..TestGroup::default()
                    };
                    d.test_group(item, &mut group)?;
                    file.tests.push(group);
                    Ok(())
                })?,
                "fuzzy_compare" => file.fuzzy_compare = d.bool(value),
                _ => {}
            }
            Ok(())
        })
    }

    fn test_group(&mut self, node: &Node, group: &mut TestGroup) -> Result<(), Fatal> {
        self.fields(node, "main.testGroup", GROUP_FIELDS, |d, name, value| {
            match name {
                "interval" => group.interval_ms = d.duration(value)?,
                "input_series" => d.sequence(value, "[]main.series", |d, item| {
                    let mut series = InputSeries::default();
                    d.fields(item, "main.series", SERIES_FIELDS, |d, name, value| {
                        let text = d.string(value);
                        if name == "series" {
                            series.series = text;
                        } else {
                            series.values = text;
                        }
                        Ok(())
                    })?;
                    group.input_series.push(series);
                    Ok(())
                })?,
                "alert_rule_test" => d.sequence(value, "[]main.alertTestCase", |d, item| {
                    let mut test = AlertTest::default();
                    d.alert_test(item, &mut test)?;
                    group.alert_rule_test.push(test);
                    Ok(())
                })?,
                "promql_expr_test" => d.sequence(value, "[]main.promqlTestCase", |d, item| {
                    let mut test = ExprTest::default();
                    d.expr_test(item, &mut test)?;
                    group.promql_expr_test.push(test);
                    Ok(())
                })?,
                "external_labels" => group.external_labels = d.string_map(value),
                "external_url" => group.external_url = d.string(value),
                "name" => group.name = d.string(value),
                "start_timestamp" => {
                    let text = d.string(value);
                    group.start_timestamp_ms = Some(parse_start_time(&text)?);
                }
                _ => {}
            }
            Ok(())
        })
    }

    fn alert_test(&mut self, node: &Node, test: &mut AlertTest) -> Result<(), Fatal> {
        self.fields(
            node,
            "main.alertTestCase",
            ALERT_TEST_FIELDS,
            |d, name, value| {
                match name {
                    "eval_time" => test.eval_time_ms = d.duration(value)?,
                    "alertname" => test.alertname = d.string(value),
                    _ => d.sequence(value, "[]main.alert", |d, item| {
                        let mut alert = ExpectedAlert::default();
                        d.fields(item, "main.alert", ALERT_FIELDS, |d, name, value| {
                            let map = d.string_map(value);
                            if name == "exp_labels" {
                                alert.exp_labels = map;
                            } else {
                                alert.exp_annotations = map;
                            }
                            Ok(())
                        })?;
                        test.exp_alerts.push(alert);
                        Ok(())
                    })?,
                }
                Ok(())
            },
        )
    }

    fn expr_test(&mut self, node: &Node, test: &mut ExprTest) -> Result<(), Fatal> {
        self.fields(
            node,
            "main.promqlTestCase",
            EXPR_TEST_FIELDS,
            |d, name, value| {
                match name {
                    "expr" => test.expr = d.string(value),
                    "eval_time" => test.eval_time_ms = d.duration(value)?,
                    _ => d.sequence(value, "[]main.sample", |d, item| {
                        let mut sample = ExpectedSample::default();
                        d.fields(item, "main.sample", SAMPLE_FIELDS, |d, name, value| {
                            match name {
                                "labels" => sample.labels = d.string(value),
                                "value" => sample.value = d.float(value),
                                _ => sample.histogram = d.string(value),
                            }
                            Ok(())
                        })?;
                        test.exp_samples.push(sample);
                        Ok(())
                    })?,
                }
                Ok(())
            },
        )
    }
}

/// A plain scalar read as a number the way go-yaml v2 resolves it (YAML 1.1):
/// integers with `_`, `0x`, `0o`, octal `0…`, `0b`; decimal floats; `.inf`, `.nan`.
fn yaml11_number(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(value) = go_parse_int_base0(&plain) {
        return Some(value);
    }
    let float_style = regex_lite_float(&plain);
    if float_style {
        return plain.parse::<f64>().ok();
    }
    None
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml's float shape.
fn regex_lite_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)` (then `ParseUint`), as a float.
fn go_parse_int_base0(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    let value = magnitude as f64;
    if negative {
        // Go parses an int64 first and converts it, so `-0` is plain zero, never -0.0.
        (magnitude <= 1 << 63).then_some(if magnitude == 0 { 0.0 } else { -value })
    } else {
        Some(value)
    }
}

fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// promtool's `parseTime`: Unix seconds (fractions to the millisecond) or RFC 3339.
fn parse_start_time(text: &str) -> Result<i64, Fatal> {
    let invalid = || format!("cannot parse {text:?} to a valid timestamp");
    if let Ok(seconds) = text.parse::<f64>() {
        if !seconds.is_finite() || seconds.abs() > 9.2e15 {
            return Err(invalid());
        }
        let whole = seconds.trunc();
        let fraction = ((seconds - whole) * 1000.0).round();
        return Ok(whole as i64 * 1000 + fraction as i64);
    }
    parse_rfc3339(text).ok_or_else(invalid)
}

/// `2006-01-02T15:04:05.999999999Z07:00` to milliseconds since the epoch.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't')
    {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = &rest[1..];
            if zone.len() != 5 || zone.as_bytes()[2] != b':' {
                return None;
            }
            let hours: i64 = zone[..2].parse().ok()?;
            let minutes: i64 = zone[3..].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_integers_read_as_plain_zero() {
        // promtool prints `0E+00` for an expected `value: -0`; `-0.0` stays negative.
        assert!(yaml11_number("-0").is_some_and(|v| v == 0.0 && v.is_sign_positive()));
        assert!(yaml11_number("-00").is_some_and(|v| v.is_sign_positive()));
        assert!(yaml11_number("-0.0").is_some_and(f64::is_sign_negative));
    }

    fn read(text: &str, version: Version) -> Result<TestFile, String> {
        read_test_file(&SourceFile::new("t.yml", text), version)
    }

    #[test]
    fn unknown_fields_report_like_go_yaml_v2() {
        let text = "tests:\n  - start_timestamp: 10\n    promql_expr_test:\n      - expr: x\n        exp_samples:\n          - histogram: '{{}}'\nfuzzy_compare: true\n";
        let error = read(text, Version::new(2, 42)).unwrap_err();
        assert_eq!(
            error,
            "yaml: unmarshal errors:\n  line 2: field start_timestamp not found in type main.testGroup\n  line 6: field histogram not found in type main.sample\n  line 7: field fuzzy_compare not found in type main.unitTestFile"
        );
        assert!(read(text, Version::new(3, 9)).is_ok());
    }

    #[test]
    fn values_resolve_as_yaml_1_1() {
        let text = "tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: 0x10\n          - value: 1_000\n          - value: .inf\n          - value: 010\n";
        let file = read(text, Version::new(2, 42)).unwrap();
        let values: Vec<f64> = file.tests[0].promql_expr_test[0]
            .exp_samples
            .iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(values, vec![16.0, 1000.0, f64::INFINITY, 8.0]);
        let error = read(
            "tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: Inf\n",
            Version::new(2, 42),
        )
        .unwrap_err();
        assert!(
            error.ends_with("line 4: cannot unmarshal !!str `Inf` into float64"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_duration_ends_the_read() {
        let error = read("evaluation_interval: 1x\n", Version::new(2, 42)).unwrap_err();
        assert_eq!(error, "not a valid duration string: \"1x\"");
    }

    #[test]
    fn start_timestamps_read_unix_seconds_and_rfc3339() {
        assert_eq!(parse_start_time("1.5").unwrap(), 1500);
        assert_eq!(
            parse_start_time("2024-01-01T00:00:00Z").unwrap(),
            1_704_067_200_000
        );
        assert_eq!(
            parse_start_time("2024-01-01T01:00:00.250+01:00").unwrap(),
            1_704_067_200_250
        );
        assert!(parse_start_time("yesterday").is_err());
    }
}
