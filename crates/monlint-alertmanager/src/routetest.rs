//! Routing test files: label sets with the receivers they must reach, optionally with
//! other alerts firing to test inhibition, and which routes no test reaches.
//!
//! ```yaml
//! config: alertmanager.yml          # relative to the test file
//! tests:
//!   - name: critical alerts page
//!     labels: {alertname: Down, severity: critical}
//!     receivers: [pager, chat]      # in routing order, as amtool prints them
//!   - name: warnings are muted while the critical fires
//!     labels: {alertname: Down, severity: warning, instance: a}
//!     firing:
//!       - {alertname: Down, severity: critical, instance: a}
//!     inhibited: true
//! ```

use monlint_core::Span;
use monlint_core::yaml::{Entry, Node};

use crate::inhibit::inhibited_by;
use crate::model::{Config, Route, Spanned};
use crate::routing::{LabelSet, receivers_for, route_alert};

#[derive(Clone, Debug, Default)]
pub struct RouteTestFile {
    /// The configuration under test, relative to the test file.
    pub config: Option<Spanned<String>>,
    pub tests: Vec<RouteTest>,
}

#[derive(Clone, Debug)]
pub struct RouteTest {
    pub name: String,
    pub span: Span,
    pub labels: LabelSet,
    /// Expected receivers, in order; `None`: not checked.
    pub receivers: Option<Vec<String>>,
    /// Other alerts firing at the same time.
    pub firing: Vec<LabelSet>,
    /// Expected inhibition; `None`: not checked.
    pub inhibited: Option<bool>,
}

/// A problem in a test file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestFileError {
    pub span: Span,
    pub message: String,
}

fn error(span: Span, message: impl Into<String>) -> TestFileError {
    TestFileError {
        span,
        message: message.into(),
    }
}

fn label_set(node: &Node, errors: &mut Vec<TestFileError>) -> LabelSet {
    let mut labels = LabelSet::default();
    let Some(entries) = node.as_mapping() else {
        if !node.is_null() {
            errors.push(error(
                node.span,
                "expected a mapping of label names to values",
            ));
        }
        return labels;
    };
    for Entry { key, value } in entries {
        match (key.as_str(), value.as_str()) {
            (Some(name), Some(text)) => {
                labels.insert(name, if value.is_null() { "" } else { text })
            }
            _ => errors.push(error(value.span, "label values must be strings")),
        }
    }
    labels
}

fn strings(node: &Node, errors: &mut Vec<TestFileError>) -> Vec<String> {
    match node.as_sequence() {
        Some(items) => items
            .iter()
            .filter_map(|item| {
                let text = item.as_str().map(str::to_owned);
                if text.is_none() {
                    errors.push(error(item.span, "expected a string"));
                }
                text
            })
            .collect(),
        None => {
            errors.push(error(node.span, "expected a list of receiver names"));
            Vec::new()
        }
    }
}

/// Reads a test file; unknown keys and wrong shapes are errors, and reading goes on.
pub fn parse_route_tests(root: &Node) -> (RouteTestFile, Vec<TestFileError>) {
    let mut file = RouteTestFile::default();
    let mut errors = Vec::new();
    let Some(entries) = root.as_mapping() else {
        errors.push(error(
            root.span,
            "expected a mapping with `config` and `tests`",
        ));
        return (file, errors);
    };
    for Entry { key, value } in entries {
        match key.as_str().unwrap_or("") {
            "config" => match value.as_str() {
                Some(path) if !value.is_null() => {
                    file.config = Some(Spanned {
                        value: path.to_owned(),
                        span: value.span,
                    });
                }
                _ => errors.push(error(value.span, "`config` must be a path")),
            },
            "tests" => {
                let Some(items) = value.as_sequence() else {
                    errors.push(error(value.span, "`tests` must be a list"));
                    continue;
                };
                for (index, item) in items.iter().enumerate() {
                    if let Some(test) = parse_test(item, index, &mut errors) {
                        file.tests.push(test);
                    }
                }
            }
            other => errors.push(error(
                key.span,
                format!("unknown key {other:?} in a routing test file"),
            )),
        }
    }
    (file, errors)
}

fn parse_test(node: &Node, index: usize, errors: &mut Vec<TestFileError>) -> Option<RouteTest> {
    let Some(entries) = node.as_mapping() else {
        errors.push(error(node.span, "a test must be a mapping"));
        return None;
    };
    let mut test = RouteTest {
        name: format!("test {}", index + 1),
        span: node.span,
        labels: LabelSet::default(),
        receivers: None,
        firing: Vec::new(),
        inhibited: None,
    };
    for Entry { key, value } in entries {
        match key.as_str().unwrap_or("") {
            "name" => test.name = value.as_str().unwrap_or_default().to_owned(),
            "labels" => test.labels = label_set(value, errors),
            "receivers" => test.receivers = Some(strings(value, errors)),
            "firing" => match value.as_sequence() {
                Some(items) => test.firing = items.iter().map(|i| label_set(i, errors)).collect(),
                None => errors.push(error(value.span, "`firing` must be a list of label sets")),
            },
            "inhibited" => match value.as_str() {
                Some("true") => test.inhibited = Some(true),
                Some("false") => test.inhibited = Some(false),
                _ => errors.push(error(value.span, "`inhibited` must be true or false")),
            },
            other => errors.push(error(
                key.span,
                format!("unknown key {other:?} in a routing test"),
            )),
        }
    }
    Some(test)
}

/// One test's result: empty `failures` means it passed.
#[derive(Clone, Debug)]
pub struct TestOutcome {
    pub name: String,
    pub span: Span,
    pub failures: Vec<String>,
}

/// Runs the tests; also returns the paths (child indices from the root) of every route
/// some test's alert passed through or ended at.
pub fn run_route_tests(
    config: &Config,
    file: &RouteTestFile,
) -> (Vec<TestOutcome>, Vec<Vec<usize>>) {
    let mut reached: Vec<Vec<usize>> = Vec::new();
    let mut outcomes = Vec::new();
    let Some(root) = &config.route else {
        return (outcomes, reached);
    };
    for test in &file.tests {
        let mut failures = Vec::new();
        for path in route_alert(root, &test.labels) {
            for depth in 0..=path.len() {
                if !reached.iter().any(|p| p == &path[..depth]) {
                    reached.push(path[..depth].to_vec());
                }
            }
        }
        let receivers = receivers_for(root, &test.labels);
        if let Some(expected) = &test.receivers
            && expected != &receivers
        {
            failures.push(format!(
                "expected receivers [{}], got [{}]",
                expected.join(", "),
                receivers.join(", ")
            ));
        }
        let inhibited = inhibited_by(&config.inhibit_rules, &test.firing, &test.labels);
        match (test.inhibited, inhibited) {
            (Some(true), None) => failures.push(
                "expected the alert to be inhibited, but no inhibit rule mutes it".to_owned(),
            ),
            (Some(false), Some(rule)) => failures.push(format!(
                "expected the alert not to be inhibited, but inhibit rule {} mutes it",
                rule + 1
            )),
            _ => {}
        }
        outcomes.push(TestOutcome {
            name: test.name.clone(),
            span: test.span,
            failures,
        });
    }
    (outcomes, reached)
}

/// The routes of the tree that no path in `reached` names, as paths, depth first.
pub fn unreached_routes(root: &Route, reached: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut missing = Vec::new();
    root.walk(&mut |_, path| {
        if !reached.iter().any(|p| p == path) {
            missing.push(path.to_vec());
        }
    });
    missing
}
