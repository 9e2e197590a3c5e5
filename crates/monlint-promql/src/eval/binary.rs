//! Binary operators: scalar/scalar, vector/scalar and vector/vector with
//! Prometheus' matching rules and error texts.

use monlint_core::Version;
use std::sync::Arc;

use super::labels::{FastMap, FastSet, METRIC_NAME};
use super::{EvalError, EvalResult, Evaluator, Labels, Sample, Step, Value};
use crate::ast::{BinaryExpr, BinaryOp, Cardinality, VectorMatching};

/// Applies an arithmetic or comparison operator to two floats; for
/// comparisons returns 1/0.
pub(crate) fn scalar_op(op: BinaryOp, lhs: f64, rhs: f64) -> f64 {
    let truth = |b: bool| if b { 1.0 } else { 0.0 };
    match op {
        BinaryOp::Add => lhs + rhs,
        BinaryOp::Sub => lhs - rhs,
        BinaryOp::Mul => lhs * rhs,
        BinaryOp::Div => lhs / rhs,
        BinaryOp::Mod => lhs % rhs,
        BinaryOp::Pow => lhs.powf(rhs),
        BinaryOp::Atan2 => lhs.atan2(rhs),
        BinaryOp::Eql => truth(lhs == rhs),
        BinaryOp::Neq => truth(lhs != rhs),
        BinaryOp::Gtr => truth(lhs > rhs),
        BinaryOp::Lss => truth(lhs < rhs),
        BinaryOp::Gte => truth(lhs >= rhs),
        BinaryOp::Lte => truth(lhs <= rhs),
        BinaryOp::And | BinaryOp::Or | BinaryOp::Unless => f64::NAN,
    }
}

/// `(value, keep)` of one element operation, as Prometheus' `vectorElemBinop`.
fn element_op(op: BinaryOp, lhs: f64, rhs: f64) -> (f64, bool) {
    if op.is_comparison() {
        (lhs, scalar_op(op, lhs, rhs) == 1.0)
    } else {
        (scalar_op(op, lhs, rhs), true)
    }
}

/// The labels two sides are matched on.
fn signature(labels: &Labels, matching: &VectorMatching) -> Labels {
    if matching.on {
        labels.filtered(|name| matching.labels.iter().any(|l| l == name))
    } else {
        labels.filtered(|name| name != METRIC_NAME && !matching.labels.iter().any(|l| l == name))
    }
}

