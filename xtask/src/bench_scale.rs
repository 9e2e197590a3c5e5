//! How cost grows with input size, monlint beside promtool in one run:
//! - `cargo xtask bench series`: `test rules` with 1k, 2k and 5k series of 10k samples each;
//!   the time per series-step shows whether evaluation stays linear in the number of series;
//! - `cargo xtask bench long`: `test rules` over one series of 10k, 100k and 1M samples; the
//!   time per evaluation step must not grow with the series' history;
//! - `cargo xtask bench memory`: peak RSS per byte of input for a generated rule file
//!   (`monlint check` and `promtool check rules`) and a dashboard of many panels (monlint).
//!
//! Inputs are generated (deterministically) into a temporary folder removed afterwards.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Args;

use crate::bench::{Measurement, format_rss, measure};
use crate::util::{self, Result, ScratchDir};

/// The tools compared and how often each runs.
#[derive(Args)]
pub struct Tools {
    /// Timed runs per tool and size; the median is reported.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// promtool binary used as the baseline.
    #[arg(long, default_value = "promtool")]
    promtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
}

#[derive(Args)]
pub struct SeriesArgs {
    /// Numbers of input series, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,2000,5000")]
    series: Vec<usize>,
    /// One-minute samples per series (and evaluation steps).
    #[arg(long, default_value_t = 10_000)]
    samples: usize,
    #[command(flatten)]
    tools: Tools,
}

#[derive(Args)]
pub struct LongArgs {
    /// Lengths of the one series, in one-minute samples (and evaluation steps).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    samples: Vec<usize>,
    #[command(flatten)]
    tools: Tools,
}

#[derive(Args)]
pub struct MemoryArgs {
    /// Approximate size of the generated rule file, in MB.
    #[arg(long, default_value_t = 60)]
    rule_file_mb: usize,
    /// Panels of the generated dashboard.
    #[arg(long, default_value_t = 100_000)]
    panels: usize,
    #[command(flatten)]
    tools: Tools,
}

/// Rules over instant selectors only, one per job (a fifth of the series each): every
/// series is read at every step, while no query loads more than a fifth of them, so
/// promtool stays under its 10,000-sample query limit up to 5,000 series (one query over
/// all 5,000 series already exceeds it there, as promtool counts).
const SERIES_RULES: &str = r#"groups:
  - name: series
    interval: 1m
    rules:
      - record: job:requests:sum
        expr: sum by (job) (requests_total{job="job0"})
      - record: job:requests:sum
        expr: sum by (job) (requests_total{job="job1"})
      - record: job:requests:sum
        expr: sum by (job) (requests_total{job="job2"})
      - record: job:requests:sum
        expr: sum by (job) (requests_total{job="job3"})
      - alert: RequestsRunaway
        expr: requests_total{job="job4"} > 1e12
        for: 5m
"#;

/// A rule of each kind over the one long series: a range function, an instant
/// comparison with `for`, and `offset`.
const LONG_RULES: &str = r#"groups:
  - name: long
    interval: 1m
    rules:
      - record: requests:rate5m
        expr: rate(requests_total[5m])
      - record: requests:growth1h
        expr: requests_total - requests_total offset 1h
      - alert: RequestsStalled
        expr: requests:rate5m == 0
        for: 10m
"#;

/// One test group: `series` counters of `samples` one-minute samples each, rules
/// evaluated every minute up to the last sample, and an expectation at the end.
fn counters_test(series: usize, samples: usize, expectation: &str) -> String {
    let last = samples.saturating_sub(1);
    let mut text = String::from(
        "rule_files:\n  - rules.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n",
    );
    for i in 0..series {
        let _ = write!(
            text,
            "      - series: 'requests_total{{job=\"job{}\", instance=\"i{i}\"}}'\n        values: '0+{}x{last}'\n",
            i % 5,
            1 + i % 3
        );
    }
    let _ = write!(
        text,
        "    alert_rule_test:\n      - eval_time: {last}m\n{expectation}"
    );
    text
}

struct Row {
    series: usize,
    steps: usize,
    promtool: Option<Measurement>,
    monlint: Measurement,
}

fn seconds(measurement: &Measurement) -> f64 {
    measurement.median_wall.as_secs_f64()
}

