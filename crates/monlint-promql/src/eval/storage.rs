//! In-memory series storage for replays: each series keeps its float
//! samples as parallel sorted timestamp/value arrays (stale markers
//! included, as the StaleNaN bit pattern) so windows are binary searches.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Labels;
use super::labels::{FastMap, METRIC_NAME};
use crate::series::{NativeHistogram, SeriesValue};

/// One stored series.
#[derive(Clone, Debug, Default)]
pub struct StoredSeries {
    pub labels: Arc<Labels>,
    /// The labels without the metric name, shared by every sample whose
    /// name a function drops.
    pub nameless: Arc<Labels>,
    /// The labels without name, `__type__` and `__unit__` (3.5+).
    pub metadata_free: Arc<Labels>,
    /// Float sample timestamps (ms), strictly increasing once sealed.
    pub timestamps: Vec<i64>,
    pub values: Vec<f64>,
    /// Native histogram samples, read by the evaluator through tagged values.
    pub histogram_timestamps: Vec<i64>,
    pub histograms: Vec<NativeHistogram>,
    sorted: bool,
}

impl StoredSeries {
    /// Whether a histogram sample lies in `(after, upto]`.
    pub fn has_histogram_in(&self, after: i64, upto: i64) -> bool {
        let first = self.histogram_timestamps.partition_point(|&t| t <= after);
        self.histogram_timestamps
            .get(first)
            .is_some_and(|&t| t <= upto)
    }

    fn seal(&mut self) {
        if self.sorted {
            return;
        }
        let mut pairs: Vec<(i64, f64)> = self
            .timestamps
            .iter()
            .copied()
            .zip(self.values.iter().copied())
            .collect();
        // Stable, so that of two samples at one timestamp the later wins.
        pairs.sort_by_key(|&(t, _)| t);
        let mut deduplicated: Vec<(i64, f64)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match deduplicated.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => deduplicated.push(pair),
            }
        }
        self.timestamps = deduplicated.iter().map(|p| p.0).collect();
        self.values = deduplicated.iter().map(|p| p.1).collect();
        let mut histograms: Vec<(i64, NativeHistogram)> = self
            .histogram_timestamps
            .drain(..)
            .zip(self.histograms.drain(..))
            .collect();
        histograms.sort_by_key(|(t, _)| *t);
        for (t, h) in histograms {
            self.histogram_timestamps.push(t);
            self.histograms.push(h);
        }
        self.sorted = true;
    }
}

/// All loaded series, addressable by label set.
#[derive(Debug)]
pub struct Storage {
    /// Names this storage's contents for state kept across queries
    /// ([`super::Query`]): new for each storage, copy and clear.
    epoch: u64,
    series: Vec<StoredSeries>,
    index: FastMap<Arc<Labels>, usize>,
    /// Series indices by metric name, in label-set order, so a selector with a name
    /// looks at its own series only and needs no sorting.
    by_name: HashMap<String, Vec<usize>>,
    /// Series index by the address of any of its label-set Arcs, so
    /// evaluation can recognise label sets it need not rebuild. Built by
    /// [`Storage::seal`]; the Arcs live as long as the storage.
    by_address: FastMap<usize, usize>,
    /// Series were added since `by_address` was built.
    needs_index: bool,
    /// Some series holds samples out of order, to be sorted by [`Storage::seal`].
    needs_sort: bool,
}

/// Why [`Storage::push`] refused a sample, as Prometheus' head refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendError {
    /// Older than the series' newest sample.
    OutOfOrder,
    /// At the newest sample's timestamp with another value.
    Duplicate,
}

/// A number never handed out before in this process.
fn next_epoch() -> u64 {
    static EPOCHS: AtomicU64 = AtomicU64::new(1);
    EPOCHS.fetch_add(1, Ordering::Relaxed)
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            epoch: next_epoch(),
            series: Vec::new(),
            index: FastMap::default(),
            by_name: HashMap::new(),
            by_address: FastMap::default(),
            needs_index: false,
            needs_sort: false,
        }
    }
}

impl Clone for Storage {
    fn clone(&self) -> Self {
        Storage {
            epoch: next_epoch(),
            series: self.series.clone(),
            index: self.index.clone(),
            by_name: self.by_name.clone(),
            by_address: self.by_address.clone(),
            needs_index: self.needs_index,
            needs_sort: self.needs_sort,
        }
    }
}

impl Storage {
    pub fn new() -> Self {
        Storage::default()
    }

