//! Runs the test groups of one test file as `promtool test rules` does, collecting
//! promtool's error texts. Pure: rule files come through [`Files`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use monlint_core::{Duration, SourceFile, Version};
use monlint_gotemplate::format_float_g;
use monlint_promql::ast::Expr;
use monlint_promql::eval::{EvalOptions, Labels, Storage, Value, histogram_value, instant_query};
use monlint_promql::series::{
    CounterResetHint, MAX_EXPANDED_VALUES, NativeHistogram, SeriesValue, compact_buckets,
    parse_series_line, parse_values,
};
use monlint_promql::{ParseOptions, go_quote, parse};
use regex::Regex;

use crate::gofmt::{format_float_e, go_duration, go_float_f};
use crate::groups::{Alert, Context, Group, GroupDef, RuleKind};
use crate::jsondiff::alerts_diff;
use crate::rules::{go_dir, join_clean, load_rule_file};
use crate::testfile::{AlertTest, ExprTest, InputSeries, TestGroup, read_test_file};

/// Expanded input samples one test group may load; promtool has no cap, but a
/// hostile `0+1x1e12` must fail rather than exhaust memory.
const MAX_GROUP_SAMPLES: usize = MAX_EXPANDED_VALUES;

/// Rule evaluation steps one test group may take (about 3.8 years at the default 1m);
/// promtool has no cap, but an `eval_time` of centuries at 1m would run for hours.
const MAX_EVALUATION_STEPS: i64 = 2_000_000;

/// How a run behaves.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub version: Version,
    /// `--run`: only test groups whose name matches.
    pub run: Option<Regex>,
    pub ignore_unknown_fields: bool,
    pub debug: bool,
    /// `--diff`: alert mismatches as a coloured JSON diff.
    pub diff: bool,
}

/// What the runner needs of the file system.
pub trait Files: Sync {
    /// Paths matching a glob pattern (no `**`), sorted; an error for a bad pattern.
    fn glob(&self, pattern: &str) -> Result<Vec<String>, String>;
    /// A file's text; the error as Go words it (`open x: no such file or directory`).
    fn read(&self, path: &str) -> Result<String, String>;
}

/// The outcome of one test file.
#[derive(Clone, Debug, Default)]
pub struct FileResult {
    pub path: String,
    /// Lines promtool writes to stderr before the verdict (`  WARNING: ...`, `DEBUG: ...`).
    pub notices: Vec<String>,
    /// promtool's error texts; empty means `SUCCESS`.
    pub errors: Vec<String>,
    /// Per test group that ran: its name (or `unnamed#N`) and its errors.
    pub groups: Vec<(String, Vec<String>)>,
    /// Rules of the loaded rule files and what the tests made of them.
    pub coverage: Vec<RuleCoverage>,
    /// The failed comparisons, structured.
    pub mismatches: Vec<FailedComparison>,
}

/// A failed comparison: its test group, promtool's text for it, and the structure.
#[derive(Clone, Debug)]
pub struct FailedComparison {
    pub group: String,
    pub promtool_text: String,
    pub mismatch: Mismatch,
}

/// A failed comparison, for views other than promtool's text.
#[derive(Clone, Debug)]
pub enum Mismatch {
    Alerts {
        alertname: String,
        eval_time: String,
        expected: Vec<ComparedAlert>,
        got: Vec<ComparedAlert>,
    },
    Samples {
        expr: String,
        eval_time: String,
        expected: Vec<ComparedSample>,
        got: Vec<ComparedSample>,
    },
}

/// What the tests of a file did with one rule.
#[derive(Clone, Debug)]
pub struct RuleCoverage {
    pub name: String,
    pub alerting: bool,
    pub location: String,
    /// Test groups in which the rule's query returned samples.
    pub produced_in: Vec<String>,
    /// Test groups in which the alert fired at some step.
    pub fired_in: Vec<String>,
    /// Test groups that assert on the alert by name (`alert_rule_test`).
    pub asserted_in: Vec<String>,
}

