//! Value-range inference: the interval every sample an expression returns lies in
//! (NaN aside), and whether the value reads as a ratio or a percent.

use monlint_promql::ast::{
    AggregateOp, BinaryExpr, BinaryOp, Call, Expr, LabelMatcher, UnaryOp, VectorSelector,
};

use super::metric::{
    MetricKind, has_nonnegative_unit, is_counter_name, selector_is_counter, selector_kind,
    selector_name,
};
use super::{MAX_DEPTH, literal_number, unparen};

/// How a value is scaled, as far as can be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Unknown,
    /// A fraction: 0.05 means 5 %.
    Ratio,
    /// Hundredths: 5 means 5 %.
    Percent,
    /// A per-second rate (`rate()`, `irate()`): neither a ratio nor a percent.
    PerSecond,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValueRange {
    pub min: f64,
    pub max: f64,
    /// False when the bounds rest on naming conventions (`_total` is a counter) rather
    /// than on PromQL semantics alone.
    pub proven: bool,
    pub scale: Scale,
}

impl ValueRange {
    pub fn unknown() -> ValueRange {
        ValueRange {
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            proven: true,
            scale: Scale::Unknown,
        }
    }

    fn between(min: f64, max: f64) -> ValueRange {
        ValueRange {
            min,
            max,
            proven: true,
            scale: Scale::Unknown,
        }
    }

    fn nonnegative() -> ValueRange {
        ValueRange::between(0.0, f64::INFINITY)
    }

    fn exactly(value: f64) -> ValueRange {
        ValueRange::between(value, value)
    }

    fn ratio() -> ValueRange {
        ValueRange {
            scale: Scale::Ratio,
            ..ValueRange::between(0.0, 1.0)
        }
    }

    fn guessed(mut self) -> ValueRange {
        self.proven = false;
        self
    }

    fn with_scale(mut self, scale: Scale) -> ValueRange {
        self.scale = scale;
        self
    }

    pub fn is_unknown(&self) -> bool {
        self.min == f64::NEG_INFINITY && self.max == f64::INFINITY
    }

    /// Whether some value in the range satisfies `value op threshold`.
    pub fn can_satisfy(&self, op: BinaryOp, threshold: f64) -> bool {
        match op {
            BinaryOp::Gtr => self.max > threshold,
            BinaryOp::Gte => self.max >= threshold,
            BinaryOp::Lss => self.min < threshold,
            BinaryOp::Lte => self.min <= threshold,
            BinaryOp::Eql => self.min <= threshold && threshold <= self.max,
            BinaryOp::Neq => !(self.min == threshold && self.max == threshold),
            _ => true,
        }
    }

    /// The part of the range that passes the filter `value op threshold`.
    fn filtered(self, op: BinaryOp, threshold: f64) -> ValueRange {
        let (min, max) = match op {
            BinaryOp::Gtr | BinaryOp::Gte => (self.min.max(threshold), self.max),
            BinaryOp::Lss | BinaryOp::Lte => (self.min, self.max.min(threshold)),
            BinaryOp::Eql => (threshold, threshold),
            _ => (self.min, self.max),
        };
        if min > max {
            // Nothing passes; keep the input's bounds rather than invent an empty interval.
            return self;
        }
        ValueRange { min, max, ..self }
    }

    fn hull(self, other: ValueRange) -> ValueRange {
        ValueRange {
            min: self.min.min(other.min),
            max: self.max.max(other.max),
            proven: self.proven && other.proven,
            scale: if self.scale == other.scale {
                self.scale
            } else {
                Scale::Unknown
            },
        }
    }

    fn combined(self, other: ValueRange, min: f64, max: f64) -> ValueRange {
        if min.is_nan() || max.is_nan() {
            return ValueRange::unknown();
        }
        ValueRange {
            min,
            max,
            proven: self.proven && other.proven,
            scale: Scale::Unknown,
        }
    }
}

/// The range of the values `expr` returns.
pub fn infer(expr: &Expr) -> ValueRange {
    infer_at(expr, 0)
}

