//! Every alert label and annotation in the shared corpus that promtool 2.42
//! accepts must parse; the one it refuses must fail with promtool's text.

use std::path::{Path, PathBuf};

use monlint_core::Version;
use monlint_gotemplate::check_prometheus_alert_template;
use saphyr_parser::{Event, Parser};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

/// An alerting rule's templated values, as found in a YAML file.
struct AlertTemplates {
    alert: String,
    /// `(kind, key, value)`, kind being `label` or `annotation`.
    values: Vec<(&'static str, String, String)>,
}

/// One open YAML collection while scanning events.
enum Frame {
    Mapping {
        /// The key whose value is being read, once a key has been seen.
        key: Option<String>,
        /// The key under which this mapping sits in its parent mapping.
        parent_key: Option<String>,
        alert: Option<String>,
        values: Vec<(&'static str, String, String)>,
    },
    Sequence,
}

/// Collects the label and annotation values of every mapping with an `alert` key.
fn alert_templates(yaml: &str) -> Vec<AlertTemplates> {
    let mut found = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(yaml);
    while let Some(Ok((event, _))) = parser.next_event() {
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let parent_key = match stack.last_mut() {
                    Some(Frame::Mapping { key, .. }) => key.take(),
                    _ => None,
                };
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Mapping {
                        key: None,
                        parent_key,
                        alert: None,
                        values: Vec::new(),
                    }
                } else {
                    Frame::Sequence
                });
            }
            Event::MappingEnd => {
                if let Some(Frame::Mapping {
                    alert: Some(alert),
                    values,
                    ..
                }) = stack.pop()
                {
                    found.push(AlertTemplates { alert, values });
                }
            }
            Event::SequenceEnd => {
                stack.pop();
            }
            Event::Scalar(value, ..) => {
                let depth = stack.len();
                let Some(Frame::Mapping {
                    key,
                    parent_key,
                    alert,
                    ..
                }) = stack.last_mut()
                else {
                    continue;
                };
                let Some(current_key) = key.take() else {
                    *key = Some(value.into_owned());
                    continue;
                };
                if current_key == "alert" {
                    *alert = Some(value.to_string());
                }
                let kind = match parent_key.as_deref() {
                    Some("labels") => "label",
                    Some("annotations") => "annotation",
                    _ => continue,
                };
                if let Some(Frame::Mapping { values, .. }) =
                    depth.checked_sub(2).and_then(|i| stack.get_mut(i))
                {
                    values.push((kind, current_key, value.into_owned()));
                }
            }
            _ => {}
        }
    }
    found
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_alert_templates_parse_as_promtool_says() {
    let corpus = Path::new(CORPUS);
    if !corpus.is_dir() {
        eprintln!("skipping: corpus not found at {}", corpus.display());
        return;
    }
    let mut files = Vec::new();
    yaml_files(&corpus.join("rules"), &mut files);
    yaml_files(&corpus.join("promtool"), &mut files);
    files.sort();

    let mut checked = 0;
    let mut failures = Vec::new();
    for file in &files {
        let yaml = std::fs::read_to_string(file).expect("read corpus file");
        for rule in alert_templates(&yaml) {
            for (kind, key, value) in &rule.values {
                checked += 1;
                if let Err(error) = check_prometheus_alert_template(value, Version::new(2, 42)) {
                    let name = format!("__alert_{}", rule.alert);
                    let file = file.strip_prefix(corpus).unwrap_or(file).display();
                    failures.push(format!("{file}: {kind} {key:?}: {}", error.go_text(&name)));
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} templates found");
    // promtool 2.42 refuses exactly this one.
    assert_eq!(
        failures,
        vec![
            r#"promtool/rules-bad.yml: annotation "summary": template: __alert_InstanceDown:1: undefined variable "$label""#
        ]
    );
}
