//! Alertmanager configurations in a run: loading through `monlint_alertmanager`, the
//! loader's problems as validity diagnostics, and the checks over the loaded model.

use monlint_alertmanager::matcher::Matcher;
use monlint_alertmanager::model::Route;
use monlint_alertmanager::operator::{is_operator_resource, load_operator_resource, merge};
use monlint_alertmanager::{Config, ProblemKind};
use monlint_core::yaml::{self, Node};
use monlint_core::{Check, Diagnostic, FileId, SourceFile, Span, Version};

use crate::analyze::Options;
use crate::checks::{
    alertmanager_duplicate_key, alertmanager_invalid_matcher, alertmanager_invalid_receiver,
    alertmanager_invalid_route, alertmanager_invalid_value, alertmanager_unknown_key,
    alertmanager_wrong_type, matcher_parser_fallback, unrendered_template, yaml_syntax,
};
use crate::registry::ALERTMANAGER_CHECKS;

/// What a check over one Alertmanager configuration sees.
pub struct AlertmanagerContext<'a> {
    pub source: &'a SourceFile,
    pub file: FileId,
    pub config: &'a Config,
    pub version: Version,
    /// The repository's files, for template paths.
    pub documents: &'a crate::documents::Documents,
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

/// The keys a Kubernetes Secret or ConfigMap holds the configuration under.
const WRAPPED_KEYS: [&str; 2] = ["alertmanager.yaml", "alertmanager.yml"];

/// A configuration inside a Kubernetes object: the scalar holding it, and whether the
/// text is base64 (a Secret's `data`).
struct Wrapped<'a> {
    node: &'a Node,
    base64: bool,
}

/// The configuration value of a Kubernetes Secret (`stringData` or base64 `data`) or
/// ConfigMap (`data`), when the object holds one.
fn wrapped(root: &Node) -> Option<Wrapped<'_>> {
    let kind = root.get("kind").and_then(Node::as_str)?;
    let find = |section: &str| {
        let map = root.get(section)?;
        WRAPPED_KEYS.iter().find_map(|key| map.get(key))
    };
    match kind {
        "Secret" => find("stringData")
            .map(|node| Wrapped {
                node,
                base64: false,
            })
            .or_else(|| find("data").map(|node| Wrapped { node, base64: true })),
        "ConfigMap" => find("data").map(|node| Wrapped {
            node,
            base64: false,
        }),
        _ => None,
    }
}

/// Whether a document is an Alertmanager configuration wrapped in a Kubernetes object.
/// Walks a route tree depth first. `visit` sees each route with the matchers of its
/// ancestors followed by its own, and how many of them are the ancestors'; it returns
/// whether to walk on below that route.
pub(crate) fn walk_routes<'a>(
    root: &'a Route,
    visit: &mut impl FnMut(&'a Route, &[&'a Matcher], usize) -> bool,
) {
    fn walk<'a>(
        route: &'a Route,
        context: &mut Vec<&'a Matcher>,
        visit: &mut impl FnMut(&'a Route, &[&'a Matcher], usize) -> bool,
    ) {
        let ancestors = context.len();
        context.extend(route.matchers.iter().map(|m| &m.matcher));
        if visit(route, context, ancestors) {
            for child in &route.routes {
                walk(child, context, visit);
            }
        }
        context.truncate(ancestors);
    }
    walk(root, &mut Vec::new(), visit);
}

pub(crate) fn is_wrapped(root: &Node) -> bool {
    wrapped(root).is_some()
}

/// Standard base64 (padding optional, whitespace ignored), as Kubernetes writes `data`.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        buffer = ((buffer << 6) | u32::from(value)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The root of a configuration made only of operator resources: no matchers, no receiver.
fn empty_root() -> Route {
    Route {
        span: Span::point(0),
        receiver: None,
        group_by: None,
        matchers: Vec::new(),
        continue_span: None,
        continue_matching: false,
        group_wait: None,
        group_interval: None,
        repeat_interval: None,
        mute_time_intervals: Vec::new(),
        active_time_intervals: Vec::new(),
        routes: Vec::new(),
    }
}

