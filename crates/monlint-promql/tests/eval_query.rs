//! A `Query` evaluated again and again (as rule evaluation and replays do) must give what a
//! fresh `instant_query` gives at every time, whatever order the times come in and however
//! the storage grows in between.

use monlint_promql::eval::{EvalOptions, Labels, Query, Storage, instant_query};
use monlint_promql::{ParseOptions, parse};

const MINUTE: i64 = 60_000;

const EXPRESSIONS: [&str; 8] = [
    "m",
    "rate(m[5m])",
    "m offset 10m",
    "m @ 1800",
    "sum by (job) (m)",
    "{__name__=~\"m|n\", job!=\"b\"}",
    "max_over_time(m[3m:1m])",
    "count_over_time(n[10m]) + on(job) group_left m",
];

fn labels(name: &str, job: &str) -> Labels {
    Labels::from_pairs([
        ("__name__".to_owned(), name.to_owned()),
        ("job".to_owned(), job.to_owned()),
    ])
}

/// Times forward one step at a time, then jumps back and forth.
fn times() -> Vec<i64> {
    let mut times: Vec<i64> = (0..60).map(|minute| minute * MINUTE).collect();
    times.extend([5, 59, 0, 30, 31, 29, 120, 7].map(|minute| minute * MINUTE));
    times
}

#[test]
fn repeated_queries_agree_with_fresh_ones_as_storage_grows_and_time_moves() {
    let options = EvalOptions::default();
    for version in ["2.42", "3.0"] {
        let parse_options = ParseOptions {
            version: version.parse().expect("version"),
            experimental_functions: false,
        };
        let options = EvalOptions {
            version: parse_options.version,
            ..options.clone()
        };
        for text in EXPRESSIONS {
            let expr = parse(text, &parse_options).expect("parses");
            let mut query = Query::new(&expr);
            let mut storage = Storage::new();
            let a = storage.series_id(labels("m", "a"));
            for (step, time) in times().into_iter().enumerate() {
                // The storage grows between queries: a sample per minute for `a`, a new
                // series half-way through, another metric now and then.
                let minute = time / MINUTE;
                let _ = storage.push(a, time, minute as f64);
                if step == 30 {
                    let b = storage.series_id(labels("m", "b"));
                    let _ = storage.push(b, time, 1.0);
                }
                if step % 7 == 0 {
                    let n = storage.series_id(labels("n", "a"));
                    let _ = storage.push(n, time, 2.0);
                }
                storage.seal();
                let fresh = instant_query(&storage, &expr, time, &options);
                let repeated = query.instant(&storage, time, &options);
                assert_eq!(repeated, fresh, "{version} {text} at {minute}m");
            }
            // A cleared storage shares nothing with what came before.
            storage.clear();
            let c = storage.series_id(labels("m", "c"));
            let _ = storage.push(c, 0, 5.0);
            storage.seal();
            assert_eq!(
                query.instant(&storage, 0, &options),
                instant_query(&storage, &expr, 0, &options),
                "{version} {text} after clear"
            );
        }
    }
}
