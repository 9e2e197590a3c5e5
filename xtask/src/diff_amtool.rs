//! `cargo xtask diff amtool`: monlint and amtool 0.25 on generated Alertmanager
//! configurations. For each case both must accept or reject the file (`amtool
//! check-config` against `monlint check --select validity`); for accepted files both must
//! print the same routing tree (`config routes show`) and, for generated label sets, the
//! same matching routes, receivers and exit code (`config routes test --tree
//! --verify.receivers`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};
use std::time::Duration;

use clap::Args;

use crate::util::{self, Result, ScratchDir};

mod cases;

const CASE_TIMEOUT: Duration = Duration::from_secs(60);
/// Label sets routed through each accepted configuration.
const LABEL_SETS_PER_CASE: usize = 4;

#[derive(Args)]
pub struct AmtoolArgs {
    /// amtool binary, the reference (Alertmanager 0.25 semantics).
    #[arg(long, default_value = "amtool")]
    amtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// How many configurations to generate.
    #[arg(long, default_value_t = 400)]
    cases: usize,
    /// Seed of the generator (the same seed gives the same cases).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Keep the generated cases on disk and print where they are.
    #[arg(long)]
    keep: bool,
}

/// xorshift64*: small, deterministic, good enough to pick shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const LABELS: &[&str] = &["severity", "team", "service", "env", "alertname"];
const VALUES: &[&str] = &[
    "critical", "warning", "info", "db", "web", "prod", "", "a b", "x\"y",
];
const REGEXES: &[&str] = &[
    "crit.*",
    "critical|warning",
    "(warning|info)",
    "[0-9]{3",
    "db|web",
    ".*",
    ".+",
    "prod",
    "w[a-z]+",
    "\\d+",
];
const BAD_REGEXES: &[&str] = &["(", "[a-", "a**", "x{2,1}"];
const RECEIVERS: &[&str] = &["default", "pager", "chat", "mail", "db-team"];

/// Quotes a value for a YAML double-quoted scalar.
fn yaml_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One matcher in the `matchers:` syntax, sometimes without quotes, sometimes broken.
fn matcher_string(rng: &mut Rng, broken: bool) -> String {
    let name = rng.pick(LABELS);
    if broken && rng.chance(50) {
        return format!("{name}.sub=\"x\"");
    }
    let (op, value) = match rng.below(4) {
        0 => ("=", rng.pick(VALUES).to_owned()),
        1 => ("!=", rng.pick(VALUES).to_owned()),
        2 => ("=~", rng.pick(REGEXES).to_owned()),
        _ => ("!~", rng.pick(REGEXES).to_owned()),
    };
    let value = if broken {
        rng.pick(BAD_REGEXES).to_owned()
    } else {
        value
    };
    let op = if broken { "=~" } else { op };
    if rng.chance(30) && !value.contains([' ', '"', ',', '{', '}']) {
        format!("{name}{op}{value}")
    } else {
        format!(
            "{name}{op}\"{}\"",
            value.replace('\\', "\\\\").replace('"', "\\\"")
        )
    }
}

