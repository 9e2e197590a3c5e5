//! The type check Prometheus runs after a successful parse (`checkAST`),
//! visiting nodes in the same order so the first error is the same one.

use monlint_core::Span;

use crate::ast::{
    AggregateExpr, AggregateOp, BinaryExpr, Call, Cardinality, Expr, LabelMatcher, MatchOp,
    Subquery, UnaryExpr, ValueType, VectorSelector,
};
use crate::parser::ParseError;
use crate::quote::go_quote;

type CheckResult = Result<ValueType, ParseError>;

pub(crate) fn check(expr: &Expr, input: &str) -> Result<(), ParseError> {
    check_expr(expr, input).map(|_| ())
}

fn expect_type(expr: &Expr, input: &str, want: ValueType, context: &str) -> Result<(), ParseError> {
    let got = check_expr(expr, input)?;
    if got != want {
        return Err(ParseError::new(
            expr.span(),
            format!(
                "expected type {} in {context}, got {}",
                want.documented_name(),
                got.documented_name()
            ),
        ));
    }
    Ok(())
}

// One function per node kind keeps the recursive frame small, which bounds
// the stack used on deep trees (see `MAX_DEPTH`).
// Types are derived bottom-up from the children's results, so the check
// stays linear in the size of the tree.
fn check_expr(expr: &Expr, input: &str) -> CheckResult {
    crate::with_stack(|| {
        match expr {
            Expr::Number(_) | Expr::String(_) => {}
            Expr::VectorSelector(selector) => check_selector(selector)?,
            Expr::MatrixSelector(matrix) => check_selector(&matrix.selector)?,
            Expr::Paren(paren) => return check_expr(&paren.expr, input),
            Expr::Unary(unary) => return check_unary(unary, input),
            Expr::Subquery(subquery) => check_subquery(subquery, input)?,
            Expr::Aggregate(aggregate) => check_aggregate(aggregate, input)?,
            Expr::Call(call) => check_call(call, input)?,
            Expr::Binary(binary) => return check_binary(binary, input),
        }
        Ok(expr.value_type())
    })
}

fn check_unary(unary: &UnaryExpr, input: &str) -> CheckResult {
    let inner = check_expr(&unary.expr, input)?;
    if inner != ValueType::Scalar && inner != ValueType::Vector {
        return Err(ParseError::new(
            unary.span,
            format!(
                "unary expression only allowed on expressions of type scalar or instant vector, got {}",
                go_quote(inner.documented_name())
            ),
        ));
    }
    Ok(inner)
}

fn check_subquery(subquery: &Subquery, input: &str) -> Result<(), ParseError> {
    let inner = check_expr(&subquery.expr, input)?;
    if inner != ValueType::Vector {
        return Err(ParseError::new(
            subquery.span,
            format!(
                "subquery is only allowed on instant vector, got {} instead",
                inner.short_name()
            ),
        ));
    }
    Ok(())
}

fn check_aggregate(aggregate: &AggregateExpr, input: &str) -> Result<(), ParseError> {
    expect_type(
        &aggregate.expr,
        input,
        ValueType::Vector,
        "aggregation expression",
    )?;
    if let Some(param) = &aggregate.param {
        let want = if aggregate.op == AggregateOp::CountValues {
            ValueType::String
        } else {
            ValueType::Scalar
        };
        expect_type(param, input, want, "aggregation parameter")?;
    }
    Ok(())
}

