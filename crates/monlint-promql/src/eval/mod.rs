//! Instant and range evaluation of PromQL's float language with
//! Prometheus' semantics for a target version: left-open (3.x) or closed
//! (2.x) windows, lookback and staleness, `offset`/`@`, subqueries, vector
//! matching, aggregations and the float functions.
//!
//! Native histograms are selected, read by the `histogram_*` functions, summed and
//! averaged (`sum`/`avg`, `sum_over_time`/`avg_over_time`), combined by the binary
//! operators and differentiated by `rate`/`increase`/`delta`/`irate`/`idelta`, with
//! Prometheus' semantics; functions and aggregations that ignore them leave them out.
//! Whatever is not modelled (subqueries over histograms, windows mixing floats and
//! histograms, conflicting counter-reset hints, differing custom bounds, ...) fails
//! with [`EvalError::Unsupported`] rather than giving a wrong number.
//!
//! ```
//! use monlint_promql::eval::{EvalOptions, Storage, Value, instant_query};
//! use monlint_promql::series::parse_series_line;
//! use monlint_promql::{ParseOptions, parse};
//!
//! let mut storage = Storage::new();
//! let (labels, values) = parse_series_line("up{job=\"a\"} 0+1x10").unwrap();
//! storage.load(labels, 0, 60_000, values);
//! storage.seal();
//! let expr = parse("sum(up)", &ParseOptions::default()).unwrap();
//! let Value::Vector(result) = instant_query(&storage, &expr, 300_000, &EvalOptions::default()).unwrap() else {
//!     unreachable!()
//! };
//! assert_eq!(result[0].value, 5.0);
//! ```

mod aggregate;
mod binary;
mod functions;
mod hash;
mod histogram;
pub mod labels;
mod selector;

pub mod storage;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use monlint_core::Version;

use crate::ast::{AtModifier, Expr, UnaryOp, ValueType};
use crate::series::NativeHistogram;
pub use labels::Labels;
use labels::{FastMap, FastSet};
pub use storage::Storage;

/// Most subquery steps one evaluation step may run: nested subqueries
/// multiply their steps, so hostile nesting would otherwise run for ages.
/// (A week at one-minute resolution is 10080.)
const MAX_SUBQUERY_STEPS: u64 = 1_000_000;

/// How to evaluate: which Prometheus, which engine settings.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    pub version: Version,
    /// How far back an instant selector looks for a sample (ms).
    pub lookback_delta_ms: i64,
    /// Prometheus' `MaxSamples`: the most samples a query may hold at once.
    pub max_samples: usize,
    /// Step of subqueries written without one (`x[1h:]`), in ms.
    pub subquery_step_ms: i64,
    /// Prometheus 3's delayed `__name__` removal (a feature flag there;
    /// promqltest turns it on).
    pub delayed_name_removal: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            version: Version::default(),
            lookback_delta_ms: 5 * 60 * 1000,
            max_samples: 50_000_000,
            subquery_step_ms: 60 * 1000,
            delayed_name_removal: false,
        }
    }
}

/// Why a query produced no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// The error Prometheus reports, with its text.
    Failed(String),
    /// The query needs something this evaluator does not do yet; the text
    /// says what, e.g. "native histograms are not supported yet".
    Unsupported(String),
}

