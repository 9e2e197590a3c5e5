//! `monlint test rules` against promtool's own fixtures (../shared/corpus/promtool): the
//! verdict table of the corpus README at the default (3.x) target, and byte-identical
//! output to Debian's promtool 2.42 when it is installed. Also: the project's own rule
//! tests pass and cover every rule.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/corpus/promtool");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

fn monlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monlint"))
        .current_dir(dir)
        .arg("test")
        .arg("rules")
        .args(args)
        .output()
        .expect("monlint runs")
}

/// The corpus README's table: file, flags, exit code.
const VERDICTS: &[(&str, &[&str], i32)] = &[
    ("unittest.yml", &[], 0),
    ("long-period.yml", &[], 0),
    ("bad-input-series.yml", &[], 1),
    ("bad-promql.yml", &[], 1),
    ("bad-rules-syntax-test.yml", &[], 1),
    ("bad-rules-error-test.yml", &[], 1),
    ("failing.yml", &[], 1),
    ("at-modifier-test.yml", &[], 0),
    ("negative-offset-test.yml", &[], 0),
    ("no-test-group-interval.yml", &[], 0),
    ("start-time-test.yml", &[], 0),
    ("rules_run.yml", &[], 1),
    ("rules_run.yml", &["--run", "correct"], 0),
    ("rules_run.yml", &["--run", "wrong"], 1),
    ("rules_run_extrafields.yml", &["--ignore-unknown-fields"], 0),
    ("rules_run_no_fuzzy.yml", &[], 1),
    ("rules_run_fuzzy.yml", &["--run", "correct"], 0),
    ("rules_run_fuzzy.yml", &["--run", "wrong"], 1),
];