fn check_call(call: &Call, input: &str) -> Result<(), ParseError> {
    let function = call.function;
    let fixed = function.arg_types.len();
    let given = call.args.len();
    let name = go_quote(function.name);
    if function.variadic == 0 {
        if fixed != given {
            return Err(ParseError::new(
                call.span,
                format!("expected {fixed} argument(s) in call to {name}, got {given}"),
            ));
        }
    } else {
        let required = fixed.saturating_sub(1);
        if given < required {
            return Err(ParseError::new(
                call.span,
                format!("expected at least {required} argument(s) in call to {name}, got {given}"),
            ));
        }
        if let Ok(extra) = usize::try_from(function.variadic) {
            let most = required + extra;
            if given > most {
                return Err(ParseError::new(
                    call.span,
                    format!("expected at most {most} argument(s) in call to {name}, got {given}"),
                ));
            }
        }
    }
    // info()'s second argument selects labels of info metrics: it
    // must be a bare `{...}` selector, which may match empty.
    let mut label_selector_arg = None;
    if function.name == "info" {
        if let Some(second) = call.args.get(1) {
            if second.value_type() != ValueType::Vector {
                return Err(ParseError::new(
                    call.span,
                    format!(
                        "expected type instant vector in call to function {name}, got {}",
                        second.value_type().documented_name()
                    ),
                ));
            }
            match second {
                Expr::VectorSelector(selector) if selector.name.is_some() => {
                    return Err(ParseError::new(
                        second.span(),
                        "expected label selectors only, got vector selector instead",
                    ));
                }
                Expr::VectorSelector(_) => label_selector_arg = Some(1),
                _ => {
                    return Err(ParseError::new(
                        second.span(),
                        "expected label selectors only",
                    ));
                }
            }
        }
    }
    for (index, arg) in call.args.iter().enumerate() {
        let Some(&want) = function
            .arg_types
            .get(index)
            .or_else(|| (function.variadic != 0).then(|| function.arg_types.last())?)
        else {
            break;
        };
        let got = if label_selector_arg == Some(index) {
            arg.value_type()
        } else {
            check_expr(arg, input)?
        };
        if got != want {
            return Err(ParseError::new(
                arg.span(),
                format!(
                    "expected type {} in call to function {name}, got {}",
                    want.documented_name(),
                    got.documented_name()
                ),
            ));
        }
    }
    Ok(())
}

/// The operator and its modifiers, trimmed of surrounding whitespace.
fn operator_span(binary: &BinaryExpr, input: &str) -> Span {
    let start = binary.lhs.span().end as usize;
    let end = binary.rhs.span().start as usize;
    let between = input.get(start..end).unwrap_or("");
    let leading = between.len() - between.trim_start().len();
    let trailing = between.len() - between.trim_end().len();
    Span::from_usize(start + leading, end - trailing)
}

fn check_binary(binary: &BinaryExpr, input: &str) -> CheckResult {
    let lhs = check_expr(&binary.lhs, input)?;
    let rhs = check_expr(&binary.rhs, input)?;
    let op = binary.op;
    if binary.return_bool && !op.is_comparison() {
        return Err(ParseError::new(
            operator_span(binary, input),
            "bool modifier can only be used on comparison operators",
        ));
    }
    if op.is_comparison()
        && !binary.return_bool
        && lhs == ValueType::Scalar
        && rhs == ValueType::Scalar
    {
        return Err(ParseError::new(
            operator_span(binary, input),
            "comparisons between scalars must use BOOL modifier",
        ));
    }
    if let Some(matching) = &binary.matching {
        if matching.on {
            if let Some(label) = matching
                .labels
                .iter()
                .find(|label| matching.include.contains(label))
            {
                return Err(ParseError::new(
                    operator_span(binary, input),
                    format!(
                        "label {} must not occur in ON and GROUP clause at once",
                        go_quote(label)
                    ),
                ));
            }
        }
    }
    for (side, side_type) in [(&binary.lhs, lhs), (&binary.rhs, rhs)] {
        if side_type != ValueType::Scalar && side_type != ValueType::Vector {
            return Err(ParseError::new(
                side.span(),
                "binary expression must contain only scalar and instant vector types",
            ));
        }
    }
    let both_vectors = lhs == ValueType::Vector && rhs == ValueType::Vector;
    if let Some(matching) = &binary.matching {
        if !both_vectors {
            if !matching.labels.is_empty() {
                return Err(ParseError::new(
                    binary.span,
                    "vector matching only allowed between instant vectors",
                ));
            }
        } else if op.is_set_operator()
            && matches!(
                matching.card,
                Cardinality::OneToMany | Cardinality::ManyToOne
            )
        {
            return Err(ParseError::new(
                binary.span,
                format!(
                    "no grouping allowed for {} operation",
                    go_quote(op.as_str())
                ),
            ));
        }
    }
    if (lhs == ValueType::Scalar || rhs == ValueType::Scalar) && op.is_set_operator() {
        return Err(ParseError::new(
            binary.span,
            format!(
                "set operator {} not allowed in binary scalar expression",
                go_quote(op.as_str())
            ),
        ));
    }
    Ok(if lhs == ValueType::Scalar && rhs == ValueType::Scalar {
        ValueType::Scalar
    } else {
        ValueType::Vector
    })
}

