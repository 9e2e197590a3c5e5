//! Label sets: sorted by name, compared and printed as Prometheus does.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::quote::go_quote;

/// A multiply-rotate hasher for keys that are already well mixed (label
/// sets carry their own hash) or are addresses; much cheaper than SipHash
/// on the per-step hot paths.
#[derive(Default)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
}

/// A hash map using [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// A hash set using [`FastHasher`].
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

/// The label holding the metric name.
pub const METRIC_NAME: &str = "__name__";

/// The labels Prometheus 3.5+ treats as the metric's identity metadata.
fn is_metadata_label(name: &str) -> bool {
    matches!(name, METRIC_NAME | "__type__" | "__unit__")
}

/// A label set sorted by name, with unique names and no empty values.
/// Its hash is computed once, as label sets are hashed on every step.
#[derive(Clone, Debug)]
pub struct Labels {
    pairs: Vec<(String, String)>,
    hash: u64,
}

impl Default for Labels {
    fn default() -> Self {
        Labels::from_sorted(Vec::new())
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other) || (self.hash == other.hash && self.pairs == other.pairs)
    }
}

impl Eq for Labels {}

impl Hash for Labels {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialOrd for Labels {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Labels {
    /// Prometheus' order: pairwise by name then value, shorter sets first.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.pairs.cmp(&other.pairs)
    }
}

impl Labels {
    /// Builds a set from pairs in any order; a later duplicate name wins
    /// and empty values are dropped, as Prometheus' label builder does.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Labels {
        let mut list: Vec<(String, String)> = Vec::new();
        for (name, value) in pairs {
            match list.iter_mut().find(|(existing, _)| *existing == name) {
                Some(slot) => slot.1 = value,
                None => list.push((name, value)),
            }
        }
        list.retain(|(_, value)| !value.is_empty());
        list.sort();
        Labels::from_sorted(list)
    }

    fn from_sorted(pairs: Vec<(String, String)>) -> Labels {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        pairs.hash(&mut hasher);
        Labels {
            hash: hasher.finish(),
            pairs,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// The value of `name`, or "" when absent (Prometheus' `Get`).
    pub fn get(&self, name: &str) -> &str {
        match self.pairs.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(index) => &self.pairs[index].1,
            Err(_) => "",
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    pub fn with(&self, name: &str, value: &str) -> Labels {
        let mut list = self.pairs.clone();
        match list.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(index) if value.is_empty() => {
                list.remove(index);
            }
            Ok(index) => list[index].1 = value.to_owned(),
            Err(_) if value.is_empty() => {}
            Err(index) => list.insert(index, (name.to_owned(), value.to_owned())),
        }
        Labels::from_sorted(list)
    }

    /// A copy without the metric name.
    pub fn without_name(&self) -> Labels {
        self.filtered(|name| name != METRIC_NAME)
    }

    /// A copy without the name and, as Prometheus 3.5+ drops them with
    /// it, the `__type__` and `__unit__` labels.
    pub fn without_metadata(&self) -> Labels {
        self.filtered(|name| !is_metadata_label(name))
    }

    /// A copy keeping only the labels for which `keep` holds.
    pub fn filtered(&self, keep: impl Fn(&str) -> bool) -> Labels {
        Labels::from_sorted(
            self.pairs
                .iter()
                .filter(|(name, _)| keep(name))
                .cloned()
                .collect(),
        )
    }
}

impl fmt::Display for Labels {
    /// Prometheus' `labels.Labels.String()`: `{a="1", b="2"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (index, (name, value)) in self.pairs.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            if monlint_core::names::is_legacy_label_name(name) {
                f.write_str(name)?;
            } else {
                f.write_str(&go_quote(name))?;
            }
            write!(f, "={}", go_quote(value))?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())))
    }

    #[test]
    fn sorted_deduplicated_and_printed() {
        let set = labels(&[("b", "2"), ("a", "1"), ("b", "3"), ("c", "")]);
        assert_eq!(set.to_string(), r#"{a="1", b="3"}"#);
        assert_eq!(set.get("b"), "3");
        assert_eq!(set.get("c"), "");
        assert_eq!(set.with("a", "").to_string(), r#"{b="3"}"#);
        assert_eq!(set.with("0", "x").to_string(), r#"{"0"="x", a="1", b="3"}"#);
        // Equal sets are equal however they were built.
        assert_eq!(set.with("a", "").with("b", ""), Labels::default());
        assert_eq!(labels(&[("a", "1"), ("b", "3")]), set);
    }
}
