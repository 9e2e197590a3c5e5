//! Arithmetic and statistics on native histograms, following the semantics of
//! Prometheus' float histograms.
//!
//! A histogram here is a [`NativeHistogram`]: dense bucket lists starting at a bucket
//! index (`offset`), so a bucket's index is its offset plus its position. Exponential
//! schemas (-4..=8) bound bucket `i` by `(2^((i-1)/2^schema), 2^(i/2^schema)]`; the
//! custom-bucket schema (-53) bounds bucket `i` by its custom values `i-1` and `i`.

use crate::series::{CounterResetHint, NativeHistogram};

/// The custom-buckets schema.
pub(crate) const CUSTOM_BUCKETS_SCHEMA: i64 = -53;

fn uses_custom_buckets(h: &NativeHistogram) -> bool {
    h.schema == CUSTOM_BUCKETS_SCHEMA
}

/// The upper bound of bucket `index`.
fn bound(index: i64, h: &NativeHistogram) -> f64 {
    if uses_custom_buckets(h) {
        return match usize::try_from(index) {
            Err(_) => f64::NEG_INFINITY,
            Ok(i) => h.custom_values.get(i).copied().unwrap_or(f64::INFINITY),
        };
    }
    if h.schema <= 0 {
        let exponent = index << -h.schema;
        if exponent == 1024 {
            return f64::MAX;
        }
        return (exponent as f64).exp2();
    }
    // 2^(index / 2^schema) as mantissa in [0.5, 1) times a power of two.
    let per_octave = 1i64 << h.schema;
    let within = index.rem_euclid(per_octave);
    let octave = index.div_euclid(per_octave) + 1;
    if within == 0 && octave == 1025 {
        return f64::MAX;
    }
    let mantissa = 0.5 * (within as f64 / per_octave as f64).exp2();
    mantissa * (octave as f64).exp2()
}

/// One bucket: bounds and count.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bucket {
    pub lower: f64,
    pub upper: f64,
    pub count: f64,
}

/// Every bucket in ascending order: negative buckets, the zero bucket (when it holds
/// observations), positive buckets. Bucket bounds inside the zero bucket are moved to
/// its threshold.
pub(crate) fn all_buckets(h: &NativeHistogram) -> Vec<Bucket> {
    let threshold = h.zero_threshold;
    let clamp = |mut b: Bucket| {
        if b.upper < 0.0 && b.upper > -threshold {
            b.upper = -threshold;
        } else if b.lower > 0.0 && b.lower < threshold {
            b.lower = threshold;
        }
        b
    };
    let mut out = Vec::with_capacity(h.buckets.len() + h.negative_buckets.len() + 1);
    for (i, &count) in h.negative_buckets.iter().enumerate().rev() {
        let index = h.negative_offset + i as i64;
        out.push(clamp(Bucket {
            lower: -bound(index, h),
            upper: -bound(index - 1, h),
            count,
        }));
    }
    if h.zero_count > 0.0 {
        out.push(Bucket {
            lower: -threshold,
            upper: threshold,
            count: h.zero_count,
        });
    }
    for (i, &count) in h.buckets.iter().enumerate() {
        let index = h.offset + i as i64;
        out.push(clamp(Bucket {
            lower: bound(index - 1, h),
            upper: bound(index, h),
            count,
        }));
    }
    out
}

/// Why a quantile or fraction result got an info annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NanInfo {
    /// The quantile fell among NaN observations.
    QuantileNan,
    /// NaN observations skew the quantile.
    QuantileSkew,
    /// NaN observations are left out of the fraction.
    FractionNans,
}