/// A route at `depth` (2 spaces per level), with children below.
fn route(
    rng: &mut Rng,
    out: &mut String,
    indent: &str,
    depth: usize,
    mistakes: &mut Vec<&'static str>,
) {
    let child_indent = format!("{indent}    ");
    if rng.chance(50) {
        let _ = writeln!(out, "{indent}  receiver: {}", rng.pick(RECEIVERS));
    }
    match rng.below(4) {
        0 => {
            let _ = writeln!(out, "{indent}  match:");
            for _ in 0..=rng.below(2) {
                let _ = writeln!(
                    out,
                    "{indent}    {}: {}",
                    rng.pick(LABELS),
                    yaml_quote(rng.pick(VALUES))
                );
            }
        }
        1 => {
            let _ = writeln!(out, "{indent}  match_re:");
            let pattern = if rng.chance(2) {
                mistakes.push("bad regex");
                rng.pick(BAD_REGEXES)
            } else {
                rng.pick(REGEXES)
            };
            let _ = writeln!(
                out,
                "{indent}    {}: {}",
                rng.pick(LABELS),
                yaml_quote(pattern)
            );
        }
        _ => {
            let _ = writeln!(out, "{indent}  matchers:");
            for _ in 0..=rng.below(2) {
                let broken = rng.chance(1);
                if broken {
                    mistakes.push("bad matcher");
                }
                let text = matcher_string(rng, broken);
                let _ = writeln!(out, "{indent}    - {}", yaml_quote(&text));
            }
        }
    }
    if rng.chance(35) {
        let _ = writeln!(out, "{indent}  continue: true");
    }
    if rng.chance(15) {
        let labels = if rng.chance(10) {
            mistakes.push("group_by wildcard with labels");
            "['...', alertname]".to_owned()
        } else if rng.chance(20) {
            "['...']".to_owned()
        } else {
            format!("[{}]", rng.pick(LABELS))
        };
        let _ = writeln!(out, "{indent}  group_by: {labels}");
    }
    if rng.chance(10) {
        let value = if rng.chance(15) {
            mistakes.push("zero repeat_interval");
            "0s"
        } else {
            "2h"
        };
        let _ = writeln!(out, "{indent}  repeat_interval: {value}");
    }
    if rng.chance(1) {
        mistakes.push("unknown key");
        let _ = writeln!(out, "{indent}  labels: {{team: x}}");
    }
    if rng.chance(8) {
        let name = if rng.chance(10) {
            mistakes.push("undefined time interval");
            "holidays"
        } else {
            "weekends"
        };
        let key = if rng.chance(50) {
            "mute_time_intervals"
        } else {
            "active_time_intervals"
        };
        let _ = writeln!(out, "{indent}  {key}: [{name}]");
    }
    if depth < 3 && rng.chance(45) {
        let _ = writeln!(out, "{indent}  routes:");
        for _ in 0..=rng.below(3) {
            let _ = writeln!(out, "{child_indent}-");
            route(rng, out, &format!("{child_indent}  "), depth + 1, mistakes);
        }
    }
}

/// A configuration: receivers (sometimes one missing or doubled), a root route and its tree.
fn config(rng: &mut Rng) -> (String, Vec<&'static str>) {
    let mut mistakes = Vec::new();
    let mut out = String::from("route:\n  receiver: default\n");
    if rng.chance(50) {
        out.push_str("  group_by: [alertname]\n");
    }
    out.push_str("  routes:\n");
    for _ in 0..=rng.below(4) {
        out.push_str("    -\n");
        route(rng, &mut out, "      ", 1, &mut mistakes);
    }
    out.push_str("receivers:\n");
    let mut receivers: Vec<&str> = RECEIVERS.to_vec();
    if rng.chance(8) {
        mistakes.push("missing receiver");
        receivers.retain(|r| *r != "pager");
    }
    if rng.chance(4) {
        mistakes.push("duplicate receiver");
        receivers.push("chat");
    }
    for receiver in receivers {
        let _ = writeln!(out, "  - name: {receiver}");
        integration(rng, &mut out, receiver, &mut mistakes);
    }
    time_intervals(rng, &mut out, &mut mistakes);
    inhibit_rules(rng, &mut out, &mut mistakes);
    if rng.chance(85) {
        out.push_str("global:\n  smtp_smarthost: localhost:25\n  smtp_from: am@example.org\n");
        if rng.chance(80) {
            out.push_str("  slack_api_url: https://hooks.example.org/slack\n");
        }
    }
    (out, mistakes)
}

/// An integration for a receiver, sometimes missing what it requires.
fn integration(rng: &mut Rng, out: &mut String, receiver: &str, mistakes: &mut Vec<&'static str>) {
    match (receiver, rng.below(3)) {
        ("pager", 0) => {
            out.push_str("    pagerduty_configs:\n");
            if rng.chance(10) {
                mistakes.push("pagerduty without key");
                out.push_str("      - severity: critical\n");
            } else {
                out.push_str("      - routing_key: abc\n");
            }
        }
        ("chat", 0) => {
            out.push_str("    slack_configs:\n      - channel: '#x'\n");
            if rng.chance(70) {
                out.push_str("        api_url: https://hooks.example.org/x\n");
            }
        }
        ("mail", 0) => {
            out.push_str("    email_configs:\n      - to: team@example.org\n");
        }
        (_, 1) => {
            out.push_str("    webhook_configs:\n");
            if rng.chance(5) {
                mistakes.push("webhook without url");
                out.push_str("      - send_resolved: true\n");
            } else {
                out.push_str("      - url: http://localhost:9000/hook\n");
            }
        }
        _ => {}
    }
}