fn empty_document() -> Node {
    Node {
        span: Span::point(0),
        kind: yaml::NodeKind::Scalar(yaml::Scalar {
            value: String::new(),
            style: yaml::ScalarStyle::Plain,
        }),
        tag: None,
    }
}

/// Loads the file's Alertmanager configuration (the first object, or the one a
/// Kubernetes Secret or ConfigMap holds) and runs the Alertmanager checks over it.
/// `objects` are the file's documents, with the items of Kubernetes lists in their place.
/// Also returns the spans of secret values, for outputs to mask.
pub(crate) fn check(
    source: &SourceFile,
    file: FileId,
    objects: &[&Node],
    options: &Options,
) -> (Config, Vec<Diagnostic>, Vec<Span>) {
    let version = options.alertmanager_version();
    let mut diagnostics = Vec::new();
    let Some(&first) = objects.first() else {
        return (Config::default(), diagnostics, Vec::new());
    };
    let resources: Vec<&Node> = objects
        .iter()
        .copied()
        .filter(|root| is_operator_resource(root))
        .collect();
    // Without a base configuration, operator resources are merged into an empty one.
    let base = if resources.is_empty() {
        Some(first)
    } else {
        objects.iter().copied().find(|root| {
            !is_operator_resource(root)
                && (root.get("route").is_some() || root.get("receivers").is_some())
        })
    };
    let (mut config, mut problems, redactions) =
        match objects.iter().find_map(|root| wrapped(root)) {
            None if base.is_none() => (
                Config {
                    route: Some(empty_root()),
                    ..Config::default()
                },
                Vec::new(),
                Vec::new(),
            ),
            None => {
                let root = base.unwrap_or(first);
                let (config, problems) = monlint_alertmanager::load(root, version);
                let redactions = config.secret_values.clone();
                (config, problems, redactions)
            }
            Some(wrapper) => {
                let outer = wrapper.node.span;
                let text = match wrapper.node.as_str() {
                    Some(text) if !wrapper.base64 => Some(text.to_owned()),
                    Some(text) => decode_base64(text)
                        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
                    None => None,
                };
                let Some(text) = text else {
                    let message =
                        "the configuration in this Kubernetes object is not valid base64 text";
                    diagnostics.push(Diagnostic::new(
                        &alertmanager_wrong_type::CHECK,
                        file,
                        outer,
                        message,
                    ));
                    return (Config::default(), diagnostics, vec![outer]);
                };
                // Spans inside decoded text map back through the scalar; inside base64 they
                // can only point at the whole value.
                let node = wrapper.node;
                let base64 = wrapper.base64;
                let map = |span: Span| {
                    if base64 {
                        outer
                    } else {
                        node.value_span(&source.text, span.range())
                    }
                };
                let (inner, yaml_error) = yaml::parse_stream(&text, &yaml::Limits::default());
                if let Some(error) = yaml_error {
                    diagnostics.push(Diagnostic::new(
                        &yaml_syntax::CHECK,
                        file,
                        map(error.span),
                        error.message,
                    ));
                }
                let root = inner
                    .first()
                    .map_or_else(empty_document, |d| d.root.clone());
                let (mut config, mut problems) = monlint_alertmanager::load(&root, version);
                config.map_spans(&map);
                for problem in &mut problems {
                    problem.span = map(problem.span);
                }
                // A base64 value holds every secret of the configuration.
                let redactions = if base64 {
                    vec![outer]
                } else {
                    config.secret_values.clone()
                };
                (config, problems, redactions)
            }
        };
    let mut loaded = Vec::new();
    for root in resources {
        let (resource, found) = load_operator_resource(root);
        problems.extend(found);
        loaded.push(resource);
    }
    if !loaded.is_empty() {
        merge(&mut config, loaded);
    }
    // What the placeholders break is said once, by `unrendered-template`.
    let said_once = options.selection.is_enabled(&unrendered_template::CHECK);
    let (broken, problems): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|problem| said_once && touches_placeholder(&config, problem.span));
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
        documents: &options.documents,
    };
    let mut found = Vec::new();
    for (check, run) in ALERTMANAGER_CHECKS {
        if options.selection.is_enabled(check) {
            run(&ctx, &mut found);
        }
    }
    found.retain(|d| !said_once || !touches_placeholder(&config, d.primary.span));
    diagnostics.extend(found);
    if let Some(first) = config.placeholders.first().filter(|_| said_once) {
        diagnostics.push(unrendered(file, &config, first, &broken));
    }
    (config, diagnostics, redactions)
}

