//! The shared corpus's real dashboards: every one is recognised and loads, no query of
//! theirs is reported as invalid PromQL (they work in Grafana), and truncated copies go
//! through the pipeline without a panic.

use std::path::PathBuf;

use monlint_core::{SourceFile, Sources};
use monlint_lint::{FileKind, Input, Options, Origin, check_files};

fn corpus_dashboards() -> Option<Vec<PathBuf>> {
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
fn corpus_dashboards_load_without_syntax_findings() {
    let Some(files) = corpus_dashboards() else {
        return;
    };
    assert!(files.len() >= 16, "the corpus looks truncated");
    let mut sources = Sources::new();
    let ids: Vec<Input> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let id = sources.add(SourceFile::new(path.display().to_string(), text));
            Input::new(id, Origin::Walked)
        })
        .collect();
    let reports = check_files(&sources, &ids, &Options::default(), &|| {});
    for (path, report) in files.iter().zip(&reports) {
        assert_eq!(report.kind, FileKind::Dashboard, "{}", path.display());
        let invalid: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| matches!(d.check.name, "target-promql" | "dashboard-invalid"))
            .map(|d| d.message.clone())
            .collect();
        assert!(invalid.is_empty(), "{}: {invalid:?}", path.display());
    }
}

#[test]
fn truncated_dashboards_do_not_panic() {
    let Some(files) = corpus_dashboards() else {
        return;
    };
    for path in files.iter().take(4) {
        let text = std::fs::read_to_string(path).unwrap();
        for cut in (1..text.len()).step_by(text.len() / 7 + 1) {
            let Some(prefix) = text.get(..cut) else {
                continue;
            };
            let mut sources = Sources::new();
            let id = sources.add(SourceFile::new("cut.json", prefix));
            let report = check_files(
                &sources,
                &[Input::new(id, Origin::Named)],
                &Options::default(),
                &|| {},
            )
            .remove(0);
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| d.check.name == "dashboard-invalid"),
                "{} cut at {cut}: a truncated dashboard must be reported",
                path.display()
            );
        }
    }
}

fn check_json(name: &str, text: &str) -> usize {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new(name, text));
    check_files(
        &sources,
        &[Input::new(id, Origin::Named)],
        &Options::default(),
        &|| {},
    )
    .remove(0)
    .diagnostics
    .len()
}

/// Dashboard-shaped JSON with arbitrary queries, types and variables.
fn dashboard_json() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let query = "[a-z_${}\\[\\]():=~\"\\\\ 0-9.,+*/]{0,40}";
    let kind = prop_oneof![
        Just("graph"),
        Just("timeseries"),
        Just("row"),
        Just("stat"),
        Just("x")
    ];
    (query, kind, "[a-z$_]{0,6}", any::<bool>()).prop_map(|(expr, kind, var, collapsed)| {
        let panel = format!(
            r#"{{"id": 1, "type": "{kind}", "collapsed": {collapsed}, "datasource": "${var}", "targets": [{{"refId": "A", "expr": {expr:?}}}], "panels": [{{"id": 1, "type": "{kind}"}}]}}"#
        );
        format!(
            r#"{{"title": "t", "templating": {{"list": [{{"name": "{var}", "type": "query", "query": {expr:?}, "multi": true}}]}}, "panels": [{panel}], "rows": [{{"panels": [{panel}]}}]}}"#
        )
    })
}

proptest::proptest! {
    #[test]
    fn generated_dashboards_do_not_panic(json in dashboard_json()) {
        check_json("generated.json", &json);
        let mut wrapped = String::from("kind: ConfigMap\ndata:\n  d.json: |\n");
        for line in json.lines() {
            wrapped.push_str("    ");
            wrapped.push_str(line);
            wrapped.push('\n');
        }
        check_json("generated.yaml", &wrapped);
    }

    #[test]
    fn arbitrary_json_files_do_not_panic(text in "\\PC{0,200}") {
        check_json("arbitrary.json", &text);
    }
}
