//! Property tests of the evaluator: generated series and expressions never
//! make it panic, and algebraic identities hold.

use monlint_core::Version;
use monlint_promql::eval::{EvalOptions, Labels, Storage, Value, instant_query, range_query};
use monlint_promql::series::SeriesValue;
use monlint_promql::{ParseOptions, parse};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    }
}

/// Up to six series of metric `x` with labels `a` and `b`, one-minute
/// samples, some slots empty or stale.
fn series_set() -> impl Strategy<Value = Vec<(String, String, Vec<SeriesValue>)>> {
    let value = prop_oneof![
        8 => (-1000.0f64..1000.0).prop_map(SeriesValue::Float),
        1 => Just(SeriesValue::Omitted),
        1 => Just(SeriesValue::Float(monlint_promql::series::stale_nan())),
        1 => Just(SeriesValue::Float(f64::NAN)),
    ];
    proptest::collection::vec(
        (
            prop::sample::select(vec!["p", "q", "r"]),
            prop::sample::select(vec!["1", "2", "3"]),
            proptest::collection::vec(value, 1..30),
        )
            .prop_map(|(a, b, values)| (a.to_owned(), b.to_owned(), values)),
        1..6,
    )
}

fn load(set: &[(String, String, Vec<SeriesValue>)]) -> Storage {
    let mut storage = Storage::new();
    for (a, b, values) in set {
        let labels = Labels::from_pairs([
            ("__name__".to_owned(), "x".to_owned()),
            ("a".to_owned(), a.clone()),
            ("b".to_owned(), b.clone()),
        ]);
        storage.load(labels, 0, 60_000, values.clone());
    }
    storage.seal();
    storage
}

/// Generated instant-vector expressions over `x`.
fn vector_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_owned()),
        Just("x offset 2m".to_owned()),
        Just("x @ 300".to_owned()),
        Just(r#"x{a=~"p|q"}"#.to_owned()),
        prop::sample::select(vec![
            "rate",
            "increase",
            "delta",
            "irate",
            "idelta",
            "deriv",
            "changes",
            "resets",
            "avg_over_time",
            "sum_over_time",
            "min_over_time",
            "max_over_time",
            "stddev_over_time",
            "count_over_time",
            "last_over_time",
            "mad_over_time",
        ])
        .prop_map(|f| format!("{f}(x[5m])")),
        Just("rate(x[5m:1m])".to_owned()),
        Just("predict_linear(x[10m], 60)".to_owned()),
        Just("quantile_over_time(0.3, x[10m])".to_owned()),
        Just("double_exponential_smoothing(x[10m], 0.3, 0.6)".to_owned()),
        Just(r#"histogram_quantile(0.9, label_replace(x, "le", "$1", "b", "(.*)"))"#.to_owned()),
    ];
    leaf.prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "%", "^", ">", "<=", "== bool", "and", "or", "unless"
                ]),
                inner.clone()
            )
                .prop_map(|(l, op, r)| format!("({l}) {op} ({r})")),
            (
                inner.clone(),
                prop::sample::select(vec!["on(a)", "ignoring(b)"]),
                inner.clone()
            )
                .prop_map(|(l, m, r)| format!("({l}) + {m} ({r})")),
            (
                prop::sample::select(vec![
                    "sum", "avg", "min", "max", "count", "stddev", "stdvar", "group"
                ]),
                prop::sample::select(vec!["", " by (a)", " without (b)"]),
                inner.clone()
            )
                .prop_map(|(op, g, e)| format!("{op}{g} ({e})")),
            (
                prop::sample::select(vec!["topk", "bottomk", "limitk"]),
                inner.clone()
            )
                .prop_map(|(op, e)| format!("{op}(2, {e})")),
            inner
                .clone()
                .prop_map(|e| format!("quantile by (a) (0.5, {e})")),
            inner
                .clone()
                .prop_map(|e| format!(r#"count_values("v", {e})"#)),
            inner.clone().prop_map(|e| format!("abs(-({e}))")),
            inner.clone().prop_map(|e| format!("clamp({e}, -10, 10)")),
            inner.clone().prop_map(|e| format!("sort_desc({e})")),
            inner.clone().prop_map(|e| format!("absent({e})")),
            inner
                .clone()
                .prop_map(|e| format!("max_over_time(({e})[5m:1m])")),
            inner.prop_map(|e| format!("({e}) * 2 + scalar(sum({e}))")),
        ]
    })
}

fn samples(value: Value) -> Vec<(Labels, f64)> {
    match value {
        Value::Vector(v) => {
            let mut out: Vec<(Labels, f64)> = v
                .into_iter()
                .map(|s| ((*s.labels).clone(), s.value))
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        }
        other => panic!("expected a vector, got {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_queries_never_panic(
        set in series_set(),
        expr in vector_expr(),
        time in 0i64..2_000_000,
        v2 in any::<bool>(),
    ) {
        let version = if v2 { Version::new(2, 42) } else { Version::default() };
        let parse_options = ParseOptions { version, experimental_functions: true };
        // 2.x spells these differently or lacks them.
        let expr = if v2 {
            expr.replace("double_exponential_smoothing", "holt_winters")
                .replace("limitk", "topk")
                .replace("mad_over_time", "stddev_over_time")
        } else {
            expr
        };
        let expr = parse(&expr, &parse_options)
            .unwrap_or_else(|e| panic!("generated {expr:?} does not parse: {e}"));
        let storage = load(&set);
        let options = EvalOptions { version, max_samples: 100_000, ..EvalOptions::default() };
        let _ = instant_query(&storage, &expr, time, &options);
        let _ = range_query(&storage, &expr, time, time + 600_000, 120_000, &options);
    }

    #[test]
    fn sum_equals_sum_of_partial_sums(set in series_set(), time in 0i64..1_800_000) {
        let storage = load(&set);
        let options = EvalOptions::default();
        let eval = |text: &str| {
            let expr = parse(text, &ParseOptions::default()).expect("parses");
            samples(instant_query(&storage, &expr, time, &options).expect("evaluates"))
        };
        let whole = eval("sum(x)");
        let nested = eval("sum(sum by (a) (x))");
        prop_assert_eq!(whole.len(), nested.len());
        for (w, n) in whole.iter().zip(&nested) {
            prop_assert!(close(w.1, n.1), "{} vs {}", w.1, n.1);
        }
    }

    #[test]
    fn offset_zero_is_identity(set in series_set(), time in 0i64..1_800_000) {
        let storage = load(&set);
        let options = EvalOptions::default();
        let eval = |text: &str| {
            let expr = parse(text, &ParseOptions::default()).expect("parses");
            samples(instant_query(&storage, &expr, time, &options).expect("evaluates"))
        };
        let plain = eval("x");
        let shifted = eval("x offset 0");
        prop_assert_eq!(plain.len(), shifted.len());
        for (p, s) in plain.iter().zip(&shifted) {
            prop_assert_eq!(&p.0, &s.0);
            prop_assert!(p.1.to_bits() == s.1.to_bits());
        }
    }
}
