//! `cargo xtask bench test`: one heavy promtool unit test (hundreds of series with a week of
//! one-minute samples, a week of one-minute rule evaluations: rates, increases, a histogram
//! quantile over classic buckets, aggregations, alerts with `for`) run by `promtool test
//! rules` and `monlint test rules --prometheus-version 2.42`. Both must pass the test, so
//! both did the same work; the table shows wall time and peak memory side by side.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::Args;

use crate::bench::{Measurement, format_rss, measure};
use crate::util::{self, Result, ScratchDir};

#[derive(Args)]
pub struct TestArgs {
    /// Counter series (`http_requests_total`); a tenth as many histograms with ten buckets
    /// each and a fifth as many gauges come on top.
    #[arg(long, default_value_t = 100)]
    counters: usize,
    /// Days of one-minute samples and one-minute evaluation steps.
    #[arg(long, default_value_t = 7)]
    days: usize,
    /// Timed runs per tool; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// promtool binary used as the baseline.
    #[arg(long, default_value = "promtool")]
    promtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// Keep the generated test on disk and print where it is.
    #[arg(long)]
    keep: bool,
}

const JOBS: usize = 5;
const BUCKETS: [&str; 10] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf",
];
/// Counters grow by `1 + i % 7` per minute; those growing by 6 or 7 exceed the alert's
/// 0.09/s (5.4 per minute) threshold, the others stay below it.
const RATE_CYCLE: usize = 7;
const FAST_RATES: [usize; 2] = [6, 7];

const RULES: &str = r#"groups:
  - name: requests
    interval: 1m
    rules:
      - record: instance:http_requests:rate5m
        expr: rate(http_requests_total[5m])
      - record: job:http_requests:rate5m
        expr: sum by (job) (instance:http_requests:rate5m)
      - record: job:http_requests:increase1h
        expr: sum by (job) (increase(http_requests_total[1h]))
      - record: job:http_requests:avg_rate5m
        expr: avg by (job) (rate(http_requests_total[5m]))
      - alert: HighRequestRate
        expr: instance:http_requests:rate5m > 0.09
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: 'High request rate on {{ $labels.instance }}'
  - name: latency
    interval: 1m
    rules:
      - record: job_le:http_request_duration_seconds_bucket:rate5m
        expr: sum by (job, le) (rate(http_request_duration_seconds_bucket[5m]))
      - record: job:http_request_duration_seconds:p95
        expr: histogram_quantile(0.95, job_le:http_request_duration_seconds_bucket:rate5m)
      - record: job:http_request_duration_seconds:p50
        expr: histogram_quantile(0.5, sum by (job, le) (increase(http_request_duration_seconds_bucket[10m])))
      - alert: HighLatency
        expr: job:http_request_duration_seconds:p95 > 0.5
        for: 5m
        labels:
          severity: page
        annotations:
          summary: 'p95 latency of {{ $labels.job }} is high'
  - name: temperature
    interval: 1m
    rules:
      - record: job:node_temperature:avg
        expr: avg by (job) (node_temperature)
      - record: job:node_temperature:max10m
        expr: max by (job) (max_over_time(node_temperature[10m]))
      - alert: Overheating
        expr: job:node_temperature:max10m > 100
        for: 15m
        labels:
          severity: page
"#;

/// The generated test's shape, for the expectations and the summary line.
struct Shape {
    counters: usize,
    histograms: usize,
    gauges: usize,
    minutes: usize,
}

impl Shape {
    fn series(&self) -> usize {
        self.counters + self.histograms * BUCKETS.len() + self.gauges
    }

    fn jobs_with(count: usize) -> Vec<usize> {
        (0..JOBS.min(count)).collect()
    }
}

