//! Random promtool unit-test cases: a rule file and a test file built from small grammars
//! (series notation, PromQL, alert templates), limited to what promtool 2.42 understands.

use std::fmt::Write as _;

/// splitmix64: tiny, fast and good enough to spread test inputs; the same seed gives the
/// same cases on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// True with the given probability in percent.
    pub fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Gauge-like and counter-like metrics; every series has a `job` and an `instance`.
const METRICS: [&str; 3] = ["http_requests_total", "node_temperature", "queue_depth"];
const JOBS: [&str; 2] = ["api", "db"];
const INSTANCES: [&str; 3] = ["a", "b", "c"];
const RANGES: [&str; 6] = ["1m", "2m", "90s", "5m", "10m", "3m"];
const OFFSETS: [&str; 3] = ["30s", "1m", "5m"];
const RANGE_FUNCTIONS: [&str; 17] = [
    "rate",
    "increase",
    "delta",
    "irate",
    "idelta",
    "deriv",
    "changes",
    "resets",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "sum_over_time",
    "count_over_time",
    "last_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "present_over_time",
];
const AGGREGATIONS: [&str; 6] = ["sum", "avg", "max", "min", "count", "stddev"];
const GROUPINGS: [&str; 4] = ["job", "instance", "job, instance", ""];
const ARITHMETIC: [&str; 4] = ["+", "-", "*", "/"];
const COMPARISONS: [&str; 6] = [">", "<", ">=", "<=", "==", "!="];
/// Test-group `interval` and `evaluation_interval` choices, in milliseconds.
const INTERVALS_MS: [i64; 5] = [10_000, 15_000, 30_000, 60_000, 120_000];
const EVALUATION_INTERVALS_MS: [i64; 4] = [15_000, 30_000, 60_000, 120_000];
const FOR_DURATIONS: [&str; 6] = ["0s", "30s", "1m", "2m", "5m", "90s"];
const TEMPLATES: [&str; 11] = [
    "{{ $value }}",
    "{{ $labels.job }}",
    "{{ $labels.instance }}",
    "{{ humanize $value }}",
    "{{ printf \"%.2f\" $value }}",
    "{{ humanizePercentage $value }}",
    "{{ humanize1024 $value }}",
    "{{ humanizeDuration $value }}",
    "{{ $value | printf \"%.3g\" }}",
    "{{ if gt $value 1.0 }}high{{ else }}low{{ end }}",
    "{{ $labels }}",
];

/// Label or annotation pairs, in order.
pub type Pairs = Vec<(String, String)>;

/// An expected alert: labels, annotations.
pub type ExpectedAlert = (Pairs, Pairs);

/// One `alert_rule_test` item.
pub struct AlertTest {
    pub eval_time_ms: i64,
    pub alertname: String,
    pub expected: Vec<ExpectedAlert>,
}

/// One `promql_expr_test` item; `expected` is a list of (labels text, value text).
pub struct ExprTest {
    pub expr: String,
    pub eval_time_ms: i64,
    pub expected: Vec<(String, String)>,
}

pub struct TestGroup {
    pub name: String,
    pub interval_ms: i64,
    pub input: Vec<(String, String)>,
    pub alerts: Vec<AlertTest>,
    pub exprs: Vec<ExprTest>,
}

pub struct Case {
    pub rules: String,
    pub evaluation_interval_ms: Option<i64>,
    pub groups: Vec<TestGroup>,
}

pub fn case(rng: &mut Rng) -> Case {
    let mut recorded = Vec::new();
    let mut alerts = Vec::new();
    let mut rules = String::from("groups:\n");
    for group in 0..1 + rng.below(2) {
        let _ = write!(rules, "- name: group{group}\n  rules:\n");
        for _ in 0..1 + rng.below(4) {
            if rng.percent(45) {
                let name = format!("job:rule{}:value", recorded.len());
                let expr = vector_expr(rng, &recorded, 2);
                let _ = write!(
                    rules,
                    "  - record: {name}\n    expr: {}\n",
                    yaml_quote(&expr)
                );
                recorded.push(name);
            } else {
                let name = format!("Alert{}", alerts.len());
                rules.push_str(&alert_rule(rng, &name, &recorded));
                alerts.push(name);
            }
        }
    }
    let evaluation_interval_ms = rng.percent(70).then(|| *rng.pick(&EVALUATION_INTERVALS_MS));
    let groups = (0..1 + rng.below(2))
        .map(|index| test_group(rng, index, &alerts, &recorded))
        .collect();
    Case {
        rules,
        evaluation_interval_ms,
        groups,
    }
}

