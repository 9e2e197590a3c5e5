//! PromQL's float functions.

use std::sync::Arc;

use super::aggregate::quantile;
use super::labels::{FastMap, METRIC_NAME};
use super::selector::compile_anchored;
use super::{
    Algorithms, AnnotationKind, EvalError, EvalResult, Evaluator, Labels, Sample, Step, Value,
    Window, go_format_g, unwrap_parens,
};
use crate::ast::{Call, Expr, MatchOp};
use crate::series::{CounterResetHint, NativeHistogram};

const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

impl Evaluator<'_> {
    pub(super) fn call(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let name = call.function.name;
        let ts = step.ts;
        match name {
            "time" => return Ok(Value::Scalar(ts as f64 / 1000.0)),
            "pi" => return Ok(Value::Scalar(std::f64::consts::PI)),
            "vector" => {
                let value = self.eval_scalar(&call.args[0], step)?;
                return Ok(Value::Vector(vec![Sample {
                    labels: Arc::default(),
                    timestamp: ts,
                    value,
                    drop_name: false,
                }]));
            }
            "scalar" => {
                // Histograms are ignored.
                let mut vector = self.eval_vector_any(&call.args[0], step)?;
                vector.retain(|s| !super::is_histogram_value(s.value));
                let value = match vector.as_slice() {
                    [only] => only.value,
                    _ => f64::NAN,
                };
                return Ok(Value::Scalar(value));
            }
            "absent" => {
                let vector = self.eval_vector(&call.args[0], step)?;
                if !vector.is_empty() {
                    return Ok(Value::Vector(Vec::new()));
                }
                return Ok(Value::Vector(vec![absent_sample(&call.args[0], ts)]));
            }
            "absent_over_time" => {
                let (series, _) = self.eval_range(&call.args[0], step)?;
                if !series.is_empty() {
                    return Ok(Value::Vector(Vec::new()));
                }
                return Ok(Value::Vector(vec![absent_sample(&call.args[0], ts)]));
            }
            "min_of" | "max_of" => {
                let a = self.eval_scalar(&call.args[0], step)?;
                let b = self.eval_scalar(&call.args[1], step)?;
                return Ok(Value::Scalar(if name == "min_of" {
                    go_min(a, b)
                } else {
                    go_max(a, b)
                }));
            }
            // Query-context functions: constants of the running query.
            "start" => return Ok(Value::Scalar(self.start as f64 / 1000.0)),
            "end" => return Ok(Value::Scalar(self.end as f64 / 1000.0)),
            "range" => return Ok(Value::Scalar((self.end - self.start) as f64 / 1000.0)),
            "step" => return Ok(Value::Scalar(self.step_ms as f64 / 1000.0)),
            "label_replace" => return self.label_replace(call, step),
            "label_join" => return self.label_join(call, step),
            "histogram_count" | "histogram_sum" | "histogram_avg" | "histogram_stddev"
            | "histogram_stdvar" => return self.histogram_statistic(call, step),
            "histogram_quantile" => return self.histogram_quantile(call, step),
            "histogram_quantiles" => return self.histogram_quantiles(call, step),
            "histogram_fraction" => return self.histogram_fraction(call, step),
            "info" => {
                return Err(EvalError::Unsupported(
                    "info() is not supported yet".to_owned(),
                ));
            }
            _ => {}
        }
        if let Some(range_arg) = call
            .function
            .arg_types
            .iter()
            .position(|t| *t == crate::ast::ValueType::Matrix)
        {
            return self.range_function(call, range_arg, step);
        }
        self.vector_function(call, step)
    }

    fn string_arg(&mut self, call: &Call, index: usize, step: Step) -> EvalResult<String> {
        match self.eval(&call.args[index], step)? {
            Value::String(s) => Ok(s),
            other => Err(EvalError::failed(format!(
                "expected string argument, got {}",
                other.type_name()
            ))),
        }
    }

    fn label_replace(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let destination = self.string_arg(call, 1, step)?;
        let replacement = self.string_arg(call, 2, step)?;
        let source = self.string_arg(call, 3, step)?;
        let pattern = self.string_arg(call, 4, step)?;
        let regex = compile_anchored(&pattern, self.is_prometheus_3()).map_err(|_| {
            EvalError::failed(format!(
                "invalid regular expression in label_replace(): {pattern}"
            ))
        })?;
        if !self.valid_label_name(&destination) || has_invalid_utf8(&call.args[1]) {
            return Err(EvalError::failed(format!(
                "invalid destination label name in label_replace(): {destination}"
            )));
        }
        let mut vector = self.eval_vector(&call.args[0], step)?;
        for sample in &mut vector {
            let value = sample.labels.get(&source).to_owned();
            if let Some(captures) = regex.captures(&value) {
                let mut expanded = String::new();
                captures.expand(&replacement, &mut expanded);
                sample.labels = Arc::new(sample.labels.with(&destination, &expanded));
                if destination == METRIC_NAME {
                    sample.drop_name = false;
                }
            }
        }
        self.check_function_output(&vector)?;
        Ok(Value::Vector(vector))
    }

    fn label_join(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let destination = self.string_arg(call, 1, step)?;
        let separator = self.string_arg(call, 2, step)?;
        let mut sources = Vec::new();
        for index in 3..call.args.len() {
            let source = self.string_arg(call, index, step)?;
            if !self.valid_label_name(&source) || has_invalid_utf8(&call.args[index]) {
                return Err(EvalError::failed(format!(
                    "invalid source label name in label_join(): {source}"
                )));
            }
            sources.push(source);
        }
        if !self.valid_label_name(&destination) || has_invalid_utf8(&call.args[1]) {
            return Err(EvalError::failed(format!(
                "invalid destination label name in label_join(): {destination}"
            )));
        }
        let mut vector = self.eval_vector(&call.args[0], step)?;
        for sample in &mut vector {
            let joined = sources
                .iter()
                .map(|s| sample.labels.get(s))
                .collect::<Vec<_>>()
                .join(&separator);
            sample.labels = Arc::new(sample.labels.with(&destination, &joined));
            if destination == METRIC_NAME {
                sample.drop_name = false;
            }
        }
        self.check_function_output(&vector)?;
        Ok(Value::Vector(vector))
    }

    /// Prometheus' hint that `rate`/`increase` may be applied to a gauge.
    fn possible_non_counter_info(&mut self, labels: &Labels, arg: &Expr) {
        let name = labels.get(METRIC_NAME);
        let counter_like = ["_total", "_sum", "_count", "_bucket"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if name.is_empty() || counter_like {
            return;
        }
        let message = format!(
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: {}",
            crate::quote::go_quote(name)
        );
        self.annotate(AnnotationKind::Info, message, arg.span().start);
    }

    /// Drops (or marks) the name of every output sample of a function.
    fn finish_name_dropping(&self, mut vector: Vec<Sample>) -> EvalResult<Value> {
        for sample in &mut vector {
            self.drop_name(sample);
        }
        self.check_function_output(&vector)?;
        Ok(Value::Vector(vector))
    }

    fn valid_label_name(&self, name: &str) -> bool {
        monlint_core::names::is_valid_label_name(name, self.options.version)
    }

    /// Without delayed name removal, Prometheus refuses a function result
    /// with two equal label sets right away.
    fn check_function_output(&self, vector: &[Sample]) -> EvalResult<()> {
        if self.options.delayed_name_removal {
            return Ok(());
        }
        super::check_unique(vector)
    }

    fn histogram_quantile(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let q = self.eval_scalar(&call.args[0], step)?;
        self.check_quantile(q, call.args[0].span().start);
        let vector = self.eval_vector_any(&call.args[1], step)?;
        let (vector, native) = self.split_native(vector, &call.args[1])?;
        let mut out = self.native_histogram_values(native, &call.args[1], step, |h| {
            super::histogram::quantile(q, h)
        });
        let histograms = self.classic_histograms(vector, &call.args[1]);
        for (labels, mut buckets) in histograms {
            let (value, forced) = bucket_quantile(q, &mut buckets);
            if let Some(forced) = forced {
                self.forced_monotonicity_info(&labels, &forced, step.ts, &call.args[1]);
            }
            out.push(Sample {
                labels: Arc::new(labels),
                timestamp: step.ts,
                value,
                drop_name: false,
            });
        }
        self.finish_name_dropping(out)
    }

    fn histogram_fraction(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let lower = self.eval_scalar(&call.args[0], step)?;
        let upper = self.eval_scalar(&call.args[1], step)?;
        let vector = self.eval_vector_any(&call.args[2], step)?;
        let (vector, native) = self.split_native(vector, &call.args[2])?;
        let mut out = self.native_histogram_values(native, &call.args[2], step, |h| {
            super::histogram::fraction(lower, upper, h)
        });
        out.extend(
            self.classic_histograms(vector, &call.args[2])
                .into_iter()
                .map(|(labels, mut buckets)| Sample {
                    labels: Arc::new(labels),
                    timestamp: step.ts,
                    value: bucket_fraction(lower, upper, &mut buckets),
                    drop_name: false,
                }),
        );
        self.finish_name_dropping(out)
    }

    /// Separates native histogram samples from float samples. Both at once under one
    /// group would need Prometheus' mixed-histogram warning, not modelled here.
    #[allow(clippy::type_complexity)]
    fn split_native(
        &mut self,
        vector: Vec<Sample>,
        _arg: &Expr,
    ) -> EvalResult<(Vec<Sample>, Vec<(Sample, NativeHistogram)>)> {
        let mut floats = Vec::with_capacity(vector.len());
        let mut native = Vec::new();
        for sample in vector {
            match self.histogram_of(sample.value) {
                Some(histogram) => native.push((sample, histogram)),
                None => floats.push(sample),
            }
        }
        if !native.is_empty() && !floats.is_empty() {
            return Err(super::native_histograms_unsupported());
        }
        Ok((floats, native))
    }

    /// One float per native histogram sample, with the info about NaN observations
    /// where `read` reports one.
    fn native_histogram_values(
        &mut self,
        native: Vec<(Sample, NativeHistogram)>,
        arg: &Expr,
        step: Step,
        read: impl Fn(&NativeHistogram) -> (f64, Option<super::histogram::NanInfo>),
    ) -> Vec<Sample> {
        let mut out = Vec::with_capacity(native.len());
        for (sample, histogram) in native {
            let (value, info) = read(&histogram);
            if let Some(info) = info {
                self.nan_observations_info(info, &sample.labels, arg);
            }
            out.push(Sample {
                value,
                timestamp: step.ts,
                drop_name: false,
                ..sample
            });
        }
        out
    }

    fn nan_observations_info(
        &mut self,
        info: super::histogram::NanInfo,
        labels: &Labels,
        arg: &Expr,
    ) {
        use super::histogram::NanInfo;
        let mut message = match info {
            NanInfo::QuantileNan => "PromQL info: input to histogram_quantile has NaN observations, result is NaN",
            NanInfo::QuantileSkew => "PromQL info: input to histogram_quantile has NaN observations, result is skewed higher",
            NanInfo::FractionNans => "PromQL info: input to histogram_fraction has NaN observations, which are excluded from all fractions",
        }
        .to_owned();
        let name = labels.get(METRIC_NAME);
        if !name.is_empty() {
            message.push_str(&format!(
                " for metric name {}",
                crate::quote::go_quote(name)
            ));
        }
        self.annotate(AnnotationKind::Info, message, arg.span().start);
    }

    /// `histogram_count`, `_sum`, `_avg`, `_stddev` and `_stdvar`: one number read from
    /// each native histogram; float samples are ignored.
    fn histogram_statistic(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let name = call.function.name;
        let alg = self.algorithms();
        let vector = self.eval_vector_any(&call.args[0], step)?;
        let mut out = Vec::with_capacity(vector.len());
        for sample in vector {
            let Some(h) = self.histogram_of(sample.value) else {
                continue;
            };
            let value = match name {
                "histogram_count" => h.count,
                "histogram_sum" => h.sum,
                "histogram_avg" => h.sum / h.count,
                "histogram_stddev" => {
                    super::histogram::variance(&h, |inc, sum, c| alg.kahan(inc, sum, c)).sqrt()
                }
                _ => super::histogram::variance(&h, |inc, sum, c| alg.kahan(inc, sum, c)),
            };
            out.push(Sample {
                value,
                timestamp: step.ts,
                drop_name: false,
                ..sample
            });
        }
        self.finish_name_dropping(out)
    }

    fn histogram_quantiles(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let vector = self.eval_vector(&call.args[0], step)?;
        let label = self.string_arg(call, 1, step)?;
        let mut quantiles = Vec::with_capacity(call.args.len().saturating_sub(2));
        for arg in &call.args[2..] {
            let q = self.eval_scalar(arg, step)?;
            self.check_quantile(q, arg.span().start);
            quantiles.push(q);
        }
        let (vector, native) = self.split_native(vector, &call.args[0])?;
        let histograms = self.classic_histograms(vector, &call.args[0]);
        let mut out = Vec::with_capacity((histograms.len() + native.len()) * quantiles.len());
        for &q in &quantiles {
            let quantile_text = format_open_metrics_float(q);
            let labelled = native
                .iter()
                .map(|(sample, h)| {
                    let labels = Arc::new(sample.labels.with(&label, &quantile_text));
                    (
                        Sample {
                            labels,
                            ..sample.clone()
                        },
                        h.clone(),
                    )
                })
                .collect();
            out.extend(
                self.native_histogram_values(labelled, &call.args[0], step, |h| {
                    super::histogram::quantile(q, h)
                }),
            );
            for (labels, buckets) in &histograms {
                let mut buckets = buckets.clone();
                let (value, forced) = bucket_quantile(q, &mut buckets);
                if let Some(forced) = forced {
                    self.forced_monotonicity_info(labels, &forced, step.ts, &call.args[0]);
                }
                out.push(Sample {
                    labels: Arc::new(labels.with(&label, &quantile_text)),
                    timestamp: step.ts,
                    value,
                    drop_name: false,
                });
            }
        }
        self.finish_name_dropping(out)
    }

    /// Groups classic buckets, warning about malformed `le` labels.
    fn classic_histograms(
        &mut self,
        vector: Vec<Sample>,
        arg: &Expr,
    ) -> Vec<(Labels, Vec<(f64, f64)>)> {
        let histograms = classic_histograms(vector);
        for (name, le) in histograms.malformed {
            let mut message = format!(
                "PromQL warning: bucket label \"le\" is missing or has a malformed value of {}",
                crate::quote::go_quote(&le)
            );
            if self.options.delayed_name_removal && !name.is_empty() {
                message.push_str(&format!(
                    " for metric name {}",
                    crate::quote::go_quote(&name)
                ));
            }
            self.annotate(AnnotationKind::Warning, message, arg.span().start);
        }
        histograms.groups
    }

    fn forced_monotonicity_info(
        &mut self,
        labels: &Labels,
        forced: &ForcedMonotonicity,
        ts: i64,
        arg: &Expr,
    ) {
        let mut message = "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)".to_owned();
        let name = labels.get(METRIC_NAME);
        if self.options.delayed_name_removal && !name.is_empty() {
            message.push_str(&format!(
                " for metric name {}",
                crate::quote::go_quote(name)
            ));
        }
        let time = rfc3339_seconds(ts);
        message.push_str(&format!(
            ", from buckets {} to {}, with a max diff of {}, over 1 samples from {time} to {time}",
            go_format_g(forced.min_bucket),
            go_format_g(forced.max_bucket),
            go_format_g_2(forced.max_diff),
        ));
        self.annotate(AnnotationKind::Info, message, arg.span().start);
    }

    fn vector_function(&mut self, call: &Call, step: Step) -> EvalResult<Value> {
        let name = call.function.name;
        let ts = step.ts;
        let vector = if call.args.is_empty() {
            // Date functions default to `vector(time())`.
            vec![Sample {
                labels: Arc::default(),
                timestamp: ts,
                value: ts as f64 / 1000.0,
                drop_name: false,
            }]
        } else {
            let mut vector = self.eval_vector_any(&call.args[0], step)?;
            if FLOAT_ONLY_FUNCTIONS.contains(&name) {
                vector.retain(|s| !super::is_histogram_value(s.value));
            } else if name != "timestamp" {
                super::reject_histograms(&vector)?;
            }
            vector
        };
        let mut scalars = Vec::new();
        let mut strings = Vec::new();
        for arg in call.args.iter().skip(1) {
            match self.eval(arg, step)? {
                Value::Scalar(v) => scalars.push(v),
                Value::String(s) => strings.push(s),
                other => {
                    return Err(EvalError::failed(format!(
                        "unexpected {} argument to {name}()",
                        other.type_name()
                    )));
                }
            }
        }
        self.apply_vector_function(call, vector, &scalars, &strings, step)
    }

    /// The second half of [`Self::vector_function`], kept apart so that
    /// the recursion above runs in a small stack frame.
    #[inline(never)]
    fn apply_vector_function(
        &mut self,
        call: &Call,
        mut vector: Vec<Sample>,
        scalars: &[f64],
        strings: &[String],
        step: Step,
    ) -> EvalResult<Value> {
        let name = call.function.name;
        let ts = step.ts;
        match name {
            "sort" | "sort_desc" | "sort_by_label" | "sort_by_label_desc"
                if self.start != self.end =>
            {
                self.annotate(
                    AnnotationKind::Warning,
                    "PromQL warning: sort is ineffective for range queries since results are always ordered by labels".to_owned(),
                    call.span.start,
                );
                return Ok(Value::Vector(vector));
            }
            "sort" | "sort_desc" => {
                let descending = name == "sort_desc";
                vector.sort_by(|a, b| sort_order(a.value, b.value, descending));
                return Ok(Value::Vector(vector));
            }
            "sort_by_label" | "sort_by_label_desc" => {
                let descending = name == "sort_by_label_desc";
                vector.sort_by(|a, b| {
                    let mut ordering = std::cmp::Ordering::Equal;
                    for label in strings {
                        ordering = natural_cmp(a.labels.get(label), b.labels.get(label));
                        if ordering.is_ne() {
                            break;
                        }
                    }
                    if ordering.is_eq() {
                        ordering = a.labels.cmp(&b.labels);
                    }
                    if descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                });
                return Ok(Value::Vector(vector));
            }
            "timestamp" => {
                for sample in &mut vector {
                    sample.value = sample.timestamp as f64 / 1000.0;
                    sample.timestamp = ts;
                    self.drop_name(sample);
                }
                self.check_function_output(&vector)?;
                return Ok(Value::Vector(vector));
            }
            _ => {}
        }
        let function: Box<dyn Fn(f64) -> f64> = match name {
            "abs" => Box::new(f64::abs),
            "ceil" => Box::new(f64::ceil),
            "floor" => Box::new(f64::floor),
            "exp" => Box::new(f64::exp),
            "sqrt" => Box::new(f64::sqrt),
            "ln" => Box::new(f64::ln),
            "log2" => Box::new(f64::log2),
            "log10" => Box::new(f64::log10),
            "sin" => Box::new(f64::sin),
            "cos" => Box::new(f64::cos),
            "tan" => Box::new(f64::tan),
            "asin" => Box::new(f64::asin),
            "acos" => Box::new(f64::acos),
            "atan" => Box::new(f64::atan),
            "sinh" => Box::new(f64::sinh),
            "cosh" => Box::new(f64::cosh),
            "tanh" => Box::new(f64::tanh),
            "asinh" => Box::new(f64::asinh),
            "acosh" => Box::new(f64::acosh),
            "atanh" => Box::new(f64::atanh),
            "deg" => Box::new(|v| v * 180.0 / std::f64::consts::PI),
            "rad" => Box::new(|v| v * std::f64::consts::PI / 180.0),
            "sgn" => Box::new(|v: f64| {
                if v < 0.0 {
                    -1.0
                } else if v > 0.0 {
                    1.0
                } else {
                    v
                }
            }),
            "round" => {
                let to_nearest = scalars.first().copied().unwrap_or(1.0);
                let inverse = 1.0 / to_nearest;
                // Go's math.Floor(v*inverse+0.5)/inverse: halves round up.
                Box::new(move |v| (v * inverse + 0.5).floor() / inverse)
            }
            "clamp" => {
                let (low, high) = (scalars[0], scalars[1]);
                if high < low {
                    return Ok(Value::Vector(Vec::new()));
                }
                // Go's Max/Min: a NaN bound makes every result NaN.
                Box::new(move |v: f64| go_max(low, go_min(high, v)))
            }
            "clamp_min" => {
                let low = scalars[0];
                Box::new(move |v: f64| go_max(v, low))
            }
            "clamp_max" => {
                let high = scalars[0];
                Box::new(move |v: f64| go_min(v, high))
            }
            "day_of_month" => Box::new(|v| date_part(v, DatePart::DayOfMonth)),
            "day_of_week" => Box::new(|v| date_part(v, DatePart::DayOfWeek)),
            "day_of_year" => Box::new(|v| date_part(v, DatePart::DayOfYear)),
            "days_in_month" => Box::new(|v| date_part(v, DatePart::DaysInMonth)),
            "hour" => Box::new(|v| date_part(v, DatePart::Hour)),
            "minute" => Box::new(|v| date_part(v, DatePart::Minute)),
            "month" => Box::new(|v| date_part(v, DatePart::Month)),
            "year" => Box::new(|v| date_part(v, DatePart::Year)),
            _ => {
                return Err(EvalError::Unsupported(format!(
                    "function {name}() is not supported yet"
                )));
            }
        };
        let clamp_like = matches!(name, "clamp" | "clamp_min" | "clamp_max");
        for sample in &mut vector {
            sample.value = if clamp_like && sample.value.is_nan() {
                f64::NAN
            } else {
                function(sample.value)
            };
            sample.timestamp = ts;
            self.drop_name(sample);
        }
        self.check_function_output(&vector)?;
        Ok(Value::Vector(vector))
    }

    fn range_function(&mut self, call: &Call, range_arg: usize, step: Step) -> EvalResult<Value> {
        let name = call.function.name;
        let mut scalars = Vec::new();
        for (index, arg) in call.args.iter().enumerate() {
            if index != range_arg {
                scalars.push(self.eval_scalar(arg, step)?);
            }
        }
        // Windows of a plain selector are read into a reused buffer; a
        // subquery's series are computed anyway.
        let mut buffer = std::mem::take(&mut self.window_buffer);
        buffer.clear();
        let (windows, window) = match unwrap_parens(&call.args[range_arg]) {
            Expr::MatrixSelector(matrix) => {
                self.histogram_windows = HISTOGRAM_RANGE_FUNCTIONS.contains(&name)
                    || FLOAT_ONLY_RANGE_FUNCTIONS.contains(&name);
                let result = self.matrix_windows(matrix, step.ts, &mut buffer);
                self.histogram_windows = false;
                let (windows, window) = result?;
                let windows: Vec<(Arc<Labels>, bool, std::ops::Range<usize>)> = windows
                    .into_iter()
                    .map(|(labels, range)| (labels, false, range))
                    .collect();
                (windows, window)
            }
            other => {
                let (series, window) = self.eval_range(other, step)?;
                let mut windows = Vec::with_capacity(series.len());
                for series in series {
                    let start = buffer.len();
                    buffer.extend_from_slice(&series.points);
                    windows.push((series.labels, series.drop_name, start..buffer.len()));
                }
                (windows, window)
            }
        };
        if name == "quantile_over_time" && !windows.is_empty() {
            self.check_quantile(scalars[0], call.args[0].span().start);
        }
        let keeps_name = matches!(name, "last_over_time" | "first_over_time");
        let algorithms = self.algorithms();
        let mut out = Vec::with_capacity(windows.len());
        for (labels, drop_name, range) in windows {
            let points = &buffer[range];
            let histograms = points
                .first()
                .is_some_and(|p| super::is_histogram_value(p.1));
            let value = if histograms {
                let position = call.args[range_arg].span().start;
                self.histogram_range_value(name, &labels, points, window, position)?
            } else {
                range_value(name, points, window, &scalars, step.ts, algorithms)?
            };
            let Some(value) = value else {
                continue;
            };
            if matches!(name, "rate" | "increase") && !histograms {
                self.possible_non_counter_info(&labels, &call.args[range_arg]);
            }
            let mut sample = Sample {
                labels,
                timestamp: step.ts,
                value,
                drop_name,
            };
            if !keeps_name {
                self.drop_name(&mut sample);
            }
            out.push(sample);
        }
        self.window_buffer = buffer;
        self.check_function_output(&out)?;
        Ok(Value::Vector(out))
    }
}

