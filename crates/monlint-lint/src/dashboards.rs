//! Grafana dashboards in a run: loading a detected file into `monlint_grafana`'s model,
//! the context dashboard checks see, and the facts checks across files need.

use monlint_core::yaml::Node;
use monlint_core::{Check, Diagnostic, FileId, SourceFile, Span, Version};
use monlint_grafana::{Dashboard, ProblemKind, Query, load};
use monlint_promql::ParseOptions;
use monlint_promql::ast::{Expr, LabelMatcher};

use crate::checks::common::ExprFinding;
use crate::checks::{FileFacts, RecordingUse, dashboard_invalid, duplicate_json_key};
use crate::policy::Policy;

/// What a dashboard check sees: the dashboards of one file and its text.
pub struct DashboardContext<'a> {
    pub source: &'a SourceFile,
    pub file: FileId,
    pub dashboards: &'a [Dashboard],
    pub version: Version,
    pub policy: &'a Policy,
}

pub type DashboardCheckFn = fn(&DashboardContext, &mut Vec<Diagnostic>);

impl DashboardContext<'_> {
    /// Every Prometheus query that parsed: panel targets and variable queries.
    pub fn parsed_queries(&self) -> impl Iterator<Item = (&Query, &Expr)> {
        self.dashboards
            .iter()
            .flat_map(Dashboard::queries)
            .filter_map(|query| query.parsed.as_ref().ok().map(|expr| (query, expr)))
    }

    /// The parsed Prometheus queries of panel targets (variable queries only list
    /// label values: what a panel would plot does not apply to them).
    pub fn target_queries(&self) -> impl Iterator<Item = (&Query, &Expr)> {
        self.dashboards
            .iter()
            .flat_map(Dashboard::targets)
            .filter_map(|(_, target)| target.query.as_ref())
            .filter_map(|query| query.parsed.as_ref().ok().map(|expr| (query, expr)))
    }

    /// The file span of a span of a query's expanded text.
    pub fn query_span(&self, query: &Query, expanded: Span) -> Span {
        query.file_span(&self.source.text, expanded)
    }

    /// Runs an expression analysis shared with the rule checks on every panel query.
    /// `from_variable` drops findings about text a template variable produced: the
    /// placeholder is not what Grafana will send.
    pub fn report_expr_findings(
        &self,
        check: &'static Check,
        findings: impl Fn(&Expr) -> Vec<ExprFinding>,
        from_variable: impl Fn(&Query, Span) -> bool,
        out: &mut Vec<Diagnostic>,
    ) {
        for (query, expr) in self.target_queries() {
            for finding in findings(expr) {
                if from_variable(query, finding.span) {
                    continue;
                }
                let span = self.query_span(query, finding.span);
                out.push(finding.into_diagnostic(check, self.file, span));
            }
        }
    }
}

/// Whether the metric name at the start of a selector's span comes from a variable.
pub fn name_from_variable(query: &Query, selector: Span) -> bool {
    let text = query
        .expansion
        .text
        .get(selector.range())
        .unwrap_or_default();
    let name_len = text.find(['{', '[', ' ']).unwrap_or(text.len());
    query.touches_variable(Span::new(selector.start, selector.start + name_len as u32))
}

/// The span of the duration inside a range selector's last `[...]`.
pub fn window_span(query: &Query, matrix: Span) -> Option<Span> {
    let written = query.expansion.text.get(matrix.range())?;
    let open = written.rfind('[')?;
    let close = written.rfind(']')?;
    (open < close).then(|| Span::new(matrix.start + open as u32 + 1, matrix.start + close as u32))
}

/// Whether a range selector's window comes from a variable (`[$__rate_interval]`).
pub fn window_from_variable(query: &Query, matrix: Span) -> bool {
    window_span(query, matrix).is_some_and(|window| query.touches_variable(window))
}

/// What the checks across files need of a file's dashboards.
pub struct DashboardFacts {
    /// Colon-named metrics (recording rules) the panels select.
    pub recording_uses: Vec<RecordingUse>,
    /// Panels with thresholds, with their queries in comparable form.
    pub thresholds: Vec<PanelThresholds>,
}

/// A query of a panel that has threshold steps.
pub struct PanelThresholds {
    pub panel_title: String,
    /// The query as [`comparable`] prints it.
    pub comparable: String,
    /// Labels the query filters with template variables: an alert's fixed matchers on
    /// them (`job="api"`) are one of the values the viewer may pick.
    pub variable_labels: Vec<String>,
    pub query_span: Span,
    pub unit: Option<String>,
    /// Step values and where each is written.
    pub steps: Vec<(f64, Span)>,
}

/// The expression printed with range windows blanked and matchers on template variables
/// removed, so a panel's `rate(x{job=~"$job"}[$__rate_interval])` compares equal to an
/// alert's `rate(x[5m])`.
pub fn comparable(expr: &Expr, from_variable: &dyn Fn(&LabelMatcher) -> bool) -> String {
    let mut copy = expr.clone();
    blank(&mut copy, from_variable, 0);
    copy.to_string()
}

