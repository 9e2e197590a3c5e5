//! `--changed-since`: in a temporary git repository with a base commit and a change, only
//! the findings on changed lines and the ones the change caused elsewhere are reported.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let dir =
            std::env::temp_dir().join(format!("monlint-changed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo.git(&["config", "user.email", "test@example.invalid"]);
        repo.git(&["config", "user.name", "test"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(&self.dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.dir.join(path), text).unwrap();
    }

    fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "-m", "change"]);
    }

    /// `(code, line)` of every finding of `monlint check --changed-since REF`.
    fn findings(&self, reference: &str) -> Vec<(String, u64)> {
        let output = self.monlint(&[
            "check",
            "--select",
            "validity,correctness",
            "--format",
            "json",
            "--changed-since",
            reference,
            ".",
        ]);
        assert!(
            output.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    format!(
                        "{}:{}",
                        d["path"].as_str().unwrap(),
                        d["code"].as_str().unwrap()
                    ),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    fn monlint(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_monlint"))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const RULE: &str =
    "      - record: job:requests:rate5m\n        expr: sum by (job) (rate(requests_total[5m]))\n";

fn rules_file(rules: &[&str]) -> String {
    format!("groups:\n  - name: api\n    rules:\n{}", rules.concat())
}

#[test]
fn reports_changed_lines_and_what_the_change_caused_and_nothing_else() {
    let repo = Repo::new("main");
    // Base: an old, untouched problem in old.yml; in api.yml two rules told apart by a label.
    repo.write(
        "old.yml",
        "groups:\n  - name: old\n    rules:\n      - record: broken\n        expr: sum(\n",
    );
    let labelled = format!("{RULE}        labels:\n          source: edge\n");
    repo.write("api.yml", &rules_file(&[&labelled, RULE]));
    repo.commit();
    // The change deletes the label (no line is added there, yet the second, untouched rule
    // becomes a duplicate) and appends a rule with a syntax error.
    let bad = "      - record: job:errors:rate5m\n        expr: sum(rate(errors_total[5m])\n";
    repo.write("api.yml", &rules_file(&[RULE, RULE, bad]));
    let mut findings = repo.findings("HEAD");
    findings.sort();
    assert_eq!(
        findings,
        vec![
            // Caused elsewhere: the untouched second rule is now a duplicate.
            ("api.yml:C100".to_owned(), 6),
            // On a changed line: the new broken expression.
            ("api.yml:V104".to_owned(), 9),
        ]
    );
    // Without the flag, the old problem is reported too.
    let all = repo.monlint(&["check", "--select", "validity", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "old.yml")
    );
}

#[test]
fn a_renamed_recording_rule_is_reported_where_it_is_still_used() {
    let repo = Repo::new("renamed");
    repo.write("recording.yml", &rules_file(&[RULE]));
    let alert = "groups:\n  - name: alerts\n    rules:\n      - alert: NoTraffic\n        expr: job:requests:rate5m == 0\n";
    repo.write("alerts.yml", alert);
    repo.commit();
    // The change only touches recording.yml; the finding is in alerts.yml, unchanged.
    repo.write(
        "recording.yml",
        &rules_file(&[&RULE.replace("rate5m", "rate_5m")]),
    );
    assert_eq!(
        repo.findings("HEAD"),
        vec![("alerts.yml:C101".to_owned(), 5)]
    );
}

#[test]
fn new_untracked_files_count_as_changed() {
    let repo = Repo::new("untracked");
    repo.write("api.yml", &rules_file(&[RULE]));
    repo.commit();
    repo.write(
        "new.yml",
        "groups:\n  - name: new\n    rules:\n      - record: x\n        expr: rate(x)\n",
    );
    assert_eq!(repo.findings("HEAD"), vec![("new.yml:V104".to_owned(), 5)]);
}

#[test]
fn a_missing_base_is_a_clear_error() {
    let repo = Repo::new("missing");
    repo.write("api.yml", &rules_file(&[RULE]));
    repo.commit();
    let output = repo.monlint(&["check", "--changed-since", "origin/no-such-branch", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot find the commit \"origin/no-such-branch\""),
        "{stderr}"
    );
}

#[test]
fn a_shallow_clone_says_to_fetch_the_base() {
    let origin = Repo::new("origin");
    origin.write("api.yml", &rules_file(&[RULE]));
    origin.commit();
    let first = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&origin.dir)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    origin.write("api.yml", &rules_file(&[RULE, RULE]));
    origin.commit();
    let clone =
        std::env::temp_dir().join(format!("monlint-changed-shallow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let url = format!("file://{}", origin.dir.display());
    let status = Command::new("git")
        .args([
            "clone",
            "--quiet",
            "--depth=1",
            &url,
            &clone.to_string_lossy(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let output = Command::new(env!("CARGO_BIN_EXE_monlint"))
        .args(["check", "--changed-since", first.trim(), "."])
        .current_dir(&clone)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(Path::new(&clone));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("shallow clone") && stderr.contains("git fetch"),
        "{stderr}"
    );
}
