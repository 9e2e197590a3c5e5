//! `cargo xtask diff promtool`: generated rule unit tests run by `promtool test rules` and
//! `monlint test rules --prometheus-version 2.42`; stdout, stderr and exit code must match
//! byte for byte.
//!
//! Most expectations in the generated tests are wrong on purpose, so both tools print what
//! they got. For some cases the expectations are first corrected from promtool's own report
//! ("calibrated"), so passing tests (`SUCCESS`) are compared too.

pub mod generate;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};
use std::time::Duration;

use clap::Args;

use crate::util::{self, Result, ScratchDir};
use generate::{Case, ExpectedAlert, Pairs, Rng};

/// One small case takes promtool well under a second; longer means stuck.
const CASE_TIMEOUT: Duration = Duration::from_secs(30);

/// Differing lines shown per stream of a mismatching case.
const SHOWN_LINES: usize = 3;

/// promtool loads the input series in Go's random map order, and aggregations add floats
/// in series order, so the last digit of a sum or average can change from one promtool run
/// to the next. A mismatching case is rerun this many times before it counts as failed.
const PROMTOOL_RERUNS: usize = 8;

#[derive(Args)]
pub struct PromtoolArgs {
    /// Number of generated cases.
    #[arg(long, default_value_t = 400)]
    cases: usize,
    /// Seed of the case generator; the same seed gives the same cases.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// promtool binary, the reference (Prometheus 2.42).
    #[arg(long, default_value = "promtool")]
    promtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// Keep the generated cases on disk and print where they are.
    #[arg(long)]
    keep: bool,
}

/// What one tool printed for one case.
struct Run {
    exit_code: i32,
    stdout: String,
    stderr: String,
}

struct Outcome {
    promtool: Run,
    monlint: Run,
    /// monlint matched only a rerun of promtool, not its first run.
    matched_rerun: bool,
}

