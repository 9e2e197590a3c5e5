//! The PromQL syntax tree. Every node carries the byte span of its source
//! text; `Display` prints the canonical form Prometheus' `String()` prints
//! (except that label matchers keep their source order).

use std::fmt;

use monlint_core::{Duration, Span};

use crate::functions::Function;
use crate::quote::go_quote;

/// The type of value an expression evaluates to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    None,
    Scalar,
    Vector,
    Matrix,
    String,
}

impl ValueType {
    /// The name Prometheus uses in messages ("instant vector", "range vector").
    pub fn documented_name(self) -> &'static str {
        match self {
            ValueType::None => "none",
            ValueType::Scalar => "scalar",
            ValueType::Vector => "instant vector",
            ValueType::Matrix => "range vector",
            ValueType::String => "string",
        }
    }

    /// The short name Prometheus' `ValueType` prints ("vector", "matrix").
    pub fn short_name(self) -> &'static str {
        match self {
            ValueType::None => "none",
            ValueType::Scalar => "scalar",
            ValueType::Vector => "vector",
            ValueType::Matrix => "matrix",
            ValueType::String => "string",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(NumberLiteral),
    String(StringLiteral),
    VectorSelector(VectorSelector),
    MatrixSelector(MatrixSelector),
    Subquery(Subquery),
    Paren(ParenExpr),
    Unary(UnaryExpr),
    Binary(BinaryExpr),
    Aggregate(AggregateExpr),
    Call(Call),
}