/// Vector functions that read floats only: Prometheus leaves histogram samples out
/// of their results.
const FLOAT_ONLY_FUNCTIONS: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "exp",
    "sqrt",
    "ln",
    "log2",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "deg",
    "rad",
    "sgn",
    "round",
    "clamp",
    "clamp_min",
    "clamp_max",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "days_in_month",
    "hour",
    "minute",
    "month",
    "year",
];

/// Range functions that read windows of native histograms.
const HISTOGRAM_RANGE_FUNCTIONS: &[&str] = &[
    "rate",
    "increase",
    "delta",
    "irate",
    "idelta",
    "sum_over_time",
    "avg_over_time",
    "count_over_time",
    "present_over_time",
    "last_over_time",
    "first_over_time",
    "ts_of_last_over_time",
    "ts_of_first_over_time",
];

/// Range functions that read floats only: a window of histograms gives no result
/// (and no annotation) in Prometheus.
const FLOAT_ONLY_RANGE_FUNCTIONS: &[&str] = &[
    "max_over_time",
    "min_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "mad_over_time",
    "deriv",
    "predict_linear",
];

impl Evaluator<'_> {
    /// A range function over a window of native histograms (one of
    /// [`HISTOGRAM_RANGE_FUNCTIONS`]): a float, a tag, or nothing.
    fn histogram_range_value(
        &mut self,
        name: &str,
        labels: &Labels,
        points: &[(i64, f64)],
        window: Window,
        position: u32,
    ) -> EvalResult<Option<f64>> {
        use super::histogram;
        if let Some(value) = positional_range_value(name, points) {
            return Ok(value);
        }
        if FLOAT_ONLY_RANGE_FUNCTIONS.contains(&name) {
            return Ok(None);
        }
        let value = match name {
            "sum_over_time" | "avg_over_time" => {
                let tags: Vec<f64> = points.iter().map(|p| p.1).collect();
                match self.histogram_total(&tags, name == "avg_over_time")? {
                    Some(total) => Some(self.push_histogram(total)?),
                    None => None,
                }
            }
            "irate" | "idelta" => {
                let [.., (t0, tag0), (t1, tag1)] = points else {
                    return Ok(None);
                };
                let (previous, last) =
                    (self.window_histogram(*tag0)?, self.window_histogram(*tag1)?);
                let is_rate = name == "irate";
                let gauges =
                    [&previous, &last].map(|h| h.counter_reset_hint == CounterResetHint::Gauge);
                // irate of a gauge warns in Prometheus, as do layout changes; neither is
                // modelled.
                if (is_rate && gauges.contains(&true))
                    || previous.schema != last.schema
                    || previous.zero_threshold != last.zero_threshold
                    || previous.custom_values != last.custom_values
                {
                    return Err(super::native_histograms_unsupported());
                }
                if !is_rate && gauges.contains(&false) {
                    self.not_a_gauge_warning(labels, position);
                }
                let mut result = if is_rate && last.counter_reset_hint == CounterResetHint::Reset {
                    last.clone()
                } else {
                    histogram::difference(&last, &previous)
                        .map_err(|_| super::native_histograms_unsupported())?
                };
                if is_rate {
                    result = histogram::scale(&result, (t1 - t0) as f64 / 1000.0, true);
                }
                result.counter_reset_hint = CounterResetHint::Gauge;
                Some(self.push_histogram(result)?)
            }
            "rate" | "increase" | "delta" => {
                if points.len() < 2 {
                    return Ok(None);
                }
                let is_counter = name != "delta";
                let mut window_histograms = Vec::with_capacity(points.len());
                for &(_, tag) in points {
                    window_histograms.push(self.window_histogram(tag)?);
                }
                let first = &window_histograms[0];
                // Prometheus warns about gauges under rate/increase and reconciles
                // differing layouts; neither is modelled.
                let uniform = window_histograms.iter().all(|h| {
                    (!is_counter || h.counter_reset_hint != CounterResetHint::Gauge)
                        && h.schema == first.schema
                        && h.zero_threshold == first.zero_threshold
                        && h.custom_values == first.custom_values
                });
                if !uniform {
                    return Err(super::native_histograms_unsupported());
                }
                let unsupported = |_| super::native_histograms_unsupported();
                let last = &window_histograms[window_histograms.len() - 1];
                let gauge = |h: &NativeHistogram| h.counter_reset_hint == CounterResetHint::Gauge;
                let both_gauges = gauge(first) && gauge(last);
                if !is_counter && !both_gauges {
                    self.not_a_gauge_warning(labels, position);
                }
                let mut result = histogram::combine(last, first, true).map_err(unsupported)?;
                for pair in window_histograms.windows(2) {
                    if is_counter && pair[1].counter_reset_hint == CounterResetHint::Reset {
                        result =
                            histogram::combine(&result, &pair[0], false).map_err(unsupported)?;
                    }
                }
                // The zero point of a counter's count bounds the extrapolation at the start.
                let zero_point = (is_counter && result.count > 0.0 && first.count >= 0.0)
                    .then(|| first.count / result.count);
                let factor = extrapolation_factor(
                    points[0].0,
                    points[points.len() - 1].0,
                    points.len(),
                    window,
                    zero_point,
                    name == "rate",
                    self.algorithms(),
                );
                let mut result = histogram::scale(&result, factor, false);
                result.counter_reset_hint = CounterResetHint::Gauge;
                Some(self.push_histogram(result)?)
            }
            _ => return Err(super::native_histograms_unsupported()),
        };
        Ok(value)
    }

    /// Prometheus' warning for `delta`/`idelta` of histograms not marked as gauges.
    fn not_a_gauge_warning(&mut self, labels: &Labels, position: u32) {
        let metric = crate::quote::go_quote(labels.get(METRIC_NAME));
        self.annotate(
            AnnotationKind::Warning,
            format!("PromQL warning: this native histogram metric is not a gauge: {metric}"),
            position,
        );
    }

    fn window_histogram(&self, tag: f64) -> EvalResult<NativeHistogram> {
        self.histogram_of(tag)
            .ok_or_else(super::native_histograms_unsupported)
    }
}

