//! Series selection: matchers compiled once per query, instant samples by
//! lookback and range windows by binary search.

use std::ops::Range;
use std::sync::Arc;

use monlint_core::goregex::{self, GoRelease};
use regex::Regex;

use super::labels::{FastMap, METRIC_NAME};
use super::{EvalError, EvalResult, Evaluator, Sample, Series, Window};
use crate::ast::{MatchOp, MatrixSelector, VectorSelector};
use crate::series::is_stale_nan;

/// Per selector node: the series it matches and, per series, the sample
/// positions found at the previous step, from which the next step's search
/// starts. Kept across the steps of one query and, through [`super::QueryState`],
/// across the instant queries of a replay, so a step costs what its windows
/// hold, not what the series' history holds.
#[derive(Default)]
pub(crate) struct SelectorCache {
    selectors: FastMap<usize, SelectorState>,
}

/// One selector's matches and cursors.
struct SelectorState {
    matchers: Vec<OwnedMatcher>,
    /// Storage series looked at so far: storage only ever appends series, so
    /// those after this are the only ones that may newly match.
    examined: usize,
    /// Matching storage indices, in label-set order.
    series: Vec<usize>,
    /// Per matching series: the end of the previous window (first sample after it).
    ends: Vec<usize>,
    /// Per matching series: the start of the previous range window.
    starts: Vec<usize>,
}

impl SelectorState {
    /// Takes in the series added to `storage` since the last look, keeping
    /// label-set order (and each series' cursors beside it).
    fn catch_up(&mut self, storage: &super::Storage) {
        let all = storage.series();
        for index in self.examined..all.len() {
            let labels = &all[index].labels;
            if !self.matchers.iter().all(|m| m.matches(labels)) {
                continue;
            }
            let position = self
                .series
                .partition_point(|&other| *all[other].labels < **labels);
            self.series.insert(position, index);
            self.ends.insert(position, 0);
            self.starts.insert(position, 0);
        }
        self.examined = all.len();
    }
}

/// A series' labels and its window's points in a shared buffer.
pub(super) type SeriesWindow = (Arc<super::Labels>, Range<usize>);

/// `times.partition_point(pred)` for a monotone `pred`, searching from
/// `hint` outwards: galloping forward when the boundary moved ahead,
/// binary search below `hint` when it moved back.
fn seek(times: &[i64], hint: usize, pred: impl Fn(i64) -> bool) -> usize {
    let len = times.len();
    let hint = hint.min(len);
    if hint > 0 && !pred(times[hint - 1]) {
        return times[..hint].partition_point(|&t| pred(t));
    }
    // Everything before `low` satisfies `pred`.
    let mut low = hint;
    let mut step = 1usize;
    let high = loop {
        let probe = low.saturating_add(step);
        if probe >= len {
            break len;
        }
        if pred(times[probe]) {
            low = probe + 1;
            step = step.saturating_mul(2);
        } else {
            break probe;
        }
    };
    low + times[low..high].partition_point(|&t| pred(t))
}

/// A label matcher with its regex compiled, owned so that it outlives the
/// query that compiled it.
enum OwnedMatcher {
    Equal(String, String),
    NotEqual(String, String),
    Regex(String, Regex, bool),
}

impl OwnedMatcher {
    fn matches(&self, labels: &super::Labels) -> bool {
        match self {
            OwnedMatcher::Equal(name, value) => labels.get(name) == value,
            OwnedMatcher::NotEqual(name, value) => labels.get(name) != value,
            OwnedMatcher::Regex(name, regex, positive) => {
                regex.is_match(labels.get(name)) == *positive
            }
        }
    }
}

/// Compiles a label-matcher regex as Prometheus does: fully anchored, and
/// in 3.x with `.` matching newlines; Go's syntax and error text.
pub(crate) fn compile_anchored(pattern: &str, prometheus_3: bool) -> EvalResult<Regex> {
    let compiled = if prometheus_3 {
        goregex::compile(&format!("^(?s:{pattern})$"), GoRelease::Go1_22)
    } else {
        goregex::compile(&format!("^(?:{pattern})$"), GoRelease::Go1_19)
    };
    compiled.map_err(EvalError::failed)
}