impl EvalError {
    fn failed(message: impl Into<String>) -> Self {
        EvalError::Failed(message.into())
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Failed(message) => f.write_str(message),
            EvalError::Unsupported(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for EvalError {}

pub(crate) type EvalResult<T> = Result<T, EvalError>;

fn native_histograms_unsupported() -> EvalError {
    EvalError::Unsupported("native histograms are not supported yet".to_owned())
}

/// A native histogram sample travels through the float evaluator as a NaN whose payload
/// names it (series index and sample index in the storage). Only operations that never
/// read a value (selection, `count`, `group`, `limitk`, `limit_ratio`, set operators) let
/// such samples through; every other operation refuses them as not supported yet, so a
/// histogram is never computed with as if it were a number.
///
/// Histograms computed during an evaluation (sums, rates, ...) live in an arena owned
/// by the evaluator, [`Histograms`]; their tags carry the reserved series number
/// [`COMPUTED_SERIES`] and the arena index. The arena is handed out with the result
/// ([`instant_query_histograms`], [`range_query_histograms`]) so the tags stay readable.
const HISTOGRAM_TAG: u64 = 0x7ffc_0000_0000_0000;
const HISTOGRAM_SERIES_BITS: u32 = 24;
const HISTOGRAM_INDEX_BITS: u32 = 26;
/// The series number of tags pointing into the arena of computed histograms.
const COMPUTED_SERIES: usize = (1 << HISTOGRAM_SERIES_BITS) - 1;

/// The tag of a stored histogram sample.
fn histogram_tag(series: usize, index: usize) -> Option<f64> {
    (series < COMPUTED_SERIES).then(|| any_histogram_tag(series, index))?
}

fn any_histogram_tag(series: usize, index: usize) -> Option<f64> {
    (series <= COMPUTED_SERIES && index < 1 << HISTOGRAM_INDEX_BITS).then(|| {
        f64::from_bits(HISTOGRAM_TAG | ((series as u64) << HISTOGRAM_INDEX_BITS) | index as u64)
    })
}

fn histogram_tag_parts(value: f64) -> Option<(usize, usize)> {
    let bits = value.to_bits();
    let payload_mask = (1u64 << (HISTOGRAM_SERIES_BITS + HISTOGRAM_INDEX_BITS)) - 1;
    (bits & !payload_mask == HISTOGRAM_TAG).then(|| {
        let payload = bits & payload_mask;
        (
            (payload >> HISTOGRAM_INDEX_BITS) as usize,
            (payload & ((1 << HISTOGRAM_INDEX_BITS) - 1)) as usize,
        )
    })
}

/// Whether a result value stands for a native histogram sample.
pub fn is_histogram_value(value: f64) -> bool {
    histogram_tag_parts(value).is_some()
}

/// The native histogram a result value stands for, as the TSDB would return it (with
/// the counter-reset hint worked out from the sample before it).
/// Computed histograms are not found here; see [`Histograms::get`].
pub fn histogram_value(storage: &Storage, value: f64) -> Option<crate::series::NativeHistogram> {
    let (series, index) = histogram_tag_parts(value)?;
    if series == COMPUTED_SERIES {
        return None;
    }
    let stored = storage.series().get(series)?;
    (index < stored.histograms.len()).then(|| selector::stored_histogram(&stored.histograms, index))
}

fn matrix_values(matrix: &[Series]) -> impl Iterator<Item = f64> + '_ {
    matrix.iter().flat_map(|s| s.points.iter().map(|p| p.1))
}

/// The histograms computed by one query, which its result's tagged values may name.
#[derive(Clone, Debug, Default)]
pub struct Histograms {
    computed: Vec<NativeHistogram>,
}

impl Histograms {
    /// Refuses a result naming computed histograms, for callers without the arena.
    fn refuse_computed(&self, mut values: impl Iterator<Item = f64>) -> EvalResult<()> {
        let computed =
            |v: f64| histogram_tag_parts(v).is_some_and(|(series, _)| series == COMPUTED_SERIES);
        if !self.computed.is_empty() && values.any(computed) {
            return Err(native_histograms_unsupported());
        }
        Ok(())
    }

    /// The native histogram a result value stands for, stored or computed.
    pub fn get(&self, storage: &Storage, value: f64) -> Option<NativeHistogram> {
        match histogram_tag_parts(value)? {
            (COMPUTED_SERIES, index) => self.computed.get(index).cloned(),
            _ => histogram_value(storage, value),
        }
    }
}

fn reject_histograms(samples: &[Sample]) -> EvalResult<()> {
    if samples.iter().any(|s| is_histogram_value(s.value)) {
        return Err(native_histograms_unsupported());
    }
    Ok(())
}

/// Whether an annotation is a warning or an info.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnnotationKind {
    Warning,
    Info,
}

/// A warning or info Prometheus attaches to a query result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Annotation {
    pub kind: AnnotationKind,
    /// The text without the position suffix, e.g.
    /// `PromQL warning: quantile value should be between 0 and 1, got 2`.
    pub message: String,
    /// Byte offset in the query of the node it refers to.
    pub position: usize,
}

impl Annotation {
    /// The text Prometheus prints: the message and ` (line:col)`.
    pub fn render(&self, query: &str) -> String {
        let position = self.position.min(query.len());
        let before = &query.as_bytes()[..position];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = match before.iter().rposition(|&b| b == b'\n') {
            Some(newline) => position - newline,
            None => position + 1,
        };
        format!("{} ({line}:{column})", self.message)
    }
}