fn infer_at(expr: &Expr, depth: usize) -> ValueRange {
    monlint_promql::with_stack(|| {
        if depth > MAX_DEPTH {
            return ValueRange::unknown();
        }
        let depth = depth + 1;
        match expr {
            Expr::Number(number) if !number.value.is_nan() => ValueRange::exactly(number.value),
            Expr::Number(_) | Expr::String(_) => ValueRange::unknown(),
            Expr::VectorSelector(selector) => selector_range(selector),
            Expr::MatrixSelector(matrix) => selector_range(&matrix.selector),
            Expr::Subquery(subquery) => infer_at(&subquery.expr, depth),
            Expr::Paren(paren) => infer_at(&paren.expr, depth),
            Expr::Unary(unary) => {
                let inner = infer_at(&unary.expr, depth);
                match unary.op {
                    UnaryOp::Plus => inner,
                    UnaryOp::Minus => ValueRange {
                        min: -inner.max,
                        max: -inner.min,
                        scale: inner.scale,
                        proven: inner.proven,
                    },
                }
            }
            Expr::Binary(binary) => binary_range(binary, depth),
            Expr::Aggregate(aggregate) => {
                let input = infer_at(&aggregate.expr, depth);
                match aggregate.op {
                    AggregateOp::Count | AggregateOp::CountValues => {
                        ValueRange::between(1.0, f64::INFINITY)
                    }
                    AggregateOp::Group => ValueRange::exactly(1.0),
                    AggregateOp::Stddev | AggregateOp::Stdvar => ValueRange::nonnegative(),
                    // A sum of rates is a rate; a sum of ratios is not a ratio.
                    AggregateOp::Sum if input.min >= 0.0 => ValueRange {
                        max: f64::INFINITY,
                        scale: if input.scale == Scale::PerSecond {
                            Scale::PerSecond
                        } else {
                            Scale::Unknown
                        },
                        ..input
                    },
                    AggregateOp::Sum => ValueRange::unknown().with_scale(match input.scale {
                        Scale::PerSecond => Scale::PerSecond,
                        _ => Scale::Unknown,
                    }),
                    AggregateOp::Quantile => {
                        let phi = aggregate.param.as_deref().and_then(literal_number);
                        if phi.is_some_and(|phi| (0.0..=1.0).contains(&phi)) {
                            input
                        } else {
                            ValueRange::unknown()
                        }
                    }
                    AggregateOp::Avg
                    | AggregateOp::Min
                    | AggregateOp::Max
                    | AggregateOp::Topk
                    | AggregateOp::Bottomk
                    | AggregateOp::Limitk
                    | AggregateOp::LimitRatio => input,
                }
            }
            Expr::Call(call) => call_range(call, depth),
        }
    })
}

fn selector_range(selector: &VectorSelector) -> ValueRange {
    match selector_name(selector) {
        Some("up") => ValueRange::between(0.0, 1.0),
        // A histogram's `_sum` may be negative; its other counters may not.
        Some(name)
            if is_counter_name(name) && MetricKind::from_name(name) != MetricKind::HistogramSum =>
        {
            ValueRange::nonnegative().guessed()
        }
        _ => match selector_kind(selector) {
            MetricKind::Ratio => ValueRange::unknown().with_scale(Scale::Ratio),
            MetricKind::Percent => ValueRange::unknown().with_scale(Scale::Percent),
            _ => ValueRange::unknown(),
        },
    }
}

