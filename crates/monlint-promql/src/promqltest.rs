//! A runner for Prometheus' promqltest `.test` scripts (`load`, `clear`,
//! `eval instant`, `eval range`, `expect ...` lines).
//!
//! Each `eval` ends as passed, failed (expected vs got) or skipped with the
//! name of the feature it needs that is not supported yet. Floats compare
//! with a relative epsilon of 1e-6 and NaN equals NaN, as in promqltest.
//! Unlike Prometheus' harness, an instant eval is not re-run as a range
//! query or with `@` injected.

use std::fmt::Write as _;

use monlint_core::{Duration, Version};
use regex::Regex;

use crate::eval::{
    AnnotationKind, EvalError, EvalOptions, Histograms, Labels, Storage, Value,
    instant_query_histograms, range_query_histograms,
};
use crate::parser::{ParseOptions, parse};
use crate::series::{
    NativeHistogram, SeriesValue, compact_buckets, parse_series_line, parse_series_selector,
    parse_values, selector_length,
};

const EPSILON: f64 = 1e-6;

/// How one `eval` ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Passed,
    /// What was expected and what came instead.
    Failed(String),
    /// The unsupported feature that stopped it.
    Skipped(String),
}

/// One `eval` command and its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalReport {
    /// 1-based line of the `eval` command.
    pub line: usize,
    pub expr: String,
    pub outcome: Outcome,
}

/// The outcome of every `eval` of a script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScriptReport {
    pub evals: Vec<EvalReport>,
}

impl ScriptReport {
    fn count(&self, pick: impl Fn(&Outcome) -> bool) -> usize {
        self.evals.iter().filter(|e| pick(&e.outcome)).count()
    }

    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Passed))
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }
}

/// Engine settings promqltest uses: 5m lookback, 10000 samples, 1m
/// subquery step, delayed name removal.
pub fn default_options(version: Version) -> EvalOptions {
    EvalOptions {
        version,
        lookback_delta_ms: 5 * 60 * 1000,
        max_samples: 10_000,
        subquery_step_ms: 60 * 1000,
        delayed_name_removal: true,
    }
}

#[derive(Default)]
struct Expectations {
    fail: Option<Option<MessageMatch>>,
    ordered: bool,
    /// `expect warn` lines, each with its optional message match.
    warn: Vec<Option<MessageMatch>>,
    info: Vec<Option<MessageMatch>>,
    no_warn: bool,
    no_info: bool,
    string: Option<String>,
    range_vector: Option<(i64, i64, i64)>,
    scalar: Option<f64>,
    series: Vec<(Labels, Vec<SeriesValue>)>,
    /// Why the expectations cannot be checked, if they cannot.
    unsupported: Option<String>,
}

enum MessageMatch {
    Exact(String),
    Pattern(String),
}

enum Query {
    Instant(i64),
    Range(i64, i64, i64),
}

fn parse_time(text: &str) -> Result<i64, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let millis = Duration::parse(body)
        .map_err(|_| format!("invalid time {text:?}"))?
        .millis();
    let millis = i64::try_from(millis).map_err(|_| format!("time {text:?} out of range"))?;
    Ok(if negative { -millis } else { millis })
}

fn is_command(line: &str) -> bool {
    let word = line.split_whitespace().next().unwrap_or("");
    matches!(word, "load" | "load_with_nhcb" | "clear") || word.starts_with("eval")
}

/// A newer syntax feature the expression text uses, if any.
fn known_unsupported_syntax(expr: &str) -> Option<&'static str> {
    let checks: [(&str, &str); 8] = [
        ("info(", "info()"),
        ("fill(", "fill modifiers"),
        ("fill_left", "fill modifiers"),
        ("fill_right", "fill modifiers"),
        (" anchored", "extended range selectors"),
        (" smoothed", "extended range selectors"),
        ("step()", "duration expressions"),
        ("start_timestamp(", "start timestamps"),
    ];
    checks
        .iter()
        .find(|(needle, _)| expr.contains(needle))
        .map(|(_, feature)| *feature)
        .or_else(|| {
            (expr.contains("__type__") || expr.contains("__unit__"))
                .then_some("type_and_unit labels")
        })
}

