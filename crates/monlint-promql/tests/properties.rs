//! Property tests: no input makes the parser panic, and generated well-formed
//! expressions parse, print and re-parse to the same canonical text, which
//! promql-parser also accepts.

use monlint_core::Version;
use monlint_promql::{ParseOptions, parse};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Characters that matter to the lexer, mixed with arbitrary ones.
fn promql_ish_string() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("`".to_owned()),
        Just("\\".to_owned()),
        Just("#".to_owned()),
        Just("=~".to_owned()),
        Just("!=".to_owned()),
        Just(" offset ".to_owned()),
        Just(" @ ".to_owned()),
        Just("5m".to_owned()),
        Just("1e".to_owned()),
        Just("0x".to_owned()),
        Just("sum".to_owned()),
        Just("rate".to_owned()),
        Just(" by ".to_owned()),
        Just("foo".to_owned()),
        Just("é".to_owned()),
        Just("\u{FFFD}".to_owned()),
        "[-+*/%^<>=!]",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(input in any::<String>()) {
        let _ = parse(&input, &ParseOptions::default());
    }

    /// What the fuzz target asserts: errors stay inside the input, and
    /// whatever parses prints to text that parses to the same print.
    #[test]
    fn promql_like_text_never_panics_and_round_trips(input in promql_ish_string()) {
        for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
            let opts = ParseOptions { version, experimental_functions: true };
            match parse(&input, &opts) {
                Ok(expr) => {
                    let printed = expr.to_string();
                    let again = parse(&printed, &opts).map(|e| e.to_string());
                    prop_assert_eq!(again, Ok(printed));
                }
                Err(error) => {
                    prop_assert!(error.span.start <= error.span.end);
                    prop_assert!((error.span.end as usize) <= input.len());
                    prop_assert!(input.is_char_boundary(error.span.start as usize));
                    prop_assert!(input.is_char_boundary(error.span.end as usize));
                    let _ = error.prometheus_text(&input);
                }
            }
        }
    }
}

fn label_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("job".to_owned()),
        Just("instance".to_owned()),
        Just("le".to_owned()),
        "[a-z_][a-z0-9_]{0,6}",
    ]
}

fn metric_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("up".to_owned()),
        Just("http_requests_total".to_owned()),
        Just("job:rate:5m".to_owned()),
        "[a-z][a-z0-9_]{0,8}".prop_filter("not a keyword", |name| !is_keyword(name)),
    ]
}

fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "and",
        "or",
        "unless",
        "atan2",
        "sum",
        "avg",
        "count",
        "min",
        "max",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "count_values",
        "quantile",
        "limitk",
        "limit_ratio",
        "offset",
        "smoothed",
        "anchored",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "fill",
        "fill_left",
        "fill_right",
        "bool",
        "start",
        "end",
        "step",
        "range",
        "max_of",
        "min_of",
        "inf",
        "nan",
    ];
    KEYWORDS.contains(&word)
}

fn duration() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["30s", "1m", "5m", "1h", "1h30m", "2d", "1w"])
}

fn selector() -> impl Strategy<Value = String> {
    let matcher = (
        label_name(),
        prop::sample::select(vec!["=", "!=", "=~", "!~"]),
        "[a-z0-9]{1,5}",
    )
        .prop_map(|(name, op, value)| format!("{name}{op}\"{value}\""));
    (metric_name(), prop::collection::vec(matcher, 0..3)).prop_map(|(name, matchers)| {
        if matchers.is_empty() {
            name
        } else {
            format!("{name}{{{}}}", matchers.join(", "))
        }
    })
}

fn modifiers() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::sample::select(vec!["100", "start()", "end()"])),
        prop::option::of((any::<bool>(), duration())),
    )
        .prop_map(|(at, offset)| {
            let mut text = String::new();
            if let Some(at) = at {
                text.push_str(&format!(" @ {at}"));
            }
            if let Some((negative, duration)) = offset {
                let sign = if negative { "-" } else { "" };
                text.push_str(&format!(" offset {sign}{duration}"));
            }
            text
        })
}

/// Well-typed instant-vector expressions.
fn vector_expr() -> impl Strategy<Value = String> {
    let leaf = (selector(), modifiers()).prop_map(|(s, m)| format!("{s}{m}"));
    leaf.prop_recursive(4, 24, 3, |inner| {
        let range_function = prop::sample::select(vec![
            "rate",
            "irate",
            "increase",
            "avg_over_time",
            "changes",
        ]);
        let aggregation = prop::sample::select(vec!["sum", "avg", "min", "max", "count", "group"]);
        let arithmetic = prop::sample::select(vec!["+", "-", "*", "/", "%", "^", "atan2"]);
        let comparison = prop::sample::select(vec!["==", "!=", ">", "<", ">=", "<="]);
        let set_op = prop::sample::select(vec!["and", "or", "unless"]);
        prop_oneof![
            (range_function, selector(), duration(), modifiers())
                .prop_map(|(f, s, d, m)| format!("{f}({s}[{d}]{m})")),
            (inner.clone(), duration(), prop::option::of(duration()))
                .prop_map(|(e, r, s)| format!("max_over_time(({e})[{r}:{}])", s.unwrap_or(""))),
            (
                aggregation,
                inner.clone(),
                prop::collection::vec(label_name(), 0..3),
                any::<bool>()
            )
                .prop_map(|(a, e, labels, before)| {
                    let grouping = format!("by ({})", labels.join(", "));
                    if before {
                        format!("{a} {grouping} ({e})")
                    } else {
                        format!("{a}({e}) {grouping}")
                    }
                }),
            (inner.clone(), 1..10u32).prop_map(|(e, k)| format!("topk({k}, {e})")),
            (inner.clone(), arithmetic, inner.clone())
                .prop_map(|(l, op, r)| format!("({l}) {op} ({r})")),
            (inner.clone(), comparison, any::<bool>(), inner.clone()).prop_map(
                |(l, op, b, r)| format!("({l}) {op}{} ({r})", if b { " bool" } else { "" })
            ),
            (inner.clone(), set_op, inner.clone())
                .prop_map(|(l, op, r)| format!("({l}) {op} ({r})")),
            (inner.clone(), label_name(), inner.clone())
                .prop_map(|(l, label, r)| format!("({l}) * on ({label}) group_left () ({r})")),
            (inner.clone(), -1000.0..1000.0f64).prop_map(|(e, n)| format!("({e}) > {n}")),
            inner.clone().prop_map(|e| format!("-({e})")),
            inner.prop_map(|e| format!("abs({e})")),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_expressions_round_trip(input in vector_expr()) {
        let opts = ParseOptions::default();
        let expr = parse(&input, &opts);
        prop_assert!(expr.is_ok(), "{input}: {:?}", expr.err());
        let printed = expr.map(|e| e.to_string()).unwrap_or_default();
        let reparsed = parse(&printed, &opts);
        prop_assert!(reparsed.is_ok(), "{printed}: {:?}", reparsed.err());
        prop_assert_eq!(reparsed.map(|e| e.to_string()).unwrap_or_default(), printed.clone());
        let oracle = promql_parser::parser::parse(&input);
        prop_assert!(oracle.is_ok(), "promql-parser rejects {input}: {:?}", oracle.err());
    }
}