/// One element of an instant vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub labels: Arc<Labels>,
    /// The sample's own timestamp (ms) for raw selector output, else the
    /// evaluation time.
    pub timestamp: i64,
    pub value: f64,
    /// Marked for `__name__` removal at the end (delayed name removal).
    pub drop_name: bool,
}

/// One series of a range vector or range-query result.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub labels: Arc<Labels>,
    /// `(timestamp ms, value)`, ascending.
    pub points: Vec<(i64, f64)>,
    pub drop_name: bool,
}

/// A PromQL value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(f64),
    String(String),
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
}

impl Value {
    fn type_name(&self) -> &'static str {
        match self {
            Value::Scalar(_) => "scalar",
            Value::String(_) => "string",
            Value::Vector(_) => "vector",
            Value::Matrix(_) => "matrix",
        }
    }
}

/// The time context of one evaluation step.
#[derive(Clone, Copy, Debug)]
struct Step {
    /// The evaluation timestamp (ms).
    ts: i64,
}

pub(crate) struct Evaluator<'a> {
    storage: &'a Storage,
    options: &'a EvalOptions,
    /// Query start and end, for `@ start()` / `@ end()`.
    start: i64,
    end: i64,
    /// The range query's step; 0 for instant queries.
    step_ms: i64,
    /// What carries over from step to step: matched series, cursors, group keys.
    state: QueryState,
    /// Samples held by the current step, against `max_samples`.
    samples_in_step: usize,
    annotations: Vec<Annotation>,
    /// Points of range-function windows, reused from step to step.
    window_buffer: Vec<(i64, f64)>,
    /// Subquery steps run in the current step, against [`MAX_SUBQUERY_STEPS`].
    subquery_steps: u64,
    /// Histograms computed so far, named by tagged values.
    computed: Vec<NativeHistogram>,
    /// Matrix windows may hold histogram samples (for the range functions that
    /// read them).
    histogram_windows: bool,
}

const TOO_MANY_SAMPLES: &str =
    "query processing would load too many samples into memory in query execution";

/// Evaluates `expr` at `time_ms` as an instant query.
pub fn instant_query(
    storage: &Storage,
    expr: &Expr,
    time_ms: i64,
    options: &EvalOptions,
) -> Result<Value, EvalError> {
    instant_query_annotated(storage, expr, time_ms, options).map(|(value, _)| value)
}

/// [`instant_query`], also returning the warnings and infos Prometheus
/// would attach (the float-related ones).
/// Computed histograms cannot be read back from such results, so a query producing
/// one is refused as unsupported; [`instant_query_histograms`] returns them.
pub fn instant_query_annotated(
    storage: &Storage,
    expr: &Expr,
    time_ms: i64,
    options: &EvalOptions,
) -> Result<(Value, Vec<Annotation>), EvalError> {
    let (value, annotations, histograms) =
        instant_query_histograms(storage, expr, time_ms, options)?;
    match &value {
        Value::Vector(vector) => histograms.refuse_computed(vector.iter().map(|s| s.value))?,
        Value::Matrix(matrix) => histograms.refuse_computed(matrix_values(matrix))?,
        _ => {}
    }
    Ok((value, annotations))
}

/// [`instant_query_annotated`], also returning the histograms computed by the query
/// (read tagged result values with [`Histograms::get`]).
pub fn instant_query_histograms(
    storage: &Storage,
    expr: &Expr,
    time_ms: i64,
    options: &EvalOptions,
) -> Result<(Value, Vec<Annotation>, Histograms), EvalError> {
    Query::new(expr).instant_histograms(storage, time_ms, options)
}

/// What one expression's evaluation carries from one instant query to the
/// next: the series each selector matches and, per series, where its previous
/// window lay. Storage only appends series and samples between queries, and
/// time mostly moves forward, so with it a query at the next step finds its
/// windows in a few probes instead of searching the whole history; a query
/// at an earlier time is still right (the cursors are hints and searches fall
/// back to binary search).
#[derive(Default)]
struct QueryState {
    /// The storage the state describes ([`Storage::epoch`]).
    epoch: u64,
    selectors: selector::SelectorCache,
    /// Aggregation group labels per (aggregation node, stored label set).
    group_keys: FastMap<(usize, usize), Arc<Labels>>,
}

