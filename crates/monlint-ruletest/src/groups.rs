//! Rule groups as the rule manager evaluates them: each rule's query at a timestamp,
//! recording-rule relabelling, alert state (pending, firing, `keep_firing_for`), the
//! `ALERTS` / `ALERTS_FOR_STATE` series, staleness of series a rule stopped writing,
//! and group `limit` / `query_offset`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use monlint_core::Version;
use monlint_gotemplate::{AlertData, AlertTemplate, Environment};
use monlint_promql::ast::Expr;
use monlint_promql::eval::{
    EvalOptions, Labels, Query, Storage, Value, instant_query, is_histogram_value,
};
use monlint_promql::series::stale_nan;
use monlint_promql::{ParseOptions, parse};

/// One rule as loaded from a rule file.
#[derive(Clone, Debug)]
pub struct RuleDef {
    pub name: String,
    pub expr: Expr,
    /// Rule labels (group labels merged under them), unexpanded.
    pub labels: Vec<(String, String)>,
    pub kind: RuleKind,
    /// Where the rule is written: `file:line`, for coverage reports.
    pub location: String,
}

#[derive(Clone, Debug)]
pub enum RuleKind {
    Recording,
    Alerting {
        for_ms: i64,
        keep_firing_for_ms: i64,
        annotations: Vec<(String, String)>,
    },
}

/// One group as loaded from a rule file.
#[derive(Clone, Debug)]
pub struct GroupDef {
    pub name: String,
    pub query_offset_ms: i64,
    pub limit: usize,
    pub rules: Vec<RuleDef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertState {
    Pending,
    Firing,
    Inactive,
}

/// One alert of an alerting rule.
#[derive(Clone, Debug)]
pub struct Alert {
    /// The alert's labels, `alertname` included, sorted.
    pub labels: Vec<(String, String)>,
    /// Expanded annotations, sorted by name; empty values are kept.
    pub annotations: Vec<(String, String)>,
    pub state: AlertState,
    active_at: i64,
    resolved_at: Option<i64>,
    keep_firing_since: Option<i64>,
}

/// An alerting rule's templates, in the order of its labels and annotations.
struct Templates {
    labels: Vec<AlertTemplate>,
    annotations: Vec<AlertTemplate>,
}

/// How long a resolved alert is remembered (Prometheus' `resolvedRetention`).
const RESOLVED_RETENTION_MS: i64 = 15 * 60 * 1000;

/// Settings shared by every rule of a test group.
pub struct Context<'a> {
    pub version: Version,
    pub eval: &'a EvalOptions,
    pub external_labels: &'a BTreeMap<String, String>,
    pub external_url: &'a str,
}

/// A group with its evaluation state.
pub struct Group<'d> {
    pub def: &'d GroupDef,
    rules: Vec<RuleState<'d>>,
}

struct RuleState<'d> {
    /// The rule's query, evaluated step after step (its cursors carry over).
    query: Query<'d>,
    /// Series (storage ids, stable for the test group) written at the previous
    /// evaluation, to be marked stale once gone.
    previous: HashSet<usize>,
    /// Alerts by their label set.
    alerts: HashMap<Vec<(String, String)>, Alert>,
    last_error: Option<String>,
    /// The rule's label and annotation templates, parsed at its first evaluation.
    templates: Option<Templates>,
    /// Whether the rule's query returned anything at some evaluation (for coverage).
    pub produced: bool,
    pub fired: bool,
}

impl<'d> Group<'d> {
    pub fn new(def: &'d GroupDef) -> Self {
        Group {
            def,
            rules: def
                .rules
                .iter()
                .map(|rule| RuleState {
                    query: Query::new(&rule.expr),
                    previous: HashSet::new(),
                    alerts: HashMap::new(),
                    last_error: None,
                    templates: None,
                    produced: false,
                    fired: false,
                })
                .collect(),
        }
    }

    /// Evaluates every rule in order at `ts`, writing results into `storage` so that
    /// later rules see them at once.
    pub fn eval(&mut self, storage: &mut Storage, ts: i64, ctx: &Context) {
        let eval_ts = ts - self.def.query_offset_ms;
        for (rule, state) in self.def.rules.iter().zip(&mut self.rules) {
            storage.seal();
            let output = match &rule.kind {
                RuleKind::Recording => record(rule, state, storage, eval_ts, ctx, self.def.limit),
                RuleKind::Alerting { .. } => {
                    alert(rule, state, storage, ts, eval_ts, ctx, self.def.limit)
                }
            };
            let samples = match output {
                Ok(samples) => {
                    state.last_error = None;
                    samples
                }
                Err(error) => {
                    state.last_error = Some(error);
                    continue;
                }
            };
            state.produced |= !samples.is_empty();
            let mut returned = HashSet::with_capacity(samples.len());
            for (labels, value) in samples {
                let id = storage.series_id(labels);
                // Prometheus drops (and only logs) samples its head refuses.
                let _ = storage.push(id, eval_ts, value);
                returned.insert(id);
            }
            for &gone in state.previous.difference(&returned) {
                let _ = storage.push(gone, eval_ts, stale_nan());
            }
            state.previous = returned;
        }
        storage.seal();
    }