fn time_intervals(rng: &mut Rng, out: &mut String, mistakes: &mut Vec<&'static str>) {
    out.push_str("time_intervals:\n  - name: weekends\n    time_intervals:\n");
    if rng.chance(5) {
        mistakes.push("bad weekday");
        out.push_str("      - weekdays: ['monday:fryday']\n");
    } else if rng.chance(5) {
        // Alertmanager does not wrap around the end of the week.
        mistakes.push("weekday range wrapping around");
        out.push_str("      - weekdays: ['saturday:sunday']\n");
    } else {
        out.push_str("      - weekdays: ['saturday', 'sunday']\n");
    }
    if rng.chance(5) {
        mistakes.push("bad time range");
        out.push_str("        times: [{start_time: '18:00', end_time: '08:00'}]\n");
    }
    if rng.chance(4) {
        mistakes.push("duplicate time interval");
        out.push_str("  - name: weekends\n    time_intervals: [{months: ['december']}]\n");
    }
}

fn inhibit_rules(rng: &mut Rng, out: &mut String, mistakes: &mut Vec<&'static str>) {
    if rng.chance(40) {
        return;
    }
    out.push_str("inhibit_rules:\n");
    for _ in 0..=rng.below(2) {
        if rng.chance(50) {
            let _ = writeln!(
                out,
                "  - source_matchers: [{}]",
                yaml_quote(&matcher_string(rng, false))
            );
            let _ = writeln!(
                out,
                "    target_matchers: [{}]",
                yaml_quote(&matcher_string(rng, false))
            );
        } else {
            let _ = writeln!(out, "  - source_match: {{severity: critical}}");
            let pattern = if rng.chance(5) {
                mistakes.push("bad inhibit regex");
                "("
            } else {
                "warning|info"
            };
            let _ = writeln!(
                out,
                "    target_match_re: {{severity: {}}}",
                yaml_quote(pattern)
            );
        }
        if rng.chance(70) {
            let label = if rng.chance(3) {
                mistakes.push("bad equal label");
                "in-stance"
            } else {
                "instance"
            };
            let _ = writeln!(out, "    equal: [alertname, {label}]");
        }
    }
}

/// `name=value` arguments for `routes test`.
fn label_arguments(rng: &mut Rng) -> Vec<String> {
    let mut arguments = Vec::new();
    for label in LABELS {
        if rng.chance(55) {
            let value = match rng.below(6) {
                0 => "critical",
                1 => "warning",
                2 => "db",
                3 => "prod",
                4 => "404",
                _ => "web",
            };
            arguments.push(format!("{label}={value}"));
        }
    }
    arguments
}

struct Run {
    exit_code: i32,
    stdout: String,
}

fn run(command: &mut Command) -> Run {
    match util::output_with_timeout(command, CASE_TIMEOUT) {
        Ok(Some(output)) => Run {
            exit_code: util::exit_code(&output),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        },
        Ok(None) => Run {
            exit_code: -1,
            stdout: "timed out".to_owned(),
        },
        Err(error) => Run {
            exit_code: -1,
            stdout: format!("could not run: {error}"),
        },
    }
}

fn first_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