/// An expression evaluated again and again, as rule evaluation and replays
/// do: instant queries at successive times over a storage that grows in
/// between. Equivalent to [`instant_query`] at each time, with a cost per
/// query that does not grow with how much history the series hold.
///
/// ```
/// use monlint_promql::eval::{EvalOptions, Query, Storage, Value};
/// use monlint_promql::series::parse_series_line;
/// use monlint_promql::{ParseOptions, parse};
///
/// let mut storage = Storage::new();
/// let (labels, values) = parse_series_line("up 0+1x1000").unwrap();
/// storage.load(labels, 0, 60_000, values);
/// storage.seal();
/// let expr = parse("rate(up[5m])", &ParseOptions::default()).unwrap();
/// let mut query = Query::new(&expr);
/// for minute in 5..1000 {
///     let Value::Vector(result) = query.instant(&storage, minute * 60_000, &EvalOptions::default()).unwrap() else {
///         unreachable!()
///     };
///     assert_eq!(result.len(), 1);
/// }
/// ```
pub struct Query<'e> {
    expr: &'e Expr,
    state: QueryState,
}

impl<'e> Query<'e> {
    /// The state is keyed by the addresses of the expression's nodes, which
    /// the borrow keeps alive and unchanged.
    pub fn new(expr: &'e Expr) -> Self {
        Query {
            expr,
            state: QueryState::default(),
        }
    }

    /// The expression.
    pub fn expr(&self) -> &'e Expr {
        self.expr
    }

    /// [`instant_query`] at `time_ms`.
    pub fn instant(
        &mut self,
        storage: &Storage,
        time_ms: i64,
        options: &EvalOptions,
    ) -> Result<Value, EvalError> {
        let (value, _, histograms) = self.instant_histograms(storage, time_ms, options)?;
        match &value {
            Value::Vector(vector) => histograms.refuse_computed(vector.iter().map(|s| s.value))?,
            Value::Matrix(matrix) => histograms.refuse_computed(matrix_values(matrix))?,
            _ => {}
        }
        Ok(value)
    }

    /// [`instant_query_histograms`] at `time_ms`.
    pub fn instant_histograms(
        &mut self,
        storage: &Storage,
        time_ms: i64,
        options: &EvalOptions,
    ) -> Result<(Value, Vec<Annotation>, Histograms), EvalError> {
        let mut state = std::mem::take(&mut self.state);
        if state.epoch != storage.epoch() {
            // Another storage, or this one cleared: nothing carries over.
            state = QueryState {
                epoch: storage.epoch(),
                ..QueryState::default()
            };
        }
        let mut evaluator = Evaluator::new(storage, options, time_ms, time_ms, state)?;
        let outcome = evaluator.eval(self.expr, Step { ts: time_ms });
        let value = match outcome {
            Ok(Value::Vector(vector)) => {
                evaluator.finish_vector(vector, time_ms).map(Value::Vector)
            }
            Ok(Value::Matrix(matrix)) => evaluator.finish_matrix(matrix).map(Value::Matrix),
            other => other,
        };
        self.state = evaluator.state;
        let value = value?;
        let histograms = Histograms {
            computed: evaluator.computed,
        };
        Ok((value, evaluator.annotations, histograms))
    }
}

/// Evaluates `expr` at every step from `start_ms` to `end_ms`; the result
/// is sorted by labels, as Prometheus returns it.
pub fn range_query(
    storage: &Storage,
    expr: &Expr,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    options: &EvalOptions,
) -> Result<Vec<Series>, EvalError> {
    range_query_annotated(storage, expr, start_ms, end_ms, step_ms, options)
        .map(|(series, _)| series)
}

/// [`range_query`], also returning the warnings and infos. A query producing computed
/// histograms is refused as unsupported; [`range_query_histograms`] returns them.
pub fn range_query_annotated(
    storage: &Storage,
    expr: &Expr,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    options: &EvalOptions,
) -> Result<(Vec<Series>, Vec<Annotation>), EvalError> {
    let (series, annotations, histograms) =
        range_query_histograms(storage, expr, start_ms, end_ms, step_ms, options)?;
    histograms.refuse_computed(matrix_values(&series))?;
    Ok((series, annotations))
}

