//! Files in, findings out: detect what each file is, load it, run the per-file checks
//! (in parallel), then the checks across files, then apply suppression comments.
//! Pure: the caller reads files and prints.

use std::collections::HashMap;

use monlint_core::yaml::{self, Document, Node};
use monlint_core::{Diagnostic, FileId, SourceFile, Sources, Span, Version};
use monlint_promql::ParseOptions;
use rayon::prelude::*;

use crate::checks::{FileFacts, RuleContext, WorkspaceContext, ignored_document, yaml_syntax};
use crate::dashboards;
use crate::documents::Documents;
use crate::policy::Policy;
use crate::registry::{RULE_CHECKS, WORKSPACE_CHECKS};
use crate::rule_tests::RuleTestFacts;
use crate::rules::load::{load_plain, load_prometheus_rules};
use crate::rules::model::{RuleFile, RuleFileFlavor};
use crate::selection::Selection;
use crate::suppress;

/// What a run targets and reports.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub prometheus_version: Version,
    /// Prometheus' `--enable-feature=promql-experimental-functions`.
    pub experimental_functions: bool,
    pub selection: Selection,
    pub policy: Policy,
    /// The repository's files, for relative links; empty when the caller scanned none.
    pub documents: Documents,
    /// Probed runbook links (`--check-links`); empty when not probed.
    pub links: crate::links::LinkStatuses,
    /// `--alertmanager-version`; `None` targets the newest supported release.
    pub alertmanager_version: Option<Version>,
}

impl Options {
    pub fn alertmanager_version(&self) -> Version {
        self.alertmanager_version
            .unwrap_or(monlint_alertmanager::LATEST)
    }
}

/// What a file was recognised as, from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A Prometheus rule file (`groups:` at the top).
    PrometheusRules,
    /// Kubernetes `PrometheusRule` objects.
    KubernetesPrometheusRule,
    /// A promtool unit-test file (`rule_files:` / `tests:`): run by `monlint test rules`;
    /// here only read for the checks across files.
    RuleTests,
    /// An Alertmanager configuration.
    Alertmanager,
    /// A routing test file (`config:` and `tests:`), run by `monlint test routes`.
    RoutingTests,
    /// Grafana dashboards: JSON, Kubernetes objects, or JSON embedded in ConfigMaps.
    Dashboard,
    /// Nothing monlint knows.
    Unknown,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::PrometheusRules => "prometheus-rules",
            FileKind::KubernetesPrometheusRule => "kubernetes-prometheus-rule",
            FileKind::RuleTests => "rule-tests",
            FileKind::Alertmanager => "alertmanager",
            FileKind::RoutingTests => "routing-tests",
            FileKind::Dashboard => "grafana-dashboard",
            FileKind::Unknown => "unknown",
        }
    }

    pub fn is_checked(self) -> bool {
        matches!(
            self,
            FileKind::PrometheusRules
                | FileKind::KubernetesPrometheusRule
                | FileKind::Alertmanager
                | FileKind::Dashboard
        )
    }
}

/// The outcome for one file.
#[derive(Debug)]
pub struct FileReport {
    pub kind: FileKind,
    pub rule_count: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Spans of secret values: an output that shows source text must not show these.
    pub redactions: Vec<Span>,
}

/// A file's report with its model, kept until the checks across files have run.
struct Loaded {
    report: FileReport,
    facts: Option<FileFacts>,
    tests: Option<RuleTestFacts>,
}

fn is_prometheus_rule_object(node: &Node) -> bool {
    node.get("kind").and_then(Node::as_str) == Some("PrometheusRule")
}

fn detect(documents: &[Document]) -> FileKind {
    let Some(first) = documents.first().map(|d| &d.root) else {
        return FileKind::Unknown;
    };
    if documents.iter().any(|d| is_prometheus_rule_object(&d.root)) {
        FileKind::KubernetesPrometheusRule
    } else if documents
        .iter()
        .any(|d| monlint_grafana::is_dashboard_document(&d.root))
    {
        FileKind::Dashboard
    } else if first.get("groups").is_some() {
        FileKind::PrometheusRules
    } else if first.get("config").is_some() && first.get("tests").is_some() {
        FileKind::RoutingTests
    } else if first.get("rule_files").is_some() || first.get("tests").is_some() {
        FileKind::RuleTests
    } else if first.get("route").is_some()
        || first.get("receivers").is_some()
        || documents.iter().any(|d| {
            crate::alertmanager::is_wrapped(&d.root)
                || monlint_alertmanager::operator::is_operator_resource(&d.root)
        })
    {
        FileKind::Alertmanager
    } else {
        FileKind::Unknown
    }
}