/// Why an expression that does not parse is skipped.
fn unsupported_syntax(expr: &str) -> String {
    known_unsupported_syntax(expr)
        .unwrap_or("duration expressions or other newer syntax")
        .to_owned()
}

/// Runs a script against a fresh storage.
pub fn run_script(text: &str, version: Version) -> ScriptReport {
    let options = default_options(version);
    let parse_options = ParseOptions {
        version,
        experimental_functions: true,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut storage = Storage::new();
    let mut load_problem: Option<Outcome> = None;
    let mut report = ScriptReport::default();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].trim();
        index += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let command = words.next().unwrap_or("");
        let body_start = index;
        while index < lines.len() {
            let next = lines[index].trim();
            if next.is_empty() || (is_command(next) && !lines[index].starts_with([' ', '\t'])) {
                break;
            }
            index += 1;
        }
        let body: Vec<&str> = lines[body_start..index]
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.starts_with('#'))
            .collect();
        match command {
            "clear" => {
                storage.clear();
                load_problem = None;
            }
            "load" | "load_with_nhcb" => {
                let interval = match words.next().map(parse_time) {
                    Some(Ok(interval)) => interval,
                    _ => {
                        load_problem = Some(Outcome::Failed(format!(
                            "line {body_start}: invalid load command {line:?}"
                        )));
                        continue;
                    }
                };
                for series_line in body {
                    match parse_series_line(series_line) {
                        Ok((labels, values)) => {
                            if command == "load_with_nhcb" {
                                load_custom_bucket_markers(
                                    &mut storage,
                                    &labels,
                                    interval,
                                    &values,
                                );
                            }
                            storage.load(labels, 0, interval, values);
                        }
                        Err(error) => {
                            load_problem.get_or_insert(load_failure(series_line, &error));
                        }
                    }
                }
                storage.seal();
            }
            _ if command.starts_with("eval") => {
                let outcome = run_eval(
                    line,
                    command,
                    &body,
                    &storage,
                    &options,
                    &parse_options,
                    load_problem.as_ref(),
                );
                let expr = line.to_owned();
                report.evals.push(EvalReport {
                    line: body_start,
                    expr,
                    outcome,
                });
            }
            _ => {}
        }
    }
    report
}