/// [`range_query_annotated`], also returning the histograms computed by the query.
pub fn range_query_histograms(
    storage: &Storage,
    expr: &Expr,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
    options: &EvalOptions,
) -> Result<(Vec<Series>, Vec<Annotation>, Histograms), EvalError> {
    if step_ms <= 0 {
        return Err(EvalError::failed(
            "zero or negative query resolution step widths are not accepted",
        ));
    }
    match expr.value_type() {
        ValueType::Scalar | ValueType::Vector => {}
        other => {
            return Err(EvalError::failed(format!(
                "invalid expression type \"{}\" for range query, must be Scalar or instant Vector",
                other.documented_name()
            )));
        }
    }
    let mut evaluator = Evaluator::new(storage, options, start_ms, end_ms, QueryState::default())?;
    if end_ms > start_ms {
        evaluator.step_ms = step_ms;
    }
    let mut index: FastMap<Arc<Labels>, usize> = FastMap::default();
    let mut series: Vec<Series> = Vec::new();
    let mut push = |labels: Arc<Labels>, point: (i64, f64)| {
        let slot = *index.entry(Arc::clone(&labels)).or_insert_with(|| {
            series.push(Series {
                labels,
                points: Vec::new(),
                drop_name: false,
            });
            series.len() - 1
        });
        series[slot].points.push(point);
    };
    let mut total_points = 0usize;
    let mut ts = start_ms;
    while ts <= end_ms {
        evaluator.samples_in_step = total_points;
        evaluator.subquery_steps = 0;
        match evaluator.eval(expr, Step { ts })? {
            Value::Scalar(value) => {
                push(Arc::default(), (ts, value));
                total_points += 1;
            }
            Value::Vector(vector) => {
                for sample in evaluator.finish_vector(vector, ts)? {
                    push(sample.labels, (ts, sample.value));
                    total_points += 1;
                }
            }
            other => {
                return Err(EvalError::failed(format!(
                    "unexpected {} result in range query",
                    other.type_name()
                )));
            }
        }
        if total_points > options.max_samples {
            return Err(EvalError::failed(TOO_MANY_SAMPLES));
        }
        ts = match ts.checked_add(step_ms) {
            Some(next) => next,
            None => break,
        };
    }
    series.sort_by(|a, b| a.labels.cmp(&b.labels));
    let histograms = Histograms {
        computed: evaluator.computed,
    };
    Ok((series, evaluator.annotations, histograms))
}

fn check_unique(vector: &[Sample]) -> EvalResult<()> {
    if vector.len() < 2 {
        return Ok(());
    }
    let mut seen: FastSet<&Labels> =
        FastSet::with_capacity_and_hasher(vector.len(), Default::default());
    for sample in vector {
        if !seen.insert(&*sample.labels) {
            return Err(EvalError::failed(
                "vector cannot contain metrics with the same labelset",
            ));
        }
    }
    Ok(())
}

/// Strips parentheses, which may wrap a range argument.
fn unwrap_parens(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(paren) = expr {
        expr = &paren.expr;
    }
    expr
}

impl<'a> Evaluator<'a> {
    fn new(
        storage: &'a Storage,
        options: &'a EvalOptions,
        start: i64,
        end: i64,
        state: QueryState,
    ) -> EvalResult<Self> {
        if !storage.sealed() {
            return Err(EvalError::failed(
                "storage must be sealed (Storage::seal) before queries",
            ));
        }
        Ok(Evaluator {
            storage,
            options,
            start,
            end,
            step_ms: 0,
            state,
            samples_in_step: 0,
            annotations: Vec::new(),
            window_buffer: Vec::new(),
            subquery_steps: 0,
            computed: Vec::new(),
            histogram_windows: false,
        })
    }

    /// The native histogram a tagged value stands for, stored or computed.
    fn histogram_of(&self, value: f64) -> Option<NativeHistogram> {
        match histogram_tag_parts(value)? {
            (COMPUTED_SERIES, index) => self.computed.get(index).cloned(),
            _ => histogram_value(self.storage, value),
        }
    }

