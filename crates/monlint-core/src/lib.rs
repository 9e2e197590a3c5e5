//! monlint's shared foundation: spans, target versions, source files,
//! diagnostics and their rendering, YAML with positions, Prometheus durations.
//!
//! This crate does no IO and prints nothing: callers hand it text and get
//! values back.

pub mod span;
pub mod version;

pub use span::Span;
pub use version::Version;
pub mod yaml;
