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
