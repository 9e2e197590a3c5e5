//! Grafana dashboards: a model that remembers where every value is written in the file,
//! loaded from the classic JSON model (any `schemaVersion`, exports with `__inputs`),
//! Kubernetes-style objects (classic `spec` or the v2 schema) and dashboards embedded as
//! JSON strings in ConfigMaps; and template variables expanded so panel queries parse as
//! PromQL with their positions kept.
//!
//! JSON is read by `monlint_core::yaml` (JSON is YAML flow), so the JSON string escapes
//! map back to the file like any other scalar. Pure: no IO.

pub mod expand;
pub mod load;
pub mod model;

pub use load::{is_dashboard_document, load, variable_name};
pub use model::*;
