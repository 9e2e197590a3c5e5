//! Differential test against the `promql-parser` crate on every expression of
//! the shared corpus: both parsers must accept and reject the same inputs,
//! and accepted trees must agree. Trees are compared through the oracle:
//! promql-parser's printing of the original must equal its printing of our
//! canonical form, so any structural difference (precedence, grouping,
//! modifiers, values) shows up as a mismatch.

use std::path::{Path, PathBuf};

use monlint_promql::{ParseOptions, parse};
use saphyr_parser::{Event, Parser};

fn corpus() -> Option<PathBuf> {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    if path.is_dir() {
        Some(path.to_path_buf())
    } else {
        println!("skipped: corpus not found at {}", path.display());
        None
    }
}

/// Every scalar that follows an `expr` key.
fn yaml_exprs(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut after_expr_key = false;
    for item in Parser::new_from_str(text) {
        let Ok((event, _)) = item else { break };
        if let Event::Scalar(value, ..) = event {
            if after_expr_key {
                found.push(value.into_owned());
                after_expr_key = false;
            } else {
                after_expr_key = value == "expr";
            }
        } else {
            after_expr_key = false;
        }
    }
    found
}

/// The expression of every `eval` command of a promqltest script.
fn promqltest_exprs(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if !words.first().is_some_and(|w| w.starts_with("eval")) {
            continue;
        }
        let skip = match words.get(1) {
            Some(&"instant") => 4,
            Some(&"range") => 8,
            _ => continue,
        };
        // Re-find the expression in the original line to keep its spacing.
        let mut rest = line.trim_start();
        for _ in 0..skip {
            rest = rest.trim_start();
            rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r);
        }
        let expr = rest.trim();
        if !expr.is_empty() {
            found.push(expr.to_owned());
        }
    }
    found
}

fn corpus_exprs(root: &Path) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let patterns = [
        ("rules/**/*.yml", true),
        ("promtool/*.yml", true),
        ("promqltest/*.test", false),
    ];
    for (pattern, is_yaml) in patterns {
        let full = format!("{}/{pattern}", root.display());
        for path in glob::glob(&full).expect("valid glob").flatten() {
            let text = std::fs::read_to_string(&path).expect("readable corpus file");
            let exprs = if is_yaml {
                yaml_exprs(&text)
            } else {
                promqltest_exprs(&text)
            };
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            all.extend(exprs.into_iter().map(|e| (name.clone(), e)));
        }
    }
    all
}

/// Inputs where the two parsers disagree for a known, principled reason.
fn known_difference(expr: &str) -> Option<&'static str> {
    let reasons: &[(&str, &str)] = &[
        (
            "fill(",
            "binop fill modifiers: Prometheus gates them behind a feature flag \
             ParseOptions does not model, promql-parser accepts them",
        ),
        (
            "info(",
            "info()'s label-selector argument may match empty in Prometheus \
             (its own info.test relies on it); promql-parser lacks that exception",
        ),
        ("fill_left(", "binop fill modifiers, as above"),
        ("fill_right(", "binop fill modifiers, as above"),
        (
            "\\x",
            "byte escapes: Go keeps raw bytes, Rust strings cannot; we substitute \
             U+FFFD, promql-parser reads the byte as Latin-1",
        ),
    ];
    reasons
        .iter()
        .find(|(needle, _)| expr.contains(needle))
        .map(|(_, reason)| *reason)
}

#[test]
fn agrees_with_promql_parser_on_the_corpus() {
    let Some(root) = corpus() else { return };
    let exprs = corpus_exprs(&root);
    assert!(
        exprs.len() > 1000,
        "corpus looks incomplete: {}",
        exprs.len()
    );
    let opts = ParseOptions {
        experimental_functions: true,
        ..ParseOptions::default()
    };
    let mut mismatches = Vec::new();
    let mut explained = 0;
    for (file, expr) in &exprs {
        let ours = parse(expr, &opts);
        let theirs = promql_parser::parser::parse(expr);
        let problem = match (&ours, &theirs) {
            (Ok(tree), Ok(oracle_tree)) => {
                let printed = tree.to_string();
                match promql_parser::parser::parse(&printed) {
                    Ok(reparsed) if reparsed.to_string() == oracle_tree.to_string() => None,
                    Ok(reparsed) => Some(format!(
                        "trees differ: oracle {oracle_tree} vs ours {printed} (oracle reads it as {reparsed})"
                    )),
                    Err(e) => Some(format!("oracle rejects our printing {printed:?}: {e}")),
                }
            }
            (Err(_), Err(_)) => None,
            (Ok(_), Err(e)) => Some(format!("only we accept; oracle: {e}")),
            (Err(e), Ok(_)) => Some(format!(
                "only oracle accepts; ours: {}",
                e.prometheus_text(expr)
            )),
        };
        if let Some(problem) = problem {
            if known_difference(expr).is_some() {
                explained += 1;
            } else {
                mismatches.push(format!("{file}: {expr:?}\n    {problem}"));
            }
        }
    }
    println!(
        "{} expressions, {} known differences, {} mismatches",
        exprs.len(),
        explained,
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