impl Evaluator<'_> {
    /// The selector's state, brought up to date with the storage; taken out of
    /// the cache, to be put back with [`Evaluator::keep_selector`].
    fn take_selector(&mut self, selector: &VectorSelector) -> EvalResult<SelectorState> {
        let key = std::ptr::from_ref(selector) as usize;
        if let Some(mut state) = self.state.selectors.selectors.remove(&key) {
            state.catch_up(self.storage);
            return Ok(state);
        }
        let dot_all = self.is_prometheus_3();
        let mut matchers = Vec::with_capacity(selector.matchers.len() + 1);
        if let Some(name) = &selector.name {
            matchers.push(OwnedMatcher::Equal(METRIC_NAME.to_owned(), name.clone()));
        }
        for matcher in &selector.matchers {
            let name = matcher.name.clone();
            matchers.push(match matcher.op {
                MatchOp::Equal => OwnedMatcher::Equal(name, matcher.value.clone()),
                MatchOp::NotEqual => OwnedMatcher::NotEqual(name, matcher.value.clone()),
                MatchOp::Regex => {
                    OwnedMatcher::Regex(name, compile_anchored(&matcher.value, dot_all)?, true)
                }
                MatchOp::NotRegex => {
                    OwnedMatcher::Regex(name, compile_anchored(&matcher.value, dot_all)?, false)
                }
            });
        }
        let all = self.storage.series();
        let matches = |&i: &usize| matchers.iter().all(|m| m.matches(&all[i].labels));
        let name = selector.name.as_deref().or_else(|| {
            selector
                .matchers
                .iter()
                .find(|m| m.op == MatchOp::Equal && m.name == METRIC_NAME)
                .map(|m| m.value.as_str())
        });
        let series: Vec<usize> = match name {
            // Already in label-set order.
            Some(name) => {
                let named = self.storage.series_named(name);
                let mut indices = Vec::with_capacity(named.len());
                indices.extend(named.iter().copied().filter(matches));
                indices
            }
            None => {
                let mut indices: Vec<usize> = (0..all.len()).filter(matches).collect();
                indices.sort_by(|&a, &b| all[a].labels.cmp(&all[b].labels));
                indices
            }
        };
        Ok(SelectorState {
            matchers,
            examined: all.len(),
            ends: vec![0; series.len()],
            starts: vec![0; series.len()],
            series,
        })
    }

    fn keep_selector(&mut self, selector: &VectorSelector, state: SelectorState) {
        let key = std::ptr::from_ref(selector) as usize;
        self.state.selectors.selectors.insert(key, state);
    }

    pub(super) fn vector_selector(
        &mut self,
        selector: &VectorSelector,
        ts: i64,
    ) -> EvalResult<Vec<Sample>> {
        let reference = self.modified_time(ts, selector.at, selector.offset);
        let lookback_start = reference.saturating_sub(self.options.lookback_delta_ms);
        let left_open = self.is_prometheus_3();
        let mut state = self.take_selector(selector)?;
        let mut out = Vec::with_capacity(state.series.len());
        for (slot, &index) in state.series.iter().enumerate() {
            let series = &self.storage.series()[index];
            let upto = seek(&series.timestamps, state.ends[slot], |t| t <= reference);
            state.ends[slot] = upto;
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
                // The newest sample is a histogram: it travels as a tagged value.
                let newest = series
                    .histogram_timestamps
                    .partition_point(|&t| t <= reference)
                    - 1;
                let Some(tag) = super::histogram_tag(index, newest) else {
                    self.keep_selector(selector, state);
                    return Err(super::native_histograms_unsupported());
                };
                out.push(Sample {
                    labels: Arc::clone(&series.labels),
                    timestamp: series.histogram_timestamps[newest],
                    value: tag,
                    drop_name: false,
                });
                continue;
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
        self.keep_selector(selector, state);
        self.count_samples(out.len())?;
        Ok(out)
    }

    /// The range of a matrix selector at `ts`, as series windows whose
    /// points are appended to `buffer` (reused across steps); stale markers
    /// are left out and empty windows dropped.
    pub(super) fn matrix_windows(
        &mut self,
        matrix: &MatrixSelector,
        ts: i64,
        buffer: &mut Vec<(i64, f64)>,
    ) -> EvalResult<(Vec<SeriesWindow>, Window)> {
        let selector = &matrix.selector;
        let maxt = self.modified_time(ts, selector.at, selector.offset);
        let range = i64::try_from(matrix.range.millis()).unwrap_or(i64::MAX);
        let mint = maxt.saturating_sub(range);
        let mut state = self.take_selector(selector)?;
        let outcome = self.fill_windows(&mut state, mint, maxt, buffer);
        self.keep_selector(selector, state);
        Ok((
            outcome?,
            Window {
                mint,
                maxt,
                range_ms: range,
            },
        ))
    }

    /// Appends the points of every matching series in `(mint, maxt]` (`[mint,
    /// maxt]` before 3.0) to `buffer`, advancing the selector's cursors.
    fn fill_windows(
        &mut self,
        state: &mut SelectorState,
        mint: i64,
        maxt: i64,
        buffer: &mut Vec<(i64, f64)>,
    ) -> EvalResult<Vec<SeriesWindow>> {
        let left_open = self.is_prometheus_3();
        let SelectorState {
            series: indices,
            starts,
            ends,
            ..
        } = state;
        let mut windows = Vec::new();
        let loaded_before = buffer.len();
        for (slot, &index) in indices.iter().enumerate() {
            let series = &self.storage.series()[index];
            let first = if left_open {
                seek(&series.timestamps, starts[slot], |t| t <= mint)
            } else {
                seek(&series.timestamps, starts[slot], |t| t < mint)
            };
            let end = seek(&series.timestamps, ends[slot].max(first), |t| t <= maxt);
            starts[slot] = first;
            ends[slot] = end;
            let histogram_from = if left_open {
                mint
            } else {
                mint.saturating_sub(1)
            };
            if series.has_histogram_in(histogram_from, maxt) {
                // Histogram-only windows travel as tags to the functions that read
                // them; a window mixing floats and histograms is not modelled.
                if !self.histogram_windows || first < end {
                    return Err(super::native_histograms_unsupported());
                }
                let times = &series.histogram_timestamps;
                let from = times.partition_point(|&t| t <= histogram_from);
                let to = times.partition_point(|&t| t <= maxt);
                let start = buffer.len();
                for (i, &t) in times.iter().enumerate().take(to).skip(from) {
                    let tag = super::histogram_tag(index, i)
                        .ok_or_else(super::native_histograms_unsupported)?;
                    buffer.push((t, tag));
                }
                windows.push((Arc::clone(&series.labels), start..buffer.len()));
                continue;
            }
            if first >= end {
                continue;
            }
            let start = buffer.len();
            buffer.extend(
                series.timestamps[first..end]
                    .iter()
                    .zip(&series.values[first..end])
                    .filter(|(_, v)| !is_stale_nan(**v))
                    .map(|(&t, &v)| (t, v)),
            );
            if buffer.len() > start {
                windows.push((Arc::clone(&series.labels), start..buffer.len()));
            }
            let loaded = buffer.len() - loaded_before;
            if self.samples_in_step.saturating_add(loaded) > self.options.max_samples {
                return Err(EvalError::failed(super::TOO_MANY_SAMPLES));
            }
        }
        self.count_samples(buffer.len() - loaded_before)?;
        Ok(windows)
    }

    pub(super) fn matrix_selector(
        &mut self,
        matrix: &MatrixSelector,
        ts: i64,
    ) -> EvalResult<(Vec<Series>, Window)> {
        let mut buffer = Vec::new();
        let (windows, window) = self.matrix_windows(matrix, ts, &mut buffer)?;
        let series = windows
            .into_iter()
            .map(|(labels, range)| Series {
                labels,
                points: buffer[range].to_vec(),
                drop_name: false,
            })
            .collect();
        Ok((series, window))
    }
}