pub fn promtool(args: &PromtoolArgs) -> Result<ExitCode> {
    if !util::is_runnable(&args.promtool) {
        println!(
            "promtool not found ({}): skipping the differential unit-test suite",
            args.promtool.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Each tool runs inside its case's folder, so a relative path would not resolve there.
    let monlint = fs::canonicalize(util::monlint_binary(args.monlint.as_deref())?)?;
    let scratch = ScratchDir::new("diff-promtool", args.keep)?;
    eprintln!(
        "running {} generated unit-test cases (seed {}) with promtool and monlint",
        args.cases, args.seed
    );
    let outcomes = util::parallel_map(args.cases, |index| {
        let dir = scratch.path().join(case_name(index));
        run_case(args, &monlint, index, &dir).map_err(|e| e.to_string())
    })?;

    let mut failed = 0;
    let mut promtool_successes = 0;
    let mut matched_reruns = 0;
    for (index, outcome) in outcomes.iter().enumerate() {
        let outcome = outcome
            .as_ref()
            .map_err(|e| format!("{}: {e}", case_name(index)))?;
        if outcome.promtool.exit_code == 0 {
            promtool_successes += 1;
        }
        if outcome.matched_rerun {
            matched_reruns += 1;
            println!(
                "{}: promtool's output varied between runs; monlint matched a rerun",
                case_name(index)
            );
        }
        let differences = differences(outcome);
        if !differences.is_empty() {
            failed += 1;
            println!("{} differs:", case_name(index));
            for line in differences {
                println!("  {line}");
            }
        }
    }
    println!(
        "promtool verdicts: {promtool_successes} SUCCESS, {} FAILED",
        outcomes.len() - promtool_successes
    );
    if matched_reruns > 0 {
        println!("{matched_reruns} cases matched only a rerun of promtool (see above)");
    }
    println!("{} passed, {failed} failed", outcomes.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn case_name(index: usize) -> String {
    format!("case-{index:04}")
}

/// Generates, writes, maybe calibrates and runs one case.
fn run_case(args: &PromtoolArgs, monlint: &Path, index: usize, dir: &Path) -> Result<Outcome> {
    // Each case has its own generator, so a case does not depend on the order workers run.
    let mut rng = Rng::new(args.seed.wrapping_mul(0x1000_0000_01B3) ^ index as u64);
    let mut case = generate::case(&mut rng);
    fs::create_dir_all(dir)?;
    fs::write(dir.join("rules.yml"), &case.rules)?;
    let test_path = dir.join("test.yml");
    fs::write(&test_path, generate::test_file(&case))?;
    // 0: every expectation stays a guess; 1: some are corrected; 2: all are.
    let calibration = match rng.below(100) {
        0..=44 => 0,
        45..=59 => 1,
        _ => 2,
    };
    if calibration > 0 {
        let first = promtool_run(&args.promtool, dir)?;
        let report = Report::parse(&first.stderr);
        calibrate(&mut case, &report, &mut rng, calibration == 2);
        fs::write(&test_path, generate::test_file(&case))?;
    }
    let mut outcome = Outcome {
        promtool: promtool_run(&args.promtool, dir)?,
        monlint: run_tool(
            Command::new(monlint).args([
                "test",
                "rules",
                "--prometheus-version",
                "2.42",
                "test.yml",
            ]),
            dir,
        )?,
        matched_rerun: false,
    };
    for _ in 0..PROMTOOL_RERUNS {
        if differences(&outcome).is_empty() {
            break;
        }
        let rerun = promtool_run(&args.promtool, dir)?;
        if same_run(&rerun, &outcome.monlint) {
            outcome.promtool = rerun;
            outcome.matched_rerun = true;
        }
    }
    Ok(outcome)
}

fn same_run(a: &Run, b: &Run) -> bool {
    a.exit_code == b.exit_code && a.stdout == b.stdout && a.stderr == b.stderr
}

fn promtool_run(promtool: &Path, dir: &Path) -> Result<Run> {
    run_tool(
        Command::new(promtool).args(["test", "rules", "test.yml"]),
        dir,
    )
}

fn run_tool(command: &mut Command, dir: &Path) -> Result<Run> {
    let program = command.get_program().to_string_lossy().into_owned();
    match util::output_with_timeout(command.current_dir(dir), CASE_TIMEOUT)? {
        Some(output) => Ok(run_of(&output)),
        None => Ok(Run {
            exit_code: -1,
            stdout: String::new(),
            stderr: format!("{program} timed out after {}s\n", CASE_TIMEOUT.as_secs()),
        }),
    }
}

fn run_of(output: &Output) -> Run {
    Run {
        exit_code: util::exit_code(output),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Short descriptions of how the two runs differ; empty when they are identical.
fn differences(outcome: &Outcome) -> Vec<String> {
    let (promtool, monlint) = (&outcome.promtool, &outcome.monlint);
    let mut out = Vec::new();
    if promtool.exit_code != monlint.exit_code {
        out.push(format!(
            "exit code: promtool {}, monlint {}",
            promtool.exit_code, monlint.exit_code
        ));
    }
    for (stream, expected, actual) in [
        ("stdout", &promtool.stdout, &monlint.stdout),
        ("stderr", &promtool.stderr, &monlint.stderr),
    ] {
        if expected == actual {
            continue;
        }
        let expected: Vec<&str> = expected.split('\n').collect();
        let actual: Vec<&str> = actual.split('\n').collect();
        let first = expected
            .iter()
            .zip(&actual)
            .position(|(a, b)| a != b)
            .unwrap_or(expected.len().min(actual.len()));
        out.push(format!(
            "{stream} differs from line {} ({} lines from promtool, {} from monlint)",
            first + 1,
            expected.len(),
            actual.len()
        ));
        for line in first..(first + SHOWN_LINES).min(expected.len().max(actual.len())) {
            out.push(format!(
                "  promtool: {:?}",
                expected.get(line).unwrap_or(&"<none>")
            ));
            out.push(format!(
                "  monlint:  {:?}",
                actual.get(line).unwrap_or(&"<none>")
            ));
        }
    }
    out
}

/// What promtool said it got, per alert test (alertname, time) and expression test
/// (expression, time). Times are in milliseconds.
#[derive(Default)]
struct Report {
    alerts: HashMap<(String, i64), Vec<ExpectedAlert>>,
    exprs: HashMap<(String, i64), Vec<(Pairs, f64)>>,
}

impl Report {
    /// Reads promtool's `FAILED:` report; anything it cannot read is left out.
    fn parse(stderr: &str) -> Self {
        let mut report = Self::default();
        let lines: Vec<&str> = stderr.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if let Some(rest) = line.strip_prefix("    alertname: ") {
                let Some((name, time)) = rest.split_once(", time: ") else {
                    continue;
                };
                let Some(time) = parse_duration(time.trim_end().trim_end_matches(',')) else {
                    continue;
                };
                if let Some(got) = alerts_after(&lines[index + 1..]) {
                    report.alerts.insert((name.to_owned(), time), got);
                }
            } else if let Some(rest) = line.strip_prefix("    expr: ") {
                // A mismatch line ends with `,`; an evaluation error has `, err: ...` instead.
                let Some(rest) = rest.strip_suffix(',') else {
                    continue;
                };
                let Some((quoted, time)) = rest.rsplit_once(", time: ") else {
                    continue;
                };
                let (Some(expr), Some(time)) = (go_unquote(quoted), parse_duration(time)) else {
                    continue;
                };
                let got = lines
                    .get(index + 2)
                    .and_then(|line| line.strip_prefix("        got: "))
                    .and_then(parse_samples);
                if let Some(got) = got {
                    report.exprs.insert((expr, time), got);
                }
            }
        }
        report
    }
}

/// The `got:` list of an alert mismatch, from the lines after its `alertname:` line.
fn alerts_after(lines: &[&str]) -> Option<Vec<ExpectedAlert>> {
    let start = lines
        .iter()
        .position(|line| line.starts_with("        got:"))?;
    if lines[start] == "        got:[]" {
        return Some(Vec::new());
    }
    let mut alerts = Vec::new();
    let mut labels = None;
    for line in &lines[start + 1..] {
        let line = line.trim_start();
        if let Some(text) = line.strip_prefix("Labels:") {
            labels = Some(parse_labels(text)?.0);
        } else if let Some(text) = line.strip_prefix("Annotations:") {
            alerts.push((labels.take()?, parse_labels(text)?.0));
        } else if line == "]" {
            return Some(alerts);
        }
    }
    None
}

/// `{a="b", c="d"}` at the start of `text`: the pairs and the rest of the text.
fn parse_labels(text: &str) -> Option<(Pairs, &str)> {
    let mut rest = text.strip_prefix('{')?;
    let mut pairs = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return Some((pairs, after));
        }
        rest = rest.strip_prefix(", ").unwrap_or(rest);
        let (name, after) = rest.split_once("=\"")?;
        let (value, after) = quoted_prefix(after)?;
        pairs.push((name.to_owned(), value));
        rest = after;
    }
}

/// The body of a Go-quoted string whose opening quote is already consumed, unescaped, and
/// the text after its closing quote.
fn quoted_prefix(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '"' => return Some((value, &text[index + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                escaped @ ('"' | '\\') => value.push(escaped),
                _ => return None,
            },
            _ => value.push(ch),
        }
    }
    None
}

fn go_unquote(text: &str) -> Option<String> {
    let (value, rest) = quoted_prefix(text.strip_prefix('"')?)?;
    rest.is_empty().then_some(value)
}

/// `nil` or `{labels} 1.5E+00, {labels} ...`.
fn parse_samples(text: &str) -> Option<Vec<(Pairs, f64)>> {
    if text == "nil" {
        return Some(Vec::new());
    }
    let mut samples = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (labels, after) = parse_labels(rest)?;
        let after = after.strip_prefix(' ')?;
        let (value, after) = after.split_once(", ").unwrap_or((after, ""));
        samples.push((labels, value.parse().ok()?));
        rest = after;
    }
    Some(samples)
}

/// A Prometheus duration (`1h2m30s`, `500ms`) in milliseconds.
fn parse_duration(text: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let number: i64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, size) = [
            ("ms", 1),
            ("y", 365 * 86_400_000),
            ("w", 7 * 86_400_000),
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
        ]
        .into_iter()
        .find(|(unit, _)| rest.starts_with(unit))?;
        rest = &rest[unit.len()..];
        total = total.checked_add(number.checked_mul(size)?)?;
    }
    Some(total)
}