#[derive(Clone, Debug, PartialEq)]
pub struct NumberLiteral {
    pub value: f64,
    /// Written as a duration (`5m`, a 3.x number literal in seconds).
    pub is_duration: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StringLiteral {
    /// The decoded value (escapes resolved).
    pub value: String,
    /// Byte escapes made invalid UTF-8, which `value` shows as U+FFFD; Prometheus
    /// keeps the raw bytes and refuses them where a label name is expected.
    pub invalid_utf8: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LabelMatcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    pub span: Span,
}

/// The `@` modifier; timestamps are in milliseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtModifier {
    Timestamp(i64),
    Start,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VectorSelector {
    /// The metric name written before the braces.
    pub name: Option<String>,
    /// The matchers inside the braces, in source order; a quoted name alone
    /// (`{"my.metric"}`) is a `__name__` equality matcher here.
    pub matchers: Vec<LabelMatcher>,
    /// Offset in milliseconds; negative offsets look into the future.
    pub offset: Option<i64>,
    pub at: Option<AtModifier>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatrixSelector {
    /// The selected series; its `offset` and `at` apply to the range.
    pub selector: VectorSelector,
    pub range: Duration,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subquery {
    pub expr: Box<Expr>,
    pub range: Duration,
    /// `None` for `[1h:]`: the evaluation interval.
    pub step: Option<Duration>,
    pub offset: Option<i64>,
    pub at: Option<AtModifier>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParenExpr {
    pub expr: Box<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Plus,
    Minus,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnaryExpr {
    pub op: UnaryOp,
    pub expr: Box<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Atan2,
    Eql,
    Neq,
    Gtr,
    Lss,
    Gte,
    Lte,
    And,
    Or,
    Unless,
}

impl BinaryOp {
    /// The comparison that holds with the operands swapped: `a > b` is `b < a`. Other
    /// operators are returned as they are.
    pub fn mirrored(self) -> BinaryOp {
        match self {
            BinaryOp::Gtr => BinaryOp::Lss,
            BinaryOp::Lss => BinaryOp::Gtr,
            BinaryOp::Gte => BinaryOp::Lte,
            BinaryOp::Lte => BinaryOp::Gte,
            other => other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::Atan2 => "atan2",
            BinaryOp::Eql => "==",
            BinaryOp::Neq => "!=",
            BinaryOp::Gtr => ">",
            BinaryOp::Lss => "<",
            BinaryOp::Gte => ">=",
            BinaryOp::Lte => "<=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Unless => "unless",
        }
    }

    /// Binding strength, higher binds tighter; `^` is right-associative.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And | BinaryOp::Unless => 2,
            BinaryOp::Eql
            | BinaryOp::Neq
            | BinaryOp::Gtr
            | BinaryOp::Lss
            | BinaryOp::Gte
            | BinaryOp::Lte => 3,
            BinaryOp::Add | BinaryOp::Sub => 4,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Atan2 => 5,
            BinaryOp::Pow => 6,
        }
    }

    pub fn is_comparison(self) -> bool {
        self.precedence() == 3
    }

    pub fn is_set_operator(self) -> bool {
        matches!(self, BinaryOp::And | BinaryOp::Or | BinaryOp::Unless)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cardinality {
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}

/// `on`/`ignoring` and `group_left`/`group_right` as written.
#[derive(Clone, Debug, PartialEq)]
pub struct VectorMatching {
    /// Cardinality written (`group_left` is many-to-one); set operators
    /// are many-to-many whatever is written.
    pub card: Cardinality,
    /// `on (...)` rather than `ignoring (...)`.
    pub on: bool,
    pub labels: Vec<String>,
    /// The labels listed after `group_left`/`group_right`.
    pub include: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BinaryExpr {
    pub op: BinaryOp,
    pub lhs: Box<Expr>,
    pub rhs: Box<Expr>,
    pub return_bool: bool,
    /// Present when `on`, `ignoring` or a group modifier was written.
    pub matching: Option<VectorMatching>,
    pub span: Span,
}

/// A chain of operators (`up or up or ...`, any length in Prometheus) is a
/// tree as deep as the chain; it is freed with a loop, not a recursion.
impl Drop for BinaryExpr {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        take_binary_operands(self, &mut pending);
        while let Some(mut operand) = pending.pop() {
            if let Expr::Binary(binary) = &mut operand {
                take_binary_operands(binary, &mut pending);
            }
        }
    }
}

fn take_binary_operands(binary: &mut BinaryExpr, pending: &mut Vec<Expr>) {
    let span = binary.span;
    for operand in [&mut binary.lhs, &mut binary.rhs] {
        if matches!(**operand, Expr::Binary(_)) {
            let leaf = Expr::Number(NumberLiteral {
                value: 0.0,
                is_duration: false,
                span,
            });
            pending.push(std::mem::replace(&mut **operand, leaf));
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggregateOp {
    Sum,
    Avg,
    Count,
    Min,
    Max,
    Group,
    Stddev,
    Stdvar,
    Topk,
    Bottomk,
    CountValues,
    Quantile,
    Limitk,
    LimitRatio,
}

impl AggregateOp {
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateOp::Sum => "sum",
            AggregateOp::Avg => "avg",
            AggregateOp::Count => "count",
            AggregateOp::Min => "min",
            AggregateOp::Max => "max",
            AggregateOp::Group => "group",
            AggregateOp::Stddev => "stddev",
            AggregateOp::Stdvar => "stdvar",
            AggregateOp::Topk => "topk",
            AggregateOp::Bottomk => "bottomk",
            AggregateOp::CountValues => "count_values",
            AggregateOp::Quantile => "quantile",
            AggregateOp::Limitk => "limitk",
            AggregateOp::LimitRatio => "limit_ratio",
        }
    }

    /// Whether the aggregation takes a parameter before the expression.
    pub fn has_param(self) -> bool {
        matches!(
            self,
            AggregateOp::Topk
                | AggregateOp::Bottomk
                | AggregateOp::CountValues
                | AggregateOp::Quantile
                | AggregateOp::Limitk
                | AggregateOp::LimitRatio
        )
    }

    /// Gated behind Prometheus' experimental-functions feature flag.
    pub fn is_experimental(self) -> bool {
        matches!(self, AggregateOp::Limitk | AggregateOp::LimitRatio)
    }
}

/// `by (...)` or `without (...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    pub without: bool,
    pub labels: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AggregateExpr {
    pub op: AggregateOp,
    pub expr: Box<Expr>,
    pub param: Option<Box<Expr>>,
    pub grouping: Option<Grouping>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub function: &'static Function,
    pub args: Vec<Expr>,
    pub span: Span,
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Number(e) => e.span,
            Expr::String(e) => e.span,
            Expr::VectorSelector(e) => e.span,
            Expr::MatrixSelector(e) => e.span,
            Expr::Subquery(e) => e.span,
            Expr::Paren(e) => e.span,
            Expr::Unary(e) => e.span,
            Expr::Binary(e) => e.span,
            Expr::Aggregate(e) => e.span,
            Expr::Call(e) => e.span,
        }
    }

    pub(crate) fn span_mut(&mut self) -> &mut Span {
        match self {
            Expr::Number(e) => &mut e.span,
            Expr::String(e) => &mut e.span,
            Expr::VectorSelector(e) => &mut e.span,
            Expr::MatrixSelector(e) => &mut e.span,
            Expr::Subquery(e) => &mut e.span,
            Expr::Paren(e) => &mut e.span,
            Expr::Unary(e) => &mut e.span,
            Expr::Binary(e) => &mut e.span,
            Expr::Aggregate(e) => &mut e.span,
            Expr::Call(e) => &mut e.span,
        }
    }

    pub fn value_type(&self) -> ValueType {
        crate::with_stack(|| match self {
            Expr::Number(_) => ValueType::Scalar,
            Expr::String(_) => ValueType::String,
            Expr::VectorSelector(_) | Expr::Aggregate(_) => ValueType::Vector,
            Expr::MatrixSelector(_) | Expr::Subquery(_) => ValueType::Matrix,
            Expr::Paren(e) => e.expr.value_type(),
            Expr::Unary(e) => e.expr.value_type(),
            Expr::Binary(e) => {
                if e.lhs.value_type() == ValueType::Scalar
                    && e.rhs.value_type() == ValueType::Scalar
                {
                    ValueType::Scalar
                } else {
                    ValueType::Vector
                }
            }
            Expr::Call(e) => e.function.return_type,
        })
    }

    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Number(_) | Expr::String(_) | Expr::VectorSelector(_) => Vec::new(),
            Expr::MatrixSelector(_) => Vec::new(),
            Expr::Subquery(e) => vec![&e.expr],
            Expr::Paren(e) => vec![&e.expr],
            Expr::Unary(e) => vec![&e.expr],
            Expr::Binary(e) => vec![&e.lhs, &e.rhs],
            Expr::Aggregate(e) => e.param.iter().map(|p| &**p).chain([&*e.expr]).collect(),
            Expr::Call(e) => e.args.iter().collect(),
        }
    }

    /// Calls `f` on this expression and every sub-expression, parents first.
    /// Iterative, so deep trees cannot overflow the stack.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        let mut stack = vec![self];
        while let Some(expr) = stack.pop() {
            f(expr);
            stack.extend(expr.children().into_iter().rev());
        }
    }

    /// Calls `f` on the selector of every vector and matrix selector in this expression, in
    /// source order. Iterative, like `walk`.
    pub fn walk_selectors(&self, f: &mut impl FnMut(&VectorSelector)) {
        self.walk(&mut |expr| match expr {
            Expr::VectorSelector(selector) => f(selector),
            Expr::MatrixSelector(matrix) => f(&matrix.selector),
            _ => {}
        });
    }

    /// Calls `f` on this expression and every sub-expression, parents first, each
    /// mutably. Iterative, like `walk`.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        let mut stack = vec![self];
        while let Some(expr) = stack.pop() {
            f(expr);
            match expr {
                Expr::Number(_)
                | Expr::String(_)
                | Expr::VectorSelector(_)
                | Expr::MatrixSelector(_) => {}
                Expr::Subquery(e) => stack.push(&mut e.expr),
                Expr::Paren(e) => stack.push(&mut e.expr),
                Expr::Unary(e) => stack.push(&mut e.expr),
                Expr::Binary(e) => stack.extend([&mut *e.rhs, &mut *e.lhs]),
                Expr::Aggregate(e) => {
                    stack.push(&mut e.expr);
                    stack.extend(e.param.as_deref_mut());
                }
                Expr::Call(e) => stack.extend(e.args.iter_mut().rev()),
            }
        }
    }