/// Go's `math.Max` / `math.Min` (NaN wins).
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

/// `sort`/`sort_desc`: NaN always last.
fn sort_order(a: f64, b: f64, descending: bool) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ if descending => b.total_cmp(&a),
        _ => a.total_cmp(&b),
    }
}

/// Natural ordering (digit runs compare by value), as Prometheus'
/// `sort_by_label` does.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (take(a), take(b));
                let (da, db) = (&a[..na], &b[..nb]);
                let trim = |d: &[u8]| {
                    let zeros = d.iter().take_while(|&&c| c == b'0').count();
                    d[zeros..].to_vec()
                };
                let (ta, tb) = (trim(da), trim(db));
                let ordering = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(&tb));
                if ordering.is_ne() {
                    return ordering;
                }
                a = &a[na..];
                b = &b[nb..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

/// Go's `strconv.ParseFloat` for `le` values (accepts `+Inf`, `inf`, ...).
fn parse_go_float(text: &str) -> Result<f64, ()> {
    let lower = text.to_ascii_lowercase();
    match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" => {
            return Ok(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => return Ok(f64::NAN),
        _ => {}
    }
    if text.is_empty() || text.contains('_') {
        return Err(());
    }
    text.parse::<f64>().map_err(|_| ())
}

/// The labels `absent()` reports, from a selector's matchers in order: the first `=` on a
/// label sets it; any later matcher on that label, or a first matcher that is not `=`,
/// removes it as it stands at that point (a later first `=` sets it again).
fn absent_sample(arg: &Expr, ts: i64) -> Sample {
    let selector = match unwrap_parens(arg) {
        Expr::VectorSelector(selector) => Some(selector),
        Expr::MatrixSelector(matrix) => Some(&matrix.selector),
        _ => None,
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(selector) = selector {
        let mut set_once: Vec<&str> = Vec::new();
        for matcher in &selector.matchers {
            if matcher.name == METRIC_NAME {
                continue;
            }
            pairs.retain(|(name, _)| *name != matcher.name);
            if matcher.op == MatchOp::Equal && !set_once.contains(&matcher.name.as_str()) {
                pairs.push((matcher.name.clone(), matcher.value.clone()));
                set_once.push(&matcher.name);
            }
        }
    }
    Sample {
        labels: Arc::new(Labels::from_pairs(pairs)),
        timestamp: ts,
        value: 1.0,
        drop_name: false,
    }
}

/// Groups classic `_bucket` samples by their labels without `le`, in
/// first-seen order; samples whose `le` does not parse are left out.
fn classic_histograms(vector: Vec<Sample>) -> ClassicHistograms {
    let mut groups: Vec<(Labels, Vec<(f64, f64)>)> = Vec::new();
    let mut malformed = Vec::new();
    let mut index: FastMap<Labels, usize> = FastMap::default();
    for sample in vector {
        let Ok(upper) = parse_go_float(sample.labels.get("le")) else {
            malformed.push((
                sample.labels.get(METRIC_NAME).to_owned(),
                sample.labels.get("le").to_owned(),
            ));
            continue;
        };
        let key = sample.labels.filtered(|name| name != "le");
        let slot = match index.get(&key) {
            Some(&slot) => slot,
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, Vec::new()));
                groups.len() - 1
            }
        };
        groups[slot].1.push((upper, sample.value));
    }
    ClassicHistograms { groups, malformed }
}

