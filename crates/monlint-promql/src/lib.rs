//! PromQL parsing with byte spans and Prometheus' own error messages.
//!
//! [`parse`] turns an expression into an [`ast::Expr`] whose every node
//! knows its source span, so lint checks can point at sub-expressions. The
//! grammar, the function set and the error texts follow the targeted
//! Prometheus release ([`ParseOptions::version`]); errors print exactly as
//! Prometheus prints them through [`ParseError::prometheus_text`].
//!
//! What follows the version: the lexer generations (before 2.54 only
//! durations in brackets; 2.54 numbers as durations; 3.4 duration
//! expressions), the function table (`holt_winters` until 3.0, experimental
//! functions behind [`ParseOptions::experimental_functions`]), UTF-8 names
//! (3.0), and the "expected ..." lists of error messages. Regex matchers are
//! checked with Go's `regexp/syntax` error texts.
//!
//! Not modelled: the 3.x experimental syntax behind feature flags other than
//! experimental functions (duration arithmetic, `fill()` modifiers,
//! `anchored`/`smoothed`, `</` and `>/`) is refused with Prometheus' "not
//! enabled" message or as unexpected input; `\p{..}` script names are
//! checked by shape only; byte escapes forming invalid UTF-8 decode to U+FFFD
//! (the literal keeps a flag, so label functions refuse such names as Go does).
//! Inputs nested deeper than [`MAX_DEPTH`] are refused.
//!
//! ```
//! use monlint_promql::{parse, ParseOptions};
//!
//! let expr = parse("sum(rate(x[5m])) by (job)", &ParseOptions::default()).unwrap();
//! assert_eq!(expr.to_string(), "sum by (job) (rate(x[5m]))");
//! ```

pub mod ast;
mod check;
pub mod eval;
pub mod functions;
mod lexer;
mod numbers;
mod parser;
pub mod promqltest;
mod quote;
pub mod series;

pub use parser::{MAX_DEPTH, ParseError, ParseOptions, parse};
pub use quote::go_quote;

use monlint_core::goregex::{self, GoRelease};

/// Compiles a label-matcher pattern the way Go programs such as Alertmanager do
/// (`regexp.Compile("^(?:" + pattern + ")$")`, RE2 syntax, ASCII Perl classes, `.`
/// not matching a newline). The error is Go's text.
pub fn compile_go_anchored_regex(pattern: &str) -> Result<::regex::Regex, String> {
    goregex::compile(&format!("^(?:{pattern})$"), GoRelease::Go1_19)
}

/// Like [`compile_go_anchored_regex`], for a pattern that must be a whole expression on
/// its own: `a)|(b` is refused here, where the anchoring group would balance it.
pub fn compile_standalone_anchored_regex(pattern: &str) -> Result<::regex::Regex, String> {
    goregex::translate(pattern, GoRelease::Go1_19)?;
    compile_go_anchored_regex(pattern)
}

/// Stack a recursive walker keeps free before descending a level.
const STACK_RED_ZONE: usize = 256 * 1024;
/// Stack added, on the heap, when the free stack runs below [`STACK_RED_ZONE`].
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

/// Runs one level of a recursive walk over an expression, growing the stack
/// on the heap when little is left. Prometheus accepts a flat chain of any
/// length (`up or up or ...`), which is a tree as deep as the chain; every
/// recursive walker over [`ast::Expr`] descends through this.
pub fn with_stack<R>(level: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, level)
}