/// Whether a span overlaps a value holding a template placeholder.
pub(crate) fn touches_placeholder(config: &Config, span: Span) -> bool {
    config.placeholders.iter().any(|p| {
        span.start < p.span.end.max(p.span.start + 1) && p.span.start < span.end.max(span.start + 1)
    })
}

/// The one finding for a file with placeholders: an error when Alertmanager rejects the
/// file as written because of them, information otherwise.
fn unrendered(
    file: FileId,
    config: &Config,
    first: &monlint_alertmanager::model::Spanned<String>,
    broken: &[monlint_alertmanager::Problem],
) -> Diagnostic {
    let others = config.placeholders.len() - 1;
    let more = match others {
        0 => String::new(),
        1 => " (and 1 more value)".to_owned(),
        n => format!(" (and {n} more values)"),
    };
    let rejection = broken.iter().find(|p| p.kind.is_rejection());
    let verdict = match rejection {
        Some(problem) => format!("; Alertmanager rejects it as written: {}", problem.message),
        None => String::new(),
    };
    let mut diagnostic = Diagnostic::new(
        &unrendered_template::CHECK,
        file,
        first.span,
        format!(
            "this file is an unrendered template: `{}`{more} is a placeholder filled when it is rendered{verdict}",
            first.value
        ),
    )
    .with_primary_message("a template placeholder")
    .with_help(
        "check the rendered output (envsubst, helm template, ...); values behind placeholders are not judged here",
    );
    for other in config.placeholders.iter().skip(1).take(3) {
        diagnostic = diagnostic.with_secondary(file, other.span, format!("`{}`", other.value));
    }
    if rejection.is_none() {
        diagnostic.severity = monlint_core::Severity::Info;
    }
    diagnostic
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
fn matcher_decided(matcher: &Matcher, alert: &AlertView) -> Option<bool> {
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
pub(crate) fn possible_routes(root: &Route, alert: &AlertView) -> Vec<Vec<usize>> {
    fn descend(
        route: &Route,
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
) -> Vec<(FileId, &'a Config, &'a Route)> {
    ctx.files
        .iter()
        .filter_map(|facts| {
            let config = facts.alertmanager.as_ref()?;
            Some((facts.file, config, config.route.as_ref()?))
        })
        .collect()
}

/// Whether the run holds the rules that feed this configuration, judged by the alert
/// names its matchers spell out: `Some(false)` when it names alerts and the run defines
/// none of them, nor any name close enough to be a misspelling (the rules live
/// elsewhere, e.g. `Watchdog` from a chart), `None` when it names no alert. Checks that
/// judge routes against the run's rules stay silent on `Some(false)`: every finding would
/// be about rules they cannot see.
pub(crate) fn feeds_on_run(config: &Config, alerts: &[AlertView]) -> Option<bool> {
    let route_matchers = config.route.iter().flat_map(|root| {
        let mut all = Vec::new();
        root.walk(&mut |route, _| all.extend(&route.matchers));
        all
    });
    let inhibit_matchers = config
        .inhibit_rules
        .iter()
        .flat_map(|rule| rule.source.iter().chain(&rule.target));
    let named: Vec<String> = route_matchers
        .chain(inhibit_matchers)
        .filter(|m| m.matcher.name == "alertname")
        .filter_map(|m| match m.matcher.op {
            monlint_alertmanager::matcher::MatchOp::Equal => Some(vec![m.matcher.value.clone()]),
            monlint_alertmanager::matcher::MatchOp::Regex => {
                monlint_alertmanager::implication::literal_alternatives(&m.matcher.value)
            }
            _ => None,
        })
        .flatten()
        .filter(|name| !name.is_empty())
        .collect();
    if named.is_empty() {
        return None;
    }
    // A name one typo away from a rule's is about the run's rules: a misspelling.
    Some(named.iter().any(|name| {
        crate::suggest::closest(name, alerts.iter().map(|a| a.alert.name.as_str())).is_some()
    }))
}
