//! Files in, findings out: detect what each file is, load it, run the per-file checks
//! (in parallel), then the checks across files, then apply suppression comments.
//! Pure: the caller reads files and prints.

use std::collections::HashMap;

use monlint_core::yaml::{self, Document, Node};
use monlint_core::{Diagnostic, FileId, SourceFile, Sources, Span, Version};
use monlint_promql::ParseOptions;
use rayon::prelude::*;

use crate::checks::{FileFacts, RuleContext, WorkspaceContext, ignored_document, yaml_syntax};
use crate::classify::{self, Skip, SkipReason};
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
    /// Not checked; [`FileReport::skip`] says why.
    Skipped,
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
            FileKind::Skipped => "skipped",
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

/// A file of a run and how it came to be in it.
#[derive(Clone, Copy, Debug)]
pub struct Input {
    pub file: FileId,
    pub origin: Origin,
    /// Under a Helm chart's `templates/` folder (a `Chart.yaml` above it).
    pub in_helm_chart: bool,
}

impl Input {
    pub fn new(file: FileId, origin: Origin) -> Input {
        Input {
            file,
            origin,
            in_helm_chart: false,
        }
    }
}

/// How a file came to be checked, which decides what happens to one that is not
/// monitoring configuration monlint checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Found by walking a folder: skipped, with the reason.
    Walked,
    /// Named on the command line: skipped with the reason, which is shown; a broken file
    /// or one shaped like a rule file is checked as a rule file.
    Named,
    /// A rule file a unit test names: read as a rule file whatever it holds, as promtool does.
    RuleFile,
}