/// Replaces guessed expectations with what promtool reported: all of them, or each with
/// even odds. Items promtool did not report (they passed, or evaluation failed) stay.
fn calibrate(case: &mut Case, report: &Report, rng: &mut Rng, all: bool) {
    for group in &mut case.groups {
        for test in &mut group.alerts {
            let key = (test.alertname.clone(), test.eval_time_ms);
            if let Some(got) = report.alerts.get(&key)
                && (all || rng.percent(50))
            {
                test.expected = got
                    .iter()
                    .map(|(labels, annotations)| {
                        let labels = labels
                            .iter()
                            .filter(|(name, _)| name != "alertname")
                            .cloned()
                            .collect();
                        (labels, annotations.clone())
                    })
                    .collect();
            }
        }
        for test in &mut group.exprs {
            let key = (test.expr.clone(), test.eval_time_ms);
            let Some(got) = report.exprs.get(&key) else {
                continue;
            };
            // NaN never equals NaN, so such a result cannot be expected.
            if got.iter().any(|(_, value)| value.is_nan()) || !(all || rng.percent(50)) {
                continue;
            }
            test.expected = got
                .iter()
                .map(|(labels, value)| (series_text(labels), yaml_float(*value)))
                .collect();
        }
    }
}

/// Labels as a series description: `name{a="b"}`, or `{a="b"}` without a name.
fn series_text(labels: &Pairs) -> String {
    let name = labels
        .iter()
        .find(|(label, _)| label == "__name__")
        .map_or("", |(_, value)| value.as_str());
    let matchers: Vec<String> = labels
        .iter()
        .filter(|(label, _)| label != "__name__")
        .map(|(label, value)| format!("{label}={value:?}"))
        .collect();
    format!("{name}{{{}}}", matchers.join(", "))
}

