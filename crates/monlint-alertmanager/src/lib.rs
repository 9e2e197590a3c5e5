//! Alertmanager configuration: the model with positions (`model`), its strict loader
//! with amtool's `check-config` rules (`load`), label matchers in the classic and the
//! UTF-8 syntax (`matcher`), the routing engine (`routing`), inhibition (`inhibit`) and
//! amtool's tree printer (`tree`), secret values in text that does not parse (`redact`).
//!
//! Pure: no IO, no printing. Loading never fails; it returns the model and the
//! problems found, each with a span.

pub mod implication;
pub mod inhibit;
pub mod load;
pub mod matcher;
pub mod model;
pub mod operator;
pub mod placeholder;
pub mod redact;
pub mod routetest;
pub mod routing;
mod schema;
pub mod tree;

pub use load::{Problem, ProblemKind, load};
pub use model::Config;

use monlint_core::Version;

/// The newest Alertmanager release whose configuration monlint models; the default target.
pub const LATEST: Version = Version::new(0, 34);
/// The oldest release monlint can target.
pub const OLDEST: Version = Version::new(0, 20);

/// The functions Alertmanager's notification templates may call (the union over releases).
pub const TEMPLATE_FUNCTIONS: &[&str] = &[
    "toUpper",
    "toLower",
    "title",
    "trimSpace",
    "join",
    "match",
    "safeHtml",
    "safeUrl",
    "urlUnescape",
    "reReplaceAll",
    "stringSlice",
    "date",
    "tz",
    "since",
    "humanizeDuration",
    "toJson",
    "list",
    "append",
    "dict",
];