fn call_range(call: &Call, depth: usize) -> ValueRange {
    let arg = |index: usize| {
        call.args
            .get(index)
            .map_or(ValueRange::unknown(), |a| infer_at(a, depth))
    };
    let number_arg = |index: usize| call.args.get(index).and_then(literal_number);
    match call.function.name {
        "absent" | "absent_over_time" => ValueRange::exactly(1.0),
        "rate" | "irate" | "increase" => {
            let input = arg(0);
            let scale = if call.function.name == "increase" {
                Scale::Unknown
            } else {
                Scale::PerSecond
            };
            if input.min >= 0.0 {
                ValueRange::nonnegative().with_scale(scale).guessed()
            } else {
                ValueRange::unknown().with_scale(scale)
            }
        }
        "changes" | "resets" | "time" | "timestamp" | "sqrt" | "exp" | "stddev_over_time"
        | "stdvar_over_time" => ValueRange::nonnegative(),
        "count_over_time" => ValueRange::between(1.0, f64::INFINITY),
        "abs" => {
            let input = arg(0);
            let max = input.max.abs().max(input.min.abs());
            let min = if input.min >= 0.0 {
                input.min
            } else if input.max <= 0.0 {
                -input.max
            } else {
                0.0
            };
            ValueRange { min, max, ..input }
        }
        "clamp" => {
            let input = arg(0);
            match (number_arg(1), number_arg(2)) {
                (Some(low), Some(high)) if low <= high => ValueRange {
                    min: input.min.max(low),
                    max: input.max.min(high),
                    ..input
                },
                _ => input,
            }
        }
        "clamp_min" => {
            let input = arg(0);
            match number_arg(1) {
                Some(low) => ValueRange {
                    min: input.min.max(low),
                    max: input.max.max(low),
                    ..input
                },
                None => input,
            }
        }
        "clamp_max" => {
            let input = arg(0);
            match number_arg(1) {
                Some(high) => ValueRange {
                    min: input.min.min(high),
                    max: input.max.min(high),
                    ..input
                },
                None => input,
            }
        }
        "hour" => ValueRange::between(0.0, 23.0),
        "minute" => ValueRange::between(0.0, 59.0),
        "day_of_week" => ValueRange::between(0.0, 6.0),
        "day_of_month" => ValueRange::between(1.0, 31.0),
        "day_of_year" => ValueRange::between(1.0, 366.0),
        "days_in_month" => ValueRange::between(28.0, 31.0),
        "month" => ValueRange::between(1.0, 12.0),
        "histogram_quantile" => {
            let phi_in_range = number_arg(0).is_some_and(|phi| (0.0..=1.0).contains(&phi));
            if phi_in_range && bucket_has_nonnegative_unit(call.args.get(1)) {
                ValueRange::nonnegative().guessed()
            } else {
                ValueRange::unknown()
            }
        }
        "avg_over_time" | "min_over_time" | "max_over_time" | "last_over_time"
        | "first_over_time" | "sort" | "sort_desc" | "sort_by_label" | "sort_by_label_desc"
        | "label_replace" | "label_join" | "vector" | "scalar" => arg(0),
        "quantile_over_time" if number_arg(0).is_some_and(|phi| (0.0..=1.0).contains(&phi)) => {
            arg(1)
        }
        "sum_over_time" => {
            let input = arg(0);
            if input.min >= 0.0 {
                ValueRange {
                    max: f64::INFINITY,
                    scale: Scale::Unknown,
                    ..input
                }
            } else {
                ValueRange::unknown()
            }
        }
        "ceil" | "floor" | "round" => {
            let input = arg(0);
            ValueRange {
                min: input.min.floor(),
                max: input.max.ceil(),
                ..input
            }
        }
        _ => ValueRange::unknown(),
    }
}

/// Whether the buckets under `histogram_quantile` measure something that cannot be
/// negative (`_seconds_bucket`, `_bytes_bucket`).
fn bucket_has_nonnegative_unit(expr: Option<&Expr>) -> bool {
    let mut found = false;
    let mut other_metric = false;
    if let Some(expr) = expr {
        expr.walk_selectors(&mut |selector| match selector_name(selector) {
            Some(name) if has_nonnegative_unit(name) => found = true,
            _ => other_metric = true,
        });
    }
    found && !other_metric
}