const MAX_DEPTH: usize = 300;

fn blank(expr: &mut Expr, from_variable: &dyn Fn(&LabelMatcher) -> bool, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let strip = |selector: &mut monlint_promql::ast::VectorSelector| {
        selector.matchers.retain(|m| !from_variable(m));
    };
    match expr {
        Expr::Number(_) | Expr::String(_) => {}
        Expr::VectorSelector(selector) => strip(selector),
        Expr::MatrixSelector(matrix) => {
            strip(&mut matrix.selector);
            matrix.range = monlint_core::Duration(0);
        }
        Expr::Subquery(subquery) => {
            subquery.range = monlint_core::Duration(0);
            subquery.step = None;
            blank(&mut subquery.expr, from_variable, depth + 1);
        }
        Expr::Paren(paren) => blank(&mut paren.expr, from_variable, depth + 1),
        Expr::Unary(unary) => blank(&mut unary.expr, from_variable, depth + 1),
        Expr::Binary(binary) => {
            blank(&mut binary.lhs, from_variable, depth + 1);
            blank(&mut binary.rhs, from_variable, depth + 1);
        }
        Expr::Aggregate(aggregate) => blank(&mut aggregate.expr, from_variable, depth + 1),
        Expr::Call(call) => {
            for arg in &mut call.args {
                blank(arg, from_variable, depth + 1);
            }
        }
    }
}

fn facts(ctx: &DashboardContext) -> DashboardFacts {
    let mut recording_uses = Vec::new();
    for (query, expr) in ctx.parsed_queries() {
        expr.walk_selectors(&mut |selector| {
            let Some(name) = selector.name.as_deref().filter(|n| n.contains(':')) else {
                return;
            };
            let name_span = Span::new(selector.span.start, selector.span.start + name.len() as u32);
            if query.touches_variable(name_span) {
                return;
            }
            recording_uses.push(RecordingUse {
                name: name.to_owned(),
                span: ctx.query_span(query, name_span),
                in_record: None,
            });
        });
    }
    let mut thresholds = Vec::new();
    for dashboard in ctx.dashboards {
        for panel in &dashboard.panels {
            if panel.thresholds.is_empty() {
                continue;
            }
            for target in &panel.targets {
                let Some(query) = &target.query else { continue };
                let Ok(expr) = &query.parsed else { continue };
                let mut variable_labels = Vec::new();
                expr.walk_selectors(&mut |selector| {
                    for matcher in &selector.matchers {
                        if query.touches_variable(matcher.span)
                            && !variable_labels.contains(&matcher.name)
                        {
                            variable_labels.push(matcher.name.clone());
                        }
                    }
                });
                thresholds.push(PanelThresholds {
                    panel_title: panel
                        .title
                        .as_ref()
                        .map_or_else(String::new, |t| t.value.clone()),
                    comparable: comparable(expr, &|m| query.touches_variable(m.span)),
                    variable_labels,
                    query_span: query.raw.span,
                    unit: panel.unit.as_ref().map(|u| u.value.clone()),
                    steps: panel
                        .thresholds
                        .iter()
                        .map(|step| (step.value.value, step.value.span))
                        .collect(),
                });
            }
        }
    }
    DashboardFacts {
        recording_uses,
        thresholds,
    }
}

/// Whether a file that failed to parse is still recognisably a dashboard.
pub fn looks_like_dashboard(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && (text.contains("\"panels\"") || text.contains("\"schemaVersion\""))
}

/// Loads the dashboards of a file's objects (documents and Kubernetes list items) and runs the dashboard checks. Returns the diagnostics, the
/// number of panels, and the facts for the checks across files.
pub fn check_file(
    source: &SourceFile,
    file: FileId,
    objects: &[&Node],
    options: &crate::Options,
    promql: &ParseOptions,
) -> (Vec<Diagnostic>, FileFacts) {
    let (dashboards, problems) = load(&source.text, objects, promql);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| {
            let check = match p.kind {
                ProblemKind::Invalid => &dashboard_invalid::CHECK,
                ProblemKind::DuplicateKey => &duplicate_json_key::CHECK,
            };
            Diagnostic::new(check, file, p.span, p.message)
        })
        .collect();
    if dashboards.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::new(
            &dashboard_invalid::CHECK,
            file,
            Span::point(0),
            "no Grafana dashboard found in this JSON file",
        ));
    }
    let ctx = DashboardContext {
        source,
        file,
        dashboards: &dashboards,
        version: options.prometheus_version,
        policy: &options.policy,
    };
    for (check, run) in crate::registry::DASHBOARD_CHECKS {
        if options.selection.is_enabled(check) {
            run(&ctx, &mut diagnostics);
        }
    }
    let mut file_facts = FileFacts::empty(file);
    file_facts.dashboard = Some(facts(&ctx));
    (diagnostics, file_facts)
}