#[test]
fn promtool_fixture_verdicts_hold_at_the_default_target() {
    let Some(dir) = fixtures() else { return };
    let mut wrong = Vec::new();
    for (file, flags, expected) in VERDICTS {
        let mut args: Vec<&str> = flags.to_vec();
        args.push(file);
        let output = monlint(&dir, &args);
        let code = output.status.code().unwrap_or(-1);
        if code != *expected {
            wrong.push(format!(
                "{file} {flags:?}: exit {code}, expected {expected}\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The fixtures promtool 2.42 reads (the rest use later fields and flags).
const PROMTOOL_242_FILES: &[&str] = &[
    "unittest.yml",
    "long-period.yml",
    "bad-input-series.yml",
    "bad-promql.yml",
    "bad-rules-syntax-test.yml",
    "bad-rules-error-test.yml",
    "failing.yml",
    "at-modifier-test.yml",
    "negative-offset-test.yml",
    "no-test-group-interval.yml",
    "start-time-test.yml",
    "rules_run.yml",
    "rules_run_extrafields.yml",
    "rules_run_no_fuzzy.yml",
    "rules_run_fuzzy.yml",
];

fn promtool_242() -> Option<&'static str> {
    let output = Command::new("promtool").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    if text.contains("version 2.42.") {
        Some("promtool")
    } else {
        eprintln!("skipped: promtool 2.42 is not installed");
        None
    }
}

/// promtool before 3.12 lists the two series of a duplicate-series error in an order that
/// changes from run to run (seen here: mostly one way, sometimes the other); the pair is
/// put in order on both sides so that only real differences count.
fn in_stable_order(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let pattern = regex::Regex::new(r"operation: \[(\{[^}]*\}), (\{[^}]*\})\]").unwrap();
    pattern
        .replace_all(&text, |caps: &regex::Captures| {
            let mut pair = [caps[1].to_owned(), caps[2].to_owned()];
            pair.sort();
            format!("operation: [{}, {}]", pair[0], pair[1])
        })
        .into_owned()
}

#[test]
fn output_is_byte_identical_to_promtool_2_42() {
    let Some(dir) = fixtures() else { return };
    let Some(promtool) = promtool_242() else {
        return;
    };
    let mut different = Vec::new();
    for file in PROMTOOL_242_FILES {
        let ours = monlint(&dir, &["--prometheus-version", "2.42", file]);
        let theirs = Command::new(promtool)
            .current_dir(&dir)
            .args(["test", "rules", file])
            .output()
            .expect("promtool runs");
        if ours.status.code() != theirs.status.code()
            || ours.stdout != theirs.stdout
            || in_stable_order(&ours.stderr) != in_stable_order(&theirs.stderr)
        {
            different.push(format!(
                "{file}:\n--- promtool stderr\n{}\n--- monlint stderr\n{}",
                String::from_utf8_lossy(&theirs.stderr),
                String::from_utf8_lossy(&ours.stderr)
            ));
        }
    }
    assert!(different.is_empty(), "{}", different.join("\n"));
}

#[test]
fn the_projects_own_rule_tests_pass_and_cover_every_rule() {
    let root = repo_root();
    let output = monlint(
        &root,
        &[
            "--coverage",
            "rules/tests/app.test.yml",
            "rules/tests/infra.test.yml",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("UNTESTED"), "{stdout}");
    assert!(
        stdout.contains("Coverage: 23 of 23 rules tested"),
        "{stdout}"
    );
}

#[test]
fn junit_output_lists_each_test_group() {
    let Some(dir) = fixtures() else { return };
    let report = std::env::temp_dir().join(format!("monlint-junit-{}.xml", std::process::id()));
    let output = monlint(
        &dir,
        &[
            "--junit",
            report.to_str().unwrap(),
            "failing.yml",
            "rules_run.yml",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let xml = std::fs::read_to_string(&report).unwrap();
    std::fs::remove_file(&report).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().0 {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    // failing.yml has two groups, both failing; rules_run.yml has two, one failing.
    assert_eq!((cases, failures), (4, 3), "{xml}");
}

/// Reads a JUnit file back with junitparser (a Python JUnit consumer, installed by
/// `.ci/run`): (cases, failures, errors), or `None` when it is not installed.
fn junitparser_counts(path: &Path) -> Option<(usize, usize, usize)> {
    let script = "import sys, junitparser\n\
        xml = junitparser.JUnitXml.fromfile(sys.argv[1])\n\
        cases = [c for s in xml for c in s]\n\
        fail = sum(1 for c in cases for r in c.result if isinstance(r, junitparser.Failure))\n\
        err = sum(1 for c in cases for r in c.result if isinstance(r, junitparser.Error))\n\
        print(len(cases), fail, err)\n";
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .ok()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("No module named"),
            "junitparser failed: {stderr}"
        );
        eprintln!("skipped: junitparser is not installed");
        return None;
    }
    let text = String::from_utf8(output.stdout).unwrap();
    let numbers: Vec<usize> = text
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    Some((numbers[0], numbers[1], numbers[2]))
}

#[test]
fn junit_reports_read_back_by_a_junit_consumer() {
    let root = repo_root();
    let dir = std::env::temp_dir().join(format!("monlint-junit-consumer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules_xml = dir.join("rules.xml");
    let output = monlint(
        &root,
        &[
            "--junit",
            rules_xml.to_str().unwrap(),
            "tests/cli/data/ruletest/failing.test.yml",
            "tests/cli/data/ruletest/passing.test.yml",
            "tests/cli/data/ruletest/missing.test.yml",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let routes_xml = dir.join("routes.xml");
    let routes = Command::new(env!("CARGO_BIN_EXE_monlint"))
        .current_dir(&root)
        .args(["test", "routes", "--junit"])
        .arg(&routes_xml)
        .arg("rules/alertmanager.routes.test.yml")
        .output()
        .unwrap();
    assert_eq!(routes.status.code(), Some(0));
    if let Some(counts) = junitparser_counts(&rules_xml) {
        // failing: one group failing; passing: one group passing; missing: an error.
        assert_eq!(counts, (3, 1, 1));
    }
    if let Some((cases, failures, errors)) = junitparser_counts(&routes_xml) {
        assert!(cases >= 6, "{cases}");
        assert_eq!((failures, errors), (0, 0));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