fn binary_range(binary: &BinaryExpr, depth: usize) -> ValueRange {
    let lhs = infer_at(&binary.lhs, depth);
    if binary.op.is_comparison() {
        if binary.return_bool {
            return ValueRange::between(0.0, 1.0);
        }
        // A filter returns the vector side's samples, those that pass.
        return match (literal_number(&binary.lhs), literal_number(&binary.rhs)) {
            (None, Some(threshold)) => lhs.filtered(binary.op, threshold),
            (Some(threshold), None) => {
                infer_at(&binary.rhs, depth).filtered(binary.op.mirrored(), threshold)
            }
            _ => lhs,
        };
    }
    match binary.op {
        BinaryOp::And | BinaryOp::Unless => return lhs,
        BinaryOp::Or => return lhs.hull(infer_at(&binary.rhs, depth)),
        _ => {}
    }
    if binary.op == BinaryOp::Div && binary.matching.is_none() && is_subset_ratio(binary) {
        return ValueRange::ratio();
    }
    let rhs = infer_at(&binary.rhs, depth);
    match binary.op {
        BinaryOp::Add => lhs.combined(rhs, lhs.min + rhs.min, lhs.max + rhs.max),
        BinaryOp::Sub => {
            let mut result = lhs.combined(rhs, lhs.min - rhs.max, lhs.max - rhs.min);
            // `1 - ratio` and `100 - percent` keep their scale.
            result.scale = match (literal_number(&binary.lhs), rhs.scale) {
                (Some(1.0), Scale::Ratio) => Scale::Ratio,
                (Some(100.0), Scale::Percent) => Scale::Percent,
                _ => Scale::Unknown,
            };
            result
        }
        BinaryOp::Mul => {
            let products = [
                lhs.min * rhs.min,
                lhs.min * rhs.max,
                lhs.max * rhs.min,
                lhs.max * rhs.max,
            ];
            let min = products.iter().copied().fold(f64::INFINITY, f64::min);
            let max = products.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut result = if products.iter().any(|p| p.is_nan()) {
                ValueRange::unknown()
            } else {
                lhs.combined(rhs, min, max)
            };
            let factor = literal_number(&binary.lhs).or_else(|| literal_number(&binary.rhs));
            let scaled = if literal_number(&binary.lhs).is_some() {
                rhs.scale
            } else {
                lhs.scale
            };
            // Multiplying by 100 is how a fraction becomes a percent, whatever it was.
            if factor == Some(100.0) && matches!(scaled, Scale::Ratio | Scale::Unknown) {
                result.scale = Scale::Percent;
            }
            result
        }
        BinaryOp::Div => match literal_number(&binary.rhs) {
            Some(divisor) if divisor > 0.0 => {
                let mut result = lhs.combined(rhs, lhs.min / divisor, lhs.max / divisor);
                if divisor == 100.0 && lhs.scale == Scale::Percent {
                    result.scale = Scale::Ratio;
                }
                result
            }
            _ => ValueRange::unknown().with_scale(
                // `100 * used / size` is a percent; `used / size` a fraction.
                if lhs.scale == Scale::Percent && rhs.scale == Scale::Unknown {
                    Scale::Percent
                } else if is_usage_of_capacity(binary) {
                    Scale::Ratio
                } else {
                    Scale::Unknown
                },
            ),
        },
        _ => ValueRange::unknown(),
    }
}

/// Name endings of a capacity a usage is divided by.
const CAPACITY_SUFFIXES: &[&str] = &[
    "_max",
    "_limit",
    "_limit_bytes",
    "_size",
    "_size_bytes",
    "_capacity",
    "_capacity_bytes",
];

/// `hikaricp_connections_active / hikaricp_connections_max`: one gauge over the capacity
/// it fills, a fraction by intent (a scale hint, not a proven range).
fn is_usage_of_capacity(binary: &BinaryExpr) -> bool {
    let (Some(usage), Some(capacity)) = (only_gauge(&binary.lhs), only_gauge(&binary.rhs)) else {
        return false;
    };
    let is_capacity = |name: &str| CAPACITY_SUFFIXES.iter().any(|s| name.ends_with(s));
    is_capacity(capacity) && !is_capacity(usage)
}

/// The metric name of a gauge read plainly: a selector, possibly aggregated or
/// smoothed over time (`max_over_time`), but not turned into a rate.
fn only_gauge(expr: &Expr) -> Option<&str> {
    only_gauge_at(expr, 0)
}

fn only_gauge_at(expr: &Expr, depth: usize) -> Option<&str> {
    monlint_promql::with_stack(|| {
        if depth > MAX_DEPTH {
            return None;
        }
        match unparen(expr) {
            Expr::VectorSelector(selector) => selector_name(selector),
            Expr::MatrixSelector(matrix) => selector_name(&matrix.selector),
            Expr::Aggregate(aggregate)
                if matches!(
                    aggregate.op,
                    AggregateOp::Sum | AggregateOp::Avg | AggregateOp::Min | AggregateOp::Max
                ) =>
            {
                only_gauge_at(&aggregate.expr, depth + 1)
            }
            Expr::Call(call)
                if call.function.name.ends_with("_over_time") && call.args.len() == 1 =>
            {
                only_gauge_at(&call.args[0], depth + 1)
            }
            _ => None,
        }
    })
}

/// `sum(rate(x{code=~"5.."}[5m])) / sum(rate(x[5m]))`: the numerator counts a subset
/// of what the denominator counts, computed the same way, so the quotient is in [0, 1].
fn is_subset_ratio(binary: &BinaryExpr) -> bool {
    same_shape_subset(&binary.lhs, &binary.rhs, 0)
}