fn check_selector(selector: &VectorSelector) -> Result<(), ParseError> {
    if let Some(name) = &selector.name {
        if let Some(inner) = selector.matchers.iter().find(|m| m.name == "__name__") {
            return Err(ParseError::new(
                selector.span,
                format!(
                    "metric name must not be set twice: {} or {}",
                    go_quote(name),
                    go_quote(&inner.value)
                ),
            ));
        }
        return Ok(());
    }
    if selector.matchers.iter().all(matches_empty) {
        return Err(ParseError::new(
            selector.span,
            "vector selector must contain at least one non-empty matcher",
        ));
    }
    Ok(())
}

/// Whether the matcher selects series that lack the label entirely.
fn matches_empty(matcher: &LabelMatcher) -> bool {
    match matcher.op {
        MatchOp::Equal => matcher.value.is_empty(),
        MatchOp::NotEqual => !matcher.value.is_empty(),
        MatchOp::Regex => regex_matches_empty(&matcher.value),
        MatchOp::NotRegex => !regex_matches_empty(&matcher.value),
    }
}

/// Whether a (fully anchored) RE2 pattern accepts the empty string. A small
/// structural analysis: alternation, groups, quantifiers, classes, escapes.
/// Patterns it cannot follow are assumed not to match empty.
fn regex_matches_empty(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    alternation_matches_empty(&chars, &mut pos, 0)
}

const MAX_REGEX_DEPTH: usize = 64;

fn alternation_matches_empty(chars: &[char], pos: &mut usize, depth: usize) -> bool {
    let mut any = sequence_matches_empty(chars, pos, depth);
    while *pos < chars.len() && chars[*pos] == '|' {
        *pos += 1;
        any |= sequence_matches_empty(chars, pos, depth);
    }
    any
}

fn sequence_matches_empty(chars: &[char], pos: &mut usize, depth: usize) -> bool {
    let mut all = true;
    while *pos < chars.len() && chars[*pos] != '|' && chars[*pos] != ')' {
        let atom_empty = match chars[*pos] {
            '(' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'?') {
                    // Skip a group flag section such as `(?i)` or `(?:`.
                    while *pos < chars.len() && chars[*pos] != ':' && chars[*pos] != ')' {
                        *pos += 1;
                    }
                    if chars.get(*pos) == Some(&')') {
                        *pos += 1;
                        continue;
                    }
                    *pos += 1;
                }
                let inner =
                    depth >= MAX_REGEX_DEPTH || alternation_matches_empty(chars, pos, depth + 1);
                *pos += 1;
                inner && depth < MAX_REGEX_DEPTH
            }
            '[' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'^') {
                    *pos += 1;
                }
                if chars.get(*pos) == Some(&']') {
                    *pos += 1;
                }
                while *pos < chars.len() && chars[*pos] != ']' {
                    if chars[*pos] == '\\' {
                        *pos += 1;
                    }
                    *pos += 1;
                }
                *pos += 1;
                false
            }
            '\\' => {
                *pos += 2;
                false
            }
            '^' | '$' => {
                *pos += 1;
                true
            }
            _ => {
                *pos += 1;
                false
            }
        };
        let mut element_empty = atom_empty;
        while let Some(&quantifier) = chars.get(*pos) {
            match quantifier {
                '*' | '?' => {
                    element_empty = true;
                    *pos += 1;
                }
                '+' => *pos += 1,
                '{' => {
                    let close = chars[*pos..].iter().position(|&c| c == '}');
                    let Some(close) = close else { break };
                    let body: String = chars[*pos + 1..*pos + close].iter().collect();
                    if body.split(',').next().is_some_and(|min| min.trim() == "0") {
                        element_empty = true;
                    }
                    *pos += close + 1;
                }
                _ => break,
            }
            if chars.get(*pos) == Some(&'?') {
                *pos += 1;
            }
        }
        all &= element_empty;
    }
    all
}

#[cfg(test)]
mod tests {
    use super::regex_matches_empty;

    #[test]
    fn regex_empty_analysis() {
        for empty in ["", ".*", "(a|)", "a?", "(foo)*", "x{0,3}", "(?i)a*", "^$"] {
            assert!(regex_matches_empty(empty), "{empty}");
        }
        for non_empty in [".+", "a", "a|b", "[a-z]*x", "\\d", "foo.*", "(a)+"] {
            assert!(!regex_matches_empty(non_empty), "{non_empty}");
        }
    }
}
