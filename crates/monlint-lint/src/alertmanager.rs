//! Alertmanager configurations in a run: loading through `monlint_alertmanager`, the
//! loader's problems as validity diagnostics, and the checks over the loaded model.

use monlint_alertmanager::{Config, ProblemKind};
use monlint_core::yaml::Document;
use monlint_core::{Check, Diagnostic, FileId, SourceFile, Version};

use crate::analyze::Options;
use crate::checks::{
    alertmanager_duplicate_key, alertmanager_invalid_matcher, alertmanager_invalid_receiver,
    alertmanager_invalid_route, alertmanager_invalid_value, alertmanager_unknown_key,
    alertmanager_wrong_type, matcher_parser_fallback,
};
use crate::registry::ALERTMANAGER_CHECKS;

/// What a check over one Alertmanager configuration sees.
pub struct AlertmanagerContext<'a> {
    pub source: &'a SourceFile,
    pub file: FileId,
    pub config: &'a Config,
    pub version: Version,
}

pub type AlertmanagerCheckFn = fn(&AlertmanagerContext, &mut Vec<Diagnostic>);

/// The check a loader problem is reported under.
fn check_of(kind: ProblemKind) -> &'static Check {
    match kind {
        ProblemKind::UnknownKey => &alertmanager_unknown_key::CHECK,
        ProblemKind::DuplicateKey => &alertmanager_duplicate_key::CHECK,
        ProblemKind::WrongType => &alertmanager_wrong_type::CHECK,
        ProblemKind::InvalidMatcher => &alertmanager_invalid_matcher::CHECK,
        ProblemKind::InvalidRoute => &alertmanager_invalid_route::CHECK,
        ProblemKind::InvalidReceiver => &alertmanager_invalid_receiver::CHECK,
        ProblemKind::InvalidValue => &alertmanager_invalid_value::CHECK,
        ProblemKind::MatcherFallback => &matcher_parser_fallback::CHECK,
    }
}

/// Loads the file's first document and runs the Alertmanager checks over it.
pub(crate) fn check(
    source: &SourceFile,
    file: FileId,
    documents: &[Document],
    options: &Options,
) -> (Config, Vec<Diagnostic>) {
    let version = options.alertmanager_version();
    let mut diagnostics = Vec::new();
    let Some(document) = documents.first() else {
        return (Config::default(), diagnostics);
    };
    let (config, problems) = monlint_alertmanager::load(&document.root, version);
    for problem in problems {
        let mut diagnostic =
            Diagnostic::new(check_of(problem.kind), file, problem.span, problem.message);
        if let Some(help) = problem.help {
            diagnostic = diagnostic.with_help(help);
        }
        diagnostics.push(diagnostic);
    }
    let ctx = AlertmanagerContext {
        source,
        file,
        config: &config,
        version,
    };
    for (check, run) in ALERTMANAGER_CHECKS {
        if options.selection.is_enabled(check) {
            run(&ctx, &mut diagnostics);
        }
    }
    (config, diagnostics)
}

/// What is known of one label of an alert before it fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LabelKnowledge {
    /// Fixed by the rule (a static label, or an equality matcher the query keeps).
    Value(String),
    /// Carried, with a value known only at run time (a templated label).
    Present,
    /// Provably not carried: no static label, and the query removes it.
    Absent,
    /// Could come from the series or from Prometheus' external labels.
    Unknown,
}

/// An alerting rule seen from Alertmanager: its name and what its labels can be.
pub(crate) struct AlertView<'a> {
    pub alert: &'a crate::checks::AlertFacts,
    pub file: FileId,
    static_labels: Vec<(&'a str, LabelKnowledge)>,
    query: Option<crate::analysis::labels::LabelSet>,
}