/// A broken file can't be recognised by its tree; these lines are a strong enough hint
/// that a walked file is a rule file worth reporting.
fn looks_like_rule_file(text: &str) -> bool {
    text.lines()
        .any(|line| line.trim_end() == "groups:" || line.trim() == "kind: PrometheusRule")
}

/// Checks the files of one run: `(file, explicit)` pairs. `explicit` files (named on the
/// command line) that are not recognised are read as plain rule files, as promtool would;
/// walked files are skipped instead. `on_file_done` is called as each file's own checks end
/// (for progress). Reports line up with `files`.
pub fn check_files(
    sources: &Sources,
    files: &[(FileId, bool)],
    options: &Options,
    on_file_done: &(dyn Fn() + Sync),
) -> Vec<FileReport> {
    let mut loaded: Vec<Loaded> = files
        .par_iter()
        .map(|&(file, explicit)| {
            let loaded = check_file(sources.get(file), file, options, explicit);
            on_file_done();
            loaded
        })
        .collect();
    let workspace = WorkspaceContext {
        files: loaded.iter().filter_map(|l| l.facts.as_ref()).collect(),
        tests: loaded.iter().filter_map(|l| l.tests.as_ref()).collect(),
        version: options.prometheus_version,
        policy: &options.policy,
        alertmanager_version: options.alertmanager_version(),
    };
    let mut across = Vec::new();
    for (check, run) in WORKSPACE_CHECKS {
        if options.selection.is_enabled(check) {
            run(&workspace, &mut across);
        }
    }
    let index_of: HashMap<FileId, usize> = loaded
        .iter()
        .enumerate()
        .filter_map(|(index, l)| {
            let file = l.facts.as_ref().map(|f| f.file);
            file.or(l.tests.as_ref().map(|t| t.file))
                .map(|file| (file, index))
        })
        .collect();
    for diagnostic in across {
        if let Some(&index) = index_of.get(&diagnostic.primary.file) {
            // Placeholders of an unrendered Alertmanager file are reported once, by the
            // file's `unrendered-template` finding.
            let unrendered = options
                .selection
                .is_enabled(&crate::checks::unrendered_template::CHECK)
                && loaded[index]
                    .facts
                    .as_ref()
                    .and_then(|facts| facts.alertmanager.as_ref())
                    .is_some_and(|config| {
                        crate::alertmanager::touches_placeholder(config, diagnostic.primary.span)
                    });
            if unrendered {
                continue;
            }
            loaded[index].report.diagnostics.push(diagnostic);
        }
    }
    loaded
        .into_iter()
        .map(
            |Loaded {
                 mut report, facts, ..
             }| {
                if let Some(facts) = facts {
                    let source = sources.get(facts.file);
                    suppress::apply(
                        source,
                        facts.file,
                        &facts.rule_spans,
                        &options.selection,
                        &mut report.diagnostics,
                    );
                }
                report
                    .diagnostics
                    .retain(|d| options.selection.is_enabled(d.check));
                report
                    .diagnostics
                    .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                report
            },
        )
        .collect()
}