/// `load_with_nhcb` also derives native histograms with custom buckets
/// from classic `_bucket`/`_count`/`_sum` series, under the base name.
/// Their contents are not modelled: a histogram sample is placed wherever
/// Prometheus would place one, so queries reading them are refused as
/// unsupported instead of finding nothing.
fn load_custom_bucket_markers(
    storage: &mut Storage,
    labels: &Labels,
    interval: i64,
    values: &[SeriesValue],
) {
    let name = labels.get("__name__");
    let Some(base) = ["_bucket", "_count", "_sum"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
    else {
        return;
    };
    if name.ends_with("_bucket") && labels.get("le").parse::<f64>().is_err() {
        return;
    }
    let base_labels = labels
        .filtered(|label| label != "le")
        .with("__name__", base);
    let markers = values
        .iter()
        .map(|value| match value {
            SeriesValue::Float(_) => SeriesValue::Histogram(Box::default()),
            _ => SeriesValue::Omitted,
        })
        .collect();
    storage.load(base_labels, 0, interval, markers);
}

/// How a series line that did not load marks the evals that follow: as
/// skipped when it uses a feature not supported yet, else as failed.
fn load_failure(series_line: &str, error: &crate::series::SeriesError) -> Outcome {
    let selector_end = selector_length(series_line).unwrap_or(0);
    if series_line[selector_end..].starts_with("@st") {
        Outcome::Skipped("start timestamps (`@st` series) not supported yet".to_owned())
    } else if series_line.contains("{{") {
        Outcome::Skipped(format!(
            "native histograms not supported yet ({})",
            error.message
        ))
    } else {
        Outcome::Failed(format!("cannot load {series_line:?}: {error}"))
    }
}

fn run_eval(
    line: &str,
    command: &str,
    body: &[&str],
    storage: &Storage,
    options: &EvalOptions,
    parse_options: &ParseOptions,
    load_problem: Option<&Outcome>,
) -> Outcome {
    let (query, expr_text) = match parse_eval_line(line) {
        Ok(parsed) => parsed,
        Err(message) => return Outcome::Failed(message),
    };
    let mut expect = match parse_expectations(body) {
        Ok(expect) => expect,
        Err(message) => return Outcome::Failed(message),
    };
    match command {
        "eval" => {}
        "eval_fail" => expect.fail = Some(None),
        "eval_ordered" => expect.ordered = true,
        "eval_warn" => expect.warn.push(None),
        "eval_info" => expect.info.push(None),
        other => return Outcome::Failed(format!("unknown command {other:?}")),
    }
    if let Some(problem) = load_problem {
        return problem.clone();
    }
    if let Some(feature) = &expect.unsupported {
        return Outcome::Skipped(feature.clone());
    }
    let expr = match parse(expr_text, parse_options) {
        Ok(expr) => expr,
        Err(error) => {
            let text = error.prometheus_text(expr_text);
            let outcome = match &expect.fail {
                Some(expected) => check_message(expected.as_ref(), &text),
                None => Outcome::Skipped(unsupported_syntax(expr_text)),
            };
            // A failure to parse syntax this parser lacks is no verdict.
            return match (outcome, known_unsupported_syntax(expr_text)) {
                (Outcome::Failed(_), Some(feature)) => Outcome::Skipped(feature.to_owned()),
                (outcome, _) => outcome,
            };
        }
    };
    let result = match query {
        Query::Instant(time) => instant_query_histograms(storage, &expr, time, options),
        Query::Range(start, end, step) => range_query_histograms(
            storage, &expr, start, end, step, options,
        )
        .map(|(series, annotations, histograms)| (Value::Matrix(series), annotations, histograms)),
    };
    let (value, annotations, histograms) = match result {
        Err(EvalError::Unsupported(feature)) => {
            return Outcome::Skipped(feature);
        }
        Err(EvalError::Failed(message)) => {
            return match &expect.fail {
                Some(expected) => check_message(expected.as_ref(), &message),
                None => Outcome::Failed(format!("unexpected error: {message}")),
            };
        }
        Ok(value) => value,
    };
    if expect.fail.is_some() {
        return Outcome::Failed("expected an error, got a result".to_owned());
    }
    let is_range = matches!(query, Query::Range(..));
    let outcome = compare(&expect, value, is_range, &query, storage, &histograms);
    if outcome != Outcome::Passed {
        return outcome;
    }
    let rendered = |kind: AnnotationKind| -> Vec<String> {
        annotations
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.render(expr_text))
            .collect()
    };
    check_annotations(
        "warn",
        &expect.warn,
        expect.no_warn,
        &rendered(AnnotationKind::Warning),
    )
    .and_then(|()| {
        check_annotations(
            "info",
            &expect.info,
            expect.no_info,
            &rendered(AnnotationKind::Info),
        )
    })
    .map_or_else(Outcome::Failed, |()| Outcome::Passed)
}

fn message_matches(expected: Option<&MessageMatch>, got: &str) -> bool {
    match expected {
        None => true,
        Some(MessageMatch::Exact(text)) => text == got,
        Some(MessageMatch::Pattern(pattern)) => Regex::new(pattern).is_ok_and(|r| r.is_match(got)),
    }
}

/// promqltest's rules: each `expect` line matches some annotation, and once
/// any is given, every annotation of that kind must match one.
fn check_annotations(
    kind: &str,
    expected: &[Option<MessageMatch>],
    none_expected: bool,
    got: &[String],
) -> Result<(), String> {
    if none_expected && !got.is_empty() {
        return Err(format!("expected no {kind} annotations, got {got:?}"));
    }
    for expectation in expected {
        if !got.iter().any(|g| message_matches(expectation.as_ref(), g)) {
            return Err(format!(
                "expected a matching {kind} annotation, got {got:?}"
            ));
        }
    }
    if !expected.is_empty() {
        for annotation in got {
            if !expected
                .iter()
                .any(|e| message_matches(e.as_ref(), annotation))
            {
                return Err(format!("unexpected {kind} annotation {annotation:?}"));
            }
        }
    }
    Ok(())
}

