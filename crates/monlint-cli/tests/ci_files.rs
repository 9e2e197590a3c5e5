//! The files users adopt monlint through are valid for the tools that read them, checked
//! offline by those tools' own validators: the GitHub Action and workflows against
//! SchemaStore's schemas (vendored by check-jsonschema), the pre-commit manifest by
//! pre-commit itself. `.ci/run` installs both; without them these tests say so and skip.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs a validator; `None` when it is not installed.
fn validate(program: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(program)
        .args(args)
        .current_dir(repo_root())
        .output()
    {
        Ok(output) => Some(output),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("skipped: {program} is not installed ({args:?})");
            None
        }
        Err(error) => panic!("{program}: {error}"),
    }
}

fn assert_valid(output: Option<std::process::Output>, what: &str) {
    if let Some(output) = output {
        assert!(
            output.status.success(),
            "{what} is invalid:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn github_action_validates_against_its_schema() {
    assert!(Path::new(&repo_root().join("action.yml")).is_file());
    let output = validate(
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-actions", "action.yml"],
    );
    assert_valid(output, "action.yml");
}

#[test]
fn workflows_validate_against_their_schema() {
    let workflows: Vec<String> = std::fs::read_dir(repo_root().join(".github/workflows"))
        .unwrap()
        .map(|entry| {
            format!(
                ".github/workflows/{}",
                entry.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    assert!(!workflows.is_empty());
    let mut args = vec!["--builtin-schema", "vendor.github-workflows"];
    args.extend(workflows.iter().map(String::as_str));
    assert_valid(validate("check-jsonschema", &args), "a workflow");
}

#[test]
fn pre_commit_manifest_is_valid() {
    let output = validate(
        "pre-commit",
        &["validate-manifest", ".pre-commit-hooks.yaml"],
    );
    assert_valid(output, ".pre-commit-hooks.yaml");
}

#[test]
fn an_invalid_action_is_refused() {
    // The validator must be able to fail, or the tests above prove nothing.
    let dir = std::env::temp_dir().join(format!("monlint-action-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("action.yml");
    std::fs::write(&broken, "name: x\nruns:\n  using: composite\n  stepz: []\n").unwrap();
    let path = broken.to_string_lossy().into_owned();
    let output = validate(
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-actions", &path],
    );
    std::fs::remove_dir_all(&dir).ok();
    if let Some(output) = output {
        assert!(
            !output.status.success(),
            "a broken action.yml passed validation"
        );
    }
}