/// CPU seconds (user + system) when measured, else wall seconds: on a shared machine
/// the CPU time is the steadier figure of work done.
fn work_seconds(measurement: &Measurement) -> f64 {
    measurement
        .median_cpu
        .map_or_else(|| seconds(measurement), |cpu| cpu.as_secs_f64())
}

/// Runs both tools on `test.yml` in `dir`.
fn run_test(
    tools: &Tools,
    monlint: &Path,
    dir: &Path,
) -> Result<(Option<Measurement>, Measurement)> {
    let runs = tools.runs.max(1);
    let promtool = if util::is_runnable(&tools.promtool) {
        let mut command = Command::new(&tools.promtool);
        command.args(["test", "rules", "test.yml"]);
        Some(measure("promtool", &mut command, dir, runs)?)
    } else {
        None
    };
    let mut command = Command::new(monlint);
    command.args(["test", "rules", "--prometheus-version", "2.42", "test.yml"]);
    Ok((promtool, measure("monlint", &mut command, dir, runs)?))
}

fn exit_text(measurement: Option<&Measurement>) -> String {
    measurement.map_or_else(|| "-".to_owned(), |m| format!("exit {}", m.exit_code))
}

fn wall_text(measurement: Option<&Measurement>) -> String {
    measurement.map_or_else(|| "-".to_owned(), |m| format!("{:.2}s", seconds(m)))
}

fn cpu_text(measurement: Option<&Measurement>) -> String {
    measurement.map_or_else(|| "-".to_owned(), |m| format!("{:.2}s", work_seconds(m)))
}

/// `a / b` of two walls and of two CPU times, or "-".
fn ratio(a: &Measurement, b: Option<&Measurement>) -> String {
    b.map_or_else(
        || "-".to_owned(),
        |b| {
            format!(
                "{:.3}/{:.3}",
                seconds(a) / seconds(b),
                work_seconds(a) / work_seconds(b)
            )
        },
    )
}

/// CPU microseconds per unit of work, or "-".
fn per_unit(measurement: Option<&Measurement>, units: usize) -> String {
    measurement.map_or_else(
        || "-".to_owned(),
        |m| format!("{:.2}", work_seconds(m) * 1e6 / units.max(1) as f64),
    )
}

pub fn series(args: &SeriesArgs) -> Result<ExitCode> {
    let cases: Vec<(usize, usize)> = args
        .series
        .iter()
        .map(|&count| (count, args.samples))
        .collect();
    let rows = time_cases(
        &args.tools,
        "series",
        SERIES_RULES,
        "        alertname: RequestsRunaway\n        exp_alerts: []\n",
        &cases,
    )?;
    println!(
        "test rules, N series x {} one-minute samples, a rule evaluation every minute",
        args.samples
    );
    print_table(("series", |row| row.series), "us/s-step", &rows, |row| {
        row.series * row.steps
    });
    println!(
        "us/s-step: CPU microseconds per series per evaluation step (flat = linear in series)"
    );
    Ok(verdict(&rows))
}

pub fn long(args: &LongArgs) -> Result<ExitCode> {
    let cases: Vec<(usize, usize)> = args.samples.iter().map(|&samples| (1, samples)).collect();
    let rows = time_cases(
        &args.tools,
        "long",
        LONG_RULES,
        "        alertname: RequestsStalled\n        exp_alerts: []\n",
        &cases,
    )?;
    println!("test rules, one series, a rule evaluation every minute of its history");
    print_table(("samples", |row| row.steps), "us/step", &rows, |row| {
        row.steps
    });
    println!("us/step: CPU microseconds per evaluation step (flat = independent of history)");
    Ok(verdict(&rows))
}

/// Times one generated `test rules` case per (series, samples) pair with both tools.
fn time_cases(
    tools: &Tools,
    name: &str,
    rules: &str,
    expectation: &str,
    cases: &[(usize, usize)],
) -> Result<Vec<Row>> {
    let monlint = fs::canonicalize(util::monlint_binary(tools.monlint.as_deref())?)?;
    let mut rows = Vec::new();
    for &(series, samples) in cases {
        let scratch = ScratchDir::new(&format!("bench-{name}-{series}-{samples}"), false)?;
        fs::write(scratch.path().join("rules.yml"), rules)?;
        fs::write(
            scratch.path().join("test.yml"),
            counters_test(series, samples, expectation),
        )?;
        eprintln!("{series} series x {samples} samples");
        let (promtool, monlint) = run_test(tools, &monlint, scratch.path())?;
        rows.push(Row {
            series,
            steps: samples,
            promtool,
            monlint,
        });
    }
    Ok(rows)
}