fn check_message(expected: Option<&MessageMatch>, got: &str) -> Outcome {
    match expected {
        _ if message_matches(expected, got) => Outcome::Passed,
        Some(MessageMatch::Pattern(pattern)) => {
            Outcome::Failed(format!("expected error matching {pattern:?}, got {got:?}"))
        }
        _ => Outcome::Failed(format!("unexpected error {got:?}")),
    }
}

fn parse_eval_line(line: &str) -> Result<(Query, &str), String> {
    let rest = line
        .split_once(char::is_whitespace)
        .map(|(_, rest)| rest.trim_start())
        .unwrap_or("");
    let take = |text: &mut &str| -> String {
        let trimmed = text.trim_start();
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let word = trimmed[..end].to_owned();
        *text = &trimmed[end..];
        word
    };
    let mut text = rest;
    let kind = take(&mut text);
    let bad = || format!("malformed eval command {line:?}");
    match kind.as_str() {
        "instant" => {
            if take(&mut text) != "at" {
                return Err(bad());
            }
            let time = parse_time(&take(&mut text))?;
            Ok((Query::Instant(time), text.trim()))
        }
        "range" => {
            if take(&mut text) != "from" {
                return Err(bad());
            }
            let start = parse_time(&take(&mut text))?;
            if take(&mut text) != "to" {
                return Err(bad());
            }
            let end = parse_time(&take(&mut text))?;
            if take(&mut text) != "step" {
                return Err(bad());
            }
            let step = parse_time(&take(&mut text))?;
            Ok((Query::Range(start, end, step), text.trim()))
        }
        _ => Err(bad()),
    }
}

fn parse_expectations(body: &[&str]) -> Result<Expectations, String> {
    let mut expect = Expectations::default();
    for &line in body {
        if let Some(rest) = line.strip_prefix("expect ") {
            let rest = rest.trim();
            let (kind, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            let tail = tail.trim();
            let message = || -> Option<MessageMatch> {
                if let Some(text) = tail.strip_prefix("msg:") {
                    Some(MessageMatch::Exact(text.trim().to_owned()))
                } else {
                    tail.strip_prefix("regex:")
                        .map(|text| MessageMatch::Pattern(text.trim().to_owned()))
                }
            };
            match kind {
                "fail" => expect.fail = Some(message()),
                "ordered" => expect.ordered = true,
                "warn" => expect.warn.push(message()),
                "info" => expect.info.push(message()),
                "no_warn" => expect.no_warn = true,
                "no_info" => expect.no_info = true,
                "string" => expect.string = Some(unquote_expected(tail)?),
                "range" => {
                    let words: Vec<&str> = tail.split_whitespace().collect();
                    match words.as_slice() {
                        ["vector", "from", a, "to", b, "step", s] => {
                            expect.range_vector =
                                Some((parse_time(a)?, parse_time(b)?, parse_time(s)?));
                        }
                        _ => return Err(format!("malformed line {line:?}")),
                    }
                }
                _ => return Err(format!("unknown expectation {line:?}")),
            }
            continue;
        }
        if let Ok(values) = parse_values(line, 1) {
            if let [SeriesValue::Float(value)] = values.as_slice() {
                expect.scalar = Some(*value);
                continue;
            }
        }
        let end = selector_length(line).map_err(|e| e.to_string())?;
        let labels = parse_series_selector(&line[..end])
            .map_err(|e| format!("bad expected series {line:?}: {e}"))?;
        let values = parse_values(&line[end..], 1_000_000)
            .map_err(|e| format!("bad expected values {line:?}: {e}"))?;
        expect.series.push((labels, values));
    }
    Ok(expect)
}

fn unquote_expected(text: &str) -> Result<String, String> {
    crate::quote::unquote(text).map_err(|e| format!("bad string {text:?}: {e}"))
}

fn floats_equal(expected: f64, got: f64) -> bool {
    if expected.is_nan() && got.is_nan() {
        return true;
    }
    if expected == got {
        return true;
    }
    let abs_sum = expected.abs() + got.abs();
    let diff = (expected - got).abs();
    if expected == 0.0 || got == 0.0 || abs_sum < f64::MIN_POSITIVE {
        return diff < EPSILON * f64::MIN_POSITIVE;
    }
    diff / abs_sum.min(f64::MAX) < EPSILON
}

/// A point's value: a float, or a native histogram read back from storage.
#[derive(Clone, Debug, PartialEq)]
enum PointValue {
    Float(f64),
    Histogram(NativeHistogram),
}

impl std::fmt::Display for PointValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PointValue::Float(value) => write!(f, "{value}"),
            PointValue::Histogram(h) => write!(
                f,
                "{{{{schema:{} count:{} sum:{} buckets:{:?} offset:{}}}}}",
                h.schema, h.count, h.sum, h.buckets, h.offset
            ),
        }
    }
}