    /// Every selector's matchers in the order Prometheus prints them (sorted by their
    /// text). Prometheus evaluates a rule by printing its expression and parsing that text
    /// again, so a rule sees its matchers in this order; it only shows in the labels
    /// `absent()` derives from them.
    pub fn sort_matchers_as_printed(&mut self) {
        self.walk_mut(&mut |expr| {
            let selector = match expr {
                Expr::VectorSelector(selector) => selector,
                Expr::MatrixSelector(matrix) => &mut matrix.selector,
                _ => return,
            };
            selector
                .matchers
                .sort_by_cached_key(|matcher| matcher.to_string());
        });
    }
}

fn write_duration(f: &mut fmt::Formatter<'_>, duration: Duration) -> fmt::Result {
    write!(f, "{duration}")
}

fn write_offset(f: &mut fmt::Formatter<'_>, offset: Option<i64>) -> fmt::Result {
    match offset {
        Some(ms) if ms > 0 => write!(f, " offset {}", Duration(ms.unsigned_abs())),
        Some(ms) if ms < 0 => write!(f, " offset -{}", Duration(ms.unsigned_abs())),
        _ => Ok(()),
    }
}

fn write_at(f: &mut fmt::Formatter<'_>, at: Option<AtModifier>) -> fmt::Result {
    match at {
        Some(AtModifier::Timestamp(ms)) => write!(f, " @ {:.3}", ms as f64 / 1000.0),
        Some(AtModifier::Start) => f.write_str(" @ start()"),
        Some(AtModifier::End) => f.write_str(" @ end()"),
        None => Ok(()),
    }
}