fn same_shape_subset(numerator: &Expr, denominator: &Expr, depth: usize) -> bool {
    monlint_promql::with_stack(|| {
        if depth > MAX_DEPTH {
            return false;
        }
        match (unparen(numerator), unparen(denominator)) {
            (Expr::Aggregate(n), Expr::Aggregate(d)) => {
                n.op == d.op
                    && matches!(n.op, AggregateOp::Sum)
                    && n.grouping == d.grouping
                    && same_shape_subset(&n.expr, &d.expr, depth + 1)
            }
            (Expr::Call(n), Expr::Call(d)) => {
                n.function.name == d.function.name
                    && matches!(n.function.name, "rate" | "increase" | "irate")
                    && n.args.len() == 1
                    && d.args.len() == 1
                    && same_shape_subset(&n.args[0], &d.args[0], depth + 1)
            }
            (Expr::MatrixSelector(n), Expr::MatrixSelector(d)) => {
                n.range == d.range && selector_subset(&n.selector, &d.selector)
            }
            _ => false,
        }
    })
}

fn selector_subset(numerator: &VectorSelector, denominator: &VectorSelector) -> bool {
    let Some(name) = selector_name(numerator) else {
        return false;
    };
    selector_name(denominator) == Some(name)
        && selector_is_counter(numerator)
        && numerator.offset == denominator.offset
        && numerator.at == denominator.at
        && denominator
            .matchers
            .iter()
            .all(|d| numerator.matchers.iter().any(|n| same_matcher(n, d)))
}

/// Matchers compare by content; their spans differ.
fn same_matcher(a: &LabelMatcher, b: &LabelMatcher) -> bool {
    a.name == b.name && a.op == b.op && a.value == b.value
}

#[cfg(test)]
mod tests {
    use monlint_promql::{ParseOptions, parse};

    use super::*;

    fn range(text: &str) -> ValueRange {
        infer(&parse(text, &ParseOptions::default()).unwrap())
    }

    #[test]
    fn known_metrics_and_functions_have_bounds() {
        let up = range(r#"up{job="api"}"#);
        assert_eq!((up.min, up.max, up.proven), (0.0, 1.0, true));
        assert_eq!(range("absent(x)").min, 1.0);
        assert_eq!(range("count(x)").min, 1.0);
        let rate = range("rate(x_total[5m])");
        assert_eq!((rate.min, rate.proven), (0.0, false));
        assert_eq!(
            range("sum by (job) (rate(x_total[5m]))").scale,
            Scale::PerSecond
        );
        assert_eq!(
            range("rate(a_total[5m]) / rate(b_total[5m])").scale,
            Scale::Unknown
        );
        assert!(range("rate(temperature[5m])").is_unknown());
        assert_eq!(range("abs(x)").min, 0.0);
        let clamped = range("clamp(x, 0, 10)");
        assert_eq!((clamped.min, clamped.max), (0.0, 10.0));
        assert_eq!(range("x > bool 3").max, 1.0);
        assert_eq!(range("hour()").max, 23.0);
        let latency = range("histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m])))");
        assert_eq!(latency.min, 0.0);
    }

    #[test]
    fn subset_ratios_are_fractions_and_scale_to_percent() {
        let ratio = range(
            r#"sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#,
        );
        assert_eq!(
            (ratio.min, ratio.max, ratio.scale),
            (0.0, 1.0, Scale::Ratio)
        );
        let percent = range(
            r#"100 * sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#,
        );
        assert_eq!(
            percent.scale,
            Scale::Unknown,
            "100 * a / b is (100 * a) / b"
        );
        let percent = range(
            r#"sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100"#,
        );
        assert_eq!(
            (percent.min, percent.max, percent.scale),
            (0.0, 100.0, Scale::Percent)
        );
        // Different metrics or groupings prove nothing.
        assert!(range("sum(rate(a_total[5m])) / sum(rate(b_total[5m]))").is_unknown());
        assert!(
            range("sum by (job) (rate(a_total{x=\"1\"}[5m])) / sum(rate(a_total[5m]))")
                .is_unknown()
        );
        assert_eq!(range("1 - x_ratio").scale, Scale::Ratio);
        assert_eq!(
            range("hikaricp_connections_active / hikaricp_connections_max").scale,
            Scale::Ratio
        );
        let used = range("100 * (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes)");
        assert_eq!(used.scale, Scale::Percent);
        assert_eq!(range("100 * a / b").scale, Scale::Percent);
        assert_eq!(
            range("node_load1 / count(node_cpu_info)").scale,
            Scale::Unknown
        );
    }

    #[test]
    fn filters_narrow_the_range() {
        let filtered = range("rate(x_total[5m]) > 3");
        assert_eq!(filtered.min, 3.0);
        let filtered = range("3 > up");
        assert_eq!((filtered.min, filtered.max), (0.0, 1.0));
    }
}