type Points = Vec<(Labels, Vec<(i64, PointValue)>)>;

fn point_value(storage: &Storage, histograms: &Histograms, value: f64) -> PointValue {
    match histograms.get(storage, value) {
        Some(histogram) => PointValue::Histogram(histogram),
        None => PointValue::Float(value),
    }
}

/// promqltest's histogram comparison: fields with the float tolerance, buckets compacted;
/// the counter-reset hint is not compared.
fn histograms_equal(a: &NativeHistogram, b: &NativeHistogram) -> bool {
    let lists_equal = |x: &[f64], y: &[f64]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| floats_equal(*p, *q))
    };
    let (a_offset, a_buckets) = compact_buckets(a.offset, &a.buckets);
    let (b_offset, b_buckets) = compact_buckets(b.offset, &b.buckets);
    let (a_noffset, a_negative) = compact_buckets(a.negative_offset, &a.negative_buckets);
    let (b_noffset, b_negative) = compact_buckets(b.negative_offset, &b.negative_buckets);
    a.schema == b.schema
        && floats_equal(a.count, b.count)
        && floats_equal(a.sum, b.sum)
        && floats_equal(a.zero_count, b.zero_count)
        && floats_equal(a.zero_threshold, b.zero_threshold)
        && a_offset == b_offset
        && lists_equal(a_buckets, b_buckets)
        && a_noffset == b_noffset
        && lists_equal(a_negative, b_negative)
        && lists_equal(&a.custom_values, &b.custom_values)
}

fn values_equal(expected: &PointValue, got: &PointValue) -> bool {
    match (expected, got) {
        (PointValue::Float(e), PointValue::Float(g)) => floats_equal(*e, *g),
        (PointValue::Histogram(e), PointValue::Histogram(g)) => histograms_equal(e, g),
        _ => false,
    }
}

fn compare(
    expect: &Expectations,
    value: Value,
    is_range: bool,
    query: &Query,
    storage: &Storage,
    histograms: &Histograms,
) -> Outcome {
    let outcome = match value {
        Value::String(got) => match &expect.string {
            Some(expected) if *expected == got => Outcome::Passed,
            expected => Outcome::Failed(format!("expected {expected:?}, got string {got:?}")),
        },
        Value::Scalar(got) => match expect.scalar {
            Some(expected) if floats_equal(expected, got) => Outcome::Passed,
            expected => Outcome::Failed(format!("expected {expected:?}, got scalar {got}")),
        },
        Value::Vector(vector) => {
            if expect.scalar.is_some() {
                return Outcome::Failed("expected a scalar, got a vector".to_owned());
            }
            let got: Points = vector
                .into_iter()
                .map(|s| {
                    (
                        (*s.labels).clone(),
                        vec![(0, point_value(storage, histograms, s.value))],
                    )
                })
                .collect();
            let expected = expected_points(expect, 0, 0);
            compare_series(&expected, &got, expect.ordered)
        }
        Value::Matrix(matrix) => {
            let (start, step) = match (query, expect.range_vector) {
                (Query::Range(start, _, step), _) if is_range => (*start, *step),
                (_, Some((start, _, step))) => (start, step),
                _ => {
                    return Outcome::Failed(
                        "got a range vector without 'expect range vector'".to_owned(),
                    );
                }
            };
            if expect.scalar.is_some() {
                return Outcome::Failed("expected a scalar, got a matrix".to_owned());
            }
            let got: Points = matrix
                .into_iter()
                .map(|s| {
                    let points = s
                        .points
                        .iter()
                        .map(|&(t, v)| (t, point_value(storage, histograms, v)))
                        .collect();
                    ((*s.labels).clone(), points)
                })
                .collect();
            let expected = expected_points(expect, start, step);
            compare_series(&expected, &got, false)
        }
    };
    // Histograms derived by `load_with_nhcb` are placeholders: their contents are not
    // modelled, so a comparison involving them says nothing.
    if outcome != Outcome::Passed && placeholder_histograms_in(storage) {
        return Outcome::Skipped(
            "native histograms with custom buckets (load_with_nhcb)".to_owned(),
        );
    }
    outcome
}