/// Label names that are not legacy identifiers are quoted (3.x syntax).
fn write_label_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    if monlint_core::names::is_legacy_label_name(name) {
        f.write_str(name)
    } else {
        f.write_str(&go_quote(name))
    }
}

fn write_label_list(f: &mut fmt::Formatter<'_>, labels: &[String]) -> fmt::Result {
    f.write_str("(")?;
    for (index, label) in labels.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        write_label_name(f, label)?;
    }
    f.write_str(")")
}

/// Go's `strconv.FormatFloat(v, 'f', -1, 64)`, with Prometheus' spelling of
/// infinities and NaN.
pub(crate) fn format_float(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value == f64::INFINITY {
        "+Inf".to_owned()
    } else if value == f64::NEG_INFINITY {
        "-Inf".to_owned()
    } else {
        format!("{value}")
    }
}

impl fmt::Display for NumberLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = (self.value * 1000.0).round();
        if self.is_duration && millis.abs() < 9.0e15 {
            let sign = if millis < 0.0 { "-" } else { "" };
            return write!(f, "{sign}{}", Duration(millis.abs() as u64));
        }
        if self.value == f64::INFINITY {
            // Not Prometheus' `+Inf`: that re-parses as a unary plus, which
            // binds looser than `^` (`+Inf ^ 2` is `+(Inf ^ 2)`).
            return f.write_str("Inf");
        }
        f.write_str(&format_float(self.value))
    }
}

impl fmt::Display for LabelMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_label_name(f, &self.name)?;
        write!(f, "{}{}", self.op.as_str(), go_quote(&self.value))
    }
}

impl fmt::Display for VectorSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_without_modifiers(f)?;
        write_at(f, self.at)?;
        write_offset(f, self.offset)
    }
}

impl VectorSelector {
    fn fmt_without_modifiers(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.name {
            if monlint_core::names::is_legacy_metric_name(name) {
                f.write_str(name)?;
            } else {
                // A 3.x UTF-8 name can only be written inside the braces.
                write!(f, "{{{}", go_quote(name))?;
                for matcher in &self.matchers {
                    write!(f, ", {matcher}")?;
                }
                return f.write_str("}");
            }
        }
        if !self.matchers.is_empty() {
            f.write_str("{")?;
            for (index, matcher) in self.matchers.iter().enumerate() {
                if index > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{matcher}")?;
            }
            f.write_str("}")?;
        }
        Ok(())
    }
}