/// A float as a YAML 1.1 scalar go-yaml reads back exactly.
fn yaml_float(value: f64) -> String {
    if value.is_infinite() {
        if value > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        format!("{value:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "  FAILED:
    name: g,
    alertname: High, time: 4m30s, 
        exp:[], 
        got:[
            0:
              Labels:{alertname=\"High\", instance=\"x\"}
              Annotations:{summary=\"v=4 \\\"q\\\"\"}
            ]
    alertname: Low, time: 0s, 
        exp:[
            0:
              Labels:{alertname=\"Low\"}
              Annotations:{}
            ], 
        got:[]
    expr: \"sum by (job) (m{job=\\\"a\\\"})\", time: 3m,
        exp: nil
        got: {job=\"a\"} 1.6666666666666666E-02, {job=\"b\"} +Inf
    expr: \"x\", time: 1m, err: boom
";

    #[test]
    fn reads_what_promtool_got() {
        let report = Report::parse(REPORT);
        let high = &report.alerts[&("High".to_owned(), 270_000)];
        assert_eq!(high.len(), 1);
        assert_eq!(high[0].0[1], ("instance".to_owned(), "x".to_owned()));
        assert_eq!(high[0].1[0].1, "v=4 \"q\"");
        assert!(report.alerts[&("Low".to_owned(), 0)].is_empty());
        let sums = &report.exprs[&("sum by (job) (m{job=\"a\"})".to_owned(), 180_000)];
        assert_eq!(sums.len(), 2);
        assert_eq!(sums[0].1, 1.6666666666666666E-02);
        assert_eq!(sums[1].1, f64::INFINITY);
        assert_eq!(report.exprs.len(), 1, "evaluation errors are not results");
    }

    #[test]
    fn durations_and_expected_values_are_written_back_readably() {
        assert_eq!(parse_duration("1h2m30s"), Some(3_750_000));
        assert_eq!(parse_duration("1m500ms"), Some(60_500));
        assert_eq!(parse_duration("3x"), None);
        let labels = vec![
            ("__name__".to_owned(), "m".to_owned()),
            ("job".to_owned(), "a".to_owned()),
        ];
        assert_eq!(series_text(&labels), "m{job=\"a\"}");
        assert_eq!(series_text(&Vec::new()), "{}");
        assert_eq!(yaml_float(f64::NEG_INFINITY), "-.inf");
        assert_eq!(yaml_float(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn differences_name_the_stream_and_the_first_differing_line() {
        let run = |exit_code, stdout: &str| Run {
            exit_code,
            stdout: stdout.to_owned(),
            stderr: String::new(),
        };
        let same = Outcome {
            promtool: run(0, "a\nb\n"),
            monlint: run(0, "a\nb\n"),
            matched_rerun: false,
        };
        assert!(differences(&same).is_empty());
        let different = Outcome {
            promtool: run(1, "a\nb\n"),
            monlint: run(0, "a\nc\n"),
            matched_rerun: false,
        };
        let lines = differences(&different);
        assert_eq!(lines[0], "exit code: promtool 1, monlint 0");
        assert!(
            lines[1].starts_with("stdout differs from line 2"),
            "{lines:?}"
        );
        assert_eq!(lines[2], "  promtool: \"b\"");
    }
}