/// Runs one test file.
pub fn run_test_file(
    path: &str,
    text: &str,
    options: &RunOptions,
    files: &dyn Files,
) -> FileResult {
    let mut result = FileResult {
        path: path.to_owned(),
        ..FileResult::default()
    };
    let source = SourceFile::new(path, text);
    let file = match read_test_file(&source, options.version) {
        Ok(file) => file,
        Err(error) => {
            result.errors.push(error);
            return result;
        }
    };
    let base = go_dir(path);
    let mut rule_files = Vec::new();
    for pattern in &file.rule_files {
        let pattern = if pattern.is_empty() || pattern.starts_with('/') {
            pattern.clone()
        } else {
            join_clean(&base, pattern)
        };
        match files.glob(&pattern) {
            Ok(matches) if matches.is_empty() => result
                .notices
                .push(format!("  WARNING: no file match pattern {pattern}")),
            Ok(matches) => rule_files.extend(matches),
            Err(error) => {
                result.errors.push(error);
                return result;
            }
        }
    }
    let evaluation_interval = if file.evaluation_interval_ms == 0 {
        60_000
    } else {
        file.evaluation_interval_ms
    };
    let mut order: HashMap<&str, usize> = HashMap::new();
    for (index, name) in file.group_eval_order.iter().enumerate() {
        if order.insert(name, index).is_some() {
            result
                .errors
                .push(format!("group name repeated in evaluation order: {name}"));
            return result;
        }
    }
    let mut loaded: Option<Result<Vec<GroupDef>, Vec<String>>> = None;
    let mut activity: HashMap<(usize, usize), RuleActivity> = HashMap::new();
    for (index, group) in file.tests.iter().enumerate() {
        if let Some(run) = &options.run
            && !run.is_match(&group.name)
        {
            continue;
        }
        let name = if group.name.is_empty() {
            format!("unnamed#{index}")
        } else {
            group.name.clone()
        };
        let definitions = loaded.get_or_insert_with(|| {
            load_all(
                &rule_files,
                files,
                options.version,
                options.ignore_unknown_fields,
            )
        });
        let run = GroupRun {
            group,
            name: &name,
            evaluation_interval,
            order: &order,
            options,
            fuzzy_compare: file.fuzzy_compare,
            mismatches: RefCell::new(Vec::new()),
        };
        let errors = match definitions {
            Ok(definitions) => run.test(definitions, &mut result.notices, &mut activity),
            Err(errors) => errors.clone(),
        };
        result.errors.extend(errors.iter().cloned());
        for (promtool_text, mismatch) in run.mismatches.take() {
            result.mismatches.push(FailedComparison {
                group: name.clone(),
                promtool_text,
                mismatch,
            });
        }
        result.groups.push((name, errors));
    }
    if let Some(Ok(definitions)) = &loaded {
        result.coverage = coverage(definitions, &file.tests, &activity);
    }
    result
}

#[derive(Default)]
struct RuleActivity {
    produced_in: Vec<String>,
    fired_in: Vec<String>,
}

fn load_all(
    paths: &[String],
    files: &dyn Files,
    version: Version,
    ignore_unknown_fields: bool,
) -> Result<Vec<GroupDef>, Vec<String>> {
    let mut groups = Vec::new();
    for path in paths {
        let text = files.read(path).map_err(|e| vec![format!("{path}: {e}")])?;
        groups.extend(load_rule_file(path, &text, version, ignore_unknown_fields)?);
    }
    Ok(groups)
}

fn coverage(
    definitions: &[GroupDef],
    tests: &[TestGroup],
    activity: &HashMap<(usize, usize), RuleActivity>,
) -> Vec<RuleCoverage> {
    let mut out = Vec::new();
    for (group_index, group) in definitions.iter().enumerate() {
        for (rule_index, rule) in group.rules.iter().enumerate() {
            let alerting = matches!(rule.kind, RuleKind::Alerting { .. });
            let asserted_in = tests
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    alerting && t.alert_rule_test.iter().any(|a| a.alertname == rule.name)
                })
                .map(|(i, t)| {
                    if t.name.is_empty() {
                        format!("unnamed#{i}")
                    } else {
                        t.name.clone()
                    }
                })
                .collect();
            let seen = activity.get(&(group_index, rule_index));
            out.push(RuleCoverage {
                name: rule.name.clone(),
                alerting,
                location: rule.location.clone(),
                produced_in: seen.map(|a| a.produced_in.clone()).unwrap_or_default(),
                fired_in: seen.map(|a| a.fired_in.clone()).unwrap_or_default(),
                asserted_in,
            });
        }
    }
    out
}

