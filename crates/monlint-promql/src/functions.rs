//! The PromQL function table: argument and return types, the Prometheus
//! release that introduced (and possibly removed) each function, and whether
//! Prometheus gates it behind `--enable-feature=promql-experimental-functions`.
//!
//! `since` is exact for functions added in 2.20 or later; older ones are
//! recorded as 2.0. `experimental` reflects the newest modelled release.

use monlint_core::Version;

use crate::ast::ValueType;
use crate::ast::ValueType::{Matrix, Scalar, String as Str, Vector};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    /// Types of the fixed arguments; with `variadic != 0` the last one repeats.
    pub arg_types: &'static [ValueType],
    /// 0: exactly `arg_types`; n > 0: the last argument may be omitted or
    /// repeated up to n times in total; -1: the last argument repeats without limit.
    pub variadic: i32,
    pub return_type: ValueType,
    pub experimental: bool,
    pub since: Version,
    /// The first release without the function (e.g. `holt_winters` in 3.0).
    pub removed_in: Option<Version>,
}

/// A function table entry: not experimental, never removed, unless the builders say so.
const fn function(
    name: &'static str,
    arg_types: &'static [ValueType],
    variadic: i32,
    return_type: ValueType,
    since: (u16, u16),
) -> Function {
    Function {
        name,
        arg_types,
        variadic,
        return_type,
        experimental: false,
        since: Version::new(since.0, since.1),
        removed_in: None,
    }
}

impl Function {
    const fn experimental(self) -> Function {
        Function {
            experimental: true,
            ..self
        }
    }

    const fn removed_in(self, major: u16, minor: u16) -> Function {
        Function {
            removed_in: Some(Version::new(major, minor)),
            ..self
        }
    }

    /// Whether Prometheus `version` knows this function at all.
    pub fn exists_in(&self, version: Version) -> bool {
        version >= self.since && self.removed_in.is_none_or(|removed| version < removed)
    }
}

