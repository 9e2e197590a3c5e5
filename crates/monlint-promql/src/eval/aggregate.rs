//! Aggregation operators, with Prometheus' float algorithms (Neumaier
//! summation, incremental mean on overflow, Welford variance).

use std::sync::Arc;

use super::hash::labels_hash;
use super::labels::{FastMap, METRIC_NAME};
use super::{
    AnnotationKind, EvalError, EvalResult, Evaluator, Labels, Sample, Step, Value, go_format_g,
};
use crate::ast::{AggregateExpr, AggregateOp, Grouping, format_float};

/// Running state of one output group.
struct Group {
    labels: Arc<Labels>,
    value: f64,
    compensation: f64,
    mean: f64,
    count: f64,
    incremental_mean: bool,
    values: Vec<f64>,
    drop_name: bool,
}

fn grouping_labels(labels: &Labels, grouping: Option<&Grouping>) -> Labels {
    match grouping {
        Some(g) if g.without => {
            labels.filtered(|name| name != METRIC_NAME && !g.labels.iter().any(|l| l == name))
        }
        Some(g) => labels.filtered(|name| g.labels.iter().any(|l| l == name)),
        None => Labels::default(),
    }
}

/// Prometheus' `quantile`: linear interpolation between closest ranks.
pub(crate) fn quantile(q: f64, values: &mut [f64]) -> f64 {
    if values.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    // NaN sorts first, as Prometheus' value heap orders it.
    values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.total_cmp(b),
    });
    let n = values.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (lower + 1.0).min(n - 1.0);
    let weight = rank - rank.floor();
    values[lower as usize] * (1.0 - weight) + values[upper as usize] * weight
}

