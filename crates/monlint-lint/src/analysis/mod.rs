//! Static analysis of PromQL that checks share: which labels a result can carry,
//! which values it can take, and what a metric's name says about it.
//!
//! Everything errs towards "unknown": a check may only report what the analysis proves.

pub mod labels;
pub mod metric;
pub mod range;

use monlint_promql::ast::Expr;

/// Analyses recurse along the tree; past this depth they answer "unknown" rather than
/// risk the stack. The parser already bounds nesting, this keeps the analyses safe on
/// their own.
const MAX_DEPTH: usize = 128;

/// Skips parentheses.
pub fn unparen(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(inner) = expr {
        expr = &inner.expr;
    }
    expr
}

/// The number an expression is written as, through parentheses and a unary sign.
pub fn literal_number(expr: &Expr) -> Option<f64> {
    monlint_promql::with_stack(|| match unparen(expr) {
        Expr::Number(n) => Some(n.value),
        Expr::Unary(u) => {
            let value = literal_number(&u.expr)?;
            Some(match u.op {
                monlint_promql::ast::UnaryOp::Plus => value,
                monlint_promql::ast::UnaryOp::Minus => -value,
            })
        }
        _ => None,
    })
}

/// Functions that change each sample's value and keep its series and labels.
pub const ELEMENTWISE_FUNCTIONS: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "round",
    "clamp",
    "clamp_min",
    "clamp_max",
    "sqrt",
    "exp",
    "ln",
    "log2",
    "log10",
    "sgn",
];

/// Functions that rewrite labels and keep every series and its value.
pub const LABEL_FUNCTIONS: &[&str] = &["label_replace", "label_join"];
