//! Every dashboard of the shared corpus loads, and every Prometheus query in it parses
//! once its variables are expanded (these are real, working dashboards).

use std::path::PathBuf;

use monlint_core::{kubernetes, yaml};
use monlint_grafana::{QueryLanguage, load};
use monlint_promql::ParseOptions;

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dashboards");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    }
    let mut files = Vec::new();
    let mut pending = vec![dir];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}

#[test]
fn corpus_dashboards_load_and_their_queries_parse() {
    let Some(files) = corpus() else { return };
    let options = ParseOptions::default();
    let mut failures = Vec::new();
    let (mut panels, mut queries) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let (documents, error) = yaml::parse_stream(&text, &yaml::Limits::default());
        assert!(error.is_none(), "{}: {error:?}", path.display());
        let (dashboards, problems) = load(&text, &kubernetes::objects(&documents), &options);
        assert_eq!(dashboards.len(), 1, "{}", path.display());
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        let dashboard = &dashboards[0];
        panels += dashboard.panels.len();
        for query in dashboard.queries() {
            queries += 1;
            // Without escapes, the mapped span holds exactly the query as written.
            if !query.raw.value.contains(['"', '\\', '\n', '/']) {
                let span = query.raw.file_span(&text, 0..query.raw.value.len());
                assert_eq!(&text[span.range()], query.raw.value, "{}", path.display());
            }
            if let Err(error) = &query.parsed {
                failures.push(format!(
                    "{}: {}: {}\n  expanded: {}",
                    path.display(),
                    query.raw.value,
                    error.message,
                    query.expansion.text
                ));
            }
        }
        assert!(
            dashboard
                .targets()
                .all(|(_, t)| t.language == QueryLanguage::Promql || t.expr.is_none()),
            "{}: every corpus dashboard queries Prometheus",
            path.display()
        );
    }
    eprintln!(
        "{} dashboards, {panels} panels, {queries} queries",
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(queries > 1000, "only {queries} queries found");
}
