//! A recursive-descent PromQL parser reporting Prometheus' own error texts.
//!
//! Parsing runs in two phases as in Prometheus: the grammar phase (syntax
//! plus the checks Prometheus makes while reducing: function names, offsets,
//! ranges, numbers, durations), then, only if that succeeded, the type check
//! of `checkAST`. The first error is returned, which is what Prometheus prints.

use std::fmt;

use monlint_core::goregex::{self, GoRelease};
use monlint_core::{Duration, Span, Version};

use crate::ast::{
    AggregateExpr, AggregateOp, AtModifier, BinaryExpr, BinaryOp, Call, Cardinality, Expr,
    Grouping, LabelMatcher, MatchOp, MatrixSelector, NumberLiteral, ParenExpr, StringLiteral,
    Subquery, UnaryExpr, UnaryOp, VectorMatching, VectorSelector,
};
use crate::check;
use crate::functions;
use crate::lexer::{Keyword, LexError, Lexer, Token, TokenKind};
use crate::numbers::{MAX_DURATION_SECONDS, parse_go_number};
use crate::quote::{go_quote, unquote_bytes};

/// Deepest nesting of sub-expressions accepted (parentheses, calls, unary
/// and right-associative operators, subqueries); deeper input is refused
/// rather than risking the stack. A chain of left-associative operators is
/// parsed with a loop and is not nesting. A debug build needs up to about 6 KiB per level, so the limit fits
/// a 2 MiB thread stack with room to spare.
pub const MAX_DEPTH: usize = 256;

/// What to parse for.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// The Prometheus release whose grammar and function set apply.
    pub version: Version,
    /// Accept what Prometheus gates behind
    /// `--enable-feature=promql-experimental-functions`.
    pub experimental_functions: bool,
}

/// A parse or type error, located in the parsed string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    /// The message without the `line:col: parse error: ` prefix.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        ParseError {
            span,
            message: message.into(),
        }
    }

    /// Exactly what Prometheus' `ParseErr.Error()` prints for this error.
    pub fn prometheus_text(&self, input: &str) -> String {
        format!(
            "{}: parse error: {}",
            position_text(input, self.span.start as usize),
            self.message
        )
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Prometheus' `line:col` (1-based, col in bytes) for a byte offset.
fn position_text(input: &str, pos: usize) -> String {
    if input.is_empty() {
        return "unknown position".to_owned();
    }
    if pos > input.len() {
        return "invalid position".to_owned();
    }
    let before = &input.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(newline) => pos - newline,
        None => pos + 1,
    };
    format!("{line}:{col}")
}

/// Parses a PromQL expression as Prometheus `opts.version` would.
pub fn parse(input: &str, opts: &ParseOptions) -> Result<Expr, ParseError> {
    if u32::try_from(input.len()).is_err() {
        return Err(ParseError::new(Span::point(0), "expression too large"));
    }
    let mut parser = Parser::new(input, opts)?;
    if parser.token.kind == TokenKind::Eof {
        return Err(ParseError::new(
            Span::point(0),
            "no expression found in input",
        ));
    }
    let expr = parser.parse_expr(0)?;
    if parser.token.kind != TokenKind::Eof {
        return Err(parser.unexpected("", ""));
    }
    check::check(&expr, input)?;
    Ok(expr)
}

type PResult<T> = Result<T, ParseError>;

struct Parser<'a> {
    input: &'a str,
    lexer: Lexer<'a>,
    token: Token,
    /// End of the last token consumed.
    last_end: usize,
    opts: &'a ParseOptions,
    depth: usize,
}

fn span(start: usize, end: usize) -> Span {
    Span::from_usize(start, end)
}

fn lex_error(input: &str, error: LexError) -> ParseError {
    ParseError::new(span(error.start, input.len()), error.message)
}

impl<'a> Parser<'a> {
    fn new(input: &'a str, opts: &'a ParseOptions) -> PResult<Self> {
        let mut lexer = Lexer::new(input, opts.version);
        let token = lexer.next_token().map_err(|e| lex_error(input, e))?;
        Ok(Parser {
            input,
            lexer,
            token,
            last_end: 0,
            opts,
            depth: 0,
        })
    }

    fn is_v3(&self) -> bool {
        self.opts.version.is_prometheus_3()
    }

    /// Since 2.54 a number is a duration in seconds, and a duration is a
    /// number, wherever either is expected.
    fn numbers_are_durations(&self) -> bool {
        self.opts.version >= Version::new(2, 54)
    }

