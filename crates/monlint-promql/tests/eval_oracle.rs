//! Checks the evaluator against the real promtool 2.42 (Debian's
//! `prometheus` package) bit for bit: our results become the expected
//! samples of a `promtool test rules` file, which compares exactly.
//! Skipped, saying so, when promtool is not installed.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use monlint_core::Version;
use monlint_promql::eval::{EvalOptions, Storage, Value, instant_query};
use monlint_promql::series::{parse_series_selector, parse_values};
use monlint_promql::{ParseOptions, parse};

const PROMTOOL: &str = "/usr/bin/promtool";

const SERIES: &[(&str, &str)] = &[
    (r#"x{a="1"}"#, "0.1+0.1x40"),
    (r#"x{a="2"}"#, "1e10+0.3x40"),
    (r#"x{a="3"}"#, "-3.3-1.7x40"),
    (
        r#"c_total{a="1"}"#,
        "0 5 10 3 8 15 2 7 7 9 30 31 32 1 2 3 50 51 52 53 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
    ),
    (r#"c_total{a="2"}"#, "1000+17.3x40"),
    (r#"y{a="1"}"#, "1+2x40"),
    (r#"y{a="2"}"#, "-7.5+0.25x40"),
    (
        r#"g{a="1"}"#,
        "3.7 -1.2 8.9 0.001 17 2.5 -6 4 4 9.25 1 2 3 100 -100 0.3 0.2 0.1 7 7 7 1e-3 5 5 6 6 7 8 2 2 1 0 -1 3 3 4 4 5 5 6 6",
    ),
    (r#"h_bucket{le="0.1"}"#, "0+1x40"),
    (r#"h_bucket{le="0.5"}"#, "0+3x40"),
    (r#"h_bucket{le="1"}"#, "0+7x40"),
    (r#"h_bucket{le="+Inf"}"#, "0+9x40"),
];

/// promtool loads input series in map order, so aggregations see them in
/// a random order; `sum`/`avg`/`stddev` run on `y`, whose values make
/// every order exact.
const EXPRESSIONS: &[&str] = &[
    "sum(y)",
    "avg(y)",
    "stddev(y)",
    "stdvar(y)",
    "sum by (a) (x)",
    "quantile(0.3, x)",
    "topk(2, x)",
    "bottomk(1, x)",
    "count_values(\"v\", g)",
    "rate(c_total[5m])",
    "increase(c_total[7m])",
    "irate(c_total[5m])",
    "delta(g[10m])",
    "idelta(g[5m])",
    "deriv(g[10m])",
    "predict_linear(g[10m], 600)",
    "avg_over_time(g[10m])",
    "avg_over_time(x[10m])",
    "sum_over_time(x[10m])",
    "stddev_over_time(g[10m])",
    "stdvar_over_time(x[10m])",
    "quantile_over_time(0.7, g[10m])",
    "holt_winters(g[10m], 0.3, 0.6)",
    "count_over_time(x[5m])",
    "min_over_time(g[7m]) + max_over_time(g[7m])",
    "changes(g[15m])",
    "resets(c_total[15m])",
    "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))",
    "histogram_quantile(0.3, h_bucket)",
    "x offset 3m",
    "x @ 120",
    "timestamp(g)",
    "g % 3 - g ^ 2 / 7",
    "g > bool 4",
    "x * on(a) group_left g",
    "rate(c_total[5m:1m])",
    "max_over_time(deriv(g[5m])[10m:2m])",
    "label_replace(g, \"b\", \"$1-x\", \"a\", \"(.*)\")",
    "clamp(g, -2, 5)",
    "round(g, 0.3)",
    "sgn(g) * abs(g)",
    "time() - timestamp(x)",
    "last_over_time(x[3m])",
    "absent(nonexistent{a=\"1\", b=~\"x\"})",
    "absent_over_time(nonexistent[5m])",
    "vector(time()) + scalar(g)",
    "sort_desc(x)",
    "label_join(x, \"j\", \"-\", \"a\", \"__name__\")",
    "x and on(a) g > 3",
    "x or y",
    "x unless on(a) y",
    "count(x) by (a)",
    "count_values(\"v\", round(g))",
    "group(x)",
    "max(x) - min(x)",
    "day_of_month() + hour() + minute() + month() + year() + day_of_week() + days_in_month()",
    // Go's math package and Rust's (the platform libm) round exp, sin, cos,
    // tan, sinh, acosh, pow and atan2 differently in the last bit for some
    // inputs; the promqltest corpus checks them with its relative tolerance.
    "ln(abs(g) + 1)",
    "log2(abs(g) + 1)",
    "log10(abs(g) + 1)",
    "sqrt(abs(g))",
    "asin(clamp(g, -1, 1))",
    "acos(clamp(g, -1, 1))",
    "atan(g)",
    "tanh(g)",
    "asinh(g)",
    "atanh(clamp(g, -0.9, 0.9))",
    "x ^ 2",
    "x ^ 0.5",
    // atan2 keeps the metric name before 2.47.
    "count by (__name__) (g atan2 x)",
    "deg(g) + rad(g) + ceil(g) + floor(g)",
    "avg_over_time(g[10m:3m])",
    "sum_over_time(x[10m] offset 2m)",
    "rate(c_total[10m] @ 600)",
    "c_total - c_total offset 5m",
    "-g != 4",
    "g == bool on(a) g",
    "1 - g / 3 > 0",
    "histogram_quantile(0.5, rate(h_bucket[10m]))",
    "increase(h_bucket[5m]) / ignoring(le) group_left sum without (le) (increase(h_bucket[5m]))",
];

const EVAL_TIMES_MIN: &[i64] = &[5, 10, 17, 30];

fn yaml_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A float go-yaml v2 reads back exactly: a decimal point and a signed
/// exponent, as YAML 1.1 floats need.
fn yaml_float(value: f64) -> String {
    if value.is_infinite() {
        return if value > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').expect("exponent form");
    let mantissa = if mantissa.contains('.') {
        mantissa.to_owned()
    } else {
        format!("{mantissa}.0")
    };
    let exponent = exponent
        .strip_prefix('-')
        .map_or_else(|| format!("+{exponent}"), |digits| format!("-{digits}"));
    format!("{mantissa}e{exponent}")
}

#[test]
fn results_match_promtool_2_42_bit_for_bit() {
    if !Path::new(PROMTOOL).exists() {
        println!("note: {PROMTOOL} not installed; oracle comparison skipped");
        return;
    }
    let version = Version::new(2, 42);
    let mut storage = Storage::new();
    for (selector, values) in SERIES {
        let labels = parse_series_selector(selector).expect("valid selector");
        let values = parse_values(values, 1000).expect("valid values");
        storage.load(labels, 0, 60_000, values);
    }
    storage.seal();
    let options = EvalOptions {
        version,
        max_samples: 10_000,
        ..EvalOptions::default()
    };
    let parse_options = ParseOptions {
        version,
        experimental_functions: false,
    };
    let mut yaml = String::from(
        "rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n",
    );
    for (selector, values) in SERIES {
        let _ = writeln!(
            yaml,
            "      - series: {}\n        values: {}",
            yaml_string(selector),
            yaml_string(values)
        );
    }
    yaml.push_str("    promql_expr_test:\n");
    let mut compared = 0;
    for expr_text in EXPRESSIONS {
        let expr = parse(expr_text, &parse_options).expect("valid for 2.42");
        for &minutes in EVAL_TIMES_MIN {
            let samples = match instant_query(&storage, &expr, minutes * 60_000, &options) {
                Ok(Value::Vector(samples)) => samples,
                other => panic!("{expr_text} at {minutes}m: {other:?}"),
            };
            if samples.iter().any(|s| s.value.is_nan()) {
                // promtool never matches NaN; nothing to compare.
                continue;
            }
            let _ = writeln!(
                yaml,
                "      - expr: {}\n        eval_time: {minutes}m\n        exp_samples:",
                yaml_string(expr_text)
            );
            for sample in &samples {
                let _ = writeln!(
                    yaml,
                    "          - labels: {}\n            value: {}",
                    yaml_string(&sample.labels.to_string()),
                    yaml_float(sample.value)
                );
            }
            if samples.is_empty() {
                yaml.push_str("          []\n");
            }
            compared += 1;
        }
    }
    let dir = std::env::temp_dir().join(format!("monlint-eval-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("oracle_test.yml");
    std::fs::write(&file, &yaml).expect("write test file");
    let output = Command::new(PROMTOOL)
        .arg("test")
        .arg("rules")
        .arg(&file)
        .output()
        .expect("promtool runs");
    let _ = std::fs::remove_dir_all(&dir);
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "promtool disagrees on some of {compared} results:\n{report}"
    );
    assert!(compared > 100, "too few comparisons: {compared}");
}