    /// The Kahan-compensated sum (with `mean`, the mean) of the histograms the tags
    /// name, as `sum`/`avg` and `sum_over_time`/`avg_over_time` compute it; `None` for
    /// no tags. Reset-hint collisions and an overflowing mean are not modelled.
    fn histogram_total(&self, tags: &[f64], mean: bool) -> EvalResult<Option<NativeHistogram>> {
        let unsupported = |_| native_histograms_unsupported();
        let alg = self.algorithms();
        let mut running: Option<(NativeHistogram, NativeHistogram)> = None;
        let mut hints = histogram::ResetHints::default();
        for &tag in tags {
            let h = self
                .histogram_of(tag)
                .ok_or_else(native_histograms_unsupported)?;
            hints.see(&h).map_err(unsupported)?;
            running = Some(match running {
                None => {
                    let zero = histogram::zeroed(&h);
                    (h, zero)
                }
                Some((sum, c)) => histogram::kahan_add(&sum, &c, &h, |i, s, c| alg.kahan(i, s, c))
                    .map_err(unsupported)?,
            });
        }
        let Some((sum, c)) = running else {
            return Ok(None);
        };
        let total = histogram::kahan_total(&sum, &c);
        if !mean {
            return Ok(Some(total));
        }
        // Prometheus switches to an incremental mean when the sum overflows.
        if !histogram::is_finite(&total) {
            return Err(native_histograms_unsupported());
        }
        Ok(Some(histogram::scale(&total, tags.len() as f64, true)))
    }

    /// Keeps a computed histogram for the rest of the query; returns its tag.
    fn push_histogram(&mut self, histogram: NativeHistogram) -> EvalResult<f64> {
        let tag = any_histogram_tag(COMPUTED_SERIES, self.computed.len())
            .ok_or_else(native_histograms_unsupported)?;
        self.computed.push(histogram);
        Ok(tag)
    }

    fn algorithms(&self) -> Algorithms {
        Algorithms::for_version(self.options.version)
    }

    fn is_prometheus_3(&self) -> bool {
        self.options.version.is_prometheus_3()
    }

    fn annotate(&mut self, kind: AnnotationKind, message: String, position: u32) {
        let annotation = Annotation {
            kind,
            message,
            position: position as usize,
        };
        if !self.annotations.contains(&annotation) {
            self.annotations.push(annotation);
        }
    }

    /// Warns about a quantile outside [0, 1], as Prometheus does.
    fn check_quantile(&mut self, q: f64, position: u32) {
        if q.is_nan() || !(0.0..=1.0).contains(&q) {
            self.annotate(
                AnnotationKind::Warning,
                format!(
                    "PromQL warning: quantile value should be between 0 and 1, got {}",
                    go_format_g(q)
                ),
                position,
            );
        }
    }

    fn count_samples(&mut self, count: usize) -> EvalResult<()> {
        self.samples_in_step = self.samples_in_step.saturating_add(count);
        if self.samples_in_step > self.options.max_samples {
            return Err(EvalError::failed(TOO_MANY_SAMPLES));
        }
        Ok(())
    }

    /// The time a modifier-carrying node is evaluated at.
    fn modified_time(&self, ts: i64, at: Option<AtModifier>, offset: Option<i64>) -> i64 {
        let base = match at {
            Some(AtModifier::Timestamp(ms)) => ms,
            Some(AtModifier::Start) => self.start,
            Some(AtModifier::End) => self.end,
            None => ts,
        };
        base.saturating_sub(offset.unwrap_or(0))
    }

    /// Applies delayed name removal and checks that labels stay unique.
    fn finish_vector(&self, mut vector: Vec<Sample>, ts: i64) -> EvalResult<Vec<Sample>> {
        for sample in &mut vector {
            if sample.drop_name {
                sample.labels = self.name_dropped(&sample.labels);
                sample.drop_name = false;
            }
            sample.timestamp = ts;
        }
        check_unique(&vector)?;
        Ok(vector)
    }

    fn finish_matrix(&self, matrix: Vec<Series>) -> EvalResult<Vec<Series>> {
        let mut merged: BTreeMap<Arc<Labels>, Vec<(i64, f64)>> = BTreeMap::new();
        let mut order = Vec::new();
        for series in matrix {
            let labels = if series.drop_name {
                self.name_dropped(&series.labels)
            } else {
                series.labels
            };
            match merged.get_mut(&labels) {
                Some(points) => {
                    points.extend(series.points);
                    points.sort_by_key(|p| p.0);
                    if points.windows(2).any(|w| w[0].0 == w[1].0) {
                        return Err(EvalError::failed(
                            "vector cannot contain metrics with the same labelset",
                        ));
                    }
                }
                None => {
                    order.push(Arc::clone(&labels));
                    merged.insert(labels, series.points);
                }
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|labels| {
                let points = merged.remove(&labels)?;
                Some(Series {
                    labels,
                    points,
                    drop_name: false,
                })
            })
            .collect())
    }