// Each variant prints in its own function, and children print through
// `Display::fmt` directly rather than `write!`, so the recursion on deep
// trees uses little stack per level (debug builds keep every temporary).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::with_stack(|| match self {
            Expr::Number(e) => fmt::Display::fmt(e, f),
            Expr::String(e) => f.write_str(&go_quote(&e.value)),
            Expr::VectorSelector(e) => fmt::Display::fmt(e, f),
            Expr::MatrixSelector(e) => fmt_matrix(e, f),
            Expr::Subquery(e) => fmt_subquery(e, f),
            Expr::Paren(e) => {
                f.write_str("(")?;
                fmt::Display::fmt(&*e.expr, f)?;
                f.write_str(")")
            }
            Expr::Unary(e) => {
                f.write_str(match e.op {
                    UnaryOp::Plus => "+",
                    UnaryOp::Minus => "-",
                })?;
                fmt::Display::fmt(&*e.expr, f)
            }
            Expr::Binary(e) => fmt_binary(e, f),
            Expr::Aggregate(e) => fmt_aggregate(e, f),
            Expr::Call(e) => fmt_call(e, f),
        })
    }
}

fn fmt_matrix(e: &MatrixSelector, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    e.selector.fmt_without_modifiers(f)?;
    f.write_str("[")?;
    write_duration(f, e.range)?;
    f.write_str("]")?;
    write_at(f, e.selector.at)?;
    write_offset(f, e.selector.offset)
}

fn fmt_subquery(e: &Subquery, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    fmt::Display::fmt(&*e.expr, f)?;
    f.write_str("[")?;
    write_duration(f, e.range)?;
    f.write_str(":")?;
    if let Some(step) = e.step {
        write_duration(f, step)?;
    }
    f.write_str("]")?;
    write_at(f, e.at)?;
    write_offset(f, e.offset)
}

fn fmt_binary(e: &BinaryExpr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    fmt::Display::fmt(&*e.lhs, f)?;
    f.write_str(" ")?;
    f.write_str(e.op.as_str())?;
    if e.return_bool {
        f.write_str(" bool")?;
    }
    if let Some(matching) = &e.matching {
        fmt_matching(matching, f)?;
    }
    f.write_str(" ")?;
    fmt::Display::fmt(&*e.rhs, f)
}

fn fmt_matching(matching: &VectorMatching, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let grouped = matches!(
        matching.card,
        Cardinality::ManyToOne | Cardinality::OneToMany
    );
    if !matching.labels.is_empty() || matching.on || grouped {
        f.write_str(if matching.on { " on " } else { " ignoring " })?;
        write_label_list(f, &matching.labels)?;
    }
    if grouped {
        f.write_str(if matching.card == Cardinality::ManyToOne {
            " group_left "
        } else {
            " group_right "
        })?;
        write_label_list(f, &matching.include)?;
    }
    Ok(())
}

fn fmt_aggregate(e: &AggregateExpr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(e.op.as_str())?;
    if let Some(grouping) = &e.grouping {
        if grouping.without {
            f.write_str(" without ")?;
            write_label_list(f, &grouping.labels)?;
            f.write_str(" ")?;
        } else if !grouping.labels.is_empty() {
            f.write_str(" by ")?;
            write_label_list(f, &grouping.labels)?;
            f.write_str(" ")?;
        }
    }
    f.write_str("(")?;
    if let Some(param) = &e.param {
        fmt::Display::fmt(&**param, f)?;
        f.write_str(", ")?;
    }
    fmt::Display::fmt(&*e.expr, f)?;
    f.write_str(")")
}

fn fmt_call(e: &Call, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(e.function.name)?;
    f.write_str("(")?;
    for (index, arg) in e.args.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        fmt::Display::fmt(arg, f)?;
    }
    f.write_str(")")
}