impl<'a> AlertView<'a> {
    pub fn new(alert: &'a crate::checks::AlertFacts, file: FileId, version: Version) -> Self {
        let mut static_labels: Vec<(&str, LabelKnowledge)> = alert
            .labels
            .iter()
            .map(|label| {
                let knowledge = if label.templated {
                    LabelKnowledge::Present
                } else {
                    LabelKnowledge::Value(label.value.clone())
                };
                (label.name.as_str(), knowledge)
            })
            .collect();
        static_labels.push(("alertname", LabelKnowledge::Value(alert.name.clone())));
        let options = monlint_promql::ParseOptions {
            version,
            experimental_functions: true,
        };
        let query = alert
            .expr
            .as_deref()
            .and_then(|expr| monlint_promql::parse(expr, &options).ok())
            .map(|expr| crate::analysis::labels::infer(&expr));
        AlertView {
            alert,
            file,
            static_labels,
            query,
        }
    }

    pub fn label(&self, name: &str) -> LabelKnowledge {
        if let Some((_, knowledge)) = self.static_labels.iter().rev().find(|(n, _)| *n == name) {
            return knowledge.clone();
        }
        match &self.query {
            Some(query) => match query.present.get(name) {
                Some(Some(value)) => LabelKnowledge::Value(value.clone()),
                Some(None) => LabelKnowledge::Present,
                None if !query.may_have(name) => LabelKnowledge::Absent,
                None => LabelKnowledge::Unknown,
            },
            None => LabelKnowledge::Unknown,
        }
    }
}

/// Three-valued matching: `Some(answer)` when the alert's labels decide it.
fn matcher_decided(
    matcher: &monlint_alertmanager::matcher::Matcher,
    alert: &AlertView,
) -> Option<bool> {
    match alert.label(&matcher.name) {
        LabelKnowledge::Value(value) => Some(matcher.matches(&value)),
        LabelKnowledge::Absent => Some(matcher.matches("")),
        LabelKnowledge::Present | LabelKnowledge::Unknown => None,
    }
}

/// `Some(true)`: every matcher surely matches; `Some(false)`: one surely does not.
pub(crate) fn matchers_decided(
    matchers: &[monlint_alertmanager::model::SpannedMatcher],
    alert: &AlertView,
) -> Option<bool> {
    let mut all = Some(true);
    for matcher in matchers {
        match matcher_decided(&matcher.matcher, alert) {
            Some(false) => return Some(false),
            None => all = None,
            Some(true) => {}
        }
    }
    all
}

/// The routes the alert may end at (paths from the root), given what is known of its
/// labels: a route whose match is undecided may or may not take the alert.
pub(crate) fn possible_routes(
    root: &monlint_alertmanager::model::Route,
    alert: &AlertView,
) -> Vec<Vec<usize>> {
    fn descend(
        route: &monlint_alertmanager::model::Route,
        alert: &AlertView,
        path: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
    ) {
        let mut surely_taken = false;
        for (index, child) in route.routes.iter().enumerate() {
            let decided = matchers_decided(&child.matchers, alert);
            if decided == Some(false) {
                continue;
            }
            path.push(index);
            descend(child, alert, path, found);
            path.pop();
            if decided == Some(true) {
                surely_taken = true;
                if !child.continue_matching {
                    break;
                }
            }
        }
        if !surely_taken {
            found.push(path.clone());
        }
    }
    let mut found = Vec::new();
    if matchers_decided(&root.matchers, alert) != Some(false) {
        descend(root, alert, &mut Vec::new(), &mut found);
    }
    found
}

/// Every alerting rule of the run, with what its labels can be.
pub(crate) fn alert_views<'a>(ctx: &'a crate::checks::WorkspaceContext) -> Vec<AlertView<'a>> {
    ctx.files
        .iter()
        .flat_map(|facts| {
            facts
                .alerts
                .iter()
                .map(|alert| AlertView::new(alert, facts.file, ctx.version))
        })
        .collect()
}

/// Every Alertmanager configuration of the run with a route tree.
pub(crate) fn configs<'a>(
    ctx: &'a crate::checks::WorkspaceContext,
) -> Vec<(FileId, &'a Config, &'a monlint_alertmanager::model::Route)> {
    ctx.files
        .iter()
        .filter_map(|facts| {
            let config = facts.alertmanager.as_ref()?;
            Some((facts.file, config, config.route.as_ref()?))
        })
        .collect()
}