/// A histogram sample as the TSDB reads it back: without a hint of its own, a sample
/// after another is marked a counter reset or not by comparing the two.
pub(super) fn stored_histogram(
    histograms: &[crate::series::NativeHistogram],
    index: usize,
) -> crate::series::NativeHistogram {
    use crate::series::CounterResetHint;
    let mut histogram = histograms[index].clone();
    if histogram.counter_reset_hint != CounterResetHint::Unknown || index == 0 {
        return histogram;
    }
    let previous = &histograms[index - 1];
    let bucket = |buckets: &[f64], offset: i64, at: i64| {
        usize::try_from(at - offset)
            .ok()
            .and_then(|i| buckets.get(i).copied())
            .unwrap_or(0.0)
    };
    let decreased = |current: &[f64], current_offset: i64, before: &[f64], before_offset: i64| {
        (0..before.len()).any(|i| {
            let at = before_offset + i as i64;
            bucket(current, current_offset, at) < before[i]
        })
    };
    let reset = histogram.schema != previous.schema
        || histogram.count < previous.count
        || histogram.zero_count < previous.zero_count
        || decreased(
            &histogram.buckets,
            histogram.offset,
            &previous.buckets,
            previous.offset,
        )
        || decreased(
            &histogram.negative_buckets,
            histogram.negative_offset,
            &previous.negative_buckets,
            previous.negative_offset,
        );
    histogram.counter_reset_hint = if reset {
        CounterResetHint::Reset
    } else {
        CounterResetHint::NotReset
    };
    histogram
}

#[cfg(test)]
mod tests {
    use super::{compile_anchored, seek};

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        let digits = compile_anchored(r"\d+", true).expect("compiles");
        assert!(digits.is_match("42"));
        assert!(!digits.is_match("\u{0664}\u{0662}"));
        let word = compile_anchored(r"[\w.]+\s\S", true).expect("compiles");
        assert!(word.is_match("a_b.c x"));
        assert!(!word.is_match("é x"));
        assert!(
            compile_anchored(r"a\b.*", true)
                .expect("compiles")
                .is_match("a b")
        );
        assert!(
            compile_anchored(r"\\d", true)
                .expect("compiles")
                .is_match(r"\d")
        );
    }

    #[test]
    fn seek_agrees_with_partition_point_from_any_hint() {
        let times: Vec<i64> = (0..50).map(|i| i * 10).collect();
        for target in -5..510 {
            let expected = times.partition_point(|&t| t <= target);
            for hint in 0..=times.len() + 2 {
                assert_eq!(
                    seek(&times, hint, |t| t <= target),
                    expected,
                    "{target} {hint}"
                );
            }
        }
    }
}