/// One file's own checks; suppressions wait for the checks across files.
fn check_file(source: &SourceFile, file: FileId, options: &Options, explicit: bool) -> Loaded {
    let version = options.prometheus_version;
    let promql = ParseOptions {
        version,
        experimental_functions: options.experimental_functions,
    };
    let (documents, yaml_error) = yaml::parse_stream(&source.text, &yaml::Limits::default());
    let mut kind = detect(&documents);
    // A JSON file named on the command line, or one that is broken but reads like a
    // dashboard, is a dashboard: the loader says what is wrong with it.
    let json_name = source.path.ends_with(".json");
    if kind == FileKind::Unknown
        && ((explicit && json_name)
            || (yaml_error.is_some() && dashboards::looks_like_dashboard(&source.text)))
    {
        kind = FileKind::Dashboard;
    }
    if kind == FileKind::Unknown
        && (explicit || (yaml_error.is_some() && looks_like_rule_file(&source.text)))
    {
        kind = FileKind::PrometheusRules;
    }
    let mut diagnostics = Vec::new();
    if !kind.is_checked() {
        let tests = (kind == FileKind::RuleTests)
            .then(|| documents.first())
            .flatten()
            .map(|document| RuleTestFacts::of(file, source, &document.root));
        return Loaded {
            report: FileReport {
                kind,
                rule_count: 0,
                diagnostics,
                redactions: Vec::new(),
            },
            facts: None,
            tests,
        };
    }
    if let Some(offset) = source.invalid_utf8_at {
        let span = Span::from_usize(offset, offset + 1);
        let message = "the file is not valid UTF-8; invalid bytes were read as U+FFFD";
        diagnostics.push(Diagnostic::new(&yaml_syntax::CHECK, file, span, message));
    }
    if kind == FileKind::Dashboard {
        // JSON files are judged by the strict JSON reader in the loader; YAML ones here.
        let json_text = source.text.trim_start().starts_with(['{', '[']);
        if let Some(error) = yaml_error.filter(|_| !json_text) {
            diagnostics.push(Diagnostic::new(
                &yaml_syntax::CHECK,
                file,
                error.span,
                error.message,
            ));
        }
        let (found, facts) = dashboards::check_file(source, file, &documents, options, &promql);
        diagnostics.extend(found);
        return Loaded {
            report: FileReport {
                kind,
                rule_count: 0,
                diagnostics,
                redactions: Vec::new(),
            },
            facts: Some(facts),
            tests: None,
        };
    }
    if let Some(error) = yaml_error {
        diagnostics.push(Diagnostic::new(
            &yaml_syntax::CHECK,
            file,
            error.span,
            error.message,
        ));
    }
    if kind == FileKind::Alertmanager {
        let (config, found, redactions) =
            crate::alertmanager::check(source, file, &documents, options);
        diagnostics.extend(found);
        return Loaded {
            report: FileReport {
                kind,
                rule_count: 0,
                diagnostics,
                redactions,
            },
            facts: Some(FileFacts::of_alertmanager(file, &source.path, config)),
            tests: None,
        };
    }
    let (rules, load_diagnostics) = if kind == FileKind::KubernetesPrometheusRule {
        let objects: Vec<&Node> = documents
            .iter()
            .map(|d| &d.root)
            .filter(|root| is_prometheus_rule_object(root))
            .collect();
        load_prometheus_rules(file, &objects, &promql)
    } else {
        for document in documents.iter().skip(1) {
            diagnostics.push(ignored(file, source, document));
        }
        match documents.first() {
            Some(document) => load_plain(file, &document.root, &promql),
            None => (
                RuleFile {
                    file,
                    flavor: RuleFileFlavor::Plain,
                    groups: Vec::new(),
                },
                Vec::new(),
            ),
        }
    };
    diagnostics.extend(load_diagnostics);
    let ctx = RuleContext {
        source,
        rules: &rules,
        version,
        policy: &options.policy,
        documents: &options.documents,
        links: &options.links,
    };
    for (check, run) in RULE_CHECKS {
        if options.selection.is_enabled(check) {
            run(&ctx, &mut diagnostics);
        }
    }
    let rule_count = rules.groups.iter().map(|g| g.rules.len()).sum();
    Loaded {
        report: FileReport {
            kind,
            rule_count,
            diagnostics,
            redactions: Vec::new(),
        },
        facts: Some(FileFacts::of(
            source,
            &rules,
            WORKSPACE_CHECKS
                .iter()
                .any(|(check, _)| options.selection.is_enabled(check)),
        )),
        tests: None,
    }
}

fn ignored(file: FileId, source: &SourceFile, document: &Document) -> Diagnostic {
    let start = document.span.start;
    let line_end = source.text[start as usize..]
        .find('\n')
        .map_or(source.text.len(), |i| start as usize + i);
    Diagnostic::new(
        &ignored_document::CHECK,
        file,
        Span::from_usize(start as usize, line_end),
        "Prometheus reads only the first YAML document of a rule file; this one is ignored",
    )
    .with_help("move these groups into the first document or into a file of their own")
}
