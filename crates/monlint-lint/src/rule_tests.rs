//! What the checks across files need of a promtool unit-test file: the rule files it
//! loads and the alerts its `alert_rule_test` entries name. Read leniently: `monlint
//! test rules` reports a broken test file; here it only yields fewer facts.

use monlint_core::yaml::Node;
use monlint_core::{FileId, SourceFile, Span};

/// One `alert_rule_test` entry's alert name and where it is written.
pub struct AlertTestName {
    pub name: String,
    pub span: Span,
}

/// One `rule_files` entry.
pub struct RuleFilePattern {
    /// As written in the test file.
    pub written: String,
    /// Resolved against the test file's folder, as promtool does.
    pub resolved: String,
    pub span: Span,
}

impl RuleFilePattern {
    /// Whether this pattern names the rule file at `path`.
    pub fn matches(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./");
        glob::Pattern::new(&self.resolved).is_ok_and(|p| {
            p.matches_with(
                path,
                glob::MatchOptions {
                    require_literal_separator: true,
                    ..glob::MatchOptions::new()
                },
            )
        })
    }
}

pub struct RuleTestFacts {
    pub file: FileId,
    /// The test file's path as given.
    pub path: String,
    pub rule_files: Vec<RuleFilePattern>,
    pub alert_tests: Vec<AlertTestName>,
}

/// `dir/pattern`, without `./` segments, as Go's `filepath.Join` cleans it.
fn join(dir: &str, pattern: &str) -> String {
    if pattern.starts_with('/') || dir.is_empty() || dir == "." {
        return pattern.trim_start_matches("./").to_owned();
    }
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in pattern.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if dir.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

impl RuleTestFacts {
    pub fn of(file: FileId, source: &SourceFile, root: &Node) -> RuleTestFacts {
        let dir = source.path.rsplit_once('/').map_or(".", |(dir, _)| dir);
        let rule_files = root
            .get("rule_files")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .filter_map(|node| {
                let written = node.as_str()?;
                Some(RuleFilePattern {
                    written: written.to_owned(),
                    resolved: join(dir, written),
                    span: node.span,
                })
            })
            .collect();
        let mut alert_tests = Vec::new();
        for group in root
            .get("tests")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            for test in group
                .get("alert_rule_test")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                if let Some(name) = test.get("alertname").filter(|n| n.as_str().is_some()) {
                    alert_tests.push(AlertTestName {
                        name: name.as_str().unwrap_or_default().to_owned(),
                        span: name.span,
                    });
                }
            }
        }
        RuleTestFacts {
            file,
            path: source.path.clone(),
            rule_files,
            alert_tests,
        }
    }

    /// Whether this test file loads the rule file at `path`.
    pub fn loads(&self, path: &str) -> bool {
        self.rule_files.iter().any(|pattern| pattern.matches(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_resolve_against_the_test_folder() {
        assert_eq!(
            join("rules/tests", "../app.rules.yml"),
            "rules/app.rules.yml"
        );
        assert_eq!(join(".", "./r.yml"), "r.yml");
        assert_eq!(join("/abs/t", "r/*.yml"), "/abs/t/r/*.yml");
    }
}
