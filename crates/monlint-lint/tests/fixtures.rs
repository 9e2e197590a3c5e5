//! One folder per check under `fixtures/`: `invalid.yml` must trigger the check and
//! `valid.yml` must not. Only the check under test is enabled, and the rendered
//! diagnostics of `invalid.yml` are snapshotted.
//!
//! Dashboard checks use `invalid.json` / `valid.json` (a check that applies to both
//! rules and dashboards has both kinds; the JSON snapshot is named `<check>-json`).
//!
//! A fixture targets the newest Prometheus unless its first line says otherwise:
//! `# target: prometheus 2.42`. A first line `# also-enable: a, b` runs those checks too
//! (for checks about other checks' findings, such as suppressions); only the findings of
//! the check under test count and are snapshotted.
//!
//! Checks across files take companions, checked in the same run: a `context.yml` shared
//! by every fixture of the folder, and `invalid.rules.yml` next to `invalid.yml` (likewise
//! for `valid`).
//!
//! Fixtures run with the default policy, unless the folder holds a `.monlint.yml`: its
//! `policy` is then used for both fixtures (the file must load without diagnostics; its
//! other keys are ignored). Checks driven by a policy key that is unset by default need one.

use std::path::PathBuf;

use monlint_core::render::render_human;
use monlint_core::{SourceFile, Sources, Version};
use monlint_lint::config::load_config;
use monlint_lint::documents::Documents;
use monlint_lint::links::LinkStatus;
use monlint_lint::policy::Policy;
use monlint_lint::registry::all_checks;
use monlint_lint::{Input, Options, Origin, Selection, check_files};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The files of a fixture's folder, for checks that resolve relative links.
fn fixture_documents(check: &str) -> Documents {
    let repo = fixtures_dir().join("..");
    let folder = fixtures_dir().join(check);
    let mut documents = Documents::new(&folder, &repo);
    let mut pending = vec![folder];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let markdown = path.extension().is_some_and(|e| e == "md");
                let text = markdown.then(|| std::fs::read_to_string(&path).unwrap());
                documents.add(&path, text.as_deref());
            }
        }
    }
    documents
}

/// The policy of a fixture folder: its `.monlint.yml`'s, else the default.
fn fixture_policy(check: &str) -> Policy {
    let path = fixtures_dir().join(check).join(".monlint.yml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Policy::default();
    };
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new(
        format!("fixtures/{check}/.monlint.yml"),
        text,
    ));
    let (config, diagnostics) = load_config(sources.get(id), id);
    assert!(
        diagnostics.is_empty(),
        "{}:\n{}",
        path.display(),
        String::from_utf8(render_human(&diagnostics, &sources, false)).unwrap()
    );
    config.policy
}

/// The configuration check's fixtures are `.monlint.yml` files, not rule files.
fn file_is_config(check: &str) -> bool {
    check == "invalid-config"
}

/// The rendered findings of the check under test in one fixture file, or `None` when the
/// fixture folder has no such file.
fn run(check: &str, file: &str) -> Option<(usize, String)> {
    let path = fixtures_dir().join(check).join(file);
    if !path.exists() {
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let version = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# target: prometheus "))
        .map_or(Version::PROMETHEUS_LATEST, |v| v.trim().parse().unwrap());
    let also_enabled = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# also-enable: "))
        .unwrap_or_default()
        .to_owned();
    // `# probe: <url> <answer>` lines stand for `--check-links` answers (`ok` or a reason).
    let links = text
        .lines()
        .filter_map(|line| line.strip_prefix("# probe: "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(url, answer)| {
            let status = if answer == "ok" {
                LinkStatus::Reachable
            } else {
                LinkStatus::Broken(answer.to_owned())
            };
            (url.to_owned(), status)
        })
        .collect();
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new(format!("fixtures/{check}/{file}"), text));
    // Companion files are checked in the same run, for checks across files: a
    // `context.yml` shared by both fixtures, and `<stem>.*.yml` files for one of them.
    let stem = file.trim_end_matches(".yml");
    let mut companions: Vec<String> = std::fs::read_dir(fixtures_dir().join(check))
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            name != file
                && (name == "context.yml"
                    || name.starts_with(&format!("{stem}.")) && name.ends_with(".yml"))
        })
        .collect();
    companions.sort();
    let mut files = vec![Input::new(id, Origin::Named)];
    for companion in companions {
        let text = std::fs::read_to_string(fixtures_dir().join(check).join(&companion)).unwrap();
        let path = format!("fixtures/{check}/{companion}");
        files.push(Input::new(
            sources.add(SourceFile::new(path, text)),
            Origin::Named,
        ));
    }
    let options = Options {
        links,
        prometheus_version: version,
        selection: Selection::new(&[check, &also_enabled], &[]).unwrap(),
        documents: fixture_documents(check),
        policy: fixture_policy(check),
        ..Options::default()
    };
    // Configuration checks read monlint's own configuration file, not rule files.
    let diagnostics = if file_is_config(check) {
        load_config(sources.get(id), id).1
    } else {
        check_files(&sources, &files, &options, &|| {})
            .into_iter()
            .flat_map(|report| report.diagnostics)
            .collect()
    };
    let diagnostics: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.check.name == check)
        .collect();
    let rendered = String::from_utf8(render_human(&diagnostics, &sources, false)).unwrap();
    Some((diagnostics.len(), rendered))
}

#[test]
fn every_check_has_fixtures_that_trigger_it_and_not() {
    for check in all_checks() {
        let has_yaml = fixtures_dir().join(check.name).join("invalid.yml").exists();
        let mut invalid_files = 0;
        for (valid, invalid, snapshot) in [
            ("valid.yml", "invalid.yml", check.name.to_owned()),
            ("valid.json", "invalid.json", format!("{}-json", check.name)),
        ] {
            if let Some((count, rendered)) = run(check.name, valid) {
                assert_eq!(
                    count, 0,
                    "{}: {valid} must not trigger it:\n{rendered}",
                    check.name
                );
            }
            let Some((count, rendered)) = run(check.name, invalid) else {
                continue;
            };
            invalid_files += 1;
            assert!(count > 0, "{}: {invalid} must trigger it", check.name);
            // A dashboard-only check's snapshot keeps the check's name.
            let name = if has_yaml {
                snapshot
            } else {
                check.name.to_owned()
            };
            insta::assert_snapshot!(name, rendered);
        }
        assert!(invalid_files > 0, "{}: no invalid fixture", check.name);
    }
}

#[test]
fn no_fixture_folder_without_a_check() {
    let names: Vec<&str> = all_checks().iter().map(|c| c.name).collect();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if entry.file_type().unwrap().is_dir() {
            assert!(
                names.contains(&name.as_str()),
                "fixtures/{name} belongs to no check"
            );
        }
    }
}