impl Evaluator<'_> {
    /// The group labels of a sample, cached for stored label sets.
    fn group_key(
        &mut self,
        node: usize,
        labels: &Arc<Labels>,
        grouping: Option<&Grouping>,
    ) -> Arc<Labels> {
        if !self.storage.owns(labels) {
            return Arc::new(grouping_labels(labels, grouping));
        }
        let address = Arc::as_ptr(labels) as usize;
        Arc::clone(
            self.state
                .group_keys
                .entry((node, address))
                .or_insert_with(|| Arc::new(grouping_labels(labels, grouping))),
        )
    }

    pub(super) fn aggregate(&mut self, aggregate: &AggregateExpr, step: Step) -> EvalResult<Value> {
        let op = aggregate.op;
        let param = match &aggregate.param {
            Some(param) => Some(self.eval(param, step)?),
            None => None,
        };
        // Picking and counting series never reads their values, so histograms may pass.
        let input = match op {
            AggregateOp::Count
            | AggregateOp::Group
            | AggregateOp::Limitk
            | AggregateOp::LimitRatio
            | AggregateOp::Sum
            | AggregateOp::Avg => self.eval_vector_any(&aggregate.expr, step)?,
            AggregateOp::Min
            | AggregateOp::Max
            | AggregateOp::Stddev
            | AggregateOp::Stdvar
            | AggregateOp::Quantile
            | AggregateOp::Topk
            | AggregateOp::Bottomk => {
                let input = self.eval_vector_any(&aggregate.expr, step)?;
                self.ignore_histograms(aggregate, input)?
            }
            _ => self.eval_vector(&aggregate.expr, step)?,
        };
        let grouping = aggregate.grouping.as_ref();
        match op {
            AggregateOp::Topk | AggregateOp::Bottomk | AggregateOp::Limitk => {
                let k = match param {
                    Some(Value::Scalar(k)) => k,
                    _ => return Err(EvalError::failed("expected a scalar parameter")),
                };
                return self.aggregate_k(op, k, input, grouping);
            }
            AggregateOp::LimitRatio => {
                let ratio = match param {
                    Some(Value::Scalar(ratio)) => ratio,
                    _ => return Err(EvalError::failed("expected a scalar parameter")),
                };
                let position = aggregate.param.as_ref().map_or(0, |p| p.span().start);
                return self.limit_ratio(ratio, position, input);
            }
            AggregateOp::CountValues => {
                let Some(Value::String(label)) = param else {
                    return Err(EvalError::failed("expected a string parameter"));
                };
                return count_values(&label, input, grouping, step, self.is_prometheus_3());
            }
            _ => {}
        }
        let q = match param {
            Some(Value::Scalar(q)) => q,
            _ => f64::NAN,
        };
        if let (AggregateOp::Quantile, Some(param)) = (op, &aggregate.param) {
            self.check_quantile(q, param.span().start);
        }
        let node = std::ptr::from_ref(aggregate) as usize;
        if matches!(op, AggregateOp::Sum | AggregateOp::Avg)
            && input.iter().any(|s| super::is_histogram_value(s.value))
        {
            return self.aggregate_histograms(aggregate, input, step);
        }
        self.aggregate_floats(op, q, node, input, grouping, step)
    }

    /// The input of an aggregation that ignores native histograms (with Prometheus'
    /// info). Prometheus drops a group whose first sample is a histogram even if
    /// floats follow; an input mixing both is therefore refused as not modelled.
    fn ignore_histograms(
        &mut self,
        aggregate: &AggregateExpr,
        input: Vec<Sample>,
    ) -> EvalResult<Vec<Sample>> {
        let histograms = input
            .iter()
            .filter(|s| super::is_histogram_value(s.value))
            .count();
        if histograms == 0 {
            return Ok(input);
        }
        if histograms < input.len() {
            return Err(super::native_histograms_unsupported());
        }
        let position = match aggregate.op {
            AggregateOp::Topk | AggregateOp::Bottomk => aggregate.span.start,
            _ => aggregate.expr.span().start,
        };
        self.annotate(
            AnnotationKind::Info,
            format!(
                "PromQL info: ignored histogram in {} aggregation",
                aggregate.op.as_str()
            ),
            position,
        );
        Ok(Vec::new())
    }

    /// `sum`/`avg` over an input holding native histograms: groups of histograms add
    /// up (in the lowest schema among them), groups of floats aggregate as floats, and
    /// groups mixing both are dropped with Prometheus' warning.
    fn aggregate_histograms(
        &mut self,
        aggregate: &AggregateExpr,
        input: Vec<Sample>,
        step: Step,
    ) -> EvalResult<Value> {
        let op = aggregate.op;
        let grouping = aggregate.grouping.as_ref();
        let node = std::ptr::from_ref(aggregate) as usize;
        let mut groups: Vec<(Arc<Labels>, Vec<Sample>)> = Vec::new();
        let mut index: FastMap<Arc<Labels>, usize> = FastMap::default();
        for sample in input {
            let key = self.group_key(node, &sample.labels, grouping);
            let slot = *index.entry(Arc::clone(&key)).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[slot].1.push(sample);
        }
        let mut floats = Vec::new();
        let mut out = Vec::new();
        for (labels, members) in groups {
            let histograms = members
                .iter()
                .filter(|s| super::is_histogram_value(s.value))
                .count();
            if histograms == 0 {
                floats.extend(members);
                continue;
            }
            if histograms < members.len() {
                let name = if op == AggregateOp::Sum { "sum" } else { "avg" };
                self.annotate(
                    AnnotationKind::Warning,
                    format!(
                        "PromQL warning: encountered a mix of histograms and floats for {name} aggregation"
                    ),
                    aggregate.expr.span().start,
                );
                continue;
            }
            let drop_name = members.iter().any(|s| s.drop_name);
            let tags: Vec<f64> = members.iter().map(|s| s.value).collect();
            let Some(total) = self.histogram_total(&tags, op == AggregateOp::Avg)? else {
                continue;
            };
            let value = self.push_histogram(total)?;
            out.push(Sample {
                labels,
                timestamp: step.ts,
                value,
                drop_name,
            });
        }
        if !floats.is_empty() {
            let grouping = aggregate.grouping.as_ref();
            if let Value::Vector(rest) =
                self.aggregate_floats(op, f64::NAN, node, floats, grouping, step)?
            {
                out.extend(rest);
            }
        }
        Ok(Value::Vector(out))
    }

    /// The float aggregations (`sum` to `quantile`).
    fn aggregate_floats(
        &mut self,
        op: AggregateOp,
        q: f64,
        node: usize,
        input: Vec<Sample>,
        grouping: Option<&Grouping>,
        step: Step,
    ) -> EvalResult<Value> {
        let alg = self.algorithms();
        let mut groups: Vec<Group> = Vec::new();
        let mut index: FastMap<Arc<Labels>, usize> = FastMap::default();
        for sample in input {
            let key = self.group_key(node, &sample.labels, grouping);
            let f = sample.value;
            let slot = match index.get(&key) {
                Some(&slot) => slot,
                None => {
                    let value = match op {
                        AggregateOp::Group => 1.0,
                        AggregateOp::Stddev | AggregateOp::Stdvar
                            if !f.is_finite() && !alg.running_mean =>
                        {
                            f64::NAN
                        }
                        AggregateOp::Stddev | AggregateOp::Stdvar => 0.0,
                        _ => f,
                    };
                    index.insert(Arc::clone(&key), groups.len());
                    groups.push(Group {
                        labels: key,
                        value,
                        compensation: 0.0,
                        mean: f,
                        count: 1.0,
                        incremental_mean: false,
                        values: if op == AggregateOp::Quantile {
                            vec![f]
                        } else {
                            Vec::new()
                        },
                        drop_name: sample.drop_name,
                    });
                    continue;
                }
            };
            let group = &mut groups[slot];
            group.drop_name |= sample.drop_name;
            match op {
                AggregateOp::Sum if alg.kahan_2_54 => {
                    (group.value, group.compensation) =
                        alg.kahan(f, group.value, group.compensation);
                }
                AggregateOp::Sum => group.value += f,
                AggregateOp::Avg if alg.running_mean => {
                    group.count += 1.0;
                    let keeps_infinite_mean = group.mean.is_infinite()
                        && (f.is_infinite() && (group.mean > 0.0) == (f > 0.0) || f.is_finite());
                    if !keeps_infinite_mean {
                        group.mean += f / group.count - group.mean / group.count;
                    }
                }
                AggregateOp::Avg => {
                    group.count += 1.0;
                    if !group.incremental_mean {
                        let (sum, compensation) = alg.kahan(f, group.value, group.compensation);
                        if !sum.is_infinite() {
                            (group.value, group.compensation) = (sum, compensation);
                            continue;
                        }
                        group.incremental_mean = true;
                        group.mean = group.value / (group.count - 1.0);
                        group.compensation /= group.count - 1.0;
                    }
                    let q = (group.count - 1.0) / group.count;
                    (group.mean, group.compensation) =
                        alg.kahan(f / group.count, q * group.mean, q * group.compensation);
                }
                AggregateOp::Max if group.value < f || group.value.is_nan() => group.value = f,
                AggregateOp::Min if group.value > f || group.value.is_nan() => group.value = f,
                AggregateOp::Count => group.count += 1.0,
                AggregateOp::Stddev | AggregateOp::Stdvar => {
                    group.count += 1.0;
                    let delta = f - group.mean;
                    group.mean += delta / group.count;
                    group.value += delta * (f - group.mean);
                }
                AggregateOp::Quantile => group.values.push(f),
                _ => {}
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        for mut group in groups {
            let value = match op {
                AggregateOp::Sum if group.value.is_infinite() => group.value,
                AggregateOp::Sum => group.value + group.compensation,
                AggregateOp::Avg if alg.running_mean || group.incremental_mean => {
                    group.mean + group.compensation
                }
                AggregateOp::Avg => group.value / group.count + group.compensation / group.count,
                AggregateOp::Count => group.count,
                AggregateOp::Stdvar => group.value / group.count,
                AggregateOp::Stddev => (group.value / group.count).sqrt(),
                AggregateOp::Quantile => quantile(q, &mut group.values),
                _ => group.value,
            };
            out.push(Sample {
                labels: group.labels,
                timestamp: step.ts,
                value,
                drop_name: group.drop_name,
            });
        }
        Ok(Value::Vector(out))
    }

    /// Keeps the series whose label hash falls in the ratio's slice of
    /// [0, 1): deterministic sampling, as Prometheus does it.
    fn limit_ratio(&mut self, ratio: f64, position: u32, input: Vec<Sample>) -> EvalResult<Value> {
        if ratio == 0.0 {
            return Ok(Value::Vector(Vec::new()));
        }
        if ratio.is_nan() {
            return Err(EvalError::failed("Ratio value is NaN"));
        }
        let capped = ratio.clamp(-1.0, 1.0);
        if capped != ratio {
            self.annotate(
                AnnotationKind::Warning,
                format!(
                    "PromQL warning: ratio value should be between -1 and 1, got {}, capping to {}",
                    go_format_g(ratio),
                    go_format_g(capped)
                ),
                position,
            );
        }
        let string_labels = self.is_prometheus_3();
        let kept = input
            .into_iter()
            .filter(|sample| {
                let offset = labels_hash(&sample.labels, string_labels) as f64 / u64::MAX as f64;
                (capped >= 0.0 && offset < capped) || (capped < 0.0 && offset >= 1.0 + capped)
            })
            .collect();
        Ok(Value::Vector(kept))
    }

    fn aggregate_k(
        &mut self,
        op: AggregateOp,
        k: f64,
        input: Vec<Sample>,
        grouping: Option<&Grouping>,
    ) -> EvalResult<Value> {
        if k.is_nan() {
            return Err(EvalError::failed("Parameter value is NaN"));
        }
        if k > i64::MAX as f64 || k < i64::MIN as f64 {
            return Err(EvalError::failed(format!(
                "Scalar value {} overflows int64",
                format_float(k)
            )));
        }
        let k = k as i64;
        if k < 1 {
            return Ok(Value::Vector(Vec::new()));
        }
        let k = usize::try_from(k).unwrap_or(usize::MAX);
        let mut groups: Vec<Vec<Sample>> = Vec::new();
        let mut index: FastMap<Labels, usize> = FastMap::default();
        for sample in input {
            let key = grouping_labels(&sample.labels, grouping);
            let slot = *index.entry(key).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[slot].push(sample);
        }
        let mut out = Vec::new();
        for mut members in groups {
            match op {
                AggregateOp::Topk => members.sort_by(|a, b| descending_nan_last(a.value, b.value)),
                AggregateOp::Bottomk => {
                    members.sort_by(|a, b| ascending_nan_last(a.value, b.value));
                }
                _ => {}
            }
            members.truncate(k);
            out.extend(members);
        }
        Ok(Value::Vector(out))
    }
}

fn descending_nan_last(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => b.total_cmp(&a),
    }
}