/// `histogram_quantile` on a native histogram.
pub(crate) fn quantile(q: f64, h: &NativeHistogram) -> (f64, Option<NanInfo>) {
    if q < 0.0 {
        return (f64::NEG_INFINITY, None);
    }
    if q > 1.0 {
        return (f64::INFINITY, None);
    }
    if h.count == 0.0 || q.is_nan() {
        return (f64::NAN, None);
    }
    let mut buckets = all_buckets(h);
    let forward = h.sum.is_nan() || q < 0.5;
    if !forward {
        buckets.reverse();
    }
    let mut rank = if forward {
        q * h.count
    } else {
        (1.0 - q) * h.count
    };
    let mut count = 0.0;
    let mut position = 0;
    let mut bucket = Bucket {
        lower: 0.0,
        upper: 0.0,
        count: 0.0,
    };
    while position < buckets.len() {
        let b = buckets[position];
        position += 1;
        if b.count == 0.0 {
            continue;
        }
        bucket = b;
        count += b.count;
        if count >= rank {
            break;
        }
    }
    let custom = uses_custom_buckets(h);
    if !custom && bucket.lower < 0.0 && bucket.upper > 0.0 {
        if !has_negative_list(h) && has_positive_list(h) {
            bucket.lower = 0.0;
        } else if !has_positive_list(h) && has_negative_list(h) {
            bucket.upper = 0.0;
        }
    } else if custom {
        if bucket.lower == f64::NEG_INFINITY {
            if bucket.upper <= 0.0 {
                return (bucket.upper, None);
            }
            bucket.lower = 0.0;
        } else if bucket.upper == f64::INFINITY {
            return (bucket.lower, None);
        }
    }
    if count > h.count {
        count = h.count;
    }
    if count < rank {
        if h.sum.is_nan() {
            return (f64::NAN, Some(NanInfo::QuantileNan));
        }
        return (bucket.upper, None);
    }
    if forward {
        rank -= count - bucket.count;
    } else {
        rank = count - rank;
    }
    let mut info = None;
    if h.sum.is_nan() {
        let rest: f64 = buckets[position..].iter().map(|b| b.count).sum();
        if count + rest < h.count {
            info = Some(NanInfo::QuantileSkew);
        }
    }
    let fraction = rank / bucket.count;
    if custom || (bucket.lower <= 0.0 && bucket.upper >= 0.0) {
        return (
            bucket.lower + (bucket.upper - bucket.lower) * fraction,
            info,
        );
    }
    let log_lower = bucket.lower.abs().log2();
    let log_upper = bucket.upper.abs().log2();
    if bucket.lower > 0.0 {
        return (
            (log_lower + (log_upper - log_lower) * fraction).exp2(),
            info,
        );
    }
    (
        -(log_upper + (log_lower - log_upper) * (1.0 - fraction)).exp2(),
        info,
    )
}

/// Prometheus looks at whether the bucket lists are empty, not at their counts.
fn has_positive_list(h: &NativeHistogram) -> bool {
    !h.buckets.is_empty()
}

fn has_negative_list(h: &NativeHistogram) -> bool {
    !h.negative_buckets.is_empty()
}

fn fraction_below(b: &Bucket, v: f64, linear: bool) -> f64 {
    if linear {
        return (v - b.lower) / (b.upper - b.lower);
    }
    let log_lower = b.lower.abs().log2();
    let log_upper = b.upper.abs().log2();
    let log_v = v.abs().log2();
    if v > 0.0 {
        (log_v - log_lower) / (log_upper - log_lower)
    } else {
        1.0 - ((log_v - log_upper) / (log_lower - log_upper))
    }
}