impl Evaluator<'_> {
    pub(super) fn binary(&mut self, binary: &BinaryExpr, step: Step) -> EvalResult<Value> {
        let lhs = self.eval(&binary.lhs, step)?;
        let rhs = self.eval(&binary.rhs, step)?;
        let op = binary.op;
        // Every operator handles histogram operands (see `histogram_op`).
        let position = binary.span.start;
        match (lhs, rhs) {
            (Value::Scalar(l), Value::Scalar(r)) => Ok(Value::Scalar(scalar_op(op, l, r))),
            (Value::Vector(vector), Value::Scalar(scalar)) => {
                Ok(Value::Vector(self.vector_scalar(
                    op,
                    vector,
                    scalar,
                    false,
                    binary.return_bool,
                    step,
                    position,
                )?))
            }
            (Value::Scalar(scalar), Value::Vector(vector)) => Ok(Value::Vector(
                self.vector_scalar(op, vector, scalar, true, binary.return_bool, step, position)?,
            )),
            (Value::Vector(lhs), Value::Vector(rhs)) => {
                let default_matching = VectorMatching {
                    card: Cardinality::OneToOne,
                    on: false,
                    labels: Vec::new(),
                    include: Vec::new(),
                };
                let matching = binary.matching.as_ref().unwrap_or(&default_matching);
                let result = match op {
                    BinaryOp::And => set_and(lhs, &rhs, matching),
                    BinaryOp::Or => set_or(lhs, rhs, matching),
                    BinaryOp::Unless => set_unless(lhs, &rhs, matching),
                    _ => self.vector_vector(
                        op,
                        lhs,
                        rhs,
                        matching,
                        binary.return_bool,
                        step,
                        position,
                    )?,
                };
                Ok(Value::Vector(result))
            }
            (l, r) => Err(EvalError::failed(format!(
                "binary operator {} between {} and {} is not allowed",
                op.as_str(),
                l.type_name(),
                r.type_name()
            ))),
        }
    }

    /// An operator with a native histogram on at least one side, as Prometheus
    /// computes it: `+`, `-` between histograms, `*` with a float, `/` by a float, and
    /// `==`/`!=` between histograms give `(value, keep)` (a tag of a computed histogram,
    /// or for comparisons the left operand); every other pair gives `None`, dropped with
    /// an info about incompatible types.
    fn histogram_op(
        &mut self,
        op: BinaryOp,
        lhs: f64,
        rhs: f64,
        position: u32,
    ) -> EvalResult<Option<(f64, bool)>> {
        use super::histogram::{combine, equal, scale};
        let left = self.histogram_of(lhs);
        let right = self.histogram_of(rhs);
        if let (BinaryOp::Eql | BinaryOp::Neq, Some(l), Some(r)) = (op, &left, &right) {
            let same = equal(l, r).map_err(|_| super::native_histograms_unsupported())?;
            return Ok(Some((lhs, same == (op == BinaryOp::Eql))));
        }
        let result = match (op, &left, &right) {
            (BinaryOp::Add | BinaryOp::Sub, Some(l), Some(r)) => {
                let mut h = combine(l, r, op == BinaryOp::Sub)
                    .map_err(|_| super::native_histograms_unsupported())?;
                if op == BinaryOp::Sub {
                    h.counter_reset_hint = crate::series::CounterResetHint::Gauge;
                }
                Some(h)
            }
            (BinaryOp::Mul, Some(h), None) => Some(scale(h, rhs, false)),
            (BinaryOp::Mul, None, Some(h)) => Some(scale(h, lhs, false)),
            (BinaryOp::Div, Some(_), None) if rhs == 0.0 => {
                return Err(super::native_histograms_unsupported());
            }
            (BinaryOp::Div, Some(h), None) => Some(scale(h, rhs, true)),
            _ => None,
        };
        match result {
            Some(h) => Ok(Some((self.push_histogram(h)?, true))),
            None => {
                let kind = |h: &Option<crate::series::NativeHistogram>| {
                    if h.is_some() { "histogram" } else { "float" }
                };
                let name = op.as_str();
                self.annotate(
                    super::AnnotationKind::Info,
                    format!(
                        "PromQL info: incompatible sample types encountered for binary operator \"{name}\": {} {name} {}",
                        kind(&left),
                        kind(&right)
                    ),
                    position,
                );
                Ok(None)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn vector_scalar(
        &mut self,
        op: BinaryOp,
        vector: Vec<Sample>,
        scalar: f64,
        scalar_on_left: bool,
        return_bool: bool,
        step: Step,
        position: u32,
    ) -> EvalResult<Vec<Sample>> {
        let mut out = Vec::with_capacity(vector.len());
        for mut sample in vector {
            let (l, r) = if scalar_on_left {
                (scalar, sample.value)
            } else {
                (sample.value, scalar)
            };
            if super::is_histogram_value(sample.value) {
                // No operator keeps a histogram compared with a float, `bool` or not.
                let Some((value, _)) = self.histogram_op(op, l, r, position)? else {
                    continue;
                };
                sample.value = value;
                sample.timestamp = step.ts;
                self.drop_name(&mut sample);
                out.push(sample);
                continue;
            }
            let (mut value, mut keep) = element_op(op, l, r);
            if op.is_comparison() && scalar_on_left {
                value = sample.value;
            }
            if return_bool {
                value = if keep { 1.0 } else { 0.0 };
                keep = true;
            }
            if !keep {
                continue;
            }
            sample.value = value;
            sample.timestamp = step.ts;
            if changes_schema(op, self) || return_bool {
                self.drop_name(&mut sample);
            }
            out.push(sample);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn vector_vector(
        &mut self,
        op: BinaryOp,
        lhs: Vec<Sample>,
        rhs: Vec<Sample>,
        matching: &VectorMatching,
        return_bool: bool,
        step: Step,
        position: u32,
    ) -> EvalResult<Vec<Sample>> {
        if lhs.is_empty() || rhs.is_empty() {
            return Ok(Vec::new());
        }
        let swapped = matching.card == Cardinality::OneToMany;
        let (many, one) = if swapped { (rhs, lhs) } else { (lhs, rhs) };
        let mut one_by_signature: FastMap<Labels, usize> =
            FastMap::with_capacity_and_hasher(one.len(), Default::default());
        for (index, sample) in one.iter().enumerate() {
            let signature = signature(&sample.labels, matching);
            if let Some(&previous) = one_by_signature.get(&signature) {
                let side = if swapped { "left" } else { "right" };
                let mut pair = [sample.labels.to_string(), one[previous].labels.to_string()];
                // Prometheus orders the pair only since 3.12; before, the later series is first.
                if self.options.version >= Version::new(3, 12) {
                    pair.sort();
                }
                return Err(EvalError::failed(format!(
                    "found duplicate series for the match group {signature} on the {side} hand-side of the operation: [{}, {}];many-to-many matching not allowed: matching labels must be unique on one side",
                    pair[0], pair[1]
                )));
            }
            one_by_signature.insert(signature, index);
        }
        let mut matched_once: FastSet<Labels> = FastSet::default();
        let mut matched_results: FastMap<Labels, FastSet<Labels>> = FastMap::default();
        let drop_name_now = !self.options.delayed_name_removal && return_bool;
        let mut out = Vec::new();
        for sample in &many {
            let signature = signature(&sample.labels, matching);
            let Some(&other_index) = one_by_signature.get(&signature) else {
                continue;
            };
            let other = &one[other_index];
            let (l, r) = if swapped {
                (other.value, sample.value)
            } else {
                (sample.value, other.value)
            };
            let histograms = super::is_histogram_value(l) || super::is_histogram_value(r);
            let (mut value, keep) = if histograms {
                (0.0, true)
            } else {
                element_op(op, l, r)
            };
            if return_bool {
                value = if keep { 1.0 } else { 0.0 };
            }
            let base = if drop_name_now || changes_schema(op, self) {
                self.name_dropped(&sample.labels)
            } else {
                Arc::clone(&sample.labels)
            };
            let labels = result_labels(&base, &other.labels, matching);
            if matching.card == Cardinality::OneToOne {
                if !matched_once.insert(signature) {
                    return Err(EvalError::failed(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
                    ));
                }
            } else if !matched_results
                .entry(signature)
                .or_default()
                .insert(labels.clone())
            {
                return Err(EvalError::failed(
                    "multiple matches for labels: grouping labels must ensure unique matches",
                ));
            }
            if histograms {
                let Some((result, kept)) = self.histogram_op(op, l, r, position)? else {
                    continue;
                };
                value = match (return_bool, kept) {
                    (true, kept) => f64::from(u8::from(kept)),
                    (false, true) => result,
                    (false, false) => continue,
                };
            } else if !keep && !return_bool {
                continue;
            }
            out.push(Sample {
                labels: Arc::new(labels),
                timestamp: step.ts,
                value,
                drop_name: return_bool,
            });
        }
        Ok(out)
    }
}

/// Whether the operator's result is a different kind of quantity, so
/// Prometheus drops the metric name.
fn changes_schema(op: BinaryOp, evaluator: &Evaluator<'_>) -> bool {
    match op {
        BinaryOp::Atan2 => evaluator.algorithms().atan2_drops_name,
        _ => !op.is_comparison() && !op.is_set_operator(),
    }
}

fn result_labels(many: &Labels, one: &Labels, matching: &VectorMatching) -> Labels {
    let mut labels = many.clone();
    if matching.card == Cardinality::OneToOne {
        labels = if matching.on {
            labels.filtered(|name| matching.labels.iter().any(|l| l == name))
        } else {
            labels.filtered(|name| !matching.labels.iter().any(|l| l == name))
        };
    }
    for name in &matching.include {
        labels = labels.with(name, one.get(name));
    }
    labels
}

fn set_and(lhs: Vec<Sample>, rhs: &[Sample], matching: &VectorMatching) -> Vec<Sample> {
    if lhs.is_empty() || rhs.is_empty() {
        return Vec::new();
    }
    let right: FastSet<Labels> = rhs.iter().map(|s| signature(&s.labels, matching)).collect();
    lhs.into_iter()
        .filter(|s| right.contains(&signature(&s.labels, matching)))
        .collect()
}

fn set_or(lhs: Vec<Sample>, rhs: Vec<Sample>, matching: &VectorMatching) -> Vec<Sample> {
    if lhs.is_empty() {
        return rhs;
    }
    if rhs.is_empty() {
        return lhs;
    }
    let left: FastSet<Labels> = lhs.iter().map(|s| signature(&s.labels, matching)).collect();
    let mut out = lhs;
    out.extend(
        rhs.into_iter()
            .filter(|s| !left.contains(&signature(&s.labels, matching))),
    );
    out
}

fn set_unless(lhs: Vec<Sample>, rhs: &[Sample], matching: &VectorMatching) -> Vec<Sample> {
    if lhs.is_empty() || rhs.is_empty() {
        return lhs;
    }
    let right: FastSet<Labels> = rhs.iter().map(|s| signature(&s.labels, matching)).collect();
    lhs.into_iter()
        .filter(|s| !right.contains(&signature(&s.labels, matching)))
        .collect()
}
