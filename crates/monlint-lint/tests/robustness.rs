//! Hostile and unexpected input: every file of the shared corpus, generated
//! rule-file-like YAML, arbitrary text and an alias bomb go through the whole
//! pipeline without a panic, and the bomb is refused with a clear error.

use std::path::{Path, PathBuf};

use monlint_core::{SourceFile, Sources};
use monlint_lint::{Input, Options, Origin, check_files};
use proptest::prelude::*;

fn check_text(text: &str) -> Vec<String> {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("input.yml", text));
    let report = check_files(
        &sources,
        &[Input::new(id, Origin::Named)],
        &Options::default(),
        &|| {},
    )
    .remove(0);
    report
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.check.name, d.message))
        .collect()
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            corpus_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_panic_on_any_corpus_file() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let mut files = Vec::new();
    corpus_files(&corpus, &mut files);
    assert!(
        files.len() > 100,
        "the corpus looks truncated: {} files",
        files.len()
    );
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let mut sources = Sources::new();
        let id = sources.add(SourceFile::from_bytes(path.display().to_string(), bytes));
        // Explicit, so every file is read as a rule file whatever it holds.
        let _ = check_files(
            &sources,
            &[Input::new(id, Origin::Named)],
            &Options::default(),
            &|| {},
        );
    }
}

#[test]
fn alias_bomb_is_refused_with_a_clear_error() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = level - 1;
        bomb.push_str(&format!(
            "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"
        ));
    }
    bomb.push_str("groups: *a11\n");
    let findings = check_text(&bomb);
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("yaml-syntax") && f.contains("alias")),
        "{findings:?}"
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let text = format!("groups: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let findings = check_text(&text);
    assert!(
        findings.iter().any(|f| f.starts_with("yaml-syntax")),
        "{findings:?}"
    );
    let expr = format!(
        "groups:\n- name: g\n  rules:\n  - record: r\n    expr: {}1{}\n",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    let findings = check_text(&expr);
    assert!(
        findings.iter().any(|f| f.starts_with("promql-syntax")),
        "{findings:?}"
    );
}

/// Lines a rule file is made of, mixed and indented at random.
fn rule_file_line() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "groups:",
        "- name: g",
        "name: g",
        "rules:",
        "- alert: A",
        "- record: a:b",
        "expr: up == 0",
        "expr: sum(rate(x[5m])) by (job)",
        "expr: 'a +'",
        "expr: \"rate(x[5m]\\n)\"",
        "expr: |",
        "expr: >",
        "for: 5m",
        "for: 1.5h",
        "labels:",
        "annotations:",
        "severity: critical",
        "summary: '{{ $labels.x }}'",
        "description: \"{{ $value | humanize\"",
        "interval: 1m",
        "limit: 3",
        "- &a {x: 1}",
        "- *a",
        "<<: *a",
        "? complex",
        "[1, 2",
        "{a: b}",
        "---",
        "...",
        "\t- tab",
        "'unterminated",
        "keep_firing_for: 0s",
    ]);
    (0usize..8, fragments).prop_map(|(indent, line)| format!("{}{line}", "  ".repeat(indent)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_rule_files_never_panic(lines in prop::collection::vec(rule_file_line(), 0..40)) {
        check_text(&lines.join("\n"));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_text(&text);
    }
}