fn alert_rule(rng: &mut Rng, name: &str, recorded: &[String]) -> String {
    let threshold = small_number(rng);
    let expr = format!(
        "{} {} {threshold}",
        vector_expr(rng, recorded, 2),
        rng.pick(&[">", "<", ">=", "!="])
    );
    let mut rule = format!("  - alert: {name}\n    expr: {}\n", yaml_quote(&expr));
    if rng.percent(70) {
        let _ = writeln!(rule, "    for: {}", rng.pick(&FOR_DURATIONS));
    }
    if rng.percent(25) {
        let _ = writeln!(
            rule,
            "    keep_firing_for: {}",
            rng.pick(&["1m", "2m", "30s"])
        );
    }
    if rng.percent(75) {
        rule.push_str("    labels:\n");
        let _ = writeln!(rule, "      severity: {}", rng.pick(&["page", "warning"]));
        if rng.percent(40) {
            let _ = writeln!(
                rule,
                "      origin: {}",
                yaml_quote(rng.pick::<&str>(&["{{ $labels.instance }}", "{{ $labels.job }}-x"]))
            );
        }
    }
    if rng.percent(80) {
        rule.push_str("    annotations:\n");
        for key in ["summary", "description"].iter().take(1 + rng.below(2)) {
            let text = format!(
                "{} is {} on {}",
                name,
                rng.pick(&TEMPLATES),
                rng.pick(&TEMPLATES)
            );
            let _ = writeln!(rule, "      {key}: {}", yaml_quote(&text));
        }
    }
    rule
}

fn test_group(rng: &mut Rng, index: usize, alerts: &[String], recorded: &[String]) -> TestGroup {
    let interval_ms = *rng.pick(&INTERVALS_MS);
    let mut input = Vec::new();
    let mut longest = 0;
    for _ in 0..1 + rng.below(5) {
        let series = format!(
            "{}{{job=\"{}\", instance=\"{}\"}}",
            rng.pick(&METRICS),
            rng.pick(&JOBS),
            rng.pick(&INSTANCES)
        );
        let (values, count) = series_values(rng);
        longest = longest.max(count);
        input.push((series, values));
    }
    // Evaluation times mostly inside the input, sometimes past its end (stale lookback).
    let span_ms = (longest as i64 * interval_ms).max(60_000) + 5 * 60_000;
    let eval_time = |rng: &mut Rng| {
        let step = *rng.pick(&[1_000, 10_000, 30_000, 60_000]);
        (rng.below((span_ms / step) as usize + 1) as i64) * step
    };
    let mut alert_tests: Vec<AlertTest> = Vec::new();
    for _ in 0..rng.below(4) {
        let alertname = if alerts.is_empty() || rng.percent(5) {
            "NoSuchAlert".to_owned()
        } else {
            rng.pick(alerts).clone()
        };
        let eval_time_ms = eval_time(rng);
        // Two items with the same name and time would be indistinguishable in the report.
        if alert_tests
            .iter()
            .any(|t| t.alertname == alertname && t.eval_time_ms == eval_time_ms)
        {
            continue;
        }
        alert_tests.push(AlertTest {
            eval_time_ms,
            expected: guessed_alerts(rng),
            alertname,
        });
    }
    let mut expr_tests: Vec<ExprTest> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let expr = if rng.percent(10) {
            scalar_expr(rng, recorded)
        } else if !recorded.is_empty() && rng.percent(25) {
            rng.pick(recorded).clone()
        } else {
            vector_expr(rng, recorded, 2)
        };
        let eval_time_ms = eval_time(rng);
        if expr_tests
            .iter()
            .any(|t| t.expr == expr && t.eval_time_ms == eval_time_ms)
        {
            continue;
        }
        expr_tests.push(ExprTest {
            expr,
            eval_time_ms,
            expected: guessed_samples(rng),
        });
    }
    TestGroup {
        name: if rng.percent(70) {
            format!("case group {index}")
        } else {
            String::new()
        },
        interval_ms,
        input,
        alerts: alert_tests,
        exprs: expr_tests,
    }
}