fn placeholder_histograms_in(storage: &Storage) -> bool {
    storage.series().iter().any(|s| {
        s.histograms
            .iter()
            .any(|h| *h == NativeHistogram::default())
    })
}

fn expected_points(expect: &Expectations, start: i64, step: i64) -> Points {
    expect
        .series
        .iter()
        .map(|(labels, values)| {
            let points = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let value = match v {
                        SeriesValue::Float(f) => PointValue::Float(*f),
                        SeriesValue::Histogram(h) => PointValue::Histogram((**h).clone()),
                        SeriesValue::Omitted => return None,
                    };
                    Some((start + i as i64 * step, value))
                })
                .collect();
            (labels.clone(), points)
        })
        .collect()
}

fn describe(series: &Points) -> String {
    let mut out = String::new();
    for (labels, points) in series {
        let _ = write!(out, "\n    {labels}");
        for (t, v) in points {
            let _ = write!(out, " {v}@{t}");
        }
    }
    if out.is_empty() {
        out.push_str(" (empty)");
    }
    out
}

fn compare_series(expected: &Points, got: &Points, ordered: bool) -> Outcome {
    let fail = || {
        Outcome::Failed(format!(
            "expected:{}\n  got:{}",
            describe(expected),
            describe(got)
        ))
    };
    if expected.len() != got.len() {
        return fail();
    }
    for (position, (labels, points)) in expected.iter().enumerate() {
        let found = if ordered {
            got.get(position).filter(|(l, _)| l == labels)
        } else {
            got.iter().find(|(l, _)| l == labels)
        };
        let Some((_, got_points)) = found else {
            return fail();
        };
        let same = got_points.len() == points.len()
            && points.iter().zip(got_points).all(|(e, g)| {
                (e.0 == g.0 || expected_is_instant(points)) && values_equal(&e.1, &g.1)
            });
        if !same {
            return fail();
        }
    }
    Outcome::Passed
}

/// Instant-vector expectations carry no timestamps of their own.
fn expected_is_instant(points: &[(i64, PointValue)]) -> bool {
    points.len() == 1 && points[0].0 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_a_small_script() {
        let script = "load 5m\n  m{a=\"1\"} 0+10x10\n  m{a=\"2\"} 1 2 3\n\n\
            eval instant at 10m m\n  m{a=\"1\"} 20\n  m{a=\"2\"} 3\n\n\
            eval instant at 10m sum(m)\n  {} 23\n\n\
            eval instant at 10m sum(m)\n  {} 25\n\n\
            eval range from 0 to 10m step 5m m{a=\"2\"}\n  m{a=\"2\"} 1 2 3\n\n\
            eval instant at 0 1 + 1\n  2\n\n\
            eval instant at 0 m * on() m\n  expect fail msg: found duplicate series for the match group {} on the right hand-side of the operation: [{__name__=\"m\", a=\"1\"}, {__name__=\"m\", a=\"2\"}];many-to-many matching not allowed: matching labels must be unique on one side\n\n\
            eval instant at 0 info(m)\n\n\
            eval instant at 0 m\n  expect warn\n\n\
            eval instant at 10m quantile(2, m)\n  expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)\n  {} +Inf\n";
        let report = run_script(script, Version::default());
        let outcomes: Vec<&Outcome> = report.evals.iter().map(|e| &e.outcome).collect();
        assert_eq!(report.evals.len(), 9, "{outcomes:?}");
        assert_eq!(report.passed(), 6, "{outcomes:?}");
        assert_eq!(report.failed(), 2, "{outcomes:?}");
        assert_eq!(report.skipped(), 1, "{outcomes:?}");
        assert!(matches!(outcomes[2], Outcome::Failed(_)));
    }
}