    /// The rules' errors of the last evaluation, in rule order.
    pub fn errors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.def
            .rules
            .iter()
            .zip(&self.rules)
            .filter_map(|(rule, state)| Some((rule.name.as_str(), state.last_error.as_deref()?)))
    }

    /// The firing alerts of the group's alerting rules named `name`.
    pub fn firing(&self, name: &str) -> impl Iterator<Item = &Alert> {
        self.def
            .rules
            .iter()
            .zip(&self.rules)
            .filter(move |(rule, _)| {
                rule.name == name && matches!(rule.kind, RuleKind::Alerting { .. })
            })
            .flat_map(|(_, state)| state.alerts.values())
            .filter(|alert| alert.state == AlertState::Firing && alert.resolved_at.is_none())
    }

    /// Per rule: whether it ever returned samples, and (alerts) whether it ever fired.
    pub fn activity(&self) -> impl Iterator<Item = (&RuleDef, bool, bool)> {
        self.def
            .rules
            .iter()
            .zip(&self.rules)
            .map(|(rule, state)| (rule, state.produced, state.fired))
    }
}

/// A rule's query as the rule manager runs it: a scalar becomes one sample without labels.
pub fn query_vector(
    storage: &Storage,
    expr: &Expr,
    ts: i64,
    options: &EvalOptions,
) -> Result<Vec<(Labels, f64)>, String> {
    rule_vector(instant_query(storage, expr, ts, options))
}

fn rule_vector(
    result: Result<Value, monlint_promql::eval::EvalError>,
) -> Result<Vec<(Labels, f64)>, String> {
    match result.map_err(|e| e.to_string())? {
        // Rules and templates compute with values: histograms cannot take part yet.
        Value::Vector(samples) if samples.iter().any(|s| is_histogram_value(s.value)) => {
            Err("native histograms are not supported yet".to_owned())
        }
        Value::Vector(samples) => Ok(samples
            .into_iter()
            .map(|s| (Arc::unwrap_or_clone(s.labels), s.value))
            .collect()),
        Value::Scalar(value) => Ok(vec![(Labels::default(), value)]),
        _ => Err("rule result is not a vector or scalar".to_owned()),
    }
}

fn record(
    rule: &RuleDef,
    state: &mut RuleState,
    storage: &Storage,
    eval_ts: i64,
    ctx: &Context,
    limit: usize,
) -> Result<Vec<(Labels, f64)>, String> {
    let vector = rule_vector(state.query.instant(storage, eval_ts, ctx.eval))?;
    let mut seen = HashSet::with_capacity(vector.len());
    let mut out = Vec::with_capacity(vector.len());
    for (labels, value) in vector {
        let mut pairs: Vec<(String, String)> = labels
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        pairs.push(("__name__".to_owned(), rule.name.clone()));
        pairs.extend(rule.labels.iter().cloned());
        let labels = Labels::from_pairs(pairs);
        if !seen.insert(labels.clone()) {
            return Err(
                "vector contains metrics with the same labelset after applying rule labels"
                    .to_owned(),
            );
        }
        out.push((labels, value));
    }
    if limit > 0 && out.len() > limit {
        return Err(format!(
            "exceeded limit of {limit} with {} series",
            out.len()
        ));
    }
    Ok(out)
}

/// Template `query` calls, run against the test data at the alert's evaluation time.
struct Queries<'a> {
    storage: &'a Storage,
    ts: i64,
    ctx: &'a Context<'a>,
}

impl Environment for Queries<'_> {
    fn query(&self, expression: &str) -> Result<Vec<monlint_gotemplate::Sample>, String> {
        let options = ParseOptions {
            version: self.ctx.version,
            experimental_functions: false,
        };
        let expr = parse(expression, &options).map_err(|e| e.prometheus_text(expression))?;
        let vector = query_vector(self.storage, &expr, self.ts, self.ctx.eval)?;
        Ok(vector
            .into_iter()
            .map(|(labels, value)| monlint_gotemplate::Sample {
                labels: labels
                    .iter()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect(),
                value,
            })
            .collect())
    }
}

