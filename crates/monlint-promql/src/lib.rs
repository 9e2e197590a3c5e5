//! PromQL parsing with byte spans and Prometheus' own error messages.
//!
//! [`parse`] turns an expression into an [`ast::Expr`] whose every node
//! knows its source span, so lint checks can point at sub-expressions. The
//! grammar, the function set and the error texts follow the targeted
//! Prometheus release ([`ParseOptions::version`]); errors print exactly as
//! Prometheus prints them through [`ParseError::prometheus_text`].
//!
//! ```
//! use monlint_promql::{parse, ParseOptions};
//!
//! let expr = parse("sum(rate(x[5m])) by (job)", &ParseOptions::default()).unwrap();
//! assert_eq!(expr.to_string(), "sum by (job) (rate(x[5m]))");
//! ```

pub mod ast;
mod check;
pub mod functions;
mod lexer;
mod numbers;
mod parser;
mod quote;
mod regex;

pub use parser::{MAX_DEPTH, ParseError, ParseOptions, parse};
