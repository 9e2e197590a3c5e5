//! `cargo xtask bench eval`: a heavy replay through the evaluator — 1,000 series with a week
//! of one-minute samples, and a rule set (rates, a histogram quantile, aggregations, an
//! `_over_time` comparison) evaluated as instant queries every minute of that week, as rule
//! evaluation does. Prints the work done, the wall time, samples per second and peak memory.
//!
//! promtool has no command that replays rules alone, so this one times the evaluator by
//! itself; `cargo xtask bench test` is the side-by-side run against promtool, through
//! `test rules` on both tools.

use std::process::ExitCode;
use std::time::Instant;

use monlint_core::Version;
use monlint_promql::eval::{EvalOptions, Labels, Storage, Value, instant_query};
use monlint_promql::series::SeriesValue;
use monlint_promql::{ParseOptions, parse};

use crate::util::Result;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Days of one-minute samples to replay.
    #[arg(long, default_value_t = 7)]
    days: i64,
}

const MINUTE_MS: i64 = 60_000;
const JOBS: usize = 10;
const COUNTER_SERIES: usize = 500;
const HISTOGRAM_INSTANCES: usize = 50;
const BUCKETS: [&str; 10] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf",
];

const RULES: [&str; 5] = [
    "sum by (job) (rate(http_requests_total[5m]))",
    "histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))",
    "max by (job) (http_requests_total) - min by (job) (http_requests_total)",
    "avg_over_time(http_requests_total[10m]) > 1000",
    "count by (job) (increase(http_requests_total[1h]) > 0)",
];

fn labels(pairs: &[(&str, String)]) -> Labels {
    Labels::from_pairs(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
}

/// Deterministic counter values: a per-series rate with a reset every few days.
fn counter(samples: usize, rate: f64) -> Vec<SeriesValue> {
    let mut value = 0.0;
    (0..samples)
        .map(|i| {
            if i % 4_000 == 3_999 {
                value = 0.0;
            }
            value += rate * 60.0;
            SeriesValue::Float(value)
        })
        .collect()
}

fn storage(samples: usize) -> (Storage, usize) {
    let mut storage = Storage::new();
    let mut series = 0;
    for i in 0..COUNTER_SERIES {
        let name = ("__name__", "http_requests_total".to_owned());
        let set = labels(&[
            name,
            ("job", format!("job{}", i % JOBS)),
            ("instance", format!("i{i}")),
        ]);
        storage.load(set, 0, MINUTE_MS, counter(samples, 1.0 + (i % 7) as f64));
        series += 1;
    }
    for i in 0..HISTOGRAM_INSTANCES {
        for (b, le) in BUCKETS.iter().enumerate() {
            let name = (
                "__name__",
                "http_request_duration_seconds_bucket".to_owned(),
            );
            let set = labels(&[
                name,
                ("job", format!("job{}", i % JOBS)),
                ("instance", format!("i{i}")),
                ("le", (*le).to_owned()),
            ]);
            storage.load(set, 0, MINUTE_MS, counter(samples, (b + 1) as f64));
            series += 1;
        }
    }
    storage.seal();
    (storage, series)
}

/// Peak resident memory of this process, from Linux' /proc (None elsewhere).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub fn eval(args: &EvalArgs) -> Result<ExitCode> {
    let samples = usize::try_from(args.days * 24 * 60)?;
    let (storage, series) = storage(samples);
    let options = EvalOptions {
        version: Version::PROMETHEUS_LATEST,
        ..EvalOptions::default()
    };
    let parse_options = ParseOptions::default();
    let rules = RULES
        .iter()
        .map(|rule| parse(rule, &parse_options).map_err(|e| format!("{rule}: {}", e.message)))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    println!(
        "replaying {series} series x {samples} samples, {} rules every minute",
        rules.len()
    );
    let started = Instant::now();
    let mut output_samples = 0usize;
    let mut evaluations = 0usize;
    for step in 0..samples as i64 {
        let time = step * MINUTE_MS;
        for rule in &rules {
            match instant_query(&storage, rule, time, &options)? {
                Value::Vector(vector) => output_samples += vector.len(),
                Value::Scalar(_) => output_samples += 1,
                _ => {}
            }
            evaluations += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let stored = series * samples;
    println!("evaluations      {evaluations}");
    println!("output samples   {output_samples}");
    println!("wall time        {seconds:.3}s");
    println!("evaluations/s    {:.0}", evaluations as f64 / seconds);
    println!(
        "stored samples replayed/s  {:.0}",
        stored as f64 * rules.len() as f64 / seconds
    );
    match peak_rss_mib() {
        Some(mib) => println!("peak RSS         {mib:.1} MiB"),
        None => println!("peak RSS         n/a"),
    }
    println!("promtool: see `cargo xtask bench test` for the side-by-side run");
    Ok(ExitCode::SUCCESS)
}
