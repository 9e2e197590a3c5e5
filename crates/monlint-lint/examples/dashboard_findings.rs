//! Findings per check on a folder of dashboards (default: the shared corpus), as a
//! Markdown table with one example of each, for judging the checks on real dashboards.
//!
//! `cargo run --release -p monlint-lint --example dashboard_findings [FOLDER]`

use std::collections::BTreeMap;
use std::path::PathBuf;

use monlint_core::{SourceFile, Sources};
use monlint_lint::{Input, Options, Origin, check_files};

fn main() {
    let dir = std::env::args().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dashboards"),
        PathBuf::from,
    );
    let mut files = Vec::new();
    let mut pending = vec![dir];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("cannot read {}", dir.display());
            std::process::exit(2);
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut sources = Sources::new();
    let ids: Vec<Input> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let id = sources.add(SourceFile::new(path.display().to_string(), text));
            Input::new(id, Origin::Walked)
        })
        .collect();
    // Every check, infos included (the default selection).
    let options = Options::default();
    let started = std::time::Instant::now();
    let reports = check_files(&sources, &ids, &options, &|| {});
    let elapsed = started.elapsed();
    let mut per_check: BTreeMap<(&str, &str), (usize, String)> = BTreeMap::new();
    for report in &reports {
        for diagnostic in &report.diagnostics {
            let entry = per_check
                .entry((diagnostic.check.code, diagnostic.check.name))
                .or_insert_with(|| {
                    let source = sources.get(diagnostic.primary.file);
                    let line = source.line_col(diagnostic.primary.span.start).line;
                    let name = source.path.rsplit('/').next().unwrap_or_default();
                    (0, format!("{name}:{line}: {}", diagnostic.message))
                });
            entry.0 += 1;
        }
    }
    println!(
        "{} dashboards checked in {} ms\n",
        files.len(),
        elapsed.as_millis()
    );
    println!("| check | findings | first example |\n|---|---|---|");
    for ((code, name), (count, example)) in per_check {
        println!(
            "| {code} {name} | {count} | {} |",
            example.replace('|', "\\|")
        );
    }
}
