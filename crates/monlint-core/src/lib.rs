//! monlint's shared foundation: spans, target versions, source files,
//! diagnostics and their rendering, YAML with positions, Kubernetes objects in a YAML
//! stream, Prometheus durations and name rules.
//!
//! This crate does no IO and prints nothing: callers hand it text and get
//! values (or rendered bytes) back.

pub mod diagnostic;
pub mod duration;
pub mod goregex;
pub mod kubernetes;
pub mod names;
pub mod render;
pub mod source;
pub mod span;
pub mod version;
pub mod yaml;

pub use diagnostic::{Category, Check, Diagnostic, Label, Severity};
pub use duration::Duration;
pub use source::{FileId, LineCol, SourceFile, Sources};
pub use span::Span;
pub use version::Version;