/// Classic histograms of a vector: bucket lists per label set, and the
/// `(metric name, le)` of samples whose `le` did not parse.
struct ClassicHistograms {
    groups: Vec<(Labels, Vec<(f64, f64)>)>,
    malformed: Vec<(String, String)>,
}

/// Go's `%.2g`.
fn go_format_g_2(value: f64) -> String {
    if !value.is_finite() || value == 0.0 {
        return go_format_g(value);
    }
    let scientific = format!("{value:.1e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..2).contains(&exponent) {
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs());
    }
    let decimals = usize::try_from(1 - exponent).unwrap_or(0);
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `ts` (ms) as RFC 3339 UTC, whole seconds.
fn rfc3339_seconds(ts: i64) -> String {
    let seconds = ts.div_euclid(1000);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let second_of_day = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Where `histogram_quantile` had to force bucket counts monotonic.
struct ForcedMonotonicity {
    min_bucket: f64,
    max_bucket: f64,
    max_diff: f64,
}

/// Prometheus' `FormatOpenMetricsFloat`: Go's shortest `%g`, with `.0`
/// added to finite values that show neither a point nor an exponent.
fn format_open_metrics_float(value: f64) -> String {
    let text = go_format_g(value);
    if !value.is_finite() || text.contains(['.', 'e']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// Prometheus' `almost.Equal`.
fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    const MIN_NORMAL: f64 = f64::MIN_POSITIVE;
    if a.is_nan() && b.is_nan() {
        return true;
    }
    if a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < MIN_NORMAL {
        return diff < epsilon * MIN_NORMAL;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

/// Classic-bucket quantile with Prometheus' monotonicity fix.
fn bucket_quantile(q: f64, buckets: &mut [(f64, f64)]) -> (f64, Option<ForcedMonotonicity>) {
    if q.is_nan() {
        return (f64::NAN, None);
    }
    if q < 0.0 {
        return (f64::NEG_INFINITY, None);
    }
    if q > 1.0 {
        return (f64::INFINITY, None);
    }
    let Some(mut merged) = sorted_coalesced(buckets) else {
        return (f64::NAN, None);
    };
    // Force monotonic counts, ignoring tiny float noise.
    let mut forced: Option<ForcedMonotonicity> = None;
    let mut previous = merged[0].1;
    for bucket in merged.iter_mut().skip(1) {
        let current = bucket.1;
        if current == previous {
            continue;
        }
        if almost_equal(previous, current, SMALL_DELTA_TOLERANCE) {
            bucket.1 = previous;
            continue;
        }
        if current < previous {
            bucket.1 = previous;
            let fix = forced.get_or_insert(ForcedMonotonicity {
                min_bucket: f64::INFINITY,
                max_bucket: f64::NEG_INFINITY,
                max_diff: 0.0,
            });
            fix.min_bucket = fix.min_bucket.min(bucket.0);
            fix.max_bucket = fix.max_bucket.max(bucket.0);
            fix.max_diff = fix.max_diff.max(previous - current);
            continue;
        }
        previous = current;
    }
    (interpolate_quantile(q, &merged), forced)
}

fn interpolate_quantile(q: f64, merged: &[(f64, f64)]) -> f64 {
    if merged.len() < 2 {
        return f64::NAN;
    }
    let observations = merged[merged.len() - 1].1;
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    let b = merged[..merged.len() - 1].partition_point(|bucket| bucket.1 < rank);
    if b == merged.len() - 1 {
        return merged[merged.len() - 2].0;
    }
    if b == 0 && merged[0].0 <= 0.0 {
        return merged[0].0;
    }
    let mut bucket_start = 0.0;
    let bucket_end = merged[b].0;
    let mut count = merged[b].1;
    if b > 0 {
        bucket_start = merged[b - 1].0;
        count -= merged[b - 1].1;
        rank -= merged[b - 1].1;
    }
    bucket_start + (bucket_end - bucket_start) * (rank / count)
}

/// Sorts by upper bound and merges buckets sharing one; `None` when the
/// `+Inf` bucket is missing.
fn sorted_coalesced(buckets: &mut [(f64, f64)]) -> Option<Vec<(f64, f64)>> {
    buckets.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    if buckets.last().is_none_or(|b| b.0 != f64::INFINITY) {
        return None;
    }
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
    for &(upper, count) in buckets.iter() {
        match merged.last_mut() {
            Some(last) if last.0 == upper => last.1 += count,
            _ => merged.push((upper, count)),
        }
    }
    Some(merged)
}

/// The estimated fraction of observations between `lower` and `upper` in
/// classic buckets, interpolating linearly inside a bucket (Prometheus'
/// `BucketFraction`).
fn bucket_fraction(lower: f64, upper: f64, buckets: &mut [(f64, f64)]) -> f64 {
    let Some(buckets) = sorted_coalesced(buckets) else {
        return f64::NAN;
    };
    let count = buckets[buckets.len() - 1].1;
    if count == 0.0 || lower.is_nan() || upper.is_nan() {
        return f64::NAN;
    }
    if lower >= upper {
        return 0.0;
    }
    let (mut rank, mut lower_rank, mut upper_rank) = (0.0, 0.0, 0.0);
    let (mut lower_set, mut upper_set) = (false, false);
    let mut lower_bound = if buckets[0].0 <= 0.0 {
        f64::NEG_INFINITY
    } else {
        0.0
    };
    for (i, &(upper_bound, bucket_count)) in buckets.iter().enumerate() {
        if i > 0 {
            lower_bound = buckets[i - 1].0;
        }
        let interpolate = |v: f64| {
            if lower_bound == f64::NEG_INFINITY {
                return bucket_count;
            }
            rank + (bucket_count - rank) * (v - lower_bound) / (upper_bound - lower_bound)
        };
        if !lower_set && lower_bound >= lower {
            lower_rank = rank;
            lower_set = true;
        }
        if !upper_set && lower_bound >= upper {
            upper_rank = rank;
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        if !lower_set && lower_bound < lower && upper_bound > lower {
            lower_rank = interpolate(lower);
            lower_set = true;
        }
        if !upper_set && lower_bound < upper && upper_bound > upper {
            upper_rank = interpolate(upper);
            upper_set = true;
        }
        if lower_set && upper_set {
            break;
        }
        rank = bucket_count;
    }
    if !lower_set || lower_rank > count {
        lower_rank = count;
    }
    if !upper_set || upper_rank > count {
        upper_rank = count;
    }
    (upper_rank - lower_rank) / count
}

/// Applies a range-vector function to one series; `None` drops it.
/// The range functions that only count, pick or time samples (so floats and
/// histograms alike); `None` for the others.
fn positional_range_value(name: &str, points: &[(i64, f64)]) -> Option<Option<f64>> {
    Some(match name {
        "count_over_time" => Some(points.len() as f64),
        "present_over_time" => Some(1.0),
        "last_over_time" => points.last().map(|p| p.1),
        "first_over_time" => points.first().map(|p| p.1),
        "ts_of_last_over_time" => points.last().map(|p| p.0 as f64 / 1000.0),
        "ts_of_first_over_time" => points.first().map(|p| p.0 as f64 / 1000.0),
        _ => return None,
    })
}

fn range_value(
    name: &str,
    points: &[(i64, f64)],
    window: Window,
    scalars: &[f64],
    ts: i64,
    alg: Algorithms,
) -> EvalResult<Option<f64>> {
    if let Some(value) = positional_range_value(name, points) {
        return Ok(value);
    }
    let values = || points.iter().map(|p| p.1);
    let value = match name {
        "rate" => extrapolated_rate(points, window, true, true, alg),
        "increase" => extrapolated_rate(points, window, true, false, alg),
        "delta" => extrapolated_rate(points, window, false, false, alg),
        "irate" => instant_value(points, true),
        "idelta" => instant_value(points, false),
        "sum_over_time" => {
            let (mut sum, mut c) = (0.0, 0.0);
            for v in values() {
                (sum, c) = alg.kahan(v, sum, c);
            }
            Some(if sum.is_infinite() { sum } else { sum + c })
        }
        "avg_over_time" => Some(average(points, alg)),
        "max_over_time" | "min_over_time" | "ts_of_max_over_time" | "ts_of_min_over_time" => {
            let is_max = name.contains("max");
            let mut best = points[0];
            for &point in points {
                let better = if name.starts_with("ts_of") {
                    if is_max {
                        point.1 >= best.1
                    } else {
                        point.1 <= best.1
                    }
                } else if is_max {
                    point.1 > best.1
                } else {
                    point.1 < best.1
                };
                if better || best.1.is_nan() {
                    best = point;
                }
            }
            Some(if name.starts_with("ts_of") {
                best.0 as f64 / 1000.0
            } else {
                best.1
            })
        }
        "stddev_over_time" | "stdvar_over_time" => {
            let (mut count, mut mean, mut c_mean, mut aux, mut c_aux) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for v in values() {
                count += 1.0;
                let delta = v - (mean + c_mean);
                (mean, c_mean) = alg.kahan(delta / count, mean, c_mean);
                (aux, c_aux) = alg.kahan(delta * (v - (mean + c_mean)), aux, c_aux);
            }
            let variance = (aux + c_aux) / count;
            Some(if name == "stddev_over_time" {
                variance.sqrt()
            } else {
                variance
            })
        }
        "quantile_over_time" => {
            let mut list: Vec<f64> = values().collect();
            Some(quantile(scalars[0], &mut list))
        }
        "mad_over_time" => {
            if values().any(f64::is_nan) {
                Some(f64::NAN)
            } else {
                let mut list: Vec<f64> = values().collect();
                let median = quantile(0.5, &mut list);
                for v in &mut list {
                    *v = (*v - median).abs();
                }
                Some(quantile(0.5, &mut list))
            }
        }
        "changes" => {
            let mut changes = 0.0;
            for pair in points.windows(2) {
                let (previous, current) = (pair[0].1, pair[1].1);
                if current != previous && !(current.is_nan() && previous.is_nan()) {
                    changes += 1.0;
                }
            }
            Some(changes)
        }
        "resets" => Some(
            points
                .windows(2)
                .filter(|pair| pair[1].1 < pair[0].1)
                .count() as f64,
        ),
        "deriv" => {
            if points.len() < 2 {
                None
            } else {
                Some(linear_regression(points, points[0].0, alg).0)
            }
        }
        "predict_linear" => {
            if points.len() < 2 {
                None
            } else {
                let (slope, intercept) = linear_regression(points, ts, alg);
                Some(slope * scalars[0] + intercept)
            }
        }
        "holt_winters" | "double_exponential_smoothing" => {
            let (smoothing, trend) = (scalars[0], scalars[1]);
            if smoothing <= 0.0 || smoothing >= 1.0 {
                return Err(EvalError::failed(format!(
                    "invalid smoothing factor. Expected: 0 < sf < 1, got: {}",
                    go_percent_f(smoothing)
                )));
            }
            if trend <= 0.0 || trend >= 1.0 {
                return Err(EvalError::failed(format!(
                    "invalid trend factor. Expected: 0 < tf < 1, got: {}",
                    go_percent_f(trend)
                )));
            }
            double_exponential_smoothing(points, smoothing, trend)
        }
        _ => {
            return Err(EvalError::Unsupported(format!(
                "function {name}() is not supported yet"
            )));
        }
    };
    Ok(value)
}

/// Go's `%f`.
fn go_percent_f(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{value:.6}")
    }
}

fn average(points: &[(i64, f64)], alg: Algorithms) -> f64 {
    if alg.running_mean {
        return running_average(points, alg);
    }
    let (mut sum, mut count) = (points[0].1, 1.0);
    let (mut mean, mut c) = (0.0, 0.0);
    let mut incremental = false;
    for &(_, v) in &points[1..] {
        count += 1.0;
        if !incremental {
            let (new_sum, new_c) = alg.kahan(v, sum, c);
            if !new_sum.is_infinite() {
                (sum, c) = (new_sum, new_c);
                continue;
            }
            incremental = true;
            mean = sum / (count - 1.0);
            c /= count - 1.0;
        }
        let q = (count - 1.0) / count;
        (mean, c) = alg.kahan(v / count, q * mean, q * c);
    }
    if incremental {
        mean + c
    } else {
        sum / count + c / count
    }
}

/// `avg_over_time` before 3.0: a running mean, compensated, that leaves
/// an infinite mean alone.
fn running_average(points: &[(i64, f64)], alg: Algorithms) -> f64 {
    let (mut mean, mut count, mut c) = (0.0f64, 0.0, 0.0);
    for &(_, v) in points {
        count += 1.0;
        if mean.is_infinite() && (v.is_infinite() && (mean > 0.0) == (v > 0.0) || v.is_finite()) {
            continue;
        }
        (mean, c) = alg.kahan(v / count - mean / count, mean, c);
    }
    if mean.is_infinite() { mean } else { mean + c }
}

fn extrapolated_rate(
    points: &[(i64, f64)],
    window: Window,
    is_counter: bool,
    is_rate: bool,
    alg: Algorithms,
) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let first = points[0];
    let last = points[points.len() - 1];
    let mut result = last.1 - first.1;
    if is_counter {
        for pair in points.windows(2) {
            if pair[1].1 < pair[0].1 {
                result += pair[0].1;
            }
        }
    }
    let zero_point = (is_counter && result > 0.0 && first.1 >= 0.0).then(|| first.1 / result);
    let factor = extrapolation_factor(
        first.0,
        last.0,
        points.len(),
        window,
        zero_point,
        is_rate,
        alg,
    );
    Some(result * factor)
}

/// How much `rate`/`increase`/`delta` scale the change seen between the first and the
/// last sample (at `first_t`, `last_t`; `count` samples) to cover the window: up to the
/// window's edges when samples come close enough to them, and for `rate` per second.
/// `zero_point` is the share of the sampled interval before a counter would have been 0
/// (for float counters only), which bounds the extrapolation at the start.
fn extrapolation_factor(
    first_t: i64,
    last_t: i64,
    count: usize,
    window: Window,
    zero_point: Option<f64>,
    is_rate: bool,
    alg: Algorithms,
) -> f64 {
    let mut duration_to_start = (first_t - window.mint) as f64 / 1000.0;
    let mut duration_to_end = (window.maxt - last_t) as f64 / 1000.0;
    let sampled_interval = (last_t - first_t) as f64 / 1000.0;
    let average_interval = sampled_interval / (count - 1) as f64;
    let threshold = average_interval * 1.1;
    let apply_zero_point = |duration_to_start: &mut f64| {
        if let Some(share) = zero_point {
            let duration_to_zero = sampled_interval * share;
            if duration_to_zero < *duration_to_start {
                *duration_to_start = duration_to_zero;
            }
        }
    };
    if alg.zero_point_first {
        apply_zero_point(&mut duration_to_start);
    }
    if duration_to_start >= threshold {
        duration_to_start = average_interval / 2.0;
    }
    if !alg.zero_point_first {
        apply_zero_point(&mut duration_to_start);
    }
    if duration_to_end >= threshold {
        duration_to_end = average_interval / 2.0;
    }
    let mut factor = 1.0;
    if sampled_interval != 0.0 {
        factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
    }
    if is_rate {
        factor /= window.range_ms as f64 / 1000.0;
    }
    factor
}

fn instant_value(points: &[(i64, f64)], is_rate: bool) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let previous = points[points.len() - 2];
    let last = points[points.len() - 1];
    let interval = last.0 - previous.0;
    if interval == 0 {
        return None;
    }
    let mut result = last.1;
    // A counter reset only when the value went down; NaN is no reset.
    let went_down = last.1.partial_cmp(&previous.1) == Some(std::cmp::Ordering::Less);
    if !is_rate || !went_down {
        result = last.1 - previous.1;
    }
    if is_rate {
        result /= interval as f64 / 1000.0;
    }
    Some(result)
}

fn linear_regression(points: &[(i64, f64)], intercept_time: i64, alg: Algorithms) -> (f64, f64) {
    let (mut n, mut sum_x, mut c_x, mut sum_y, mut c_y) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut sum_xy, mut c_xy, mut sum_x2, mut c_x2) = (0.0, 0.0, 0.0, 0.0);
    let initial = points[0].1;
    let mut constant = true;
    for (index, &(t, v)) in points.iter().enumerate() {
        if constant && index > 0 && v != initial {
            constant = false;
        }
        n += 1.0;
        let x = (t - intercept_time) as f64 / 1e3;
        (sum_x, c_x) = alg.kahan(x, sum_x, c_x);
        (sum_y, c_y) = alg.kahan(v, sum_y, c_y);
        (sum_xy, c_xy) = alg.kahan(x * v, sum_xy, c_xy);
        (sum_x2, c_x2) = alg.kahan(x * x, sum_x2, c_x2);
    }
    if constant {
        if initial.is_infinite() {
            return (f64::NAN, f64::NAN);
        }
        return (0.0, initial);
    }
    sum_x += c_x;
    sum_y += c_y;
    sum_xy += c_xy;
    sum_x2 += c_x2;
    let covariance = sum_xy - sum_x * sum_y / n;
    let variance = sum_x2 - sum_x * sum_x / n;
    let slope = covariance / variance;
    (slope, sum_y / n - slope * sum_x / n)
}

fn double_exponential_smoothing(points: &[(i64, f64)], smoothing: f64, trend: f64) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let (mut s0, mut s1) = (0.0, points[0].1);
    let mut b = points[1].1 - points[0].1;
    for (i, &(_, v)) in points.iter().enumerate().skip(1) {
        let x = smoothing * v;
        if i > 1 {
            b = trend * (s1 - s0) + (1.0 - trend) * b;
        }
        let y = (1.0 - smoothing) * (s1 + b);
        s0 = s1;
        s1 = x + y;
    }
    Some(s1)
}