/// `histogram_fraction` on a native histogram.
pub(crate) fn fraction(lower: f64, upper: f64, h: &NativeHistogram) -> (f64, Option<NanInfo>) {
    if h.count == 0.0 || lower.is_nan() || upper.is_nan() {
        return (f64::NAN, None);
    }
    if lower >= upper {
        return (0.0, None);
    }
    let custom = uses_custom_buckets(h);
    let buckets = all_buckets(h);
    let (mut count, mut rank, mut lower_rank, mut upper_rank) = (0.0, 0.0, 0.0, 0.0);
    let (mut lower_set, mut upper_set) = (false, false);
    let mut position = 0;
    while position < buckets.len() {
        let mut b = buckets[position];
        position += 1;
        count += b.count;
        let mut zero_bucket = false;
        if b.lower <= 0.0 && b.upper >= 0.0 {
            zero_bucket = true;
            if !has_negative_list(h) && has_positive_list(h) {
                b.lower = 0.0;
            } else if !has_positive_list(h) && has_negative_list(h) {
                b.upper = 0.0;
            }
        }
        let linear = custom || zero_bucket;
        let interpolate = |v: f64| {
            if linear && b.lower == f64::NEG_INFINITY {
                b.count
            } else {
                rank + b.count * fraction_below(&b, v, linear)
            }
        };
        if !lower_set && b.lower >= lower {
            lower_rank = rank;
            lower_set = true;
        }
        if !upper_set && b.lower >= upper {
            upper_rank = rank;
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        if !lower_set && b.lower < lower && b.upper > lower {
            lower_rank = interpolate(lower);
            lower_set = true;
        }
        if !upper_set && b.lower < upper && b.upper > upper {
            upper_rank = interpolate(upper);
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        rank += b.count;
    }
    let mut info = None;
    if h.sum.is_nan() {
        count += buckets[position..].iter().map(|b| b.count).sum::<f64>();
        if count < h.count {
            info = Some(NanInfo::FractionNans);
        }
    } else {
        count = h.count;
    }
    if !lower_set || lower_rank > count {
        lower_rank = count;
    }
    if !upper_set || upper_rank > count {
        upper_rank = count;
    }
    ((upper_rank - lower_rank) / h.count, info)
}

/// The variance of the observations, each bucket's observations taken at its mean
/// (arithmetic for custom buckets and the zero bucket, geometric otherwise).
pub(crate) fn variance(h: &NativeHistogram, kahan: impl Fn(f64, f64, f64) -> (f64, f64)) -> f64 {
    let mean = h.sum / h.count;
    let custom = uses_custom_buckets(h);
    let (mut variance, mut compensation) = (0.0, 0.0);
    for bucket in all_buckets(h) {
        if bucket.count == 0.0 {
            continue;
        }
        let value = if custom {
            (bucket.upper + bucket.lower) / 2.0
        } else if bucket.lower <= 0.0 && bucket.upper >= 0.0 {
            0.0
        } else {
            let v = (bucket.upper * bucket.lower).sqrt();
            if bucket.upper < 0.0 { -v } else { v }
        };
        let delta = value - mean;
        (variance, compensation) = kahan(bucket.count * delta * delta, variance, compensation);
    }
    (variance + compensation) / h.count
}

/// Why two histograms could not be combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CombineError {
    /// One has exponential buckets, the other custom buckets.
    MixedSchemas,
    /// Something this evaluator does not model (different custom bounds or zero
    /// thresholds).
    Unsupported,
}

/// The bucket list of `buckets` (first index `offset`) re-expressed in a lower schema.
fn reduce(offset: i64, buckets: &[f64], from: i64, to: i64) -> (i64, Vec<f64>) {
    if from == to || buckets.is_empty() {
        return (offset, buckets.to_vec());
    }
    let shift = from - to;
    let target = |i: i64| ((i - 1) >> shift) + 1;
    let first = target(offset);
    let last = target(offset + buckets.len() as i64 - 1);
    let mut out = vec![0.0; (last - first + 1) as usize];
    for (i, &count) in buckets.iter().enumerate() {
        out[(target(offset + i as i64) - first) as usize] += count;
    }
    (first, out)
}

/// Adds (or with `sign` -1 subtracts) list `b` to list `a`, widening as needed.
fn merge_lists(a_offset: i64, a: &[f64], b_offset: i64, b: &[f64], sign: f64) -> (i64, Vec<f64>) {
    if a.is_empty() {
        return (b_offset, b.iter().map(|&v| v * sign).collect());
    }
    if b.is_empty() {
        return (a_offset, a.to_vec());
    }
    let first = a_offset.min(b_offset);
    let last = (a_offset + a.len() as i64).max(b_offset + b.len() as i64);
    let mut out = vec![0.0; (last - first) as usize];
    for (i, &v) in a.iter().enumerate() {
        out[(a_offset - first) as usize + i] += v;
    }
    for (i, &v) in b.iter().enumerate() {
        out[(b_offset - first) as usize + i] += v * sign;
    }
    (first, out)
}

/// Whether two histograms may be added as this evaluator models it.
fn check_compatible(a: &NativeHistogram, b: &NativeHistogram) -> Result<(), CombineError> {
    if uses_custom_buckets(a) != uses_custom_buckets(b) {
        return Err(CombineError::MixedSchemas);
    }
    if uses_custom_buckets(a) && a.custom_values != b.custom_values {
        return Err(CombineError::Unsupported);
    }
    if a.zero_threshold != b.zero_threshold {
        return Err(CombineError::Unsupported);
    }
    Ok(())
}

/// The counter-reset hint of `a + b`, as Prometheus adjusts it. Prometheus warns about
/// a reset meeting a not-reset, depending on how the TSDB read the hints back, which is
/// not modelled: such a collision is refused.
fn merged_hint(a: &NativeHistogram, b: &NativeHistogram) -> Result<CounterResetHint, CombineError> {
    use CounterResetHint::{Gauge, Unknown};
    let (x, y) = (a.counter_reset_hint, b.counter_reset_hint);
    Ok(if x == y {
        x
    } else if x == Gauge || y == Gauge {
        Gauge
    } else if x == Unknown || y == Unknown {
        Unknown
    } else {
        return Err(CombineError::Unsupported);
    })
}

/// Dense copies of several bucket lists over their common index range.
fn aligned(lists: &[(i64, &[f64])]) -> (i64, Vec<Vec<f64>>) {
    let present = lists.iter().filter(|(_, l)| !l.is_empty());
    let first = present.clone().map(|(o, _)| *o).min().unwrap_or(0);
    let end = present.map(|(o, l)| o + l.len() as i64).max().unwrap_or(0);
    let width = (end - first).max(0) as usize;
    let dense = lists
        .iter()
        .map(|(offset, list)| {
            let mut out = vec![0.0; width];
            for (i, &v) in list.iter().enumerate() {
                out[(offset - first) as usize + i] = v;
            }
            out
        })
        .collect();
    (first, dense)
}

/// Compensated (Kahan) addition of `h` to a running `total` with its compensation
/// `compensation`, field by field, in the lowest schema seen; as Prometheus sums
/// histograms in `sum` and `avg`.
pub(crate) fn kahan_add(
    total: &NativeHistogram,
    compensation: &NativeHistogram,
    h: &NativeHistogram,
    kahan: impl Fn(f64, f64, f64) -> (f64, f64),
) -> Result<(NativeHistogram, NativeHistogram), CombineError> {
    check_compatible(total, h)?;
    let hint = merged_hint(total, h)?;
    let schema = total.schema.min(h.schema);
    let side = |get: fn(&NativeHistogram) -> (i64, &[f64])| {
        let parts: Vec<(i64, Vec<f64>)> = [total, compensation, h]
            .iter()
            .map(|x| {
                let (offset, list) = get(x);
                reduce(offset, list, x.schema, schema)
            })
            .collect();
        let views: Vec<(i64, &[f64])> = parts.iter().map(|(o, l)| (*o, l.as_slice())).collect();
        let (first, dense) = aligned(&views);
        let mut sums = dense[0].clone();
        let mut comps = dense[1].clone();
        for i in 0..sums.len() {
            (sums[i], comps[i]) = kahan(dense[2][i], sums[i], comps[i]);
        }
        (first, sums, comps)
    };
    let (offset, buckets, bucket_comps) = side(|x| (x.offset, &x.buckets));
    let (negative_offset, negative, negative_comps) =
        side(|x| (x.negative_offset, &x.negative_buckets));
    let (sum, sum_comp) = kahan(h.sum, total.sum, compensation.sum);
    let (count, count_comp) = kahan(h.count, total.count, compensation.count);
    let (zero, zero_comp) = kahan(h.zero_count, total.zero_count, compensation.zero_count);
    let make = |sum, count, zero_count, buckets, negative_buckets| NativeHistogram {
        schema,
        sum,
        count,
        zero_count,
        zero_threshold: total.zero_threshold,
        offset,
        buckets,
        negative_offset,
        negative_buckets,
        custom_values: total.custom_values.clone(),
        counter_reset_hint: hint,
    };
    Ok((
        make(sum, count, zero, buckets, negative),
        make(
            sum_comp,
            count_comp,
            zero_comp,
            bucket_comps,
            negative_comps,
        ),
    ))
}

/// A histogram of the same layout with every count and the sum zero.
pub(crate) fn zeroed(h: &NativeHistogram) -> NativeHistogram {
    let mut out = h.clone();
    out.sum = 0.0;
    out.count = 0.0;
    out.zero_count = 0.0;
    out.buckets.iter_mut().for_each(|b| *b = 0.0);
    out.negative_buckets.iter_mut().for_each(|b| *b = 0.0);
    out
}

/// Tracks the counter-reset hints met by an aggregation. Prometheus warns when both a
/// reset and a not-reset hint were met, depending on how the TSDB read the hints
/// back; that is not modelled, so such an aggregation is refused.
#[derive(Default)]
pub(crate) struct ResetHints {
    reset: bool,
    not_reset: bool,
}

impl ResetHints {
    pub fn see(&mut self, h: &NativeHistogram) -> Result<(), CombineError> {
        match h.counter_reset_hint {
            CounterResetHint::Reset => self.reset = true,
            CounterResetHint::NotReset => self.not_reset = true,
            _ => {}
        }
        if self.reset && self.not_reset {
            return Err(CombineError::Unsupported);
        }
        Ok(())
    }
}

/// Whether every count and the sum are finite.
pub(crate) fn is_finite(h: &NativeHistogram) -> bool {
    [h.sum, h.count, h.zero_count]
        .iter()
        .chain(&h.buckets)
        .chain(&h.negative_buckets)
        .all(|v| v.is_finite())
}

/// A running total with its Kahan compensation folded in.
pub(crate) fn kahan_total(
    total: &NativeHistogram,
    compensation: &NativeHistogram,
) -> NativeHistogram {
    let mut out = total.clone();
    out.sum += compensation.sum;
    out.count += compensation.count;
    out.zero_count += compensation.zero_count;
    for (b, c) in out.buckets.iter_mut().zip(&compensation.buckets) {
        *b += c;
    }
    for (b, c) in out
        .negative_buckets
        .iter_mut()
        .zip(&compensation.negative_buckets)
    {
        *b += c;
    }
    out
}

/// Prometheus' `==` between histograms: every field bit for bit, bucket layouts
/// included, the hint aside. Prometheus expects compacted operands; where compacting
/// would change the answer, the comparison is refused as not modelled.
pub(crate) fn equal(a: &NativeHistogram, b: &NativeHistogram) -> Result<bool, CombineError> {
    let same = |x: f64, y: f64| x.to_bits() == y.to_bits();
    let lists =
        |x: &[f64], y: &[f64]| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(*p, *q));
    let scalars = a.schema == b.schema
        && same(a.count, b.count)
        && same(a.sum, b.sum)
        && (!uses_custom_buckets(a) || a.custom_values == b.custom_values)
        && a.zero_threshold == b.zero_threshold
        && same(a.zero_count, b.zero_count);
    let raw = a.offset == b.offset
        && lists(&a.buckets, &b.buckets)
        && a.negative_offset == b.negative_offset
        && lists(&a.negative_buckets, &b.negative_buckets);
    let compacted = {
        use crate::series::compact_buckets;
        let (ao, ab) = compact_buckets(a.offset, &a.buckets);
        let (bo, bb) = compact_buckets(b.offset, &b.buckets);
        let (ano, anb) = compact_buckets(a.negative_offset, &a.negative_buckets);
        let (bno, bnb) = compact_buckets(b.negative_offset, &b.negative_buckets);
        ao == bo && lists(ab, bb) && ano == bno && lists(anb, bnb)
    };
    if raw != compacted {
        return Err(CombineError::Unsupported);
    }
    Ok(scalars && raw)
}