    fn text(&self, token: Token) -> &'a str {
        &self.input[token.start..token.end]
    }

    /// Consumes the current token and reads the next one.
    fn bump(&mut self) -> PResult<Token> {
        let current = self.token;
        self.last_end = current.end;
        self.token = self
            .lexer
            .next_token()
            .map_err(|e| lex_error(self.input, e))?;
        Ok(current)
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.token.kind == kind
    }

    fn at_keyword(&self, keyword: Keyword) -> bool {
        self.token.kind == TokenKind::Keyword(keyword)
    }

    /// Prometheus' "unexpected <token>[ in <context>][, expected <what>]".
    fn unexpected(&self, context: &str, expected: &str) -> ParseError {
        let mut message = format!("unexpected {}", self.token.describe(self.input));
        if !context.is_empty() {
            message.push_str(" in ");
            message.push_str(context);
        }
        if !expected.is_empty() {
            message.push_str(", expected ");
            message.push_str(expected);
        }
        ParseError::new(span(self.token.start, self.token.end), message)
    }

    /// "unexpected <token>" for a token already consumed.
    fn unexpected_token(&self, token: Token) -> ParseError {
        ParseError::new(
            span(token.start, token.end),
            format!("unexpected {}", token.describe(self.input)),
        )
    }

    fn enter(&mut self, start: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                span(start, start),
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn binary_op(&self) -> Option<BinaryOp> {
        Some(match self.token.kind {
            TokenKind::Add => BinaryOp::Add,
            TokenKind::Sub => BinaryOp::Sub,
            TokenKind::Mul => BinaryOp::Mul,
            TokenKind::Div => BinaryOp::Div,
            TokenKind::Mod => BinaryOp::Mod,
            TokenKind::Pow => BinaryOp::Pow,
            TokenKind::EqlC => BinaryOp::Eql,
            TokenKind::Neq => BinaryOp::Neq,
            TokenKind::Gtr => BinaryOp::Gtr,
            TokenKind::Lss => BinaryOp::Lss,
            TokenKind::Gte => BinaryOp::Gte,
            TokenKind::Lte => BinaryOp::Lte,
            TokenKind::Keyword(Keyword::Atan2) => BinaryOp::Atan2,
            TokenKind::Keyword(Keyword::And) => BinaryOp::And,
            TokenKind::Keyword(Keyword::Or) => BinaryOp::Or,
            TokenKind::Keyword(Keyword::Unless) => BinaryOp::Unless,
            _ => return None,
        })
    }

    /// Binary expressions with precedence climbing; `^` is right-associative.
    fn parse_expr(&mut self, min_precedence: u8) -> PResult<Expr> {
        let start = self.token.start;
        self.enter(start)?;
        let lhs = self.parse_unary()?;
        let expr = self.parse_binary_tail(min_precedence, lhs);
        self.leave();
        expr
    }

    /// The operators following `lhs` that bind at least `min_precedence`.
    fn parse_binary_tail(&mut self, min_precedence: u8, mut lhs: Expr) -> PResult<Expr> {
        // A chain of operators is a loop, not recursion: only the right operand
        // of each recurses, and it returns at the next operator as loose as this
        // one, so `up + up + ...` of any length nests no deeper than one operand.
        while let Some(op) = self.binary_op() {
            let precedence = op.precedence();
            if precedence < min_precedence {
                break;
            }
            self.bump()?;
            let (return_bool, matching) = self.parse_binary_modifiers()?;
            let next_min = if op == BinaryOp::Pow {
                precedence
            } else {
                precedence + 1
            };
            let rhs = Box::new(self.parse_expr(next_min)?);
            let whole = lhs.span().to(rhs.span());
            lhs = Expr::Binary(BinaryExpr {
                op,
                lhs: Box::new(lhs),
                rhs,
                return_bool,
                matching,
                span: whole,
            });
        }
        Ok(lhs)
    }

    fn parse_binary_modifiers(&mut self) -> PResult<(bool, Option<VectorMatching>)> {
        let return_bool = self.at_keyword(Keyword::Bool);
        if return_bool {
            self.bump()?;
        }
        let on = match self.token.kind {
            TokenKind::Keyword(Keyword::On) => true,
            TokenKind::Keyword(Keyword::Ignoring) => false,
            _ => {
                self.reject_fill()?;
                return Ok((return_bool, None));
            }
        };
        self.bump()?;
        let labels = self.parse_grouping_labels()?;
        let card = match self.token.kind {
            TokenKind::Keyword(Keyword::GroupLeft) => Cardinality::ManyToOne,
            TokenKind::Keyword(Keyword::GroupRight) => Cardinality::OneToMany,
            _ => Cardinality::OneToOne,
        };
        let mut include = Vec::new();
        if card != Cardinality::OneToOne {
            self.bump()?;
            if self.at(TokenKind::LeftParen) {
                include = self.parse_grouping_labels()?;
            }
        }
        self.reject_fill()?;
        Ok((
            return_bool,
            Some(VectorMatching {
                card,
                on,
                labels,
                include,
            }),
        ))
    }

    /// `fill(...)` modifiers are a 3.x experiment behind a feature flag that
    /// monlint does not model.
    fn reject_fill(&self) -> PResult<()> {
        if matches!(
            self.token.kind,
            TokenKind::Keyword(Keyword::Fill | Keyword::FillLeft | Keyword::FillRight)
        ) {
            return Err(ParseError::new(
                span(self.token.start, self.token.end),
                "binop fill modifiers are experimental and not enabled",
            ));
        }
        Ok(())
    }

    /// `( label, ... )` after `by`, `without`, `on`, `ignoring`, `group_x`.
    fn parse_grouping_labels(&mut self) -> PResult<Vec<String>> {
        if !self.at(TokenKind::LeftParen) {
            return Err(self.unexpected("grouping opts", "\"(\""));
        }
        self.bump()?;
        let mut labels = Vec::new();
        loop {
            if self.at(TokenKind::RightParen) {
                break;
            }
            labels.push(self.parse_grouping_label()?);
            match self.token.kind {
                TokenKind::Comma => {
                    self.bump()?;
                }
                TokenKind::RightParen => break,
                _ => return Err(self.unexpected("grouping opts", "\",\" or \")\"")),
            }
        }
        self.bump()?;
        Ok(labels)
    }

    fn parse_grouping_label(&mut self) -> PResult<String> {
        let token = self.token;
        let label = match token.kind {
            TokenKind::Identifier | TokenKind::MetricIdentifier | TokenKind::Keyword(_) => {
                self.text(token).to_owned()
            }
            TokenKind::String if self.is_v3() => self.unquote_token(token)?,
            _ => return Err(self.unexpected("grouping opts", "label")),
        };
        if !monlint_core::names::is_valid_label_name(&label, self.opts.version) {
            return Err(ParseError::new(
                span(token.start, token.end),
                format!("invalid label name for grouping: {}", go_quote(&label)),
            ));
        }
        self.bump()?;
        Ok(label)
    }

    fn unquote_token(&self, token: Token) -> PResult<String> {
        let bytes = self.unquote_token_bytes(token)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn unquote_token_bytes(&self, token: Token) -> PResult<Vec<u8>> {
        let text = self.text(token);
        unquote_bytes(text).map_err(|error| {
            ParseError::new(
                span(token.start, token.end),
                format!("error unquoting string {}: {error}", go_quote(text)),
            )
        })
    }

    /// Unary `+`/`-` bind like `*`: `-a^b` is `-(a^b)`, `-a*b` is `(-a)*b`.
    fn parse_unary(&mut self) -> PResult<Expr> {
        let op = match self.token.kind {
            TokenKind::Add => UnaryOp::Plus,
            TokenKind::Sub => UnaryOp::Minus,
            _ => return self.parse_postfix(),
        };
        let op_token = self.bump()?;
        let operand = self.parse_expr(BinaryOp::Pow.precedence())?;
        let whole = span(op_token.start, operand.span().end as usize);
        Ok(match operand {
            Expr::Number(mut number) => {
                if op == UnaryOp::Minus {
                    number.value = -number.value;
                }
                number.span = whole;
                Expr::Number(number)
            }
            other => Expr::Unary(UnaryExpr {
                op,
                expr: Box::new(other),
                span: whole,
            }),
        })
    }

    /// An operand followed by ranges, subqueries, `offset` and `@`.
    fn parse_postfix(&mut self) -> PResult<Expr> {
        let start = self.token.start;
        let expr = self.parse_operand()?;
        self.parse_postfix_modifiers(start, expr)
    }

    fn parse_postfix_modifiers(&mut self, start: usize, mut expr: Expr) -> PResult<Expr> {
        let mut nested = 0;
        loop {
            match self.token.kind {
                TokenKind::LeftBracket => {
                    nested += 1;
                    self.enter(start)?;
                    expr = self.parse_range_or_subquery(expr)?;
                }
                TokenKind::Keyword(Keyword::Offset) => expr = self.parse_offset(expr)?,
                TokenKind::At => expr = self.parse_at(expr)?,
                TokenKind::Keyword(Keyword::Anchored | Keyword::Smoothed) => {
                    let name = self.text(self.token).to_ascii_lowercase();
                    return Err(ParseError::new(
                        expr.span(),
                        format!("{name} modifier is experimental and not enabled"),
                    ));
                }
                _ => break,
            }
        }
        for _ in 0..nested {
            self.leave();
        }
        Ok(expr)
    }

    // The recursive descent keeps each function on the recursion path small
    // (one helper per alternative) to bound the stack used per nesting level.
    fn parse_operand(&mut self) -> PResult<Expr> {
        let token = self.token;
        match token.kind {
            TokenKind::Number | TokenKind::String => self.parse_literal(token),
            TokenKind::Duration if self.numbers_are_durations() => self.parse_literal(token),
            TokenKind::LeftParen => self.parse_paren(token),
            TokenKind::LeftBrace => self.parse_vector_selector(None, token.start),
            TokenKind::Identifier | TokenKind::MetricIdentifier => self.parse_identifier(token),
            TokenKind::Keyword(keyword) => self.parse_keyword_operand(token, keyword),
            _ => Err(self.unexpected("", "")),
        }
    }

    fn parse_literal(&mut self, token: Token) -> PResult<Expr> {
        self.bump()?;
        let literal_span = span(token.start, token.end);
        Ok(match token.kind {
            TokenKind::String => {
                let bytes = self.unquote_token_bytes(token)?;
                let (value, invalid_utf8) = match String::from_utf8(bytes) {
                    Ok(value) => (value, false),
                    Err(error) => (String::from_utf8_lossy(error.as_bytes()).into_owned(), true),
                };
                Expr::String(StringLiteral {
                    value,
                    invalid_utf8,
                    span: literal_span,
                })
            }
            TokenKind::Duration => Expr::Number(NumberLiteral {
                value: self.duration_seconds(token)?,
                is_duration: true,
                span: literal_span,
            }),
            _ => Expr::Number(NumberLiteral {
                value: self.number_value(token)?,
                is_duration: false,
                span: literal_span,
            }),
        })
    }

    fn parse_paren(&mut self, open: Token) -> PResult<Expr> {
        self.bump()?;
        let inner = Box::new(self.parse_expr(0)?);
        if !self.at(TokenKind::RightParen) {
            return Err(self.unexpected("", ""));
        }
        let close = self.bump()?;
        Ok(Expr::Paren(ParenExpr {
            expr: inner,
            span: span(open.start, close.end),
        }))
    }

    fn parse_identifier(&mut self, token: Token) -> PResult<Expr> {
        self.bump()?;
        if token.kind == TokenKind::Identifier && self.at(TokenKind::LeftParen) {
            return self.parse_call(token);
        }
        self.parse_vector_selector(Some(self.text(token).to_owned()), token.start)
    }

    fn aggregate_op(&self, keyword: Keyword) -> Option<AggregateOp> {
        let op = match keyword {
            Keyword::Sum => AggregateOp::Sum,
            Keyword::Avg => AggregateOp::Avg,
            Keyword::Count => AggregateOp::Count,
            Keyword::Min => AggregateOp::Min,
            Keyword::Max => AggregateOp::Max,
            Keyword::Group => AggregateOp::Group,
            Keyword::Stddev => AggregateOp::Stddev,
            Keyword::Stdvar => AggregateOp::Stdvar,
            Keyword::Topk => AggregateOp::Topk,
            Keyword::Bottomk => AggregateOp::Bottomk,
            Keyword::CountValues => AggregateOp::CountValues,
            Keyword::Quantile => AggregateOp::Quantile,
            Keyword::Limitk => AggregateOp::Limitk,
            Keyword::LimitRatio => AggregateOp::LimitRatio,
            _ => return None,
        };
        let since = match op {
            AggregateOp::Group => Version::new(2, 20),
            AggregateOp::Limitk | AggregateOp::LimitRatio => Version::new(2, 54),
            _ => Version::new(2, 0),
        };
        (self.opts.version >= since).then_some(op)
    }

    /// Keywords in operand position: aggregations, the function-like
    /// `start()`/`end()`/`step()`/`range()`/`max_of()`/`min_of()`, or metric
    /// names that happen to be keywords (`sum`, `offset`, `by`).
    fn parse_keyword_operand(&mut self, token: Token, keyword: Keyword) -> PResult<Expr> {
        self.bump()?;
        if let Some(op) = self.aggregate_op(keyword) {
            if self.at(TokenKind::LeftParen)
                || self.at_keyword(Keyword::By)
                || self.at_keyword(Keyword::Without)
            {
                return self.parse_aggregate(token, op);
            }
        }
        let function_like = matches!(
            keyword,
            Keyword::Start
                | Keyword::End
                | Keyword::Step
                | Keyword::Range
                | Keyword::MaxOf
                | Keyword::MinOf
        );
        if self.at(TokenKind::LeftParen) {
            // `limitk(` before 2.54 is an (unknown) function, as it was then.
            if function_like || keyword.is_aggregator() {
                return self.parse_call(token);
            }
            return Err(self.unexpected("", ""));
        }
        let usable_as_name = keyword.is_aggregator()
            || function_like
            || matches!(
                keyword,
                Keyword::By
                    | Keyword::Without
                    | Keyword::Offset
                    | Keyword::And
                    | Keyword::Or
                    | Keyword::Unless
                    | Keyword::Fill
                    | Keyword::FillLeft
                    | Keyword::FillRight
                    | Keyword::Anchored
                    | Keyword::Smoothed
            );
        if !usable_as_name {
            return Err(self.unexpected_token(token));
        }
        self.parse_vector_selector(Some(self.text(token).to_owned()), token.start)
    }

    /// `( args )` of a call or an aggregation.
    fn parse_call_args(&mut self) -> PResult<Vec<Expr>> {
        // The caller has checked for `(`.
        self.bump()?;
        let mut args = Vec::new();
        if self.at(TokenKind::RightParen) {
            self.bump()?;
            return Ok(args);
        }
        loop {
            args.push(self.parse_expr(0)?);
            match self.token.kind {
                TokenKind::Comma => {
                    let comma = self.bump()?;
                    if self.at(TokenKind::RightParen) {
                        return Err(ParseError::new(
                            span(comma.start, comma.end),
                            "trailing commas not allowed in function call args",
                        ));
                    }
                }
                TokenKind::RightParen => {
                    self.bump()?;
                    return Ok(args);
                }
                _ => return Err(self.unexpected("", "")),
            }
        }
    }

    fn parse_call(&mut self, name_token: Token) -> PResult<Expr> {
        let args = self.parse_call_args()?;
        self.finish_call(name_token, args)
    }

    /// Resolves the function once its arguments are parsed, in Prometheus' order.
    fn finish_call(&self, name_token: Token, args: Vec<Expr>) -> PResult<Expr> {
        let name = self.text(name_token);
        let name_span = span(name_token.start, name_token.end);
        let function = functions::lookup_in(name, self.opts.version).ok_or_else(|| {
            ParseError::new(
                name_span,
                format!("unknown function with name {}", go_quote(name)),
            )
        })?;
        if function.experimental && !self.opts.experimental_functions {
            return Err(ParseError::new(
                name_span,
                format!("function {} is not enabled", go_quote(name)),
            ));
        }
        Ok(Expr::Call(Call {
            function,
            args,
            span: span(name_token.start, self.last_end),
        }))
    }

    fn parse_grouping(&mut self) -> PResult<Option<Grouping>> {
        let without = match self.token.kind {
            TokenKind::Keyword(Keyword::By) => false,
            TokenKind::Keyword(Keyword::Without) => true,
            _ => return Ok(None),
        };
        self.bump()?;
        let labels = self.parse_grouping_labels()?;
        Ok(Some(Grouping { without, labels }))
    }

    fn parse_aggregate(&mut self, op_token: Token, op: AggregateOp) -> PResult<Expr> {
        let mut grouping = self.parse_grouping()?;
        if !self.at(TokenKind::LeftParen) {
            return Err(self.unexpected("aggregation", ""));
        }
        let args = self.parse_call_args()?;
        if grouping.is_none() {
            grouping = self.parse_grouping()?;
        }
        self.finish_aggregate(op_token, op, grouping, args)
    }

    fn finish_aggregate(
        &self,
        op_token: Token,
        op: AggregateOp,
        grouping: Option<Grouping>,
        mut args: Vec<Expr>,
    ) -> PResult<Expr> {
        let whole = span(op_token.start, self.last_end);
        if args.is_empty() {
            return Err(ParseError::new(
                whole,
                "no arguments for aggregate expression provided",
            ));
        }
        if op.is_experimental() && !self.opts.experimental_functions {
            return Err(ParseError::new(
                whole,
                format!(
                    "{}() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
                    op.as_str()
                ),
            ));
        }
        let wanted = if op.has_param() { 2 } else { 1 };
        if args.len() != wanted {
            return Err(ParseError::new(
                whole,
                format!(
                    "wrong number of arguments for aggregate expression provided, expected {wanted}, got {}",
                    args.len()
                ),
            ));
        }
        let expr = args.pop().map(Box::new);
        let param = args.pop().map(Box::new);
        let Some(expr) = expr else {
            return Err(ParseError::new(
                whole,
                "no arguments for aggregate expression provided",
            ));
        };
        Ok(Expr::Aggregate(AggregateExpr {
            op,
            expr,
            param,
            grouping,
            span: whole,
        }))
    }

    fn parse_vector_selector(&mut self, name: Option<String>, start: usize) -> PResult<Expr> {
        let mut matchers = Vec::new();
        if self.at(TokenKind::LeftBrace) {
            self.bump()?;
            loop {
                if self.at(TokenKind::RightBrace) {
                    break;
                }
                matchers.push(self.parse_label_matcher()?);
                match self.token.kind {
                    TokenKind::Comma => {
                        self.bump()?;
                    }
                    TokenKind::RightBrace => break,
                    _ => return Err(self.unexpected("label matching", "\",\" or \"}\"")),
                }
            }
            self.bump()?;
        }
        Ok(Expr::VectorSelector(VectorSelector {
            name,
            matchers,
            offset: None,
            at: None,
            span: span(start, self.last_end),
        }))
    }

    fn match_op(&self) -> Option<MatchOp> {
        Some(match self.token.kind {
            TokenKind::Eql => MatchOp::Equal,
            TokenKind::Neq => MatchOp::NotEqual,
            TokenKind::EqlRegex => MatchOp::Regex,
            TokenKind::NeqRegex => MatchOp::NotRegex,
            _ => return None,
        })
    }

    fn parse_label_matcher(&mut self) -> PResult<LabelMatcher> {
        let name_token = self.token;
        let name = match name_token.kind {
            TokenKind::Identifier => self.text(name_token).to_owned(),
            TokenKind::String if self.is_v3() => self.unquote_token(name_token)?,
            _ => return Err(self.unexpected("label matching", "identifier or \"}\"")),
        };
        self.bump()?;
        let Some(op) = self.match_op() else {
            if name_token.kind == TokenKind::String {
                // A quoted name alone selects the metric: `{"my.metric"}`.
                return Ok(LabelMatcher {
                    name: "__name__".to_owned(),
                    op: MatchOp::Equal,
                    value: name,
                    span: span(name_token.start, name_token.end),
                });
            }
            return Err(self.unexpected("label matching", "label matching operator"));
        };
        self.bump()?;
        let value_token = self.token;
        if value_token.kind != TokenKind::String {
            return Err(self.unexpected("label matching", "string"));
        }
        self.bump()?;
        let value = self.unquote_token(value_token)?;
        let matcher_span = span(name_token.start, value_token.end);
        if matches!(op, MatchOp::Regex | MatchOp::NotRegex) {
            // Prometheus 2 compiles the anchored pattern, 3 parses it alone
            // (with a Go that knows `(?<name>...)`); error texts differ so.
            let checked = if self.is_v3() {
                goregex::translate(&value, GoRelease::Go1_22)
            } else {
                goregex::translate(&format!("^(?:{value})$"), GoRelease::Go1_19)
            };
            checked.map_err(|message| ParseError::new(matcher_span, message))?;
        }
        Ok(LabelMatcher {
            name,
            op,
            value,
            span: matcher_span,
        })
    }

    fn number_value(&self, token: Token) -> PResult<f64> {
        parse_go_number(self.text(token)).map_err(|error| {
            ParseError::new(
                span(token.start, token.end),
                format!("error parsing number: {error}"),
            )
        })
    }

    fn duration_seconds(&self, token: Token) -> PResult<f64> {
        let duration = Duration::parse(self.text(token))
            .map_err(|error| ParseError::new(span(token.start, token.end), error.to_string()))?;
        Ok(duration.millis() as f64 / 1000.0)
    }

    /// A duration inside brackets or after `offset`: a duration token, or in
    /// 3.x also a number of seconds, optionally signed. Returns seconds.
    fn parse_duration_operand(
        &mut self,
        is_offset: bool,
        context: &str,
        expected: &str,
    ) -> PResult<(f64, Span)> {
        let start = self.token.start;
        let mut negative = false;
        // Signs: `offset -5m` since 2.26; anything else with the 3.4
        // duration expressions.
        let expressions = self.opts.version >= Version::new(3, 4);
        let sign_ok = match self.token.kind {
            TokenKind::Sub => {
                expressions || (is_offset && self.opts.version >= Version::new(2, 26))
            }
            TokenKind::Add => expressions,
            _ => false,
        };
        if sign_ok {
            negative = self.at(TokenKind::Sub);
            self.bump()?;
        }
        let token = self.token;
        let seconds = match token.kind {
            TokenKind::Duration => self.duration_seconds(token)?,
            TokenKind::Number if self.is_v3() => self.number_value(token)?,
            TokenKind::LeftParen
            | TokenKind::Keyword(
                Keyword::Step | Keyword::Range | Keyword::MaxOf | Keyword::MinOf,
            ) if self.is_v3() => {
                return Err(self.duration_expression_error(start));
            }
            _ => return Err(self.unexpected(context, expected)),
        };
        self.bump()?;
        let seconds = if negative { -seconds } else { seconds };
        let whole = span(start, token.end);
        if seconds.abs() > MAX_DURATION_SECONDS {
            return Err(ParseError::new(whole, "duration out of range"));
        }
        if self.opts.version >= Version::new(3, 6)
            && matches!(
                self.token.kind,
                TokenKind::Add
                    | TokenKind::Sub
                    | TokenKind::Mul
                    | TokenKind::Div
                    | TokenKind::Mod
                    | TokenKind::Pow
            )
            && !is_offset
        {
            return Err(self.duration_expression_error(start));
        }
        Ok((seconds, whole))
    }

    fn duration_expression_error(&self, start: usize) -> ParseError {
        ParseError::new(
            span(start, self.token.end),
            "experimental duration expression is not enabled",
        )
    }

    /// What Prometheus lists as expected where a duration is missing; the
    /// list grew with the grammar.
    fn expected_duration(&self, with_bracket: bool) -> &'static str {
        let version = self.opts.version;
        match with_bracket {
            false if version >= Version::new(3, 10) => "number, duration, step(), or range()",
            false if version >= Version::new(3, 6) => "number, duration, or step()",
            false if version >= Version::new(2, 54) => "number or duration",
            false => "duration",
            true if version >= Version::new(3, 10) => "number, duration, step(), range(), or \"]\"",
            true if version >= Version::new(3, 6) => "number, duration, or step() or \"]\"",
            true if version >= Version::new(2, 54) => "number or duration or \"]\"",
            true => "duration or \"]\"",
        }
    }

    fn positive_duration(&mut self, context: &str, expected: &str) -> PResult<Duration> {
        let (seconds, whole) = self.parse_duration_operand(false, context, expected)?;
        if seconds <= 0.0 {
            return Err(ParseError::new(whole, "duration must be greater than 0"));
        }
        // Rounded up to whole milliseconds: with millisecond timestamps a
        // left-open window of 0.4ms selects what one of 1ms does.
        Ok(Duration((seconds * 1000.0).ceil() as u64))
    }

    fn parse_range_or_subquery(&mut self, expr: Expr) -> PResult<Expr> {
        let open = self.bump()?;
        let expected = self.expected_duration(false);
        let context = if self.opts.version >= Version::new(3, 6) {
            "subquery or range selector"
        } else {
            "subquery selector"
        };
        let range = self.positive_duration(context, expected)?;
        match self.token.kind {
            TokenKind::RightBracket => {
                let close = self.bump()?;
                let bracket_span = span(open.start, close.end);
                let selector = match expr {
                    Expr::VectorSelector(selector) => selector,
                    _ => {
                        return Err(ParseError::new(
                            bracket_span,
                            "ranges only allowed for vector selectors",
                        ));
                    }
                };
                if selector.offset.is_some() {
                    return Err(ParseError::new(
                        bracket_span,
                        "no offset modifiers allowed before range",
                    ));
                }
                if selector.at.is_some() {
                    return Err(ParseError::new(
                        bracket_span,
                        "no @ modifiers allowed before range",
                    ));
                }
                let whole = span(selector.span.start as usize, close.end);
                Ok(Expr::MatrixSelector(MatrixSelector {
                    selector,
                    range,
                    span: whole,
                }))
            }
            TokenKind::Colon => {
                self.bump()?;
                let step = if self.at(TokenKind::RightBracket) {
                    None
                } else {
                    let expected = self.expected_duration(true);
                    Some(self.positive_duration("subquery selector", expected)?)
                };
                if !self.at(TokenKind::RightBracket) {
                    return Err(self.unexpected("subquery selector", "\"]\""));
                }
                let close = self.bump()?;
                let whole = span(expr.span().start as usize, close.end);
                Ok(Expr::Subquery(Subquery {
                    expr: Box::new(expr),
                    range,
                    step,
                    offset: None,
                    at: None,
                    span: whole,
                }))
            }
            _ => Err(self.unexpected("subquery or range", "\":\" or \"]\"")),
        }
    }

    /// An `@` timestamp in seconds, as milliseconds.
    fn timestamp(&self, seconds: f64, target: &Expr) -> PResult<AtModifier> {
        // Go's `%f`: infinities print as `+Inf`/`-Inf`.
        if !seconds.is_finite() || seconds.abs() >= 9.223_372_036_854_776e18 {
            let shown = if seconds.is_finite() {
                format!("{seconds:.6}")
            } else {
                crate::ast::format_float(seconds)
            };
            return Err(ParseError::new(
                target.span(),
                format!("timestamp out of bounds for @ modifier: {shown}"),
            ));
        }
        Ok(AtModifier::Timestamp((seconds * 1000.0).round() as i64))
    }

    fn parse_offset(&mut self, mut expr: Expr) -> PResult<Expr> {
        self.bump()?;
        let expected = self.expected_duration(false);
        let (seconds, _) = self.parse_duration_operand(true, "offset", expected)?;
        let millis = (seconds * 1000.0).round() as i64;
        let end = self.last_end;
        let whole = expr.span();
        let slot = match &mut expr {
            Expr::VectorSelector(selector) => &mut selector.offset,
            Expr::MatrixSelector(matrix) => &mut matrix.selector.offset,
            Expr::Subquery(subquery) => &mut subquery.offset,
            _ => {
                return Err(ParseError::new(
                    whole,
                    "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                ));
            }
        };
        if slot.is_some_and(|existing| existing != 0) {
            return Err(ParseError::new(
                whole,
                "offset may not be set multiple times",
            ));
        }
        *slot = Some(millis);
        expr.span_mut().end = u32::try_from(end).unwrap_or(u32::MAX);
        Ok(expr)
    }

    fn parse_at(&mut self, mut expr: Expr) -> PResult<Expr> {
        self.bump()?;
        let at = match self.token.kind {
            TokenKind::Keyword(keyword @ (Keyword::Start | Keyword::End)) => {
                self.bump()?;
                for kind in [TokenKind::LeftParen, TokenKind::RightParen] {
                    if !self.at(kind) {
                        return Err(self.unexpected("@", "timestamp"));
                    }
                    self.bump()?;
                }
                if keyword == Keyword::Start {
                    AtModifier::Start
                } else {
                    AtModifier::End
                }
            }
            TokenKind::Add | TokenKind::Sub | TokenKind::Number => {
                let negative = self.at(TokenKind::Sub);
                if matches!(self.token.kind, TokenKind::Add | TokenKind::Sub) {
                    self.bump()?;
                }
                let token = self.token;
                let seconds = match token.kind {
                    TokenKind::Number => self.number_value(token)?,
                    TokenKind::Duration if self.numbers_are_durations() => {
                        self.duration_seconds(token)?
                    }
                    _ => return Err(self.unexpected("@", "timestamp")),
                };
                self.bump()?;
                let seconds = if negative { -seconds } else { seconds };
                self.timestamp(seconds, &expr)?
            }
            TokenKind::Duration if self.numbers_are_durations() => {
                let token = self.bump()?;
                self.timestamp(self.duration_seconds(token)?, &expr)?
            }
            _ => return Err(self.unexpected("@", "timestamp")),
        };
        let end = self.last_end;
        let whole = expr.span();
        let slot = match &mut expr {
            Expr::VectorSelector(selector) => &mut selector.at,
            Expr::MatrixSelector(matrix) => &mut matrix.selector.at,
            Expr::Subquery(subquery) => &mut subquery.at,
            _ => {
                return Err(ParseError::new(
                    whole,
                    "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                ));
            }
        };
        if slot.is_some() {
            return Err(ParseError::new(
                whole,
                "@ <timestamp> may not be set multiple times",
            ));
        }
        *slot = Some(at);
        expr.span_mut().end = u32::try_from(end).unwrap_or(u32::MAX);
        Ok(expr)
    }
}
