//! Evaluator behaviour that differs by Prometheus version, and the error
//! texts Prometheus prints, checked on small hand-made data.

use monlint_core::Version;
use monlint_promql::eval::{
    EvalError, EvalOptions, Storage, Value, histogram_value, instant_query,
    instant_query_histograms, is_histogram_value, range_query,
};
use monlint_promql::series::parse_series_line;
use monlint_promql::{ParseOptions, parse};

const V2: Version = Version::new(2, 42);
const V3: Version = Version::new(3, 5);

fn storage(interval_ms: i64, lines: &[&str]) -> Storage {
    let mut storage = Storage::new();
    for line in lines {
        let (labels, values) = parse_series_line(line).expect("valid series");
        storage.load(labels, 0, interval_ms, values);
    }
    storage.seal();
    storage
}

fn options(version: Version) -> EvalOptions {
    EvalOptions {
        version,
        ..EvalOptions::default()
    }
}

fn query(storage: &Storage, expr: &str, at_ms: i64, version: Version) -> Result<Value, EvalError> {
    let parse_options = ParseOptions {
        version,
        experimental_functions: true,
    };
    let expr = parse(expr, &parse_options).expect("valid expression");
    instant_query(storage, &expr, at_ms, &options(version))
}

/// `(labels, value)` pairs of a vector result, sorted by labels.
fn vector(value: Result<Value, EvalError>) -> Vec<(String, f64)> {
    match value {
        Ok(Value::Vector(samples)) => {
            let mut out: Vec<(String, f64)> = samples
                .into_iter()
                .map(|s| (s.labels.to_string(), s.value))
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        }
        other => panic!("expected a vector, got {other:?}"),
    }
}

