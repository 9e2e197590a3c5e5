//! Machine formats are read back by real consumers: SARIF validates against the
//! SARIF 2.1.0 schema, GitHub lines parse as workflow commands, checkstyle parses as XML
//! with one `<error>` per finding.

use std::path::PathBuf;
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `monlint check --format FORMAT` on fixtures with findings of every severity.
fn run(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_monlint"))
        .current_dir(repo_root())
        .args([
            "check",
            "--format",
            format,
            "fixtures/promql-syntax/invalid.yml",
        ])
        .args([
            "fixtures/duplicate-group/invalid.yml",
            "fixtures/ignored-document/invalid.yml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn finding_count() -> usize {
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    json["diagnostics"].as_array().unwrap().len()
}

#[test]
fn sarif_validates_against_the_schema() {
    let schema_path = repo_root().join("../shared/schemas/sarif-2.1.0.json");
    let Ok(schema_text) = std::fs::read_to_string(&schema_path) else {
        eprintln!("skipped: {} is absent", schema_path.display());
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), finding_count());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            sarif["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
        assert!(result["partialFingerprints"]["monlintFingerprint/v1"].is_string());
    }
}

#[test]
fn sarif_fingerprints_survive_lines_inserted_above() {
    let dir = std::env::temp_dir().join(format!("monlint-fingerprint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let original =
        std::fs::read_to_string(repo_root().join("fixtures/promql-syntax/invalid.yml")).unwrap();
    let fingerprints = |text: &str| {
        std::fs::write(dir.join("rules.yml"), text).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_monlint"))
            .current_dir(&dir)
            .args(["check", "--format", "sarif", "rules.yml"])
            .output()
            .unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"].clone(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = fingerprints(&original);
    let after = fingerprints(&format!("# a new comment\n# and another\n{original}"));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(before.len(), after.len());
    for ((fp_before, line_before), (fp_after, line_after)) in before.iter().zip(&after) {
        assert_eq!(fp_before, fp_after);
        assert_eq!(
            line_before.as_u64().unwrap() + 2,
            line_after.as_u64().unwrap()
        );
    }
}

/// A workflow command: its name, its `key=value` properties in order, and its message.
type WorkflowCommand = (String, Vec<(String, String)>, String);

/// Parses `::command key=value,...::message` as the Actions runner does.
fn parse_workflow_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (command, properties) = head.split_once(' ')?;
    let properties = properties
        .split(',')
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((command.to_owned(), properties, message.to_owned()))
}

#[test]
fn github_lines_are_workflow_commands() {
    let output = run("github");
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), finding_count());
    for line in lines {
        let (command, properties, message) =
            parse_workflow_command(line).unwrap_or_else(|| panic!("{line}"));
        assert!(
            ["error", "warning", "notice"].contains(&command.as_str()),
            "{line}"
        );
        let keys: Vec<&str> = properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
        for (key, value) in &properties[1..5] {
            assert!(
                value.parse::<u32>().is_ok_and(|n| n > 0),
                "{key}={value} in {line}"
            );
        }
        assert!(!message.is_empty() && !message.contains('\n'));
    }
}

#[test]
fn checkstyle_is_xml_with_one_error_per_finding() {
    let output = run("checkstyle");
    let mut reader = quick_xml::Reader::from_str(&output);
    let mut files = 0;
    let mut errors = 0;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "file" => files += 1,
            quick_xml::events::Event::Empty(e) if e.name().as_ref() == "error" => {
                errors += 1;
                for attribute in ["line", "column", "severity", "message", "source"] {
                    assert!(
                        e.try_get_attribute(attribute).unwrap().is_some(),
                        "{attribute}"
                    );
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(files, 3);
    assert_eq!(errors, finding_count());
}