/// Both tools' wall and CPU time per row after the row's `first` column, their ratio, CPU
/// microseconds per `units(row)` and exit codes.
fn print_table(
    first: (&str, fn(&Row) -> usize),
    per: &str,
    rows: &[Row],
    units: impl Fn(&Row) -> usize,
) {
    let (heading, value) = first;
    let promtool_per = format!("promtool {per}");
    let monlint_per = format!("monlint {per}");
    println!(
        "{heading:>9} {:>9} {:>9} {:>9} {:>9} {:>13} {promtool_per:>18} {monlint_per:>18} {:>9} {:>9}",
        "p wall", "m wall", "p cpu", "m cpu", "m/p wall/cpu", "promtool", "monlint"
    );
    for row in rows {
        println!(
            "{:>9} {:>9} {:>9} {:>9} {:>9} {:>13} {:>18} {:>18} {:>9} {:>9}",
            value(row),
            wall_text(row.promtool.as_ref()),
            wall_text(Some(&row.monlint)),
            cpu_text(row.promtool.as_ref()),
            cpu_text(Some(&row.monlint)),
            ratio(&row.monlint, row.promtool.as_ref()),
            per_unit(row.promtool.as_ref(), units(row)),
            per_unit(Some(&row.monlint), units(row)),
            exit_text(row.promtool.as_ref()),
            exit_text(Some(&row.monlint)),
        );
    }
}

fn verdict(rows: &[Row]) -> ExitCode {
    if rows.iter().all(|row| row.monlint.exit_code == 0) {
        ExitCode::SUCCESS
    } else {
        println!("monlint did not pass a generated test (exit code above)");
        ExitCode::FAILURE
    }
}

/// A rule file of about `bytes` bytes: groups of ten alerting and recording rules with
/// labels and annotations, every name distinct.
fn rule_file(bytes: usize) -> String {
    let mut text = String::from("groups:\n");
    let mut group = 0;
    while text.len() < bytes {
        let _ = write!(text, "  - name: service-{group}\n    rules:\n");
        for rule in 0..10 {
            let metric = format!("svc{group}_r{rule}");
            if rule % 2 == 0 {
                let _ = write!(
                    text,
                    "      - record: job:{metric}_requests:rate5m\n        expr: sum by (job, instance) (rate({metric}_requests_total{{code=~\"5..\"}}[5m]))\n        labels:\n          team: team{}\n",
                    group % 17
                );
            } else {
                let _ = write!(
                    text,
                    "      - alert: {metric}HighErrorRate\n        expr: |\n          sum by (job) (rate({metric}_errors_total[5m]))\n            / sum by (job) (rate({metric}_requests_total[5m])) > 0.05\n        for: 10m\n        labels:\n          severity: warning\n        annotations:\n          summary: 'Error rate of {{{{ $labels.job }}}} is {{{{ $value | humanizePercentage }}}}'\n          description: 'More than 5% of the requests of {metric} fail.'\n"
                );
            }
        }
        group += 1;
    }
    text
}