    /// Identifies this storage's series list: it changes when the storage is
    /// cleared (series indices then mean other series) and differs between
    /// storages, copies included. Series and samples appended keep it.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn clear(&mut self) {
        self.epoch = next_epoch();
        self.series.clear();
        self.index.clear();
        self.by_name.clear();
        self.by_address.clear();
        self.needs_index = false;
        self.needs_sort = false;
    }

    pub fn series(&self) -> &[StoredSeries] {
        &self.series
    }

    fn entry(&mut self, labels: Labels) -> &mut StoredSeries {
        let index = self.series_id(labels);
        &mut self.series[index]
    }

    /// The index of the series with `labels`, created empty when new.
    pub fn series_id(&mut self, labels: Labels) -> usize {
        // Rule evaluation asks for known series at every step: no allocation for those.
        if let Some(&index) = self.index.get(&labels) {
            return index;
        }
        let labels = Arc::new(labels);
        match self.index.get(&labels) {
            Some(&index) => index,
            None => {
                self.needs_index = true;
                self.series.push(StoredSeries {
                    nameless: Arc::new(labels.without_name()),
                    metadata_free: Arc::new(labels.without_metadata()),
                    labels: Arc::clone(&labels),
                    sorted: true,
                    ..StoredSeries::default()
                });
                let id = self.series.len() - 1;
                let series = &self.series;
                let named = self
                    .by_name
                    .entry(labels.get(METRIC_NAME).to_owned())
                    .or_default();
                let position = named.partition_point(|&other| *series[other].labels < *labels);
                named.insert(position, id);
                self.index.insert(labels, id);
                id
            }
        }
    }

    /// Indices of the series named `name`, ordered by their label sets.
    pub(crate) fn series_named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Appends a float sample to series `id` as Prometheus' head appends it: a sample
    /// older than the newest is refused, and so is one at the newest timestamp unless it
    /// is bit-identical (then it is a no-op). The storage stays sealed.
    pub fn push(&mut self, id: usize, timestamp: i64, value: f64) -> Result<(), AppendError> {
        let series = &mut self.series[id];
        if let Some(&last) = series.timestamps.last() {
            if timestamp < last {
                return Err(AppendError::OutOfOrder);
            }
            if timestamp == last {
                let last_value = series.values[series.values.len() - 1];
                return if last_value.to_bits() == value.to_bits() {
                    Ok(())
                } else {
                    Err(AppendError::Duplicate)
                };
            }
        }
        series.timestamps.push(timestamp);
        series.values.push(value);
        Ok(())
    }

    /// Adds one float sample (a stale marker is a float too).
    pub fn append(&mut self, labels: Labels, timestamp: i64, value: f64) {
        let series = self.entry(labels);
        let out_of_order = series
            .timestamps
            .last()
            .is_some_and(|&last| last >= timestamp);
        series.sorted &= !out_of_order;
        series.timestamps.push(timestamp);
        series.values.push(value);
        self.needs_sort |= out_of_order;
    }

    /// Loads expanded notation values: value `i` at `start + i * interval`.
    pub fn load(&mut self, labels: Labels, start: i64, interval: i64, values: Vec<SeriesValue>) {
        // Loading may reorder; sealing sorts.
        self.needs_sort = true;
        let series = self.entry(labels);
        let mut timestamp = start;
        for value in values {
            match value {
                SeriesValue::Omitted => {}
                SeriesValue::Float(value) => {
                    if series
                        .timestamps
                        .last()
                        .is_some_and(|&last| last >= timestamp)
                    {
                        series.sorted = false;
                    }
                    series.timestamps.push(timestamp);
                    series.values.push(value);
                }
                SeriesValue::Histogram(histogram) => {
                    series.sorted = false;
                    series.histogram_timestamps.push(timestamp);
                    series.histograms.push(*histogram);
                }
            }
            timestamp = timestamp.saturating_add(interval);
        }
    }

    /// Sorts and deduplicates samples appended out of order; queries call
    /// it implicitly through [`Storage::sealed`].
    pub fn seal(&mut self) {
        if self.needs_sort {
            for series in &mut self.series {
                series.seal();
            }
            self.needs_sort = false;
        }
        if self.needs_index {
            self.by_address.clear();
            for (index, series) in self.series.iter().enumerate() {
                self.by_address.insert(address(&series.labels), index);
                self.by_address.insert(address(&series.nameless), index);
                self.by_address
                    .insert(address(&series.metadata_free), index);
            }
            self.needs_index = false;
        }
    }

    /// Whether every series is sorted and ready for queries.
    pub fn sealed(&self) -> bool {
        !self.needs_index && !self.needs_sort
    }

    /// Whether `labels` is one of the storage's own label sets (which live
    /// as long as it does, so their address identifies them).
    pub(crate) fn owns(&self, labels: &Arc<Labels>) -> bool {
        self.by_address.contains_key(&address(labels))
    }

    /// The stored twin of a stored label set without its name (and, when
    /// `metadata`, without `__type__` and `__unit__`).
    pub(crate) fn nameless(&self, labels: &Arc<Labels>, metadata: bool) -> Option<Arc<Labels>> {
        let &index = self.by_address.get(&address(labels))?;
        let series = &self.series[index];
        Some(Arc::clone(if metadata {
            &series.metadata_free
        } else {
            &series.nameless
        }))
    }
}

fn address(labels: &Arc<Labels>) -> usize {
    Arc::as_ptr(labels) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::parse_series_line;

    #[test]
    fn loads_merge_and_sort() {
        let mut storage = Storage::new();
        let (labels, values) = parse_series_line("m 1 _ 3").unwrap();
        storage.load(labels.clone(), 0, 1000, values);
        storage.append(labels, 500, 2.0);
        storage.append(Labels::default(), 0, 1.0);
        storage.seal();
        assert!(storage.sealed());
        let series = &storage.series()[0];
        assert_eq!(series.timestamps, [0, 500, 2000]);
        assert_eq!(series.values, [1.0, 2.0, 3.0]);
    }
}