fn error(value: Result<Value, EvalError>) -> String {
    match value {
        Err(EvalError::Failed(message)) => message,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn range_windows_are_closed_in_2x_and_left_open_in_3x() {
    let data = storage(1000, &["x 0+1x120"]);
    let count = |version| vector(query(&data, "count_over_time(x[1m])", 60_000, version));
    assert_eq!(count(V2), [("{}".to_owned(), 61.0)]);
    assert_eq!(count(V3), [("{}".to_owned(), 60.0)]);
}

#[test]
fn lookback_is_closed_in_2x_and_left_open_in_3x() {
    let data = storage(60_000, &["x 7"]);
    assert_eq!(vector(query(&data, "x", 300_000, V2)).len(), 1);
    assert!(vector(query(&data, "x", 300_000, V3)).is_empty());
    assert!(vector(query(&data, "x", 300_001, V2)).is_empty());
}

#[test]
fn stale_markers_end_a_series() {
    let data = storage(60_000, &["x 1 stale"]);
    assert_eq!(vector(query(&data, "x", 30_000, V3)).len(), 1);
    assert!(vector(query(&data, "x", 90_000, V3)).is_empty());
    assert_eq!(
        vector(query(&data, "count_over_time(x[5m])", 90_000, V3)),
        [("{}".to_owned(), 1.0)]
    );
}

#[test]
fn regex_dot_matches_newline_only_in_3x() {
    let data = storage(60_000, &[r#"x{l="a\nb"} 1"#]);
    assert!(vector(query(&data, r#"x{l=~"a.b"}"#, 0, V2)).is_empty());
    assert_eq!(vector(query(&data, r#"x{l=~"a.b"}"#, 0, V3)).len(), 1);
    // Matchers are fully anchored.
    assert!(vector(query(&data, r#"x{l=~"a"}"#, 0, V3)).is_empty());
    // label_replace follows the same rule.
    let replaced = |version| {
        vector(query(
            &data,
            r#"label_replace(x, "m", "yes", "l", "a.b")"#,
            0,
            version,
        ))[0]
            .0
            .contains("m=")
    };
    assert!(!replaced(V2));
    assert!(replaced(V3));
}

#[test]
fn offsets_and_at_modifiers() {
    let data = storage(60_000, &["x 0+10x10"]);
    let at = |expr| vector(query(&data, expr, 300_000, V3))[0].1;
    assert_eq!(at("x"), 50.0);
    assert_eq!(at("x offset 0"), 50.0);
    assert_eq!(at("x offset 2m"), 30.0);
    assert_eq!(at("x offset -2m"), 70.0);
    assert_eq!(at("x @ 60"), 10.0);
    assert_eq!(at("x @ 120 offset 1m"), 10.0);
    let expr = parse("x @ start() + x @ end()", &ParseOptions::default()).expect("parses");
    let result =
        range_query(&data, &expr, 60_000, 180_000, 60_000, &options(V3)).expect("evaluates");
    let values: Vec<f64> = result[0].points.iter().map(|p| p.1).collect();
    assert_eq!(values, [40.0, 40.0, 40.0]);
}

#[test]
fn rate_extrapolates_like_prometheus() {
    let data = storage(60_000, &["c_total 0+60x10"]);
    // 5m of a counter rising 1/s: rate 1, increase extrapolated to the window.
    let rate = vector(query(&data, "rate(c_total[5m])", 600_000, V3));
    assert!((rate[0].1 - 1.0).abs() < 1e-12, "{rate:?}");
    let increase = vector(query(&data, "increase(c_total[5m])", 600_000, V3));
    assert!((increase[0].1 - 300.0).abs() < 1e-9, "{increase:?}");
}

#[test]
fn vector_matching_errors_carry_prometheus_texts() {
    let data = storage(
        60_000,
        &[
            r#"a{i="1",j="x"} 1"#,
            r#"a{i="2",j="x"} 2"#,
            r#"b{j="x"} 3"#,
        ],
    );
    // Since 3.12 the pair is sorted; before, the series found later comes first.
    assert_eq!(
        error(query(&data, "b + on(j) a", 0, Version::new(3, 12))),
        "found duplicate series for the match group {j=\"x\"} on the right hand-side of the operation: \
         [{__name__=\"a\", i=\"1\", j=\"x\"}, {__name__=\"a\", i=\"2\", j=\"x\"}];\
         many-to-many matching not allowed: matching labels must be unique on one side"
    );
    assert_eq!(
        error(query(&data, "b + on(j) a", 0, V3)),
        "found duplicate series for the match group {j=\"x\"} on the right hand-side of the operation: \
         [{__name__=\"a\", i=\"2\", j=\"x\"}, {__name__=\"a\", i=\"1\", j=\"x\"}];\
         many-to-many matching not allowed: matching labels must be unique on one side"
    );
    assert_eq!(
        vector(query(&data, "a + on(j) group_left b", 0, V3)),
        [
            ("{i=\"1\", j=\"x\"}".to_owned(), 4.0),
            ("{i=\"2\", j=\"x\"}".to_owned(), 5.0)
        ]
    );
}

#[test]
fn sample_limit_uses_prometheus_text() {
    let data = storage(1000, &["x 0+1x100"]);
    let expr = parse("sum_over_time(x[1m])", &ParseOptions::default()).expect("parses");
    let limited = EvalOptions {
        max_samples: 10,
        ..EvalOptions::default()
    };
    assert_eq!(
        instant_query(&data, &expr, 60_000, &limited),
        Err(EvalError::Failed(
            "query processing would load too many samples into memory in query execution"
                .to_owned()
        ))
    );
}

#[test]
fn native_histograms_are_computed_with_where_prometheus_semantics_are_modelled() {
    let data = storage(
        60_000,
        &[
            r#"h{i="1"} {{schema:0 sum:2 count:3 buckets:[1 2]}}x3"#,
            r#"h{i="2"} {{schema:-1 sum:4 count:1 buckets:[1] offset:1}}x3"#,
        ],
    );
    let parse_options = ParseOptions {
        version: V3,
        experimental_functions: true,
    };
    let run = |text: &str| {
        let expr = parse(text, &parse_options).expect("valid expression");
        let (value, _, histograms) =
            instant_query_histograms(&data, &expr, 60_000, &options(V3)).expect("evaluates");
        let Value::Vector(samples) = value else {
            panic!("expected a vector")
        };
        (samples, histograms)
    };
    // The sum is in the lower schema: schema 0 buckets (0.5,1], (1,2] merge into -1's.
    let (samples, histograms) = run("sum(h)");
    let sum = histograms
        .get(&data, samples[0].value)
        .expect("a histogram");
    assert_eq!((sum.schema, sum.count, sum.sum), (-1, 4.0, 6.0));
    assert_eq!(
        monlint_promql::series::compact_buckets(sum.offset, &sum.buckets),
        (0, &[1.0, 3.0][..])
    );
    let (samples, histograms) = run("h / 2");
    assert_eq!(samples.len(), 2);
    for sample in &samples {
        let half = histograms.get(&data, sample.value).expect("a histogram");
        assert!(half.count == 1.5 || half.count == 0.5, "{half:?}");
    }
    let (samples, _) = run(r#"histogram_count(h{i="1"}) + on() histogram_avg(h{i="2"})"#);
    assert_eq!(samples[0].value, 7.0);
    // Histogram plus float, or compared with one: Prometheus drops the pair (with an info).
    assert!(run("h + 1").0.is_empty());
    assert!(run("h > 0").0.is_empty());
    // Float functions and aggregations that ignore histograms leave them out.
    assert!(run("abs(h)").0.is_empty());
    assert!(run("max(h)").0.is_empty());
    assert_eq!(run(r#"h == h{i="1"}"#).0.len(), 1);
    // The entry points without the histogram arena refuse computed histograms.
    let expr = parse("sum(h)", &parse_options).expect("valid expression");
    assert!(matches!(
        instant_query(&data, &expr, 60_000, &options(V3)),
        Err(EvalError::Unsupported(_))
    ));
}

#[test]
fn native_histograms_are_selected_and_counted_but_never_computed_with() {
    let data = storage(60_000, &["h {{schema:0 sum:1 count:1}}x3", "f 1"]);
    let unsupported = || {
        Err(EvalError::Unsupported(
            "native histograms are not supported yet".to_owned(),
        ))
    };
    let Ok(Value::Vector(selected)) = query(&data, "h", 60_000, V3) else {
        panic!("a bare selector reads histograms");
    };
    assert!(is_histogram_value(selected[0].value));
    let histogram = histogram_value(&data, selected[0].value).expect("decodes");
    assert_eq!((histogram.count, histogram.sum), (1.0, 1.0));
    assert_eq!(
        vector(query(
            &data,
            "count(h) + count(limitk(1, h and h))",
            60_000,
            V3
        )),
        [("{}".to_owned(), 2.0)]
    );
    // Results holding computed histograms are refused by `instant_query`, which
    // cannot hand them out; the operations below are not modelled for histograms.
    for computing in [
        "sum(h)",
        "h * 2",
        "-h",
        "changes(h[5m])",
        "rate(h[5m])",
        "max_over_time(h[5m:1m])",
    ] {
        assert_eq!(
            query(&data, computing, 60_000, V3),
            unsupported(),
            "{computing}"
        );
    }
    assert_eq!(vector(query(&data, "f", 60_000, V3)).len(), 1);
    // Float-only functions leave histograms out, as Prometheus does.
    assert!(vector(query(&data, "clamp(h, 0, 1)", 60_000, V3)).is_empty());
}

#[test]
fn holt_winters_evaluates_under_2x_name() {
    let data = storage(60_000, &["x 1 2 3 4 5"]);
    let two = vector(query(&data, "holt_winters(x[5m], 0.5, 0.5)", 240_000, V2));
    let three = vector(query(
        &data,
        "double_exponential_smoothing(x[5m], 0.5, 0.5)",
        240_000,
        V3,
    ));
    assert_eq!(two[0].1, 5.0);
    assert_eq!(two, three);
}

#[test]
fn subqueries_default_to_the_configured_step() {
    let data = storage(60_000, &["x 0+1x20"]);
    let count = vector(query(&data, "count_over_time(x[10m:])", 600_000, V3));
    assert_eq!(count[0].1, 10.0);
    let count = vector(query(&data, "count_over_time(x[10m:2m])", 600_000, V3));
    assert_eq!(count[0].1, 5.0);
    let count = vector(query(&data, "count_over_time(x[10m:2m])", 600_000, V2));
    assert_eq!(count[0].1, 6.0);
}

#[test]
fn deepest_parseable_expressions_evaluate_on_a_small_stack() {
    // (opening, innermost, closing) of each nesting form.
    let forms: [(&str, &str, &str); 12] = [
        ("(", "x", ")"),
        ("abs(", "x", ")"),
        ("- ", "x", ""),
        ("sum(", "x", ")"),
        ("topk(1, ", "x", ")"),
        ("clamp(", "x", ", 0, 1)"),
        ("histogram_quantile(0.5, ", "x", ")"),
        ("label_replace(", "x", r#", "a", "b", "c", "d")"#),
        ("count_values(\"v\", ", "x", ")"),
        ("scalar(vector(", "1", "))"),
        ("last_over_time((", "x", ")[1m:1m])"),
        ("", "x", " + on(a) group_left x"),
    ];
    // Each form as deep as the parser accepts it.
    let deepest: Vec<_> = forms
        .iter()
        .map(|(open, inner, close)| {
            (1..=monlint_promql::MAX_DEPTH)
                .rev()
                .find_map(|n| {
                    let text = format!("{}{inner}{}", open.repeat(n), close.repeat(n));
                    parse(&text, &ParseOptions::default()).ok()
                })
                .expect("some depth parses")
        })
        .collect();
    let data = storage(60_000, &["x 1"]);
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for expr in &deepest {
                let _ = instant_query(&data, expr, 0, &EvalOptions::default());
            }
        })
        .expect("thread starts");
    handle.join().expect("no stack overflow");
}

#[test]
fn nested_subqueries_have_a_work_bound() {
    let data = storage(60_000, &["x 1"]);
    let expr = format!(
        "{}x{}",
        "max_over_time((".repeat(12),
        ")[10m:1m])".repeat(12)
    );
    assert_eq!(
        error(query(&data, &expr, 0, V3)),
        "query would evaluate more than 1000000 subquery steps"
    );
}
