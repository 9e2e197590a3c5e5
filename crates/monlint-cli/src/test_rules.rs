//! `monlint test rules`: promtool's rule unit tests. Reads the files, runs them in
//! parallel through `monlint-ruletest`, prints promtool's output in file order.

use std::io::Write;
use std::path::Path;

use monlint_core::Version;
use monlint_ruletest::{
    FileResult, Files, JunitSuite, RuleCoverage, RunOptions, Stream, human_report, junit_xml,
    promtool_output, run_test_file,
};
use rayon::prelude::*;
use regex::Regex;

#[derive(clap::Args)]
pub struct TestRulesArgs {
    /// promtool unit-test files.
    #[arg(required = true)]
    files: Vec<String>,
    /// Run only test groups whose name matches this regular expression (repeatable).
    #[arg(long, value_name = "REGEX")]
    run: Vec<String>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<std::path::PathBuf>,
    /// Show alert mismatches as a coloured JSON diff of expected and actual alerts.
    #[arg(long)]
    diff: bool,
    /// On stderr: when each test group starts and ends, and a dump of all its data.
    #[arg(long)]
    debug: bool,
    /// Ignore unknown fields in the rule files (the test files stay strict).
    #[arg(long)]
    ignore_unknown_fields: bool,
    /// Behave as promtool of this Prometheus version (MAJOR.MINOR) [default: 3.14].
    #[arg(long, value_name = "X.Y", value_parser = crate::parse_prometheus_version)]
    prometheus_version: Option<Version>,
    /// `promtool`: promtool's exact output; `human`: each failure as a side-by-side table of
    /// expected and actual values.
    #[arg(long, value_enum, default_value_t = TestFormat::Promtool)]
    format: TestFormat,
    /// After the results, list every rule of the loaded rule files with the test groups
    /// that exercise it, marking the untested ones.
    #[arg(long)]
    coverage: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TestFormat {
    Promtool,
    Human,
}

/// Rule files and globs from the real file system.
struct DiskFiles;

impl Files for DiskFiles {
    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        let options = glob::MatchOptions {
            require_literal_leading_dot: true,
            ..glob::MatchOptions::new()
        };
        let paths =
            glob::glob_with(pattern, options).map_err(|_| "syntax error in pattern".to_owned())?;
        let mut matches: Vec<String> = paths
            .filter_map(Result::ok)
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        matches.sort();
        Ok(matches)
    }

    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read(path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|error| go_open_error(path, &error))
    }
}

/// Go's `open <path>: <reason>` wording of a failed read.
fn go_open_error(path: &str, error: &std::io::Error) -> String {
    let reason = match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => error.to_string(),
    };
    format!("open {path}: {reason}")
}

/// Flags promtool gained after the oldest versions monlint targets.
fn check_flags(args: &TestRulesArgs, version: Version) -> Result<(), String> {
    let gates = [
        (!args.run.is_empty(), "--run", Version::new(2, 49)),
        (args.diff, "--diff", Version::new(2, 50)),
        (args.junit.is_some(), "--junit", Version::new(2, 55)),
        (args.debug, "--debug", Version::new(3, 0)),
        (
            args.ignore_unknown_fields,
            "--ignore-unknown-fields",
            Version::new(3, 2),
        ),
    ];
    for (used, flag, since) in gates {
        if used && version < since {
            return Err(format!(
                "{flag} needs promtool {since} or newer; the target is {version} (see --prometheus-version)"
            ));
        }
    }
    Ok(())
}