/// `a + b` (or `a - b` when `subtract`), in the lower of the two schemas.
pub(crate) fn combine(
    a: &NativeHistogram,
    b: &NativeHistogram,
    subtract: bool,
) -> Result<NativeHistogram, CombineError> {
    check_compatible(a, b)?;
    let hint = merged_hint(a, b)?;
    let schema = a.schema.min(b.schema);
    let sign = if subtract { -1.0 } else { 1.0 };
    let side = |ao: i64, al: &[f64], bo: i64, bl: &[f64]| {
        let (ao, al) = reduce(ao, al, a.schema, schema);
        let (bo, bl) = reduce(bo, bl, b.schema, schema);
        merge_lists(ao, &al, bo, &bl, sign)
    };
    let (offset, buckets) = side(a.offset, &a.buckets, b.offset, &b.buckets);
    let (negative_offset, negative_buckets) = side(
        a.negative_offset,
        &a.negative_buckets,
        b.negative_offset,
        &b.negative_buckets,
    );
    Ok(NativeHistogram {
        schema,
        sum: a.sum + sign * b.sum,
        count: a.count + sign * b.count,
        zero_count: a.zero_count + sign * b.zero_count,
        zero_threshold: a.zero_threshold,
        offset,
        buckets,
        negative_offset,
        negative_buckets,
        custom_values: a.custom_values.clone(),
        counter_reset_hint: hint,
    })
}

