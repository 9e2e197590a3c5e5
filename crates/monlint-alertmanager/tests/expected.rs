//! The shared corpus' Alertmanager verdicts (`EXPECTED.tsv`: accept or reject, and a
//! piece of amtool's error text) at the default version. Skips when the corpus is absent.

use std::path::Path;

use monlint_core::yaml::{Limits, parse_stream};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/alertmanager"
);

#[test]
fn every_expected_verdict_matches() {
    let root = Path::new(CORPUS);
    let Ok(table) = std::fs::read_to_string(root.join("EXPECTED.tsv")) else {
        eprintln!("skipping: {CORPUS}/EXPECTED.tsv is absent");
        return;
    };
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut columns = line.split('\t');
        let (file, expect) = (columns.next().unwrap(), columns.next().unwrap());
        let substring = columns.next().unwrap_or("");
        rows += 1;
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let (documents, yaml_error) = parse_stream(&text, &Limits::default());
        let mut messages: Vec<String> = yaml_error.map(|e| e.message).into_iter().collect();
        if let Some(document) = documents.first() {
            let (_, problems) =
                monlint_alertmanager::load(&document.root, monlint_alertmanager::LATEST);
            messages.extend(
                problems
                    .into_iter()
                    .filter(|p| p.kind.is_rejection())
                    .map(|p| p.message),
            );
        }
        let verdict_ok = match expect {
            "accept" => messages.is_empty(),
            _ => !messages.is_empty() && messages.iter().any(|m| m.contains(substring)),
        };
        if !verdict_ok {
            failures.push(format!(
                "{file}: expected {expect} {substring:?}, got {messages:?}"
            ));
        }
    }
    assert!(rows >= 40, "only {rows} rows read");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
