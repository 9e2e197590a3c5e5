//! Prometheus rule files: the model and its loader.

pub mod load;
pub mod model;