    /// The labels without the name (and from 3.5 without `__type__` and
    /// `__unit__`), shared with the storage when it holds them.
    fn name_dropped(&self, labels: &Arc<Labels>) -> Arc<Labels> {
        let metadata = self.algorithms().metadata_with_name;
        match self.storage.nameless(labels, metadata) {
            Some(shared) => shared,
            None if metadata => Arc::new(labels.without_metadata()),
            None => Arc::new(labels.without_name()),
        }
    }

    /// Marks `sample` for name removal, or removes the name now.
    fn drop_name(&self, sample: &mut Sample) {
        if self.options.delayed_name_removal {
            sample.drop_name = true;
        } else {
            sample.labels = self.name_dropped(&sample.labels);
        }
    }

    fn eval(&mut self, expr: &Expr, step: Step) -> EvalResult<Value> {
        crate::with_stack(|| self.eval_inner(expr, step))
    }

    fn eval_inner(&mut self, expr: &Expr, step: Step) -> EvalResult<Value> {
        match expr {
            Expr::Number(number) => Ok(Value::Scalar(number.value)),
            Expr::String(string) => Ok(Value::String(string.value.clone())),
            Expr::Paren(paren) => self.eval(&paren.expr, step),
            Expr::Unary(unary) => {
                let value = self.eval(&unary.expr, step)?;
                if unary.op == UnaryOp::Plus {
                    return Ok(value);
                }
                match value {
                    Value::Scalar(v) => Ok(Value::Scalar(-v)),
                    Value::Vector(mut vector) => {
                        for sample in &mut vector {
                            sample.value = match self.histogram_of(sample.value) {
                                Some(h) => {
                                    self.push_histogram(histogram::scale(&h, -1.0, false))?
                                }
                                None => -sample.value,
                            };
                            sample.timestamp = step.ts;
                            self.drop_name(sample);
                        }
                        Ok(Value::Vector(vector))
                    }
                    other => Err(EvalError::failed(format!(
                        "unary minus on a {}",
                        other.type_name()
                    ))),
                }
            }
            Expr::VectorSelector(selector) => {
                let vector = self.vector_selector(selector, step.ts)?;
                Ok(Value::Vector(vector))
            }
            Expr::MatrixSelector(matrix) => {
                let (series, _) = self.matrix_selector(matrix, step.ts)?;
                Ok(Value::Matrix(series))
            }
            Expr::Subquery(subquery) => {
                let (series, _) = self.subquery(subquery, step.ts)?;
                Ok(Value::Matrix(series))
            }
            Expr::Binary(binary) => self.binary(binary, step),
            Expr::Aggregate(aggregate) => self.aggregate(aggregate, step),
            Expr::Call(call) => self.call(call, step),
        }
    }

    /// An instant-vector operand of an operation that reads values: native histograms
    /// are refused.
    fn eval_vector(&mut self, expr: &Expr, step: Step) -> EvalResult<Vec<Sample>> {
        let vector = self.eval_vector_any(expr, step)?;
        reject_histograms(&vector)?;
        Ok(vector)
    }

    /// An instant-vector operand of an operation that never reads values.
    fn eval_vector_any(&mut self, expr: &Expr, step: Step) -> EvalResult<Vec<Sample>> {
        match self.eval(expr, step)? {
            Value::Vector(vector) => Ok(vector),
            other => Err(EvalError::failed(format!(
                "expected instant vector, got {}",
                other.type_name()
            ))),
        }
    }

    fn eval_scalar(&mut self, expr: &Expr, step: Step) -> EvalResult<f64> {
        match self.eval(expr, step)? {
            Value::Scalar(value) => Ok(value),
            other => Err(EvalError::failed(format!(
                "expected scalar, got {}",
                other.type_name()
            ))),
        }
    }

    /// Evaluates a range argument (a matrix selector or subquery, possibly
    /// in parentheses); returns the series and the window `(mint, maxt]`.
    fn eval_range(&mut self, expr: &Expr, step: Step) -> EvalResult<(Vec<Series>, Window)> {
        match unwrap_parens(expr) {
            Expr::MatrixSelector(matrix) => self.matrix_selector(matrix, step.ts),
            Expr::Subquery(subquery) => self.subquery(subquery, step.ts),
            other => Err(EvalError::failed(format!(
                "expected range vector, got {}",
                other.value_type().documented_name()
            ))),
        }
    }