fn ascending_nan_last(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => a.total_cmp(&b),
    }
}

fn count_values(
    label: &str,
    input: Vec<Sample>,
    grouping: Option<&Grouping>,
    step: Step,
    utf8_names: bool,
) -> EvalResult<Value> {
    let version = if utf8_names {
        monlint_core::Version::new(3, 0)
    } else {
        monlint_core::Version::new(2, 0)
    };
    if !monlint_core::names::is_valid_label_name(label, version) {
        return Err(EvalError::failed(format!("invalid label name {label:?}")));
    }
    let mut order: Vec<Labels> = Vec::new();
    let mut counts: FastMap<Labels, f64> = FastMap::default();
    for sample in input {
        let key =
            grouping_labels(&sample.labels, grouping).with(label, &format_float(sample.value));
        match counts.get_mut(&key) {
            Some(count) => *count += 1.0,
            None => {
                counts.insert(key.clone(), 1.0);
                order.push(key);
            }
        }
    }
    Ok(Value::Vector(
        order
            .into_iter()
            .map(|labels| {
                let value = counts.get(&labels).copied().unwrap_or(0.0);
                Sample {
                    labels: Arc::new(labels),
                    timestamp: step.ts,
                    value,
                    drop_name: false,
                }
            })
            .collect(),
    ))
}