pub fn run(args: TestRulesArgs) -> Result<u8, String> {
    let version = args
        .prometheus_version
        .unwrap_or(Version::PROMETHEUS_LATEST);
    check_flags(&args, version)?;
    let run = if args.run.is_empty() {
        None
    } else {
        let pattern = args.run.join("|");
        Some(Regex::new(&pattern).map_err(|e| format!("invalid --run pattern: {e}"))?)
    };
    let options = RunOptions {
        version,
        run,
        ignore_unknown_fields: args.ignore_unknown_fields,
        debug: args.debug,
        diff: args.diff,
    };
    let results: Vec<FileResult> = args
        .files
        .par_iter()
        .map(|path| match DiskFiles.read(path) {
            Ok(text) => run_test_file(path, &text, &options, &DiskFiles),
            Err(error) => FileResult {
                path: path.clone(),
                errors: vec![error],
                ..FileResult::default()
            },
        })
        .collect();
    let stderr = std::io::stderr();
    for result in &results {
        if args.format == TestFormat::Human {
            for notice in &result.notices {
                let _ = writeln!(stderr.lock(), "{notice}");
            }
            crate::write_stdout(&human_report(result));
            continue;
        }
        for (stream, text) in promtool_output(result, version) {
            match stream {
                Stream::Stdout => crate::write_stdout(&text),
                Stream::Stderr => {
                    let _ = stderr.lock().write_all(text.as_bytes());
                }
            }
        }
    }
    if args.coverage {
        crate::write_stdout(&coverage_text(&results));
    }
    if let Some(path) = &args.junit {
        write_junit(path, &results)?;
    }
    let failed = results.iter().any(|r| !r.errors.is_empty());
    Ok(u8::from(failed))
}

fn write_junit(path: &Path, results: &[FileResult]) -> Result<(), String> {
    let suites: Vec<JunitSuite> = results.iter().map(JunitSuite::of_rule_tests).collect();
    std::fs::write(path, junit_xml("monlint test rules", &suites))
        .map_err(|e| format!("cannot write JUnit XML to {}: {e}", path.display()))
}

/// The `--coverage` table: each rule once, with the test groups that exercise it.
fn coverage_text(results: &[FileResult]) -> String {
    let mut rules: Vec<RuleCoverage> = Vec::new();
    for result in results {
        for rule in &result.coverage {
            let qualified = |names: &[String]| -> Vec<String> {
                names
                    .iter()
                    .map(|n| format!("{}: {n}", result.path))
                    .collect()
            };
            let existing = rules
                .iter()
                .position(|r| r.location == rule.location && r.name == rule.name);
            let entry = match existing {
                Some(index) => &mut rules[index],
                None => {
                    rules.push(RuleCoverage {
                        produced_in: Vec::new(),
                        fired_in: Vec::new(),
                        asserted_in: Vec::new(),
                        ..rule.clone()
                    });
                    rules.last_mut().expect("just pushed")
                }
            };
            entry.asserted_in.extend(qualified(&rule.asserted_in));
            entry.produced_in.extend(qualified(&rule.produced_in));
            entry.fired_in.extend(qualified(&rule.fired_in));
        }
    }
    // An alert counts as tested when a test names it and some test group makes this very
    // rule fire (two rules may share a name: a warning and a critical threshold).
    // An alert counts as tested when a test names it and some test group makes this very
    // rule fire (two rules may share a name: a warning and a critical threshold).
    let tested = |rule: &RuleCoverage| {
        if rule.alerting {
            !rule.asserted_in.is_empty() && !rule.fired_in.is_empty()
        } else {
            !rule.produced_in.is_empty()
        }
    };
    let covered = rules.iter().filter(|r| tested(r)).count();
    let mut text = format!("Coverage: {covered} of {} rules tested\n", rules.len());
    for rule in &rules {
        let (kind, detail) = match (rule.alerting, tested(rule)) {
            (true, true) => ("alert ", format!("fired in {}", rule.fired_in.join(", "))),
            (true, false) if rule.asserted_in.is_empty() => {
                ("alert ", "UNTESTED: no alert_rule_test names it".to_owned())
            }
            (true, false) => (
                "alert ",
                "UNTESTED: named by tests, but no test group makes this rule fire".to_owned(),
            ),
            (false, true) => (
                "record",
                format!("evaluated with samples in {}", rule.produced_in.join(", ")),
            ),
            (false, false) => (
                "record",
                "UNTESTED: no test group made it produce samples".to_owned(),
            ),
        };
        text.push_str(&format!(
            "  {kind} {}  ({})  {detail}\n",
            rule.name, rule.location
        ));
    }
    text
}