    fn subquery(
        &mut self,
        subquery: &crate::ast::Subquery,
        ts: i64,
    ) -> EvalResult<(Vec<Series>, Window)> {
        let end = self.modified_time(ts, subquery.at, subquery.offset);
        let range = i64::try_from(subquery.range.millis()).unwrap_or(i64::MAX);
        let interval = match subquery.step {
            Some(step) => i64::try_from(step.millis()).unwrap_or(i64::MAX),
            None => self.options.subquery_step_ms,
        }
        .max(1);
        let window_start = end.saturating_sub(range);
        // The first step-aligned time inside the window; Go's truncating
        // division, as Prometheus computes it.
        let mut start = interval.saturating_mul(window_start / interval);
        let inside = if self.is_prometheus_3() {
            start > window_start
        } else {
            start >= window_start
        };
        if !inside {
            start = start.saturating_add(interval);
        }
        let steps = if end >= start {
            ((end - start) / interval) as u64 + 1
        } else {
            0
        };
        self.subquery_steps = self.subquery_steps.saturating_add(steps);
        if self.subquery_steps > MAX_SUBQUERY_STEPS {
            return Err(EvalError::failed(format!(
                "query would evaluate more than {MAX_SUBQUERY_STEPS} subquery steps"
            )));
        }
        let mut by_labels: BTreeMap<Arc<Labels>, Series> = BTreeMap::new();
        let mut t = start;
        while t <= end {
            for sample in self.eval_vector(&subquery.expr, Step { ts: t })? {
                let series = by_labels
                    .entry(Arc::clone(&sample.labels))
                    .or_insert_with(|| Series {
                        labels: sample.labels,
                        points: Vec::new(),
                        drop_name: false,
                    });
                series.drop_name |= sample.drop_name;
                series.points.push((t, sample.value));
            }
            t = match t.checked_add(interval) {
                Some(next) => next,
                None => break,
            };
        }
        let series: Vec<Series> = by_labels.into_values().collect();
        self.count_samples(series.iter().map(|s| s.points.len()).sum())?;
        Ok((
            series,
            Window {
                mint: window_start,
                maxt: end,
                range_ms: range,
            },
        ))
    }
}

/// The time window a range argument covered.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    pub mint: i64,
    pub maxt: i64,
    pub range_ms: i64,
}

/// Go's `%g` / `strconv.FormatFloat(v, 'g', -1, 64)`: shortest digits,
/// exponent form below 1e-4 and from 1e6 on.
pub(crate) fn go_format_g(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if value != 0.0 && !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs());
    }
    format!("{value}")
}

/// The float algorithms of the targeted Prometheus release, where they
/// changed over time (so results match bit for bit).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Algorithms {
    /// Before 2.52, `rate` capped the extrapolation at the counter's zero
    /// point before comparing with the extrapolation threshold.
    pub zero_point_first: bool,
    /// From 2.54, Kahan summation drops its compensation on overflow and
    /// `sum` aggregates with it (plain addition before).
    pub kahan_2_54: bool,
    /// Before 3.0, `avg` and `avg_over_time` kept a running mean, and
    /// `stddev`/`stdvar` started from 0 even for a NaN or infinite sample.
    pub running_mean: bool,
    /// From 2.47, `atan2` drops the metric name like the arithmetic
    /// operators.
    pub atan2_drops_name: bool,
    /// From 3.5, dropping the metric name drops `__type__` and `__unit__`
    /// too.
    pub metadata_with_name: bool,
}

impl Algorithms {
    pub fn for_version(version: Version) -> Self {
        let before = |major: u16, minor: u16| version < Version::new(major, minor);
        Algorithms {
            zero_point_first: before(2, 52),
            kahan_2_54: !before(2, 54),
            running_mean: before(3, 0),
            atan2_drops_name: !before(2, 47),
            metadata_with_name: !before(3, 5),
        }
    }

    /// One step of Neumaier's improved Kahan summation, as Prometheus'
    /// `kahanSumInc` of the release.
    pub fn kahan(self, increment: f64, sum: f64, compensation: f64) -> (f64, f64) {
        let total = sum + increment;
        let compensation = if self.kahan_2_54 && total.is_infinite() {
            0.0
        } else if sum.abs() >= increment.abs() {
            compensation + ((sum - total) + increment)
        } else {
            compensation + ((increment - total) + sum)
        };
        (total, compensation)
    }
}