/// Every function any modelled Prometheus release knows, sorted by name.
pub static FUNCTIONS: &[Function] = &[
    function("abs", &[Vector], 0, Vector, (2, 0)),
    function("absent", &[Vector], 0, Vector, (2, 0)),
    function("absent_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("acos", &[Vector], 0, Vector, (2, 31)),
    function("acosh", &[Vector], 0, Vector, (2, 31)),
    function("asin", &[Vector], 0, Vector, (2, 31)),
    function("asinh", &[Vector], 0, Vector, (2, 31)),
    function("atan", &[Vector], 0, Vector, (2, 31)),
    function("atanh", &[Vector], 0, Vector, (2, 31)),
    function("avg_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("ceil", &[Vector], 0, Vector, (2, 0)),
    function("changes", &[Matrix], 0, Vector, (2, 0)),
    function("clamp", &[Vector, Scalar, Scalar], 0, Vector, (2, 26)),
    function("clamp_max", &[Vector, Scalar], 0, Vector, (2, 0)),
    function("clamp_min", &[Vector, Scalar], 0, Vector, (2, 0)),
    function("cos", &[Vector], 0, Vector, (2, 31)),
    function("cosh", &[Vector], 0, Vector, (2, 31)),
    function("count_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("day_of_month", &[Vector], 1, Vector, (2, 0)),
    function("day_of_week", &[Vector], 1, Vector, (2, 0)),
    function("day_of_year", &[Vector], 1, Vector, (2, 36)),
    function("days_in_month", &[Vector], 1, Vector, (2, 0)),
    function("deg", &[Vector], 0, Vector, (2, 31)),
    function("delta", &[Matrix], 0, Vector, (2, 0)),
    function("deriv", &[Matrix], 0, Vector, (2, 0)),
    function(
        "double_exponential_smoothing",
        &[Matrix, Scalar, Scalar],
        0,
        Vector,
        (3, 0),
    )
    .experimental(),
    function("end", &[], 0, Scalar, (3, 12)).experimental(),
    function("exp", &[Vector], 0, Vector, (2, 0)),
    function("first_over_time", &[Matrix], 0, Vector, (3, 7)),
    function("floor", &[Vector], 0, Vector, (2, 0)),
    function("histogram_avg", &[Vector], 0, Vector, (2, 51)),
    function("histogram_count", &[Vector], 0, Vector, (2, 40)),
    function(
        "histogram_fraction",
        &[Scalar, Scalar, Vector],
        0,
        Vector,
        (2, 40),
    ),
    function("histogram_quantile", &[Scalar, Vector], 0, Vector, (2, 0)),
    function(
        "histogram_quantiles",
        &[Vector, Str, Scalar, Scalar],
        9,
        Vector,
        (3, 11),
    )
    .experimental(),
    function("histogram_stddev", &[Vector], 0, Vector, (2, 47)),
    function("histogram_stdvar", &[Vector], 0, Vector, (2, 47)),
    function("histogram_sum", &[Vector], 0, Vector, (2, 40)),
    function("holt_winters", &[Matrix, Scalar, Scalar], 0, Vector, (2, 0)).removed_in(3, 0),
    function("hour", &[Vector], 1, Vector, (2, 0)),
    function("idelta", &[Matrix], 0, Vector, (2, 0)),
    function("increase", &[Matrix], 0, Vector, (2, 0)),
    function("info", &[Vector, Vector], 1, Vector, (2, 55)).experimental(),
    function("irate", &[Matrix], 0, Vector, (2, 0)),
    function("label_join", &[Vector, Str, Str, Str], -1, Vector, (2, 0)),
    function(
        "label_replace",
        &[Vector, Str, Str, Str, Str],
        0,
        Vector,
        (2, 0),
    ),
    function("last_over_time", &[Matrix], 0, Vector, (2, 26)),
    function("ln", &[Vector], 0, Vector, (2, 0)),
    function("log10", &[Vector], 0, Vector, (2, 0)),
    function("log2", &[Vector], 0, Vector, (2, 0)),
    function("mad_over_time", &[Matrix], 0, Vector, (2, 49)).experimental(),
    function("max_of", &[Scalar, Scalar], 0, Scalar, (3, 13)).experimental(),
    function("max_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("min_of", &[Scalar, Scalar], 0, Scalar, (3, 13)).experimental(),
    function("min_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("minute", &[Vector], 1, Vector, (2, 0)),
    function("month", &[Vector], 1, Vector, (2, 0)),
    function("pi", &[], 0, Scalar, (2, 31)),
    function("predict_linear", &[Matrix, Scalar], 0, Vector, (2, 0)),
    function("present_over_time", &[Matrix], 0, Vector, (2, 29)),
    function("quantile_over_time", &[Scalar, Matrix], 0, Vector, (2, 0)),
    function("rad", &[Vector], 0, Vector, (2, 31)),
    function("range", &[], 0, Scalar, (3, 12)).experimental(),
    function("rate", &[Matrix], 0, Vector, (2, 0)),
    function("resets", &[Matrix], 0, Vector, (2, 0)),
    function("round", &[Vector, Scalar], 1, Vector, (2, 0)),
    function("scalar", &[Vector], 0, Scalar, (2, 0)),
    function("sgn", &[Vector], 0, Vector, (2, 26)),
    function("sin", &[Vector], 0, Vector, (2, 31)),
    function("sinh", &[Vector], 0, Vector, (2, 31)),
    function("sort", &[Vector], 0, Vector, (2, 0)),
    function("sort_by_label", &[Vector, Str], -1, Vector, (2, 49)).experimental(),
    function("sort_by_label_desc", &[Vector, Str], -1, Vector, (2, 49)).experimental(),
    function("sort_desc", &[Vector], 0, Vector, (2, 0)),
    function("sqrt", &[Vector], 0, Vector, (2, 0)),
    function("start", &[], 0, Scalar, (3, 12)).experimental(),
    function("start_timestamp", &[Vector], 0, Vector, (3, 14)).experimental(),
    function("stddev_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("stdvar_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("step", &[], 0, Scalar, (3, 12)).experimental(),
    function("sum_over_time", &[Matrix], 0, Vector, (2, 0)),
    function("tan", &[Vector], 0, Vector, (2, 31)),
    function("tanh", &[Vector], 0, Vector, (2, 31)),
    function("time", &[], 0, Scalar, (2, 0)),
    function("timestamp", &[Vector], 0, Vector, (2, 0)),
    function("ts_of_first_over_time", &[Matrix], 0, Vector, (3, 7)).experimental(),
    function("ts_of_last_over_time", &[Matrix], 0, Vector, (3, 5)).experimental(),
    function("ts_of_max_over_time", &[Matrix], 0, Vector, (3, 5)).experimental(),
    function("ts_of_min_over_time", &[Matrix], 0, Vector, (3, 5)).experimental(),
    function("vector", &[Scalar], 0, Vector, (2, 0)),
    function("year", &[Vector], 1, Vector, (2, 0)),
];

/// Looks a function up by name, whatever the version.
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS
        .binary_search_by(|f| f.name.cmp(name))
        .ok()
        .map(|index| &FUNCTIONS[index])
}

/// Looks a function up as Prometheus `version` would see it.
pub fn lookup_in(name: &str, version: Version) -> Option<&'static Function> {
    lookup(name).filter(|f| f.exists_in(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(FUNCTIONS.windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn versions_gate_functions() {
        assert!(lookup_in("holt_winters", Version::new(2, 42)).is_some());
        assert!(lookup_in("holt_winters", Version::new(3, 0)).is_none());
        assert!(lookup_in("double_exponential_smoothing", Version::new(2, 42)).is_none());
        assert!(lookup_in("double_exponential_smoothing", Version::new(3, 0)).is_some());
        assert!(lookup_in("rate", Version::new(2, 0)).is_some());
        assert!(lookup("no_such_function").is_none());
    }
}