fn alert(
    rule: &RuleDef,
    state: &mut RuleState,
    storage: &Storage,
    ts: i64,
    eval_ts: i64,
    ctx: &Context,
    limit: usize,
) -> Result<Vec<(Labels, f64)>, String> {
    let RuleKind::Alerting {
        for_ms,
        keep_firing_for_ms,
        annotations,
    } = &rule.kind
    else {
        return Ok(Vec::new());
    };
    let vector = rule_vector(state.query.instant(storage, eval_ts, ctx.eval))?;
    let queries = Queries { storage, ts, ctx };
    let parse = |texts: &[(String, String)]| {
        texts
            .iter()
            .map(|(_, text)| AlertTemplate::new(&rule.name, text, ctx.version))
            .collect()
    };
    let templates = state.templates.get_or_insert_with(|| Templates {
        labels: parse(&rule.labels),
        annotations: parse(annotations),
    });
    let mut current: HashMap<Vec<(String, String)>, Alert> = HashMap::with_capacity(vector.len());
    for (labels, value) in &vector {
        let data = AlertData {
            labels: labels
                .iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect(),
            external_labels: ctx.external_labels.clone(),
            external_url: ctx.external_url.to_owned(),
            value: *value,
        };
        let expand = |template: &AlertTemplate| template.expand(&data, &queries);
        let mut alert_labels: BTreeMap<String, String> = labels
            .iter()
            .filter(|(name, _)| *name != "__name__")
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        for ((name, _), template) in rule.labels.iter().zip(&templates.labels) {
            let value = expand(template);
            if value.is_empty() {
                alert_labels.remove(name);
            } else {
                alert_labels.insert(name.clone(), value);
            }
        }
        alert_labels.insert("alertname".to_owned(), rule.name.clone());
        let mut expanded: Vec<(String, String)> = annotations
            .iter()
            .zip(&templates.annotations)
            .map(|((name, _), template)| (name.clone(), expand(template)))
            .collect();
        expanded.sort();
        let key: Vec<(String, String)> = alert_labels.into_iter().collect();
        if current.contains_key(&key) {
            return Err(
                "vector contains metrics with the same labelset after applying alert labels"
                    .to_owned(),
            );
        }
        current.insert(
            key.clone(),
            Alert {
                labels: key,
                annotations: expanded,
                state: AlertState::Pending,
                active_at: ts,
                resolved_at: None,
                keep_firing_since: None,
            },
        );
    }
    for (key, new) in current.iter() {
        match state.alerts.get_mut(key) {
            Some(existing) if existing.state != AlertState::Inactive => {
                existing.annotations = new.annotations.clone();
            }
            _ => {
                state.alerts.insert(key.clone(), new.clone());
            }
        }
    }
    let mut out = Vec::new();
    let mut active_or_pending = 0;
    state.alerts.retain(|key, alert| {
        if !current.contains_key(key) {
            let mut keep_firing = false;
            if alert.state == AlertState::Firing && *keep_firing_for_ms > 0 {
                let since = *alert.keep_firing_since.get_or_insert(ts);
                keep_firing = ts - since < *keep_firing_for_ms;
            }
            if alert.state == AlertState::Pending
                || alert
                    .resolved_at
                    .is_some_and(|resolved| ts - resolved > RESOLVED_RETENTION_MS)
            {
                return false;
            }
            if alert.state != AlertState::Inactive && !keep_firing {
                alert.state = AlertState::Inactive;
                alert.resolved_at = Some(ts);
            }
            if !keep_firing {
                return true;
            }
        } else {
            alert.keep_firing_since = None;
        }
        active_or_pending += 1;
        if alert.state == AlertState::Pending && ts - alert.active_at >= *for_ms {
            alert.state = AlertState::Firing;
        }
        let state_name = if alert.state == AlertState::Firing {
            "firing"
        } else {
            "pending"
        };
        let series = |name: &str, extra: Option<(&str, &str)>| {
            Labels::from_pairs(
                alert
                    .labels
                    .iter()
                    .cloned()
                    .chain([("__name__".to_owned(), name.to_owned())])
                    .chain(extra.map(|(n, v)| (n.to_owned(), v.to_owned()))),
            )
        };
        out.push((series("ALERTS", Some(("alertstate", state_name))), 1.0));
        out.push((
            series("ALERTS_FOR_STATE", None),
            (alert.active_at.div_euclid(1000)) as f64,
        ));
        true
    });
    if state.alerts.values().any(|a| a.state == AlertState::Firing) {
        state.fired = true;
    }
    if limit > 0 && active_or_pending > limit {
        state.alerts.clear();
        return Err(format!(
            "exceeded limit of {limit} with {active_or_pending} alerts"
        ));
    }
    Ok(out)
}