/// Compares the two tools on one case; returns the differences found and whether amtool
/// accepted the file (so its routing was compared too).
fn compare(
    amtool: &Path,
    monlint: &Path,
    file: &Path,
    labels: &[Vec<String>],
    expected: &[String],
) -> (Vec<String>, bool) {
    let mut differences = Vec::new();
    let checked = util::output_with_timeout(
        Command::new(amtool).arg("check-config").arg(file),
        CASE_TIMEOUT,
    );
    let amtool_accepts = matches!(&checked, Ok(Some(output)) if output.status.success());
    let ours = run(Command::new(monlint)
        .args([
            "check",
            "--select",
            "validity",
            "--alertmanager-version",
            "0.25",
            "--format",
            "json",
        ])
        .arg(file));
    let monlint_accepts = ours.exit_code == 0;
    if amtool_accepts != monlint_accepts {
        let amtool_says = match &checked {
            Ok(Some(output)) => {
                String::from_utf8_lossy(&output.stdout)
                    .lines()
                    .find(|l| l.contains("FAILED"))
                    .unwrap_or("")
                    .to_owned()
                    + &first_line(output)
            }
            _ => "could not run".to_owned(),
        };
        differences.push(format!(
            "check-config: amtool {} ({amtool_says}), monlint {}",
            if amtool_accepts { "accepts" } else { "rejects" },
            if monlint_accepts {
                "accepts"
            } else {
                "rejects"
            },
        ));
        return (differences, amtool_accepts);
    }
    if !amtool_accepts {
        return (differences, false);
    }
    let show = |program: &Path, ours: bool| {
        let mut command = Command::new(program);
        if ours {
            command.args([
                "routes",
                "show",
                "--alertmanager-version",
                "0.25",
                "--config",
            ]);
        } else {
            command.args(["config", "routes", "show", "--config.file"]);
        }
        run(command.arg(file))
    };
    let (theirs, mine) = (show(amtool, false), show(monlint, true));
    if theirs.exit_code != mine.exit_code || theirs.stdout != mine.stdout {
        differences.push(format!(
            "routes show differs:\n--- amtool (exit {})\n{}--- monlint (exit {})\n{}",
            theirs.exit_code, theirs.stdout, mine.exit_code, mine.stdout
        ));
    }
    for (arguments, verify) in labels.iter().zip(expected) {
        let test = |program: &Path, ours: bool| {
            let mut command = Command::new(program);
            if ours {
                command.args([
                    "routes",
                    "test",
                    "--alertmanager-version",
                    "0.25",
                    "--config",
                ]);
            } else {
                command.args(["config", "routes", "test", "--config.file"]);
            }
            command
                .arg(file)
                .arg("--tree")
                .arg(format!("--verify.receivers={verify}"))
                .args(arguments);
            run(&mut command)
        };
        let (theirs, mine) = (test(amtool, false), test(monlint, true));
        if theirs.exit_code != mine.exit_code || theirs.stdout != mine.stdout {
            differences.push(format!(
                "routes test {} --verify.receivers={verify} differs:\n--- amtool (exit {})\n{}--- monlint (exit {})\n{}",
                arguments.join(" "),
                theirs.exit_code,
                theirs.stdout,
                mine.exit_code,
                mine.stdout
            ));
        }
    }
    (differences, true)
}

pub fn amtool(args: &AmtoolArgs) -> Result<ExitCode> {
    if !util::is_runnable(&args.amtool) {
        return Err(format!(
            "amtool not found ({}); it is the reference this command compares against",
            args.amtool.display()
        )
        .into());
    }
    let monlint = util::monlint_binary(args.monlint.as_deref())?;
    let scratch = ScratchDir::new("diff-amtool", args.keep)?;
    let mut rng = Rng(args.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut cases = Vec::new();
    for (name, text) in cases::HANDWRITTEN {
        let path = scratch.path().join(format!("{name}.yml"));
        fs::write(&path, text)?;
        let labels = vec![vec!["a=b".to_owned()]];
        cases.push((path, labels, vec!["a".to_owned()], vec!["hand-written"]));
    }
    for index in 0..args.cases {
        let (text, mistakes) = config(&mut rng);
        let path = scratch.path().join(format!("{index}.yml"));
        fs::write(&path, text)?;
        let labels: Vec<Vec<String>> = (0..LABEL_SETS_PER_CASE)
            .map(|_| label_arguments(&mut rng))
            .collect();
        // Half the verifications name a plausible answer, half a wrong one, so both exit
        // codes are exercised.
        let expected: Vec<String> = (0..LABEL_SETS_PER_CASE)
            .map(|_| {
                if rng.chance(50) {
                    "default".to_owned()
                } else {
                    "pager,chat".to_owned()
                }
            })
            .collect();
        cases.push((path, labels, expected, mistakes));
    }
    eprintln!(
        "comparing {} configurations ({} hand-written, {} generated) with amtool and monlint",
        cases.len(),
        cases::HANDWRITTEN.len(),
        args.cases
    );
    let results = util::parallel_map(cases.len(), |index| {
        let (path, labels, expected, _) = &cases[index];
        compare(&args.amtool, &monlint, path, labels, expected)
    })?;
    let mut failed = 0;
    let mut with_mistakes = 0;
    let mut accepted = 0;
    for ((path, _, _, mistakes), (differences, amtool_accepted)) in cases.iter().zip(&results) {
        if !mistakes.is_empty() {
            with_mistakes += 1;
        }
        if *amtool_accepted {
            accepted += 1;
        }
        if differences.is_empty() {
            continue;
        }
        failed += 1;
        println!("{} (mistakes: {}):", path.display(), mistakes.join(", "));
        for difference in differences {
            println!("  {difference}");
        }
    }
    eprintln!(
        "{with_mistakes} of {} cases carry a deliberate mistake; amtool accepted {accepted}, whose routing was compared too ({LABEL_SETS_PER_CASE} label sets per generated case)",
        cases.len()
    );
    println!("{} passed, {failed} failed", cases.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