/// Deliberately arbitrary expectations: mostly wrong, so both tools print what they got.
fn guessed_alerts(rng: &mut Rng) -> Vec<ExpectedAlert> {
    (0..rng.below(3))
        .map(|_| {
            let labels = vec![
                (
                    "severity".to_owned(),
                    (*rng.pick(&["page", "warning"])).to_owned(),
                ),
                ("job".to_owned(), (*rng.pick(&JOBS)).to_owned()),
            ];
            let annotations = if rng.percent(50) {
                vec![("summary".to_owned(), "guess".to_owned())]
            } else {
                Vec::new()
            };
            (labels, annotations)
        })
        .collect()
}

fn guessed_samples(rng: &mut Rng) -> Vec<(String, String)> {
    (0..rng.below(3))
        .map(|_| {
            let labels = format!("{}{{job=\"{}\"}}", rng.pick(&METRICS), rng.pick(&JOBS));
            (labels, small_number(rng))
        })
        .collect()
}

/// A `values` string in promtool's series notation and the number of slots it expands to.
fn series_values(rng: &mut Rng) -> (String, usize) {
    let mut items = Vec::new();
    let mut slots = 0;
    for _ in 0..1 + rng.below(5) {
        let repeat = rng.below(15);
        let item = match rng.below(12) {
            0..=2 => {
                slots += repeat + 1;
                format!("{}+{}x{repeat}", series_number(rng), step_number(rng))
            }
            3 => {
                slots += repeat + 1;
                format!("{}-{}x{repeat}", series_number(rng), step_number(rng))
            }
            4 => {
                slots += 1;
                "_".to_owned()
            }
            5 => {
                // `_xN` is N empty slots, unlike `axN`, which is N + 1 values.
                let count = repeat.max(1);
                slots += count;
                format!("_x{count}")
            }
            6 => {
                slots += 1;
                "stale".to_owned()
            }
            7 => {
                slots += repeat + 1;
                format!("{}x{repeat}", series_number(rng))
            }
            _ => {
                slots += 1;
                series_number(rng)
            }
        };
        items.push(item);
    }
    (items.join(" "), slots)
}

/// Numbers as the series notation writes them: integers, decimals, signs, exponents,
/// and now and then an infinity or NaN.
fn series_number(rng: &mut Rng) -> String {
    match rng.below(20) {
        0 => (*rng.pick(&["Inf", "-Inf", "+Inf", "NaN", "inf", "nan"])).to_owned(),
        1 => format!("-{}", rng.below(50)),
        2 => format!("{}.{}", rng.below(100), rng.below(100)),
        3 => format!("-{}.{}", rng.below(10), 1 + rng.below(9)),
        4 => (*rng.pick(&["1e3", "2.5e-2", ".5", "1e-7", "0.1"])).to_owned(),
        _ => rng.below(200).to_string(),
    }
}

fn step_number(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!("0.{}", 1 + rng.below(9)),
        1 => format!("{}.5", rng.below(5)),
        2 => "0".to_owned(),
        _ => (1 + rng.below(20)).to_string(),
    }
}

fn small_number(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!("0.{}", rng.below(100)),
        1 => format!("-{}", rng.below(5)),
        _ => rng.below(60).to_string(),
    }
}

fn selector(rng: &mut Rng) -> String {
    let metric = rng.pick(&METRICS);
    let matcher = match rng.below(7) {
        0 => format!("{{job=\"{}\"}}", rng.pick(&JOBS)),
        1 => format!(
            "{{instance=~\"{}|{}\"}}",
            rng.pick(&INSTANCES),
            rng.pick(&INSTANCES)
        ),
        2 => format!("{{job!=\"{}\"}}", rng.pick(&JOBS)),
        3 => format!("{{instance!~\"{}\"}}", rng.pick(&INSTANCES)),
        4 => format!(
            "{{job=\"{}\", instance=\"{}\"}}",
            rng.pick(&JOBS),
            rng.pick(&INSTANCES)
        ),
        _ => String::new(),
    };
    format!("{metric}{matcher}")
}