#[derive(Clone, Copy)]
enum DatePart {
    DayOfMonth,
    DayOfWeek,
    DayOfYear,
    DaysInMonth,
    Hour,
    Minute,
    Month,
    Year,
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn date_part(value: f64, part: DatePart) -> f64 {
    // Go converts with int64(v): out-of-range values are undefined there;
    // saturate here.
    let seconds = value as i64;
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let month_lengths = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let result = match part {
        DatePart::DayOfMonth => i64::from(day),
        DatePart::DayOfWeek => (days + 4).rem_euclid(7),
        DatePart::DayOfYear => {
            month_lengths[..month as usize - 1].iter().sum::<i64>() + i64::from(day)
        }
        DatePart::DaysInMonth => month_lengths[month as usize - 1],
        DatePart::Hour => second_of_day / 3600,
        DatePart::Minute => second_of_day % 3600 / 60,
        DatePart::Month => i64::from(month),
        DatePart::Year => year,
    };
    result as f64
}

/// A string argument whose bytes are not UTF-8 can never be a label name.
fn has_invalid_utf8(arg: &Expr) -> bool {
    match arg {
        Expr::String(literal) => literal.invalid_utf8,
        Expr::Paren(paren) => has_invalid_utf8(&paren.expr),
        _ => false,
    }
}