/// A dashboard of `panels` time-series panels, each with a query, thresholds and a unit.
fn dashboard(panels: usize) -> String {
    let mut text = String::from(
        "{\n  \"title\": \"Generated\",\n  \"uid\": \"generated\",\n  \"schemaVersion\": 39,\n  \"templating\": {\"list\": [{\"name\": \"job\", \"type\": \"query\", \"datasource\": {\"type\": \"prometheus\", \"uid\": \"prom\"}, \"query\": \"label_values(up, job)\"}]},\n  \"panels\": [\n",
    );
    for panel in 0..panels {
        let separator = if panel + 1 == panels { "" } else { "," };
        let _ = writeln!(
            text,
            "    {{\"id\": {id}, \"type\": \"timeseries\", \"title\": \"Requests {panel}\", \"gridPos\": {{\"h\": 8, \"w\": 12, \"x\": {x}, \"y\": {y}}}, \"datasource\": {{\"type\": \"prometheus\", \"uid\": \"prom\"}}, \"fieldConfig\": {{\"defaults\": {{\"unit\": \"reqps\", \"thresholds\": {{\"mode\": \"absolute\", \"steps\": [{{\"color\": \"green\", \"value\": null}}, {{\"color\": \"red\", \"value\": 80}}]}}}}, \"overrides\": []}}, \"targets\": [{{\"refId\": \"A\", \"expr\": \"sum by (instance) (rate(requests_total{{job=\\\"$job\\\", handler=\\\"h{panel}\\\"}}[$__rate_interval]))\", \"legendFormat\": \"{{{{instance}}}}\"}}]}}{separator}",
            id = panel + 1,
            x = (panel % 2) * 12,
            y = (panel / 2) * 8,
        );
    }
    text.push_str("  ]\n}\n");
    text
}

/// One row of the memory table.
fn memory_row(case: &str, bytes: usize, measurement: &Measurement) {
    let per_byte = measurement.peak_rss_kib.map_or_else(
        || "n/a".to_owned(),
        |kib| format!("{:.2}", kib as f64 * 1024.0 / bytes as f64),
    );
    println!(
        "{:<28} {:>10.1} {:>12} {:>10} {:>9.2}s {:>8}",
        case,
        bytes as f64 / 1_048_576.0,
        format_rss(measurement.peak_rss_kib),
        per_byte,
        seconds(measurement),
        format!("exit {}", measurement.exit_code),
    );
}

pub fn memory(args: &MemoryArgs) -> Result<ExitCode> {
    let monlint = fs::canonicalize(util::monlint_binary(args.tools.monlint.as_deref())?)?;
    let runs = args.tools.runs.max(1);
    let scratch = ScratchDir::new("bench-memory", false)?;
    let rules = rule_file(args.rule_file_mb * 1_000_000);
    fs::write(scratch.path().join("rules.yml"), &rules)?;
    let board = dashboard(args.panels);
    fs::write(scratch.path().join("dashboard.json"), &board)?;
    eprintln!(
        "rule file {:.1} MiB ({} rules), dashboard {:.1} MiB ({} panels)",
        rules.len() as f64 / 1_048_576.0,
        util::count_rules(&rules),
        board.len() as f64 / 1_048_576.0,
        args.panels
    );
    let mut rows = Vec::new();
    if util::is_runnable(&args.tools.promtool) {
        let mut command = Command::new(&args.tools.promtool);
        command.args(["check", "rules", "rules.yml"]);
        let measured = measure("promtool", &mut command, scratch.path(), runs)?;
        rows.push(("promtool check rules", rules.len(), measured));
    }
    let mut command = Command::new(&monlint);
    command.args(["check", "--prometheus-version", "2.42", "rules.yml"]);
    let measured = measure("monlint", &mut command, scratch.path(), runs)?;
    rows.push(("monlint check (rules)", rules.len(), measured));
    let mut command = Command::new(&monlint);
    command.args(["check", "dashboard.json"]);
    let measured = measure("monlint", &mut command, scratch.path(), runs)?;
    rows.push(("monlint check (dashboard)", board.len(), measured));
    println!(
        "{:<28} {:>10} {:>12} {:>10} {:>10} {:>8}",
        "case", "input MiB", "peak RSS", "RSS/byte", "wall", "result"
    );
    for (case, bytes, measurement) in &rows {
        memory_row(case, *bytes, measurement);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_inputs_have_the_asked_shape() {
        let test = counters_test(3, 10, "        alertname: A\n        exp_alerts: []\n");
        assert_eq!(test.matches("- series:").count(), 3);
        assert!(test.contains("values: '0+3x9'"));
        assert!(test.contains("eval_time: 9m"));
        let rules = rule_file(20_000);
        assert!(rules.len() >= 20_000);
        assert_eq!(util::count_rules(&rules) % 10, 0);
        let board = dashboard(5);
        let parsed: serde_json::Value = serde_json::from_str(&board).expect("valid JSON");
        assert_eq!(parsed["panels"].as_array().map(Vec::len), Some(5));
    }
}
