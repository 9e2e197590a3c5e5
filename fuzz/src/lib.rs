//! The body of every fuzz target, as plain functions over bytes.
//!
//! The cargo-fuzz binaries in `fuzz_targets/` are one line each around these, and the
//! workspace test `crates/monlint-cli/tests/fuzz_regressions.rs` includes this file to
//! replay every input kept in `fuzz/regressions/<target>/` through the same body, so a
//! crash a fuzzer once found stays a failing test on stable Rust if it ever returns.
//!
//! Targets over `&str` skip bytes that are not UTF-8, as libFuzzer's `&str` input does.

use monlint_alertmanager::load;
use monlint_alertmanager::matcher::parse_matchers;
use monlint_alertmanager::routetest::parse_route_tests;
use monlint_core::{SourceFile, Sources, Version, yaml};
use monlint_gotemplate::check_prometheus_alert_template;
use monlint_lint::config::load_config;
use monlint_lint::{Input, Options, Origin, check_files};
use monlint_promql::series::{parse_series_line, parse_values};
use monlint_promql::{ParseOptions, parse};
use monlint_ruletest::{Files, RunOptions, run_test_file};

/// A target's body: must not panic, hang or run out of memory on any input.
pub type Body = fn(&[u8]);

/// Every target by the name of its cargo-fuzz binary.
pub const TARGETS: &[(&str, Body)] = &[
    ("alertmanager_config", alertmanager_config),
    ("check_file", check_file),
    ("dashboard_check", dashboard_check),
    ("gotemplate_parse", gotemplate_parse),
    ("monlint_config", monlint_config),
    ("promql_parse", promql_parse),
    ("rule_test_file", rule_test_file),
    ("series_values", series_values),
];

/// Alertmanager configurations, routing tests and matcher strings: the loader (every
/// supported version's rules), route tests and both matcher grammars must not panic.
pub fn alertmanager_config(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for version in [Version::new(0, 25), Version::new(0, 28)] {
        let _ = parse_matchers(input, version);
    }
    let (documents, _) = yaml::parse_stream(input, &yaml::Limits::default());
    for document in &documents {
        for version in [
            Version::new(0, 20),
            Version::new(0, 25),
            Version::new(0, 28),
        ] {
            let _ = load(&document.root, version);
        }
        let _ = parse_route_tests(&document.root);
    }
}

/// The whole per-file pipeline on arbitrary bytes: UTF-8 decoding, YAML with positions,
/// kind detection, the rule loader and every check must not panic.
pub fn check_file(data: &[u8]) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes("fuzz.yml", data.to_vec()));
    let _ = check_files(
        &sources,
        &[Input::new(id, Origin::Named)],
        &Options::default(),
        &|| {},
    );
}

/// Dashboards: a file named `.json` and given explicitly is always read as a dashboard,
/// so JSON reading, the dashboard loader, variable expansion and every dashboard check
/// run. A second pass wraps the input in a ConfigMap, so positions are mapped through the
/// outer YAML string too.
pub fn dashboard_check(data: &[u8]) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes("fuzz.json", data.to_vec()));
    let _ = check_files(
        &sources,
        &[Input::new(id, Origin::Named)],
        &Options::default(),
        &|| {},
    );

    let text = String::from_utf8_lossy(data);
    let mut wrapped = String::from("kind: ConfigMap\ndata:\n  d.json: |\n");
    for line in text.lines() {
        wrapped.push_str("    ");
        wrapped.push_str(line);
        wrapped.push('\n');
    }
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("fuzz.yaml", wrapped));
    let _ = check_files(
        &sources,
        &[Input::new(id, Origin::Named)],
        &Options::default(),
        &|| {},
    );
}

/// The Go template parser on an alert template: it must never panic, and every span it
/// reports must lie on character boundaries inside the input.
pub fn gotemplate_parse(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
        match check_prometheus_alert_template(input, version) {
            Ok(template) => {
                template.walk_nodes(&mut |node| assert!(input.get(node.span().range()).is_some()));
                template.walk_exprs(&mut |expr| assert!(input.get(expr.span().range()).is_some()));
            }
            Err(error) => {
                assert!(
                    input.get(error.span.range()).is_some(),
                    "{:?} outside the input",
                    error.span
                );
                assert!(error.line >= 1);
                let _ = error.go_text("__alert_Fuzz");
            }
        }
    }
}

/// `.monlint.yml`: the strict configuration reader must not panic and must report every
/// problem as a diagnostic.
pub fn monlint_config(data: &[u8]) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes(".monlint.yml", data.to_vec()));
    let _ = load_config(sources.get(id), id);
}

/// The PromQL parser for both grammar generations: it must never panic, and whatever it
/// accepts must print to text that parses again to the same canonical form.
pub fn promql_parse(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
        let opts = ParseOptions {
            version,
            experimental_functions: true,
        };
        match parse(input, &opts) {
            Ok(expr) => {
                let printed = expr.to_string();
                let reparsed = parse(&printed, &opts)
                    .unwrap_or_else(|e| panic!("{printed:?} does not re-parse: {}", e.message));
                assert_eq!(reparsed.to_string(), printed);
            }
            Err(error) => {
                assert!(error.span.end as usize <= input.len());
                let _ = error.prometheus_text(input);
            }
        }
    }
}

const RULE_TEST_RULES: &str = r#"groups:
  - name: fuzz
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
        for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.job }} is down ({{ $value | humanize }})"
"#;

/// The rule file every `rule_test_file` input runs against, as `rules.yml`.
struct OneRuleFile;

impl Files for OneRuleFile {
    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        Ok(if pattern == "rules.yml" {
            vec!["rules.yml".to_owned()]
        } else {
            Vec::new()
        })
    }

    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            "rules.yml" => Ok(RULE_TEST_RULES.to_owned()),
            _ => Err(format!("open {path}: no such file or directory")),
        }
    }
}

/// `monlint test rules` on an arbitrary test file against one fixed rule file: the strict
/// reader, series loading, evaluation, alert templates and the report must not panic.
pub fn rule_test_file(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
        let options = RunOptions {
            version,
            run: None,
            ignore_unknown_fields: false,
            debug: false,
            diff: false,
        };
        let result = run_test_file("fuzz.test.yml", input, &options, &OneRuleFile);
        let _ = monlint_ruletest::promtool_output(&result, version);
    }
}

/// How many values one series line may expand to in the `series_values` target.
const SERIES_EXPANSION_CAP: usize = 10_000;

/// The series notation of unit tests and promqltest scripts (`metric{a="b"} 1+2x3 _
/// stale`): parsing must not panic, and expansion must stay within its cap.
pub fn series_values(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_series_line(input);
    if let Ok(values) = parse_values(input, SERIES_EXPANSION_CAP) {
        assert!(
            values.len() <= SERIES_EXPANSION_CAP,
            "{} values",
            values.len()
        );
    }
}
