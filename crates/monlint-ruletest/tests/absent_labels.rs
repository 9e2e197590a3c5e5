//! The labels `absent()` gives, by matcher order, typed directly in a test
//! (`promql_expr_test`) and inside a rule. Prometheus derives them from the matchers in
//! order; a rule's expression is printed and parsed again before each evaluation, which
//! sorts its matchers by their text, so the two can differ. Both 2.42 and 3.x work this
//! way. Every row below is what promtool 2.42 reports, and when promtool 2.42 is installed
//! the whole file is also run through it and compared byte for byte.

use std::fs;
use std::process::Command;

use monlint_core::Version;
use monlint_ruletest::{Files, RunOptions, Stream, promtool_output, run_test_file};

/// Matchers inside `absent(f{...})`, then the labels typed directly and as a rule.
const ROWS: &[(&str, &str, &str)] = &[
    (r#"b="2",a="1",a!~"z""#, r#"{b="2"}"#, r#"{a="1", b="2"}"#),
    (
        r#"b="2",a!~"z",a="1""#,
        r#"{a="1", b="2"}"#,
        r#"{a="1", b="2"}"#,
    ),
    (r#"a="1",b="2",a!~"z""#, r#"{b="2"}"#, r#"{a="1", b="2"}"#),
    (r#"a="1",a!~"z",b="2""#, r#"{b="2"}"#, r#"{a="1", b="2"}"#),
    (
        r#"a!~"z",b="2",a="1""#,
        r#"{a="1", b="2"}"#,
        r#"{a="1", b="2"}"#,
    ),
    (
        r#"a!~"z",a="1",b="2""#,
        r#"{a="1", b="2"}"#,
        r#"{a="1", b="2"}"#,
    ),
    (r#"a!="1",a="1",c=~"x""#, r#"{a="1"}"#, r#"{a="1"}"#),
    (r#"a!="1",c=~"x",a="1""#, r#"{a="1"}"#, r#"{a="1"}"#),
    (r#"a="1",a!="1",c=~"x""#, r#"{}"#, r#"{a="1"}"#),
    (r#"a="1",c=~"x",a!="1""#, r#"{}"#, r#"{a="1"}"#),
    (r#"c=~"x",a!="1",a="1""#, r#"{a="1"}"#, r#"{a="1"}"#),
    (r#"c=~"x",a="1",a!="1""#, r#"{}"#, r#"{a="1"}"#),
    (r#"a="1",a="2",b="1""#, r#"{b="1"}"#, r#"{b="1"}"#),
    (r#"a="1",b="1",a="2""#, r#"{b="1"}"#, r#"{b="1"}"#),
    (r#"a="2",a="1",b="1""#, r#"{b="1"}"#, r#"{b="1"}"#),
    (r#"a="2",b="1",a="1""#, r#"{b="1"}"#, r#"{b="1"}"#),
    (r#"b="1",a="1",a="2""#, r#"{b="1"}"#, r#"{b="1"}"#),
    (r#"b="1",a="2",a="1""#, r#"{b="1"}"#, r#"{b="1"}"#),
    (
        r#"job=~"x",instance="i",job="j""#,
        r#"{instance="i", job="j"}"#,
        r#"{instance="i"}"#,
    ),
    (
        r#"job=~"x",job="j",instance="i""#,
        r#"{instance="i", job="j"}"#,
        r#"{instance="i"}"#,
    ),
    (
        r#"instance="i",job=~"x",job="j""#,
        r#"{instance="i", job="j"}"#,
        r#"{instance="i"}"#,
    ),
    (
        r#"instance="i",job="j",job=~"x""#,
        r#"{instance="i"}"#,
        r#"{instance="i"}"#,
    ),
    (
        r#"job="j",job=~"x",instance="i""#,
        r#"{instance="i"}"#,
        r#"{instance="i"}"#,
    ),
    (
        r#"job="j",instance="i",job=~"x""#,
        r#"{instance="i"}"#,
        r#"{instance="i"}"#,
    ),
];

/// A 3.x row promtool 2.42 cannot check: a quoted UTF-8 label name prints with its quote,
/// which sorts before every letter.
const UTF8_ROW: (&str, &str, &str) = (
    r#"b="2","a.b"="1","a.b"!="x""#,
    r#"{b="2"}"#,
    r#"{"a.b"="1", b="2"}"#,
);

const PROMTOOL: &str = "/usr/bin/promtool";

struct InMemory {
    rules: String,
}

impl Files for InMemory {
    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        Ok(vec![pattern.to_owned()])
    }

    fn read(&self, _path: &str) -> Result<String, String> {
        Ok(self.rules.clone())
    }
}

/// A rule file with one recording rule per row, and a test file that expects a label no
/// result has, so every result is printed as `got:` in the failure report.
fn files(rows: &[(&str, &str, &str)]) -> (String, String) {
    let mut rules = String::from("groups:\n  - name: g\n    rules:\n");
    let mut tests = String::from(
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - input_series: [{series: other, values: '1'}]\n    promql_expr_test:\n",
    );
    for (index, (matchers, _, _)) in rows.iter().enumerate() {
        rules.push_str(&format!(
            "      - record: r{index}\n        expr: 'absent(f{{{matchers}}})'\n"
        ));
        for expr in [format!("absent(f{{{matchers}}})"), format!("r{index}")] {
            tests.push_str(&format!(
                "      - expr: '{expr}'\n        eval_time: 0\n        exp_samples: [{{labels: '{{none=\"{index}\"}}', value: 1}}]\n"
            ));
        }
    }
    (rules, tests)
}

/// monlint's report for the rows, as promtool of `version` prints it.
fn monlint_report(rows: &[(&str, &str, &str)], version: Version) -> (String, String) {
    let (rules, tests) = files(rows);
    let options = RunOptions {
        version,
        run: None,
        ignore_unknown_fields: false,
        debug: false,
        diff: false,
    };
    let result = run_test_file("t.yml", &tests, &options, &InMemory { rules });
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for (stream, text) in promtool_output(&result, version) {
        match stream {
            Stream::Stdout => stdout.push_str(&text),
            Stream::Stderr => stderr.push_str(&text),
        }
    }
    (stdout, stderr)
}

/// The labels reported for a direct expression and for a rule, per row, read from the
/// failure report (`__name__` of the rule left out).
fn reported_labels(report: &str, rows: usize) -> Vec<(String, String)> {
    let got: Vec<&str> = report
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("got: "))
        .map(|labels| labels.trim_end_matches(" 1E+00"))
        .collect();
    assert_eq!(got.len(), rows * 2, "{report}");
    got.chunks(2)
        .enumerate()
        .map(|(index, pair)| {
            let rule = pair[1]
                .replacen(&format!("__name__=\"r{index}\", "), "", 1)
                .replacen(&format!("__name__=\"r{index}\""), "", 1);
            (pair[0].to_owned(), rule)
        })
        .collect()
}

#[test]
fn absent_labels_follow_matcher_order_directly_and_printed_order_in_rules() {
    for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
        let (_, stderr) = monlint_report(ROWS, version);
        let labels = reported_labels(&stderr, ROWS.len());
        for ((matchers, direct, rule), (got_direct, got_rule)) in ROWS.iter().zip(&labels) {
            assert_eq!(
                (got_direct.as_str(), got_rule.as_str()),
                (*direct, *rule),
                "absent(f{{{matchers}}}) in {version}"
            );
        }
    }
}

#[test]
fn quoted_label_names_sort_first_in_3x_rules() {
    let (_, stderr) = monlint_report(&[UTF8_ROW], Version::PROMETHEUS_LATEST);
    let labels = reported_labels(&stderr, 1);
    assert_eq!(
        (labels[0].0.as_str(), labels[0].1.as_str()),
        (UTF8_ROW.1, UTF8_ROW.2)
    );
}

#[test]
fn absent_report_matches_promtool_2_42() {
    let Ok(output) = Command::new(PROMTOOL).arg("--version").output() else {
        eprintln!("{PROMTOOL} is not installed: compared with the recorded table only");
        return;
    };
    if !String::from_utf8_lossy(&output.stdout).contains("version 2.42") {
        eprintln!("{PROMTOOL} is not 2.42: compared with the recorded table only");
        return;
    }
    let dir = std::env::temp_dir().join(format!("monlint-absent-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let (rules, tests) = files(ROWS);
    fs::write(dir.join("rules.yml"), rules).unwrap();
    fs::write(dir.join("t.yml"), tests).unwrap();
    let promtool = Command::new(PROMTOOL)
        .args(["test", "rules", "t.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    fs::remove_dir_all(&dir).unwrap();
    let (stdout, stderr) = monlint_report(ROWS, Version::new(2, 42));
    assert_eq!(String::from_utf8_lossy(&promtool.stderr), stderr);
    assert_eq!(String::from_utf8_lossy(&promtool.stdout), stdout);
}