struct GroupRun<'a> {
    group: &'a TestGroup,
    name: &'a str,
    evaluation_interval: i64,
    order: &'a HashMap<&'a str, usize>,
    options: &'a RunOptions,
    fuzzy_compare: bool,
    /// Failed comparisons with promtool's text for each.
    mismatches: RefCell<Vec<(String, Mismatch)>>,
}

/// promtool's test-group interval: given, else the evaluation interval (2.49+), else 0.
fn group_interval(group: &TestGroup, evaluation_interval: i64, version: Version) -> i64 {
    if group.interval_ms == 0 && version >= Version::new(2, 49) {
        evaluation_interval
    } else {
        group.interval_ms
    }
}

/// One input sample.
#[derive(Clone, Debug)]
enum InputValue {
    Float(f64),
    Histogram(Box<NativeHistogram>),
}

/// Input samples by series, in load order, as the lazy loader holds them.
struct InputSamples {
    series: Vec<(Labels, Vec<(i64, InputValue)>)>,
}

impl GroupRun<'_> {
    fn eval_options(&self) -> EvalOptions {
        EvalOptions {
            version: self.options.version,
            lookback_delta_ms: 5 * 60 * 1000,
            max_samples: 10_000,
            subquery_step_ms: self.evaluation_interval,
            delayed_name_removal: false,
        }
    }

    fn load_input(&self, start: i64) -> Result<InputSamples, String> {
        let interval = group_interval(self.group, self.evaluation_interval, self.options.version);
        let mut by_labels: Vec<(Labels, Vec<(i64, InputValue)>)> = Vec::new();
        // Where each label set sits in `by_labels`: a later line for the same series
        // replaces the earlier one.
        let mut positions: HashMap<Labels, usize> = HashMap::new();
        let mut total = 0usize;
        for line in series_lines(&self.group.input_series) {
            let (labels, values) = parse_series_line(&line).map_err(|error| {
                format!("1:{}: parse error: {}", error.offset + 1, error.message)
            })?;
            // Histograms count for the memory they take, not as one value each.
            let cost: u64 = values.iter().map(monlint_promql::series::value_cost).sum();
            total = total.saturating_add(usize::try_from(cost).unwrap_or(usize::MAX));
            if total > MAX_GROUP_SAMPLES {
                return Err(format!(
                    "the input series expand to more than {MAX_GROUP_SAMPLES} samples"
                ));
            }
            let mut samples: Vec<(i64, InputValue)> = Vec::with_capacity(values.len());
            for (index, value) in values.into_iter().enumerate() {
                let timestamp = start.saturating_add((index as i64).saturating_mul(interval));
                let value = match value {
                    SeriesValue::Omitted => continue,
                    SeriesValue::Float(value) => InputValue::Float(value),
                    SeriesValue::Histogram(histogram) => InputValue::Histogram(histogram),
                };
                // The head keeps the first of two samples at one timestamp.
                if samples.last().is_none_or(|(last, _)| *last < timestamp) {
                    samples.push((timestamp, value));
                }
            }
            match positions.get(&labels) {
                Some(&position) => by_labels[position].1 = samples,
                None => {
                    positions.insert(labels.clone(), by_labels.len());
                    by_labels.push((labels, samples));
                }
            }
        }
        Ok(InputSamples { series: by_labels })
    }

    fn test(
        &self,
        definitions: &[GroupDef],
        notices: &mut Vec<String>,
        activity: &mut HashMap<(usize, usize), RuleActivity>,
    ) -> Vec<String> {
        if !self.options.debug {
            return self.evaluate(definitions, notices, activity);
        }
        let began = Instant::now();
        notices.push(format!("DEBUG: Starting test {}", self.name));
        let errors = self.evaluate(definitions, notices, activity);
        notices.push(format!(
            "DEBUG: Test {} finished, took {}",
            self.name,
            go_elapsed(began.elapsed())
        ));
        errors
    }

    /// promtool's `--debug` dump: every series, input and rule output, up to the last
    /// evaluation time rounded up to the next whole second.
    fn debug_dump(
        &self,
        storage: &Storage,
        start: i64,
        max_eval: i64,
        eval: &EvalOptions,
    ) -> String {
        let until = (max_eval + 1000) / 1000 * 1000;
        let text = format!("{{__name__=~\".+\"}}[{}]", go_duration(until));
        let options = ParseOptions {
            version: self.options.version,
            experimental_functions: false,
        };
        let expr = match parse(&text, &options) {
            Ok(expr) => expr,
            Err(error) => {
                return format!(
                    "DEBUG: Failed querying, expr: {}, err: {}",
                    go_quote(&text),
                    error.prometheus_text(&text)
                );
            }
        };
        match instant_query(storage, &expr, start + until, eval) {
            Ok(Value::Matrix(series)) => {
                let body: Vec<String> = series
                    .iter()
                    .map(|s| {
                        let points: Vec<String> = s
                            .points
                            .iter()
                            .map(|(t, v)| format!("{} @[{t}]", go_float_f(*v)))
                            .collect();
                        format!("{} =>\n{}", s.labels, points.join("\n"))
                    })
                    .collect();
                format!(
                    "DEBUG: Dump of all data (input_series and rules) at {}:\n{}",
                    go_duration(until),
                    body.join("\n")
                )
            }
            Ok(_) => "DEBUG: Got unexpected type".to_owned(),
            Err(error) => format!(
                "DEBUG: Failed query exec, expr: {}, err: {error}",
                go_quote(&text)
            ),
        }
    }

    fn evaluate(
        &self,
        definitions: &[GroupDef],
        notices: &mut Vec<String>,
        activity: &mut HashMap<(usize, usize), RuleActivity>,
    ) -> Vec<String> {
        let start = self.group.start_timestamp_ms.unwrap_or(0);
        let input = match self.load_input(start) {
            Ok(input) => input,
            Err(error) => return vec![error],
        };
        for alert in &self.group.alert_rule_test {
            if alert.alertname.is_empty() {
                let in_group = if self.group.name.is_empty() {
                    String::new()
                } else {
                    format!(" (in TestGroup {})", self.group.name)
                };
                return vec![format!(
                    "an item under alert_rule_test misses required attribute alertname at eval_time {}{in_group}",
                    Duration::from_millis(alert.eval_time_ms)
                )];
            }
        }
        let mut ordered: Vec<(usize, &GroupDef)> = definitions.iter().enumerate().collect();
        ordered.sort_by_key(|(_, def)| self.order.get(def.name.as_str()).copied().unwrap_or(0));
        let mut groups: Vec<(usize, Group)> = ordered
            .into_iter()
            .map(|(index, def)| (index, Group::new(def)))
            .collect();
        let eval = self.eval_options();
        let ctx = Context {
            version: self.options.version,
            eval: &eval,
            external_labels: &self.group.external_labels,
            external_url: &self.group.external_url,
        };
        let max_eval = self
            .group
            .alert_rule_test
            .iter()
            .map(|a| a.eval_time_ms)
            .chain(self.group.promql_expr_test.iter().map(|p| p.eval_time_ms))
            .max()
            .unwrap_or(0);
        let mut alert_times: Vec<i64> = self
            .group
            .alert_rule_test
            .iter()
            .map(|a| a.eval_time_ms)
            .collect();
        alert_times.sort_unstable();
        alert_times.dedup();
        let mut next_alert_time = 0;
        let mut storage = Storage::new();
        let ids: Vec<usize> = input
            .series
            .iter()
            .map(|(labels, _)| storage.series_id(labels.clone()))
            .collect();
        let mut cursors = vec![0usize; input.series.len()];
        let mut errors = Vec::new();
        let steps = max_eval / self.evaluation_interval + 1;
        let has_rules = definitions.iter().any(|def| !def.rules.is_empty());
        if has_rules && steps > MAX_EVALUATION_STEPS {
            return vec![format!(
                "evaluating the rules every {} up to eval_time {} takes {steps} steps, more than monlint's limit of {MAX_EVALUATION_STEPS}: raise evaluation_interval or lower eval_time",
                go_duration(self.evaluation_interval),
                go_duration(max_eval)
            )];
        }
        let maxt = start.saturating_add(max_eval);
        let mut ts = start;
        while ts <= maxt {
            for ((id, (_, samples)), cursor) in ids.iter().zip(&input.series).zip(&mut cursors) {
                while let Some((t, value)) = samples.get(*cursor) {
                    if *t > ts {
                        break;
                    }
                    match value {
                        InputValue::Float(v) => {
                            let _ = storage.push(*id, *t, *v);
                        }
                        InputValue::Histogram(h) => storage.load(
                            storage.series()[*id].labels.as_ref().clone(),
                            *t,
                            0,
                            vec![SeriesValue::Histogram(h.clone())],
                        ),
                    }
                    *cursor += 1;
                }
            }
            storage.seal();
            let mut eval_errors = Vec::new();
            for (_, group) in &mut groups {
                group.eval(&mut storage, ts, &ctx);
                for (rule, error) in group.errors() {
                    eval_errors.push(format!(
                        "    rule: {rule}, time: {}, err: {error}",
                        go_duration(ts)
                    ));
                }
            }
            if !eval_errors.is_empty() {
                errors.extend(eval_errors);
                return errors;
            }
            while let Some(&time) = alert_times.get(next_alert_time) {
                let since_start = ts - start;
                if !(since_start <= time && time < since_start + self.evaluation_interval) {
                    break;
                }
                for test in self
                    .group
                    .alert_rule_test
                    .iter()
                    .filter(|a| a.eval_time_ms == time)
                {
                    if let Some(error) = self.check_alerts(test, &groups) {
                        errors.push(error);
                    }
                }
                next_alert_time += 1;
            }
            ts = match ts.checked_add(self.evaluation_interval) {
                Some(next) => next,
                None => break,
            };
        }
        for (index, group) in &groups {
            for (rule_index, (_, produced, fired)) in group.activity().enumerate() {
                let entry = activity.entry((*index, rule_index)).or_default();
                if produced {
                    entry.produced_in.push(self.name.to_owned());
                }
                if fired {
                    entry.fired_in.push(self.name.to_owned());
                }
            }
        }
        for test in &self.group.promql_expr_test {
            if let Some(error) = self.check_expr(test, &storage, start, &eval) {
                errors.push(error);
            }
        }
        if self.options.debug {
            notices.push(self.debug_dump(&storage, start, max_eval, &eval));
        }
        errors
    }

    fn check_alerts(&self, test: &AlertTest, groups: &[(usize, Group)]) -> Option<String> {
        let mut got: Vec<ComparedAlert> = groups
            .iter()
            .flat_map(|(_, group)| group.firing(&test.alertname))
            .map(|alert: &Alert| (alert.labels.clone(), alert.annotations.clone()))
            .collect();
        let mut expected: Vec<ComparedAlert> = test
            .exp_alerts
            .iter()
            .map(|alert| {
                let mut labels: BTreeMap<String, String> = alert.exp_labels.clone();
                labels.insert("alertname".to_owned(), test.alertname.clone());
                (
                    labels.into_iter().collect(),
                    alert.exp_annotations.clone().into_iter().collect(),
                )
            })
            .collect();
        got.sort();
        expected.sort();
        if got == expected {
            return None;
        }
        let name = if self.group.name.is_empty() {
            String::new()
        } else {
            format!("    name: {},\n", self.group.name)
        };
        let text = if self.options.diff {
            let diff = alerts_diff(&expected, &got)?;
            format!(
                "{name}    alertname: {}, time: {}, \n        diff: {}",
                test.alertname,
                Duration::from_millis(test.eval_time_ms),
                indent_lines(&diff, "            ")
            )
        } else {
            format!(
                "{name}    alertname: {}, time: {}, \n        exp:{}, \n        got:{}",
                test.alertname,
                Duration::from_millis(test.eval_time_ms),
                indent_lines(&alerts_text(&expected), "            "),
                indent_lines(&alerts_text(&got), "            "),
            )
        };
        let mismatch = Mismatch::Alerts {
            alertname: test.alertname.clone(),
            eval_time: Duration::from_millis(test.eval_time_ms).to_string(),
            expected,
            got,
        };
        self.mismatches.borrow_mut().push((text.clone(), mismatch));
        Some(text)
    }

    fn check_expr(
        &self,
        test: &ExprTest,
        storage: &Storage,
        start: i64,
        eval: &EvalOptions,
    ) -> Option<String> {
        let time = Duration::from_millis(test.eval_time_ms);
        let quoted = go_quote(&test.expr);
        let parse_options = ParseOptions {
            version: self.options.version,
            experimental_functions: false,
        };
        let got = parse(&test.expr, &parse_options)
            .map_err(|e| e.prometheus_text(&test.expr))
            .and_then(|expr| query_samples(storage, &expr, start + test.eval_time_ms, eval));
        let got = match got {
            Ok(got) => got,
            Err(error) => return Some(format!("    expr: {quoted}, time: {time}, err: {error}")),
        };
        let mut expected = Vec::new();
        for sample in &test.exp_samples {
            let parsed = parse_expected_labels(&sample.labels).and_then(|labels| {
                if sample.histogram.is_empty() {
                    return Ok((labels, sample.value, String::new()));
                }
                parse_expected_histogram(&sample.histogram)
                    .map(|histogram| (labels, sample.value, histogram))
            });
            match parsed {
                Ok(parsed) => expected.push(parsed),
                Err(error) => {
                    return Some(format!(
                        "    expr: {quoted}, time: {time}, err: labels {}: {error}",
                        go_quote(&sample.labels)
                    ));
                }
            }
        }
        let mut got = got;
        sort_like_promtool(&mut expected);
        sort_like_promtool(&mut got);
        let same = expected.len() == got.len()
            && expected.iter().zip(&got).all(|(e, g)| {
                e.0 == g.0 && e.2 == g.2 && floats_equal(e.1, g.1, self.fuzzy_compare)
            });
        if same {
            return None;
        }
        let text = format!(
            "    expr: {quoted}, time: {time},\n        exp: {}\n        got: {}",
            samples_text(&expected),
            samples_text(&got)
        );
        let mismatch = Mismatch::Samples {
            expr: test.expr.clone(),
            eval_time: time.to_string(),
            expected,
            got,
        };
        self.mismatches.borrow_mut().push((text.clone(), mismatch));
        Some(text)
    }
}

