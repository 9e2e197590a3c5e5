//! `monlint test rules` on an arbitrary test file against one fixed rule file: the strict
//! reader, series loading, evaluation, alert templates and the report must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_core::Version;
use monlint_ruletest::{Files, RunOptions, run_test_file};

const RULES: &str = r#"groups:
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
            "rules.yml" => Ok(RULES.to_owned()),
            _ => Err(format!("open {path}: no such file or directory")),
        }
    }
}

fuzz_target!(|input: &str| {
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
});