pub fn test(args: &TestArgs) -> Result<ExitCode> {
    if !util::is_runnable(&args.promtool) {
        println!(
            "promtool not found ({}): nothing to compare against",
            args.promtool.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let monlint = fs::canonicalize(util::monlint_binary(args.monlint.as_deref())?)?;
    let shape = Shape {
        counters: args.counters.max(RATE_CYCLE),
        histograms: (args.counters / 10).max(1),
        gauges: (args.counters / 5).max(1),
        minutes: args.days.max(1) * 24 * 60,
    };
    let scratch = ScratchDir::new("bench-test", args.keep)?;
    fs::write(scratch.path().join("rules.yml"), RULES)?;
    fs::write(scratch.path().join("test.yml"), test_file(&shape))?;
    println!(
        "{} series x {} one-minute samples, {} one-minute evaluation steps of {} rules",
        shape.series(),
        shape.minutes,
        shape.minutes,
        util::count_rules(RULES)
    );
    let runs = args.runs.max(1);
    let mut promtool = Command::new(&args.promtool);
    promtool.args(["test", "rules", "test.yml"]);
    let mut monlint_command = Command::new(&monlint);
    monlint_command.args(["test", "rules", "--prometheus-version", "2.42", "test.yml"]);
    let measurements = [
        measure("promtool", &mut promtool, scratch.path(), runs)?,
        measure("monlint", &mut monlint_command, scratch.path(), runs)?,
    ];
    print_table(&measurements);
    let all_passed = measurements.iter().all(|m| m.exit_code == 0);
    if !all_passed {
        println!("a tool did not pass the test (exit code above): the runs are not comparable");
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_table(measurements: &[Measurement; 2]) {
    println!(
        "{:<10} {:>12} {:>12} {:>8}",
        "tool", "median wall", "peak RSS", "result"
    );
    for measurement in measurements {
        println!(
            "{:<10} {:>11.3}s {:>12} {:>8}",
            measurement.tool,
            measurement.median_wall.as_secs_f64(),
            format_rss(measurement.peak_rss_kib),
            format!("exit {}", measurement.exit_code),
        );
    }
    let [promtool, monlint] = measurements;
    let speedup = promtool.median_wall.as_secs_f64() / monlint.median_wall.as_secs_f64();
    let memory = match (monlint.peak_rss_kib, promtool.peak_rss_kib) {
        (Some(monlint), Some(promtool)) if promtool > 0 => {
            format!("{:.3}", monlint as f64 / promtool as f64)
        }
        _ => "n/a".to_owned(),
    };
    println!("monlint is {speedup:.2}x as fast as promtool; peak RSS monlint/promtool {memory}");
}

/// The unit test: the input series, and expectations that hold at the end of the week and
/// early on, so passing needs every step evaluated correctly.
fn test_file(shape: &Shape) -> String {
    let last = shape.minutes - 1;
    let mut text = String::from(
        "rule_files:\n  - rules.yml\nevaluation_interval: 1m\ntests:\n  - name: week\n    interval: 1m\n    input_series:\n",
    );
    let mut series = |name: &str, labels: &str, values: String| {
        let _ = write!(
            text,
            "      - series: '{name}{{{labels}}}'\n        values: '{values}'\n"
        );
    };
    for i in 0..shape.counters {
        let per_minute = 1 + i % RATE_CYCLE;
        series(
            "http_requests_total",
            &format!("job=\"job{}\", instance=\"c{i}\"", i % JOBS),
            format!("0+{per_minute}x{last}"),
        );
    }
    for i in 0..shape.histograms {
        for (bucket, le) in BUCKETS.iter().enumerate() {
            series(
                "http_request_duration_seconds_bucket",
                &format!("job=\"job{}\", instance=\"h{i}\", le=\"{le}\"", i % JOBS),
                format!("0+{}x{last}", bucket + 1),
            );
        }
    }
    for i in 0..shape.gauges {
        // Warms up slowly: crosses 100 after about 8,000 minutes.
        series(
            "node_temperature",
            &format!("job=\"job{}\", instance=\"g{i}\"", i % JOBS),
            format!("20+0.01x{last}"),
        );
    }
    let fast: Vec<usize> = (0..shape.counters)
        .filter(|i| FAST_RATES.contains(&(1 + i % RATE_CYCLE)))
        .collect();
    let fast_alerts = |text: &mut String| {
        for i in &fast {
            let _ = write!(
                text,
                "          - exp_labels: {{severity: warning, job: job{}, instance: c{i}}}\n            exp_annotations: {{summary: 'High request rate on c{i}'}}\n",
                i % JOBS
            );
        }
    };
    let job_alerts = |text: &mut String, jobs: &[usize], severity: &str, summary: bool| {
        for job in jobs {
            let _ = writeln!(
                text,
                "          - exp_labels: {{severity: {severity}, job: job{job}}}"
            );
            if summary {
                let _ = writeln!(
                    text,
                    "            exp_annotations: {{summary: 'p95 latency of job{job} is high'}}"
                );
            }
        }
    };
    let hot_minute = 8_000;
    text.push_str("    alert_rule_test:\n");
    for minute in [30, last] {
        let _ = write!(
            text,
            "      - eval_time: {minute}m\n        alertname: HighRequestRate\n        exp_alerts:\n"
        );
        fast_alerts(&mut text);
        let _ = write!(
            text,
            "      - eval_time: {minute}m\n        alertname: HighLatency\n        exp_alerts:\n"
        );
        job_alerts(&mut text, &Shape::jobs_with(shape.histograms), "page", true);
        let _ = write!(
            text,
            "      - eval_time: {minute}m\n        alertname: Overheating\n"
        );
        if minute > hot_minute + 30 {
            text.push_str("        exp_alerts:\n");
            job_alerts(&mut text, &Shape::jobs_with(shape.gauges), "page", false);
        } else {
            text.push_str("        exp_alerts: []\n");
        }
    }
    text.push_str("    promql_expr_test:\n");
    let _ = write!(
        text,
        "      - expr: count(http_requests_total)\n        eval_time: {last}m\n        exp_samples:\n          - labels: '{{}}'\n            value: {}\n",
        shape.counters
    );
    let top_rate = (0..shape.counters)
        .map(|i| 1 + i % RATE_CYCLE)
        .max()
        .unwrap_or(1);
    let _ = write!(
        text,
        "      - expr: max(http_requests_total)\n        eval_time: {last}m\n        exp_samples:\n          - labels: '{{}}'\n            value: {}\n",
        top_rate * last
    );
    let _ = write!(
        text,
        "      - expr: count(job:http_request_duration_seconds:p95)\n        eval_time: {last}m\n        exp_samples:\n          - labels: '{{}}'\n            value: {}\n",
        Shape::jobs_with(shape.histograms).len()
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_names_every_series_and_expects_the_fast_counters_to_alert() {
        let shape = Shape {
            counters: 14,
            histograms: 2,
            gauges: 3,
            minutes: 60,
        };
        let text = test_file(&shape);
        assert_eq!(text.matches("- series:").count(), shape.series());
        assert!(text.contains("values: '0+7x59'"));
        // Counters 5, 6, 12 and 13 grow by 6 or 7 per minute.
        assert_eq!(
            text.matches("summary: 'High request rate on c").count(),
            2 * 4
        );
        assert!(text.contains("value: 413\n"), "7 per minute for 59 minutes");
    }
}