/// An alert as promtool compares them: labels, then annotations.
pub type ComparedAlert = (Vec<(String, String)>, Vec<(String, String)>);

/// Go's `time.Duration.String()` of a measured time, to the microsecond.
fn go_elapsed(elapsed: std::time::Duration) -> String {
    let micros = elapsed.as_micros();
    if micros < 1000 {
        format!("{micros}µs")
    } else if micros < 1_000_000 {
        let text = format!("{}.{:03}", micros / 1000, micros % 1000);
        format!("{}ms", text.trim_end_matches('0').trim_end_matches('.'))
    } else {
        go_duration(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A sample as promtool compares them: labels, float value, histogram test expression.
pub type ComparedSample = (Vec<(String, String)>, f64, String);

/// An expression test's query result, native histograms shown as their test expression.
fn query_samples(
    storage: &Storage,
    expr: &Expr,
    ts: i64,
    eval: &EvalOptions,
) -> Result<Vec<ComparedSample>, String> {
    let sample = |labels: &Labels, value: f64| match histogram_value(storage, value) {
        Some(histogram) => (pairs(labels), 0.0, histogram_test_expression(&histogram)),
        None => (pairs(labels), value, String::new()),
    };
    match instant_query(storage, expr, ts, eval).map_err(|e| e.to_string())? {
        Value::Vector(samples) => Ok(samples.iter().map(|s| sample(&s.labels, s.value)).collect()),
        Value::Scalar(value) => Ok(vec![(Vec::new(), value, String::new())]),
        _ => Err("rule result is not a vector or scalar".to_owned()),
    }
}

/// promtool sorts samples by labels with `sort.Slice` and a `<=` comparison, so samples
/// with equal labels (possible among expected ones) come out in the order Go's sort leaves
/// them: for up to 12 items that is its insertion sort, which swaps equal neighbours.
/// Longer lists go through Go's pattern-defeating quicksort, which is not reproduced here:
/// they are sorted stably, which matches whenever the label sets are distinct.
fn sort_like_promtool(samples: &mut [ComparedSample]) {
    const GO_INSERTION_SORT_MAX: usize = 12;
    if samples.len() > GO_INSERTION_SORT_MAX {
        samples.sort_by(|a, b| a.0.cmp(&b.0));
        return;
    }
    for i in 1..samples.len() {
        let mut j = i;
        while j > 0 && samples[j].0 <= samples[j - 1].0 {
            samples.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// An expected `histogram:` in series notation, as its test expression.
fn parse_expected_histogram(text: &str) -> Result<String, String> {
    let values = parse_values(text, 2)
        .map_err(|error| format!("1:{}: parse error: {}", error.offset + 4, error.message))?;
    match values.as_slice() {
        [SeriesValue::Histogram(histogram)] => Ok(histogram_test_expression(histogram)),
        [_] => Err("expected histogram".to_owned()),
        other => Err(format!("expected 1 value, got {}", other.len())),
    }
}

/// Prometheus' `FloatHistogram.TestExpression()`: non-zero fields in a fixed order,
/// buckets compacted (no zero buckets at either end).
fn histogram_test_expression(h: &NativeHistogram) -> String {
    let g = |v: f64| format_float_g(v, None);
    let mut parts = Vec::new();
    if h.schema != 0 {
        parts.push(format!("schema:{}", h.schema));
    }
    if h.count != 0.0 {
        parts.push(format!("count:{}", g(h.count)));
    }
    if h.sum != 0.0 {
        parts.push(format!("sum:{}", g(h.sum)));
    }
    if h.zero_count != 0.0 {
        parts.push(format!("z_bucket:{}", g(h.zero_count)));
    }
    if h.zero_threshold != 0.0 {
        parts.push(format!("z_bucket_w:{}", g(h.zero_threshold)));
    }
    if !h.custom_values.is_empty() {
        let values: Vec<String> = h.custom_values.iter().map(|&v| g(v)).collect();
        parts.push(format!("custom_values:[{}]", values.join(" ")));
    }
    match h.counter_reset_hint {
        CounterResetHint::Unknown => {}
        CounterResetHint::Reset => parts.push("counter_reset_hint:reset".to_owned()),
        CounterResetHint::NotReset => parts.push("counter_reset_hint:not_reset".to_owned()),
        CounterResetHint::Gauge => parts.push("counter_reset_hint:gauge".to_owned()),
    }
    for (offset, buckets, offset_key, buckets_key) in [
        (h.offset, &h.buckets, "offset", "buckets"),
        (
            h.negative_offset,
            &h.negative_buckets,
            "n_offset",
            "n_buckets",
        ),
    ] {
        let (offset, kept) = compact_buckets(offset, buckets);
        if kept.is_empty() {
            continue;
        }
        if offset != 0 {
            parts.push(format!("{offset_key}:{offset}"));
        }
        let values: Vec<String> = kept.iter().map(|&v| g(v)).collect();
        parts.push(format!("{buckets_key}:[{}]", values.join(" ")));
    }
    format!("{{{{{}}}}}", parts.join(" "))
}

fn pairs(labels: &Labels) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

/// The series definitions promtool loads. It writes every input series as a line of one
/// promqltest `load` block (`  <series> <values>`) and reads that block line by line: lines
/// are trimmed, a `#` line counts as empty, and the block (and with it everything promtool
/// loads) ends at the first empty line. So a newline inside a series or its values splits
/// it, and input series after a blank line are never loaded.
fn series_lines(inputs: &[InputSeries]) -> Vec<String> {
    let mut block = String::new();
    for input in inputs {
        block.push_str(&format!("  {} {}\n", input.series, input.values));
    }
    block
        .split('\n')
        .map(str::trim)
        .map(|line| if line.starts_with('#') { "" } else { line })
        .take_while(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `parser.ParseMetric`: a series selector without matchers other than `=`.
fn parse_expected_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let line = format!("{text} 0");
    parse_series_line(&line)
        .map(|(labels, _)| pairs(&labels))
        .map_err(|error| format!("1:{}: parse error: {}", error.offset + 1, error.message))
}

/// Go's `reflect.DeepEqual` on floats (NaN never equal), or one ULP apart when fuzzy.
fn floats_equal(a: f64, b: f64, fuzzy: bool) -> bool {
    if a == b {
        return true;
    }
    fuzzy && (next_toward(a, f64::NEG_INFINITY) == b || next_toward(a, f64::INFINITY) == b)
}

fn next_toward(value: f64, direction: f64) -> f64 {
    if value.is_nan() || value == direction {
        return value;
    }
    if value == 0.0 {
        let tiny = f64::from_bits(1);
        return if direction > 0.0 { tiny } else { -tiny };
    }
    let bits = value.to_bits();
    let up = (direction > value) == (value > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

/// Prometheus' `labels.Labels.String()` for pairs (empty values printed).
pub fn labels_text(pairs: &[(String, String)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let name = if monlint_core::names::is_legacy_label_name(name) {
                name.clone()
            } else {
                go_quote(name)
            };
            format!("{name}={}", go_quote(value))
        })
        .collect();
    format!("{{{}}}", body.join(", "))
}

fn alerts_text(alerts: &[ComparedAlert]) -> String {
    if alerts.is_empty() {
        return "[]".to_owned();
    }
    let mut text = String::from("[");
    for (index, (labels, annotations)) in alerts.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        let body = format!(
            "\nLabels:{}\nAnnotations:{}",
            labels_text(labels),
            labels_text(annotations)
        );
        text.push_str(&format!("\n{index}:{}", indent_lines(&body, "  ")));
    }
    text.push_str("\n]");
    text
}

fn samples_text(samples: &[ComparedSample]) -> String {
    if samples.is_empty() {
        return "nil".to_owned();
    }
    samples
        .iter()
        .map(|(labels, value, histogram)| {
            if histogram.is_empty() {
                format!("{} {}", labels_text(labels), format_float_e(*value))
            } else {
                format!("{} {histogram}", labels_text(labels))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// promtool's `indentLines`: every line but the first gets `indent`.
fn indent_lines(text: &str, indent: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(index, line)| {
            if index == 0 {
                line.to_owned()
            } else {
                format!("{indent}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(job: &str, value: f64) -> ComparedSample {
        (
            vec![("job".to_owned(), job.to_owned())],
            value,
            String::new(),
        )
    }

    #[test]
    fn equal_labels_come_out_as_promtools_insertion_sort_leaves_them() {
        // Seen with promtool 2.42: expected `5` then `13` under one label set prints `13, 5`.
        let mut samples = vec![sample("db", 5.0), sample("db", 13.0), sample("api", 1.0)];
        sort_like_promtool(&mut samples);
        let values: Vec<f64> = samples.iter().map(|s| s.1).collect();
        assert_eq!(values, [1.0, 13.0, 5.0]);
    }

    struct OneRuleFile;

    impl Files for OneRuleFile {
        fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
            Ok(vec![pattern.to_owned()])
        }

        fn read(&self, _: &str) -> Result<String, String> {
            Ok(
                "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n"
                    .to_owned(),
            )
        }
    }

    /// Every error of a run, of the file and of its groups.
    fn run_errors(test: &str) -> Vec<String> {
        let result = run(test);
        let groups = result.groups.into_iter().flat_map(|(_, errors)| errors);
        groups.chain(result.errors).collect()
    }

    fn run(test: &str) -> FileResult {
        let options = RunOptions {
            version: Version::PROMETHEUS_LATEST,
            run: None,
            ignore_unknown_fields: false,
            debug: false,
            diff: false,
        };
        run_test_file("t.yml", test, &options, &OneRuleFile)
    }

    #[test]
    fn centuries_of_rule_evaluations_are_refused_not_run() {
        let test = "rule_files: [r.yml]\ntests:\n  - input_series: [{series: up, values: '1'}]\n    promql_expr_test:\n      - {expr: up, eval_time: 106700d, exp_samples: []}\n";
        let errors = run_errors(test);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("more than monlint's limit of 2000000")),
            "{errors:?}"
        );
        // The same span at a 100d interval is a handful of steps and runs.
        let errors = run_errors(&format!("evaluation_interval: 100d\n{test}"));
        assert!(!errors.iter().any(|e| e.contains("limit")), "{errors:?}");
    }
}
