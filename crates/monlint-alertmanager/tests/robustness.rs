//! Broken input never panics: every corpus configuration, and copies of it with bytes
//! deleted or swapped, goes through the loader, the routing engine, the tree printer
//! and the implication proofs. Skips the corpus part when it is absent.

use std::path::Path;

use monlint_alertmanager::implication::{implies_all, unsatisfiable_label};
use monlint_alertmanager::matcher::Matcher;
use monlint_alertmanager::routing::{LabelSet, receivers_for};
use monlint_alertmanager::{LATEST, load, tree};
use monlint_core::Version;
use monlint_core::yaml::{Limits, parse_stream};
use proptest::prelude::*;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/alertmanager"
);

fn exercise(text: &str) {
    let (documents, _) = parse_stream(text, &Limits::default());
    let Some(document) = documents.first() else {
        return;
    };
    for version in [Version::new(0, 25), LATEST] {
        let (config, _) = load(&document.root, version);
        let Some(root) = &config.route else { continue };
        let _ = tree::routes_show(root);
        let labels: LabelSet = [("severity", "critical"), ("service", "foo1")]
            .into_iter()
            .collect();
        let _ = receivers_for(root, &labels);
        let _ = tree::routes_test_tree(root, &labels);
        root.walk(&mut |route, _| {
            let matchers: Vec<&Matcher> = route.matchers.iter().map(|m| &m.matcher).collect();
            let _ = unsatisfiable_label(&matchers);
            let _ = implies_all(&matchers, &matchers);
        });
    }
}

fn corpus_texts() -> Vec<String> {
    let mut texts = Vec::new();
    for folder in ["config", "cli"] {
        let Ok(entries) = std::fs::read_dir(Path::new(CORPUS).join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push(text);
            }
        }
    }
    texts
}

#[test]
fn corpus_files_and_their_mutations_never_panic() {
    let texts = corpus_texts();
    if texts.is_empty() {
        eprintln!("skipping: {CORPUS} is absent");
        return;
    }
    for text in &texts {
        exercise(text);
        let bytes = text.as_bytes();
        // Delete each of a spread of byte ranges.
        for start in (0..bytes.len()).step_by(7) {
            let mut mutated = bytes.to_vec();
            mutated.drain(start..(start + 3).min(bytes.len()));
            exercise(&String::from_utf8_lossy(&mutated));
        }
    }
}

proptest! {
    #[test]
    fn generated_configurations_never_panic(
        keys in prop::collection::vec(prop_oneof![
            Just("route:\n  receiver: a\n"),
            Just("  routes:\n    - matchers: ['x=~\"(\"']\n"),
            Just("    - match_re: {a: '[0-9]{3'}\n      continue: true\n"),
            Just("receivers:\n  - name: a\n    slack_configs: [{}]\n"),
            Just("inhibit_rules: [{equal: [1, {}]}]\n"),
            Just("time_intervals: [{name: t, time_intervals: [{weekdays: ['x:y'], days_of_month: ['-40']}]}]\n"),
            Just("global: {slack_api_url: 'ftp://'}\n"),
            Just("  group_by: ['...', a, a]\n"),
            Just("\t{[\n"),
        ], 0..8),
    ) {
        exercise(&keys.concat());
    }
}