/// `a - b` where the counter-reset hints are deliberately not checked (as `irate` and
/// `idelta` subtract).
pub(crate) fn difference(
    a: &NativeHistogram,
    b: &NativeHistogram,
) -> Result<NativeHistogram, CombineError> {
    let unhinted = |h: &NativeHistogram| NativeHistogram {
        counter_reset_hint: CounterResetHint::Unknown,
        ..h.clone()
    };
    combine(&unhinted(a), &unhinted(b), true)
}

/// Every count and the sum multiplied (or with `divide` divided) by `factor`; a
/// negative factor makes the result a gauge.
pub(crate) fn scale(h: &NativeHistogram, factor: f64, divide: bool) -> NativeHistogram {
    let apply = |v: &mut f64| {
        if divide {
            *v /= factor;
        } else {
            *v *= factor;
        }
    };
    let mut out = h.clone();
    apply(&mut out.sum);
    apply(&mut out.count);
    apply(&mut out.zero_count);
    out.buckets.iter_mut().for_each(apply);
    out.negative_buckets.iter_mut().for_each(apply);
    if factor < 0.0 {
        out.counter_reset_hint = CounterResetHint::Gauge;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histogram(schema: i64, offset: i64, buckets: &[f64]) -> NativeHistogram {
        NativeHistogram {
            schema,
            offset,
            buckets: buckets.to_vec(),
            count: buckets.iter().sum(),
            ..NativeHistogram::default()
        }
    }

    #[test]
    fn bounds_follow_the_schema() {
        let h = histogram(0, 0, &[]);
        assert_eq!(bound(0, &h), 1.0);
        assert_eq!(bound(3, &h), 8.0);
        let h = histogram(1, 0, &[]);
        assert!((bound(1, &h) - std::f64::consts::SQRT_2).abs() < 1e-15);
        assert_eq!(bound(-2, &h), 0.5);
        let h = histogram(-1, 0, &[]);
        assert_eq!(bound(1, &h), 4.0);
    }

    #[test]
    fn quantile_interpolates_exponentially() {
        let mut h = histogram(0, 0, &[1.0, 2.0, 1.0]);
        h.sum = 5.0;
        let (q, _) = quantile(0.5, &h);
        assert!((q - std::f64::consts::SQRT_2).abs() < 1e-12, "{q}");
        let (f, _) = fraction(1.0, 2.0, &h);
        assert_eq!(f, 0.5);
    }

    #[test]
    fn adding_reduces_to_the_lower_schema() {
        let a = histogram(-1, 1, &[1.0]);
        let b = histogram(0, 1, &[2.0, 2.0]);
        let sum = combine(&a, &b, false).unwrap();
        assert_eq!(sum.schema, -1);
        assert_eq!((sum.offset, sum.buckets.clone()), (1, vec![5.0]));
    }
}