fn offset(rng: &mut Rng) -> String {
    if rng.percent(12) {
        format!(" offset {}", rng.pick(&OFFSETS))
    } else {
        String::new()
    }
}

/// An instant-vector expression from a small grammar; `depth` bounds the nesting.
fn vector_expr(rng: &mut Rng, recorded: &[String], depth: usize) -> String {
    let leaf = depth == 0 || rng.percent(30);
    if leaf {
        return match rng.below(5) {
            0 | 1 => format!("{}{}", selector(rng), offset(rng)),
            2 if !recorded.is_empty() => rng.pick(recorded).clone(),
            3 if rng.percent(30) => {
                let (function, parameter) = *rng.pick(&[
                    ("quantile_over_time", "0.9, "),
                    ("quantile_over_time", "0.5, "),
                    ("predict_linear", ""),
                ]);
                let window = format!("{}[{}]{}", selector(rng), rng.pick(&RANGES), offset(rng));
                if function == "predict_linear" {
                    format!("{function}({window}, {})", rng.pick(&["60", "300", "0"]))
                } else {
                    format!("{function}({parameter}{window})")
                }
            }
            _ => format!(
                "{}({}[{}]{})",
                rng.pick(&RANGE_FUNCTIONS),
                selector(rng),
                rng.pick(&RANGES),
                offset(rng)
            ),
        };
    }
    match rng.below(9) {
        0 if rng.percent(25) => format!(
            "{}{} ({}, {})",
            rng.pick(&["topk", "bottomk", "quantile"]),
            match rng.below(2) {
                0 => " by (job)",
                _ => "",
            },
            rng.pick(&["1", "2", "0.5"]),
            vector_expr(rng, recorded, depth - 1)
        ),
        0..=2 => {
            let grouping = rng.pick(&GROUPINGS);
            let clause = if grouping.is_empty() {
                String::new()
            } else {
                format!(" by ({grouping})")
            };
            format!(
                "{}{clause} ({})",
                rng.pick(&AGGREGATIONS),
                vector_expr(rng, recorded, depth - 1)
            )
        }
        3 | 4 => format!(
            "{} {} {}",
            vector_expr(rng, recorded, depth - 1),
            rng.pick(&ARITHMETIC),
            small_number(rng).trim_start_matches('-')
        ),
        5 => {
            let bool_modifier = if rng.percent(40) { " bool" } else { "" };
            format!(
                "{} {}{bool_modifier} {}",
                vector_expr(rng, recorded, depth - 1),
                rng.pick(&COMPARISONS),
                small_number(rng).trim_start_matches('-')
            )
        }
        6 => {
            // Both sides aggregated by the same labels, so they match one to one.
            let grouping = rng.pick(&["job", "instance"]);
            format!(
                "sum by ({grouping}) ({}) {} sum by ({grouping}) ({})",
                vector_expr(rng, recorded, depth - 1),
                rng.pick(&["+", "-", "*", "/", ">", "<"]),
                vector_expr(rng, recorded, depth - 1)
            )
        }
        // Not `exp` or `ln`: promtool's Go math (assembly on amd64) and Rust's libm round
        // differently in the last place for some inputs.
        7 => format!(
            "{}({})",
            rng.pick(&["abs", "ceil", "floor", "sqrt", "sgn"]),
            vector_expr(rng, recorded, depth - 1)
        ),
        _ => format!(
            "clamp_min({}, {})",
            vector_expr(rng, recorded, depth - 1),
            rng.below(10)
        ),
    }
}

fn scalar_expr(rng: &mut Rng, recorded: &[String]) -> String {
    match rng.below(3) {
        0 => format!("scalar(sum({}))", vector_expr(rng, recorded, 1)),
        1 => format!("time() - {}", rng.below(100)),
        _ => format!("{} * {}", small_number(rng), small_number(rng)),
    }
}