/// The outcome for one file.
#[derive(Debug)]
pub struct FileReport {
    pub kind: FileKind,
    /// Why the file was not checked (kind [`FileKind::Skipped`]).
    pub skip: Option<Skip>,
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

/// Detects a file's kind from its objects (documents, and the items of Kubernetes lists).
fn detect(objects: &[&Node]) -> Option<FileKind> {
    let first = objects.first()?;
    let kind = if objects.iter().any(|root| is_prometheus_rule_object(root)) {
        FileKind::KubernetesPrometheusRule
    } else if objects
        .iter()
        .any(|root| monlint_grafana::is_dashboard_document(root))
    {
        FileKind::Dashboard
    } else if first.get("groups").is_some() {
        FileKind::PrometheusRules
    } else if first.get("config").is_some() && first.get("tests").is_some() {
        FileKind::RoutingTests
    } else if first.get("tests").is_some()
        || (first.get("rule_files").is_some() && first.get("scrape_configs").is_none())
    {
        FileKind::RuleTests
    } else if first.get("route").is_some()
        || first.get("receivers").is_some()
        || objects.iter().any(|root| {
            crate::alertmanager::is_wrapped(root)
                || monlint_alertmanager::operator::is_operator_resource(root)
        })
    {
        FileKind::Alertmanager
    } else {
        return None;
    };
    Some(kind)
}

/// A broken file can't be recognised by its tree; these lines are a strong enough hint
/// that a walked file is a rule file worth reporting.
fn looks_like_broken_rule_file(text: &str) -> bool {
    text.lines()
        .any(|line| line.trim_end() == "groups:" || line.trim() == "kind: PrometheusRule")
}

/// What a file is: a kind to check, or why it is skipped.
fn classify(
    source: &SourceFile,
    input: &Input,
    documents: &[Document],
    objects: &[&Node],
    yaml_error: Option<&yaml::YamlError>,
) -> Result<FileKind, Skip> {
    if input.origin == Origin::RuleFile {
        return Ok(FileKind::PrometheusRules);
    }
    if let Some(skip) = classify::template(
        &source.path,
        &source.text,
        documents,
        yaml_error,
        input.in_helm_chart,
    ) {
        return Err(skip);
    }
    if let Some(kind) = detect(objects) {
        return Ok(kind);
    }
    // A broken file that reads like a dashboard is one: the loader says what is wrong
    // with it; a JSON file named on the command line is meant as one.
    let named = input.origin == Origin::Named;
    if (named && source.path.ends_with(".json"))
        || (yaml_error.is_some() && dashboards::looks_like_dashboard(&source.text))
    {
        return Ok(FileKind::Dashboard);
    }
    // Checked, so that the misspelt key or the syntax error is reported.
    if classify::looks_like_rule_file(documents)
        || (yaml_error.is_some() && (named || looks_like_broken_rule_file(&source.text)))
    {
        return Ok(FileKind::PrometheusRules);
    }
    let skip = classify::other(&source.path, &source.text, documents);
    // An empty file, or one of no known shape, named on the command line is read as a
    // rule file, as promtool reads it: the user meant it as monitoring config.
    if named && (skip.reason == SkipReason::Empty || skip.is_unrecognized()) {
        return Ok(FileKind::PrometheusRules);
    }
    Err(skip)
}

/// Checks the files of one run. A file that is not monitoring configuration monlint
/// checks is skipped with its reason (see [`Origin`] for the exceptions). `on_file_done`
/// is called as each file's own checks end (for progress). Reports line up with `files`.
pub fn check_files(
    sources: &Sources,
    files: &[Input],
    options: &Options,
    on_file_done: &(dyn Fn() + Sync),
) -> Vec<FileReport> {
    let mut loaded: Vec<Loaded> = files
        .par_iter()
        .map(|input| {
            let loaded = check_file(sources.get(input.file), input, options);
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
        documents: &options.documents,
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
fn check_file(source: &SourceFile, input: &Input, options: &Options) -> Loaded {
    let (documents, yaml_error) = yaml::parse_stream(&source.text, &yaml::Limits::default());
    let broken = yaml_error.is_some();
    let mut loaded = check_parsed(source, input, options, &documents, yaml_error);
    if broken {
        // The loaders saw only part of the file (or guessed its kind): mask secrets by
        // their keys in the whole text, so the syntax error's own snippet shows none.
        let found = monlint_alertmanager::redact::secret_spans_in_text(&source.text);
        loaded.report.redactions.extend(found);
    }
    loaded
}

fn check_parsed(
    source: &SourceFile,
    input: &Input,
    options: &Options,
    documents: &[Document],
    yaml_error: Option<yaml::YamlError>,
) -> Loaded {
    let file = input.file;
    let version = options.prometheus_version;
    let promql = ParseOptions {
        version,
        experimental_functions: options.experimental_functions,
    };
    let objects = monlint_core::kubernetes::objects(documents);
    let (kind, skip) = match classify(source, input, documents, &objects, yaml_error.as_ref()) {
        Ok(kind) => (kind, None),
        Err(skip) => (FileKind::Skipped, Some(skip)),
    };
    let mut diagnostics = Vec::new();
    if !kind.is_checked() {
        let tests = (kind == FileKind::RuleTests)
            .then(|| documents.first())
            .flatten()
            .map(|document| RuleTestFacts::of(file, source, &document.root));
        return Loaded {
            report: FileReport {
                kind,
                skip,
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
        let (found, facts) = dashboards::check_file(source, file, &objects, options, &promql);
        diagnostics.extend(found);
        return Loaded {
            report: FileReport {
                kind,
                skip: None,
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
            crate::alertmanager::check(source, file, &objects, options);
        diagnostics.extend(found);
        return Loaded {
            report: FileReport {
                kind,
                skip: None,
                rule_count: 0,
                diagnostics,
                redactions,
            },
            facts: Some(FileFacts::of_alertmanager(file, &source.path, config)),
            tests: None,
        };
    }
    let (rules, load_diagnostics) = if kind == FileKind::KubernetesPrometheusRule {
        let rule_objects: Vec<&Node> = objects
            .iter()
            .copied()
            .filter(|root| is_prometheus_rule_object(root))
            .collect();
        // A List may also carry dashboards beside the rules: their own checks run too
        // (the checks across files see the rules only).
        let dashboard_objects: Vec<&Node> = objects
            .iter()
            .copied()
            .filter(|root| monlint_grafana::is_dashboard_document(root))
            .collect();
        if !dashboard_objects.is_empty() {
            let (found, _) =
                dashboards::check_file(source, file, &dashboard_objects, options, &promql);
            diagnostics.extend(found);
        }
        load_prometheus_rules(file, &rule_objects, &promql)
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
            skip: None,
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
