//! Runs Prometheus' own promqltest scripts and holds the pass counts
//! reached: a count that drops, or any eval that fails rather than being
//! skipped for a named unsupported feature, is a regression.

use monlint_core::Version;
use monlint_promql::promqltest::{Outcome, run_script};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/promqltest"
);

/// (file, evals passing at least) for the float-language files.
const EXPECTED_PASSES: &[(&str, usize)] = &[
    ("aggregators.test", 135),
    ("at_modifier.test", 78),
    ("collision.test", 2),
    ("functions.test", 387),
    ("histograms.test", 102),
    ("limit.test", 37),
    ("literals.test", 25),
    ("name_label_dropping.test", 30),
    ("operators.test", 212),
    ("range_queries.test", 17),
    ("selectors.test", 31),
    ("staleness.test", 17),
    ("subquery.test", 32),
    ("type_and_unit.test", 58),
    ("trig_functions.test", 19),
    ("native_histograms.test", 315),
];

#[test]
fn corpus_pass_counts_do_not_regress() {
    let dir = std::path::Path::new(CORPUS);
    if !dir.is_dir() {
        println!("note: {CORPUS} is absent; corpus test skipped");
        return;
    }
    let mut regressions = Vec::new();
    for &(file, expected) in EXPECTED_PASSES {
        let text = std::fs::read_to_string(dir.join(file)).expect("corpus file readable");
        let report = run_script(&text, Version::default());
        println!(
            "{file}: {}/{}, skipped {}",
            report.passed(),
            report.evals.len(),
            report.skipped()
        );
        for eval in &report.evals {
            if let Outcome::Failed(why) = &eval.outcome {
                println!("  line {}: {}\n  {why}", eval.line, eval.expr);
                regressions.push(format!("{file}:{}: failed", eval.line));
            }
        }
        if report.passed() < expected {
            regressions.push(format!("{file}: {} < {expected}", report.passed()));
        }
    }
    assert!(
        regressions.is_empty(),
        "pass counts dropped: {regressions:?}"
    );
}
