//! monlint's checks: file models, their loaders, and every check, each in its own
//! file under `checks/`, registered once in `registry`.
//!
//! Everything here is pure: text in, diagnostics out. No IO, no printing.

pub mod alertmanager;
pub mod analysis;
pub mod analyze;
pub mod checks;
pub mod classify;
pub mod config;
pub mod dashboards;
pub mod docs;
pub mod documents;
pub mod links;
pub mod policy;
mod read;
pub mod registry;
pub mod rule_tests;
pub mod rules;
pub mod selection;
mod suggest;
mod suppress;

pub use analyze::{FileKind, FileReport, Input, Options, Origin, check_files};
pub use classify::{Skip, SkipReason};
pub use selection::Selection;
