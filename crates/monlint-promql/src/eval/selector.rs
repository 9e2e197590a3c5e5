//! Series selection: matchers compiled once per query, instant samples by
//! lookback and range windows by binary search.

use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;

use super::labels::METRIC_NAME;
use super::{EvalError, EvalResult, Evaluator, Sample, Series, Window};
use crate::ast::{MatchOp, MatrixSelector, VectorSelector};
use crate::series::is_stale_nan;

/// Matching series (storage indices, in label order) per selector node.
#[derive(Default)]
pub(crate) struct SelectorCache {
    matched: HashMap<usize, Arc<Vec<usize>>>,
}

enum Matcher<'a> {
    Equal(&'a str, &'a str),
    NotEqual(&'a str, &'a str),
    Regex(&'a str, Regex, bool),
}

impl Matcher<'_> {
    fn matches(&self, labels: &super::Labels) -> bool {
        match self {
            Matcher::Equal(name, value) => labels.get(name) == *value,
            Matcher::NotEqual(name, value) => labels.get(name) != *value,
            Matcher::Regex(name, regex, positive) => regex.is_match(labels.get(name)) == *positive,
        }
    }
}

/// Compiles a label-matcher regex as Prometheus does: fully anchored, and
/// in 3.x with `.` matching newlines.
pub(crate) fn compile_anchored(pattern: &str, dot_matches_newline: bool) -> EvalResult<Regex> {
    let flags = if dot_matches_newline { "(?s)" } else { "" };
    Regex::new(&format!("^{flags}(?:{pattern})$"))
        .map_err(|error| EvalError::failed(format!("error parsing regexp {pattern:?}: {error}")))
}

impl Evaluator<'_> {
    fn matching_series(&mut self, selector: &VectorSelector) -> EvalResult<Arc<Vec<usize>>> {
        let key = std::ptr::from_ref(selector) as usize;
        if let Some(found) = self.selectors.matched.get(&key) {
            return Ok(Arc::clone(found));
        }
        let dot_all = self.is_prometheus_3();
        let mut matchers = Vec::with_capacity(selector.matchers.len() + 1);
        if let Some(name) = &selector.name {
            matchers.push(Matcher::Equal(METRIC_NAME, name));
        }
        for matcher in &selector.matchers {
            matchers.push(match matcher.op {
                MatchOp::Equal => Matcher::Equal(&matcher.name, &matcher.value),
                MatchOp::NotEqual => Matcher::NotEqual(&matcher.name, &matcher.value),
                MatchOp::Regex => Matcher::Regex(
                    &matcher.name,
                    compile_anchored(&matcher.value, dot_all)?,
                    true,
                ),
                MatchOp::NotRegex => Matcher::Regex(
                    &matcher.name,
                    compile_anchored(&matcher.value, dot_all)?,
                    false,
                ),
            });
        }
        let all = self.storage.series();
        let mut indices: Vec<usize> = (0..all.len())
            .filter(|&i| matchers.iter().all(|m| m.matches(&all[i].labels)))
            .collect();
        indices.sort_by(|&a, &b| all[a].labels.cmp(&all[b].labels));
        let indices = Arc::new(indices);
        self.selectors.matched.insert(key, Arc::clone(&indices));
        Ok(indices)
    }

    pub(super) fn vector_selector(
        &mut self,
        selector: &VectorSelector,
        ts: i64,
    ) -> EvalResult<Vec<Sample>> {
        let reference = self.modified_time(ts, selector.at, selector.offset);
        let lookback_start = reference.saturating_sub(self.options.lookback_delta_ms);
        let left_open = self.is_prometheus_3();
        let indices = self.matching_series(selector)?;
        let mut out = Vec::with_capacity(indices.len());
        for &index in indices.iter() {
            let series = &self.storage.series()[index];
            let upto = series.timestamps.partition_point(|&t| t <= reference);
            let float = upto
                .checked_sub(1)
                .map(|i| (series.timestamps[i], series.values[i]));
            let in_lookback = |t: i64| {
                if left_open {
                    t > lookback_start
                } else {
                    t >= lookback_start
                }
            };
            let lookback_edge = lookback_start.saturating_sub(i64::from(!left_open));
            let histogram_after = float.map_or(lookback_edge, |f| f.0.max(lookback_edge));
            if series.has_histogram_in(histogram_after, reference) {
                return Err(super::native_histograms_unsupported());
            }
            let Some((t, value)) = float else { continue };
            if !in_lookback(t) || is_stale_nan(value) {
                continue;
            }
            out.push(Sample {
                labels: Arc::clone(&series.labels),
                timestamp: t,
                value,
                drop_name: false,
            });
        }
        self.count_samples(out.len())?;
        Ok(out)
    }

    pub(super) fn matrix_selector(
        &mut self,
        matrix: &MatrixSelector,
        ts: i64,
    ) -> EvalResult<(Vec<Series>, Window)> {
        let selector = &matrix.selector;
        let maxt = self.modified_time(ts, selector.at, selector.offset);
        let range = i64::try_from(matrix.range.millis()).unwrap_or(i64::MAX);
        let mint = maxt.saturating_sub(range);
        let left_open = self.is_prometheus_3();
        let indices = self.matching_series(selector)?;
        let mut out = Vec::new();
        let mut loaded = 0usize;
        for &index in indices.iter() {
            let series = &self.storage.series()[index];
            let first = if left_open {
                series.timestamps.partition_point(|&t| t <= mint)
            } else {
                series.timestamps.partition_point(|&t| t < mint)
            };
            let end = series.timestamps.partition_point(|&t| t <= maxt);
            let histogram_from = if left_open {
                mint
            } else {
                mint.saturating_sub(1)
            };
            if series.has_histogram_in(histogram_from, maxt) {
                return Err(super::native_histograms_unsupported());
            }
            if first >= end {
                continue;
            }
            let points: Vec<(i64, f64)> = series.timestamps[first..end]
                .iter()
                .zip(&series.values[first..end])
                .filter(|(_, v)| !is_stale_nan(**v))
                .map(|(&t, &v)| (t, v))
                .collect();
            if points.is_empty() {
                continue;
            }
            loaded += points.len();
            if self.samples_in_step.saturating_add(loaded) > self.options.max_samples {
                return Err(EvalError::failed(super::TOO_MANY_SAMPLES));
            }
            out.push(Series {
                labels: Arc::clone(&series.labels),
                points,
                drop_name: false,
            });
        }
        self.count_samples(loaded)?;
        Ok((
            out,
            Window {
                mint,
                maxt,
                range_ms: range,
            },
        ))
    }
}