/// A YAML single-quoted scalar.
pub fn yaml_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Milliseconds as a Prometheus duration, in the form a person would write in a test file.
pub fn duration_text(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut rest = ms;
    let mut text = String::new();
    for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
        if rest >= size {
            let _ = write!(text, "{}{unit}", rest / size);
            rest %= size;
        }
    }
    text
}

/// The test file for `case`, with `rules.yml` as its rule file.
pub fn test_file(case: &Case) -> String {
    let mut text = String::from("rule_files:\n  - rules.yml\n");
    if let Some(ms) = case.evaluation_interval_ms {
        let _ = writeln!(text, "evaluation_interval: {}", duration_text(ms));
    }
    text.push_str("tests:\n");
    for group in &case.groups {
        text.push_str("  - ");
        if !group.name.is_empty() {
            let _ = write!(text, "name: {}\n    ", yaml_quote(&group.name));
        }
        let _ = writeln!(text, "interval: {}", duration_text(group.interval_ms));
        text.push_str("    input_series:\n");
        for (series, values) in &group.input {
            let _ = writeln!(
                text,
                "      - series: {}\n        values: {}",
                yaml_quote(series),
                yaml_quote(values)
            );
        }
        if !group.alerts.is_empty() {
            text.push_str("    alert_rule_test:\n");
        }
        for test in &group.alerts {
            let _ = writeln!(
                text,
                "      - eval_time: {}\n        alertname: {}",
                duration_text(test.eval_time_ms),
                test.alertname
            );
            if test.expected.is_empty() {
                text.push_str("        exp_alerts: []\n");
                continue;
            }
            text.push_str("        exp_alerts:\n");
            for (labels, annotations) in &test.expected {
                text.push_str("          - exp_labels:\n");
                write_map(&mut text, labels, 14);
                if !annotations.is_empty() {
                    text.push_str("            exp_annotations:\n");
                    write_map(&mut text, annotations, 14);
                }
            }
        }
        if !group.exprs.is_empty() {
            text.push_str("    promql_expr_test:\n");
        }
        for test in &group.exprs {
            let _ = writeln!(
                text,
                "      - expr: {}\n        eval_time: {}",
                yaml_quote(&test.expr),
                duration_text(test.eval_time_ms)
            );
            if test.expected.is_empty() {
                text.push_str("        exp_samples: []\n");
                continue;
            }
            text.push_str("        exp_samples:\n");
            for (labels, value) in &test.expected {
                let _ = writeln!(
                    text,
                    "          - labels: {}\n            value: {value}",
                    yaml_quote(labels)
                );
            }
        }
    }
    text
}

fn write_map(text: &mut String, pairs: &[(String, String)], indent: usize) {
    if pairs.is_empty() {
        // An empty block mapping is written inline.
        text.truncate(text.trim_end_matches('\n').len());
        text.push_str(" {}\n");
        return;
    }
    for (key, value) in pairs {
        let _ = writeln!(text, "{:indent$}{key}: {}", "", yaml_quote(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_case() {
        let first = case(&mut Rng::new(7));
        let second = case(&mut Rng::new(7));
        assert_eq!(first.rules, second.rules);
        assert_eq!(test_file(&first), test_file(&second));
        let other = case(&mut Rng::new(8));
        assert_ne!(test_file(&first), test_file(&other));
    }

    #[test]
    fn durations_are_written_largest_unit_first() {
        assert_eq!(duration_text(0), "0s");
        assert_eq!(duration_text(90_000), "1m30s");
        assert_eq!(duration_text(3_600_500), "1h500ms");
    }

    #[test]
    fn series_slots_count_every_expanded_value() {
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let (values, slots) = series_values(&mut rng);
            let counted: usize = values
                .split(' ')
                .map(|item| match item.rsplit_once('x') {
                    Some(("_", n)) => n.parse::<usize>().expect("count"),
                    Some((_, n)) => n.parse::<usize>().expect("count") + 1,
                    None => 1,
                })
                .sum();
            assert_eq!(counted, slots, "{values}");
        }
    }
}
