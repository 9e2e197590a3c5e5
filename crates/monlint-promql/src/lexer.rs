//! The PromQL lexer. It follows the state machine of Prometheus' own lexer
//! (statements, inside braces, inside a range/subquery bracket) so that the
//! same inputs produce the same tokens and the same lexical error texts.

use monlint_core::Version;

use crate::quote::{go_quote_rune, go_unicode_rune};

/// Keywords; their lexer spelling is case-insensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Unless,
    Atan2,
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
    Offset,
    Smoothed,
    Anchored,
    By,
    Without,
    On,
    Ignoring,
    GroupLeft,
    GroupRight,
    Fill,
    FillLeft,
    FillRight,
    Bool,
    Start,
    End,
    Step,
    Range,
    MaxOf,
    MinOf,
}

impl Keyword {
    fn from_lowercase(word: &str) -> Option<Keyword> {
        use Keyword::*;
        Some(match word {
            "and" => And,
            "or" => Or,
            "unless" => Unless,
            "atan2" => Atan2,
            "sum" => Sum,
            "avg" => Avg,
            "count" => Count,
            "min" => Min,
            "max" => Max,
            "group" => Group,
            "stddev" => Stddev,
            "stdvar" => Stdvar,
            "topk" => Topk,
            "bottomk" => Bottomk,
            "count_values" => CountValues,
            "quantile" => Quantile,
            "limitk" => Limitk,
            "limit_ratio" => LimitRatio,
            "offset" => Offset,
            "smoothed" => Smoothed,
            "anchored" => Anchored,
            "by" => By,
            "without" => Without,
            "on" => On,
            "ignoring" => Ignoring,
            "group_left" => GroupLeft,
            "group_right" => GroupRight,
            "fill" => Fill,
            "fill_left" => FillLeft,
            "fill_right" => FillRight,
            "bool" => Bool,
            "start" => Start,
            "end" => End,
            "step" => Step,
            "range" => Range,
            "max_of" => MaxOf,
            "min_of" => MinOf,
            _ => return None,
        })
    }

    pub(crate) fn is_aggregator(self) -> bool {
        use Keyword::*;
        matches!(
            self,
            Sum | Avg
                | Count
                | Min
                | Max
                | Group
                | Stddev
                | Stdvar
                | Topk
                | Bottomk
                | CountValues
                | Quantile
                | Limitk
                | LimitRatio
        )
    }

    /// Prometheus files these under operators (`and`, `or`, `unless`, `atan2`).
    fn is_operator(self) -> bool {
        matches!(
            self,
            Keyword::And | Keyword::Or | Keyword::Unless | Keyword::Atan2
        )
    }

    /// Modifier keywords, shown as `<by>` in "unexpected" messages.
    fn is_modifier(self) -> bool {
        use Keyword::*;
        matches!(
            self,
            Bool | By
                | GroupLeft
                | GroupRight
                | Fill
                | FillLeft
                | FillRight
                | Ignoring
                | Offset
                | Smoothed
                | Anchored
                | On
                | Without
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Eof,
    Comma,
    LeftParen,
    RightParen,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Colon,
    /// `=` (label matching and label sets)
    Eql,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    /// `==`
    EqlC,
    Neq,
    Lte,
    Lss,
    Gte,
    Gtr,
    EqlRegex,
    NeqRegex,
    At,
    Number,
    Duration,
    String,
    Identifier,
    /// An identifier containing a colon: only valid as a metric name.
    MetricIdentifier,
    Keyword(Keyword),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// How Prometheus names the token in "unexpected ..." messages.
    pub(crate) fn describe(&self, input: &str) -> String {
        let text = &input[self.start..self.end];
        match self.kind {
            TokenKind::Eof => "end of input".to_owned(),
            TokenKind::Identifier => format!("identifier {}", go_quote_str(text)),
            TokenKind::MetricIdentifier => format!("metric identifier {}", go_quote_str(text)),
            TokenKind::String => format!("string {}", go_quote_truncated(text)),
            TokenKind::Number => format!("number {}", go_quote_truncated(text)),
            TokenKind::Duration => format!("duration {}", go_quote_truncated(text)),
            TokenKind::Keyword(kw) if kw.is_modifier() => format!("<{text}>"),
            TokenKind::Keyword(kw) if kw.is_operator() => format!("<op:{text}>"),
            TokenKind::Keyword(kw) if kw.is_aggregator() => format!("<aggr:{text}>"),
            TokenKind::Add
            | TokenKind::Sub
            | TokenKind::Mul
            | TokenKind::Div
            | TokenKind::Mod
            | TokenKind::Pow
            | TokenKind::EqlC
            | TokenKind::Neq
            | TokenKind::Lte
            | TokenKind::Lss
            | TokenKind::Gte
            | TokenKind::Gtr
            | TokenKind::EqlRegex
            | TokenKind::NeqRegex
            | TokenKind::At => format!("<op:{text}>"),
            _ => go_quote_str(text),
        }
    }
}

fn go_quote_str(text: &str) -> String {
    crate::quote::go_quote(text)
}

/// Go's `%.10q...` for long token texts: at most ten characters, then `...`.
fn go_quote_truncated(text: &str) -> String {
    if text.chars().count() > 10 {
        let head: String = text.chars().take(10).collect();
        format!("{}...", crate::quote::go_quote(&head))
    } else {
        crate::quote::go_quote(text)
    }
}

/// A lexical error: Prometheus reports it from the start of the token being
/// scanned to the end of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LexError {
    pub start: usize,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Statements,
    /// Just after `[` in releases before the duration-expression lexer.
    AfterBracket,
    DurationExpr,
}

/// How Prometheus' lexer treated numbers and brackets over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Generation {
    /// Before 2.54: only durations inside brackets, no `_` in numbers.
    DurationsOnly,
    /// 2.54 to 3.3: a number or a duration after `[`.
    NumbersAsDurations,
    /// 3.4 on: arithmetic on durations inside brackets.
    DurationExpressions,
}

impl Generation {
    fn of(version: Version) -> Self {
        if version >= Version::new(3, 4) {
            Generation::DurationExpressions
        } else if version >= Version::new(2, 54) {
            Generation::NumbersAsDurations
        } else {
            Generation::DurationsOnly
        }
    }
}

pub(crate) struct Lexer<'a> {
    input: &'a str,
    generation: Generation,
    start: usize,
    pos: usize,
    /// Width of the last rune read by `next`, for `backup`.
    width: usize,
    state: State,
    paren_depth: i64,
    brace_open: bool,
    bracket_open: bool,
    got_colon: bool,
    got_duration: bool,
    string_open: char,
    finished: bool,
}

type Step = Result<Option<Token>, LexError>;

fn is_space(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\n' | '\r'))
}

fn is_alpha(c: Option<char>) -> bool {
    matches!(c, Some(c) if c == '_' || c.is_ascii_alphabetic())
}

fn is_digit(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_digit())
}

fn is_alphanumeric(c: Option<char>) -> bool {
    is_alpha(c) || is_digit(c)
}

fn is_duration_keyword_start(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 's' | 'r' | 'm')
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a str, version: Version) -> Self {
        Lexer {
            input,
            generation: Generation::of(version),
            start: 0,
            pos: 0,
            width: 0,
            state: State::Statements,
            paren_depth: 0,
            brace_open: false,
            bracket_open: false,
            got_colon: false,
            got_duration: false,
            string_open: '"',
            finished: false,
        }
    }

    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
            None => {
                self.width = 0;
                None
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn backup(&mut self) {
        self.pos -= self.width;
        self.width = 0;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn emit(&mut self, kind: TokenKind) -> Step {
        let token = Token {
            kind,
            start: self.start,
            end: self.pos,
        };
        self.start = self.pos;
        Ok(Some(token))
    }

    /// `(` in any state: one more level open.
    fn left_paren(&mut self) -> Step {
        self.paren_depth += 1;
        self.emit(TokenKind::LeftParen)
    }

    /// `)` in any state: one level closed, an error when none was open.
    fn right_paren(&mut self) -> Step {
        let token = self.emit(TokenKind::RightParen);
        self.paren_depth -= 1;
        if self.paren_depth < 0 {
            return self.error("unexpected right parenthesis ')'".to_owned());
        }
        token
    }

    fn error(&mut self, message: String) -> Step {
        self.finished = true;
        Err(LexError {
            start: self.start,
            message,
        })
    }

    fn skip_spaces(&mut self) {
        while is_space(self.peek()) {
            self.next();
        }
        self.start = self.pos;
    }

    /// The next token; comments are skipped. After an error or the end of
    /// input it keeps returning end of input.
    pub(crate) fn next_token(&mut self) -> Result<Token, LexError> {
        loop {
            if self.finished {
                return Ok(Token {
                    kind: TokenKind::Eof,
                    start: self.input.len(),
                    end: self.input.len(),
                });
            }
            let step = match self.state {
                State::Statements if self.brace_open => self.lex_inside_braces(),
                State::Statements => self.lex_statements(),
                State::DurationExpr => self.lex_duration_expr(),
                State::AfterBracket => {
                    self.state = State::Statements;
                    if self.generation == Generation::DurationsOnly {
                        self.lex_duration()
                    } else {
                        self.lex_number_or_duration()
                    }
                }
            }?;
            if let Some(token) = step {
                if token.kind == TokenKind::Eof {
                    self.finished = true;
                }
                return Ok(token);
            }
        }
    }

    fn skip_comment(&mut self) {
        while let Some(c) = self.next() {
            if c == '\n' || c == '\r' {
                self.backup();
                break;
            }
        }
        self.start = self.pos;
    }

    fn lex_statements(&mut self) -> Step {
        if self.input[self.pos..].starts_with('#') {
            self.skip_comment();
            return Ok(None);
        }
        let Some(c) = self.next() else {
            if self.paren_depth != 0 {
                return self.error("unclosed left parenthesis".to_owned());
            }
            if self.bracket_open {
                return self.error("unclosed left bracket".to_owned());
            }
            return self.emit(TokenKind::Eof);
        };
        match c {
            ',' => self.emit(TokenKind::Comma),
            ' ' | '\t' | '\n' | '\r' => {
                self.skip_spaces();
                Ok(None)
            }
            '*' => self.emit(TokenKind::Mul),
            '/' => self.emit(TokenKind::Div),
            '%' => self.emit(TokenKind::Mod),
            '+' => self.emit(TokenKind::Add),
            '-' => self.emit(TokenKind::Sub),
            '^' => self.emit(TokenKind::Pow),
            '=' => match self.peek() {
                Some('=') => {
                    self.next();
                    self.emit(TokenKind::EqlC)
                }
                Some('~') => self.error("unexpected character after '=': '~'".to_owned()),
                _ => self.emit(TokenKind::Eql),
            },
            '!' => match self.next() {
                Some('=') => self.emit(TokenKind::Neq),
                other => self.error(format!(
                    "unexpected character after '!': {}",
                    go_quote_rune(other)
                )),
            },
            '<' => {
                if self.peek() == Some('=') {
                    self.next();
                    self.emit(TokenKind::Lte)
                } else {
                    self.emit(TokenKind::Lss)
                }
            }
            '>' => {
                if self.peek() == Some('=') {
                    self.next();
                    self.emit(TokenKind::Gte)
                } else {
                    self.emit(TokenKind::Gtr)
                }
            }
            c if c.is_ascii_digit() || (c == '.' && is_digit(self.peek())) => {
                self.backup();
                self.lex_number_or_duration()
            }
            '"' | '\'' => {
                self.string_open = c;
                self.lex_string()
            }
            '`' => {
                self.string_open = c;
                self.lex_raw_string()
            }
            c if c == ':' || is_alpha(Some(c)) => {
                if !self.bracket_open {
                    self.backup();
                    return self.lex_keyword_or_identifier();
                }
                // Before 3.4 any letter here was taken for the colon.
                if c == ':' || self.generation < Generation::DurationExpressions {
                    if self.got_colon {
                        return self.error(format!("unexpected colon {}", go_quote_rune(Some(c))));
                    }
                    self.got_colon = true;
                    return self.emit(TokenKind::Colon);
                }
                if is_duration_keyword_start(c) {
                    if let Some(token) = self.scan_duration_keyword() {
                        return Ok(Some(token));
                    }
                }
                self.error(format!(
                    "unexpected character: {}, expected ':'",
                    go_quote_rune(Some(c))
                ))
            }
            '(' => self.left_paren(),
            ')' => self.right_paren(),
            '{' => {
                self.brace_open = true;
                self.emit(TokenKind::LeftBrace)
            }
            '[' => {
                if self.bracket_open {
                    return self.error("unexpected left bracket '['".to_owned());
                }
                self.got_colon = false;
                let token = self.emit(TokenKind::LeftBracket);
                self.skip_spaces();
                self.bracket_open = true;
                self.state = if self.generation == Generation::DurationExpressions {
                    State::DurationExpr
                } else {
                    State::AfterBracket
                };
                token
            }
            ']' => {
                if !self.bracket_open {
                    return self.error("unexpected right bracket ']'".to_owned());
                }
                self.bracket_open = false;
                self.emit(TokenKind::RightBracket)
            }
            '@' => self.emit(TokenKind::At),
            other => self.error(format!(
                "unexpected character: {}",
                go_quote_rune(Some(other))
            )),
        }
    }

    fn lex_inside_braces(&mut self) -> Step {
        if self.input[self.pos..].starts_with('#') {
            self.skip_comment();
            return Ok(None);
        }
        let Some(c) = self.next() else {
            return self.error("unexpected end of input inside braces".to_owned());
        };
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                self.skip_spaces();
                Ok(None)
            }
            c if is_alpha(Some(c)) => {
                while is_alphanumeric(self.next()) {}
                self.backup();
                self.emit(TokenKind::Identifier)
            }
            ',' => self.emit(TokenKind::Comma),
            '"' | '\'' => {
                self.string_open = c;
                self.lex_string()
            }
            '`' => {
                self.string_open = c;
                self.lex_raw_string()
            }
            '=' => {
                if self.next() == Some('~') {
                    return self.emit(TokenKind::EqlRegex);
                }
                self.backup();
                self.emit(TokenKind::Eql)
            }
            '!' => match self.next() {
                Some('~') => self.emit(TokenKind::NeqRegex),
                Some('=') => self.emit(TokenKind::Neq),
                other => self.error(format!(
                    "unexpected character after '!' inside braces: {}",
                    go_quote_rune(other)
                )),
            },
            '{' => self.error("unexpected left brace '{'".to_owned()),
            '}' => {
                self.brace_open = false;
                self.emit(TokenKind::RightBrace)
            }
            other => self.error(format!(
                "unexpected character inside braces: {}",
                go_quote_rune(Some(other))
            )),
        }
    }

    fn lex_duration_expr(&mut self) -> Step {
        let Some(c) = self.next() else {
            return self.error("unexpected end of input in duration expression".to_owned());
        };
        match c {
            ']' => {
                self.bracket_open = false;
                self.got_colon = false;
                self.state = State::Statements;
                self.emit(TokenKind::RightBracket)
            }
            ':' => {
                let token = self.emit(TokenKind::Colon);
                if !self.got_duration {
                    return self.error(
                        "unexpected colon before duration in duration expression".to_owned(),
                    );
                }
                if self.got_colon {
                    return self
                        .error("unexpected repeated colon in duration expression".to_owned());
                }
                self.got_colon = true;
                token
            }
            '(' => self.left_paren(),
            ')' => self.right_paren(),
            ' ' | '\t' | '\n' | '\r' => {
                self.skip_spaces();
                Ok(None)
            }
            '+' => self.emit(TokenKind::Add),
            '-' => self.emit(TokenKind::Sub),
            '*' => self.emit(TokenKind::Mul),
            '/' => self.emit(TokenKind::Div),
            '%' => self.emit(TokenKind::Mod),
            '^' => self.emit(TokenKind::Pow),
            ',' => self.emit(TokenKind::Comma),
            c if is_duration_keyword_start(c) => match self.scan_duration_keyword() {
                Some(token) => Ok(Some(token)),
                None => self.error(format!(
                    "unexpected character in duration expression: {}",
                    go_quote_rune(Some(c))
                )),
            },
            c if c.is_ascii_digit() || (c == '.' && is_digit(self.peek())) => {
                self.backup();
                self.got_duration = true;
                self.state = State::Statements;
                self.lex_number_or_duration()
            }
            other => self.error(format!(
                "unexpected character in duration expression: {}",
                go_quote_rune(Some(other))
            )),
        }
    }

    /// `step`, `range`, `max_of`, `min_of` inside brackets; `None` (with the
    /// word consumed) when the word is something else.
    fn scan_duration_keyword(&mut self) -> Option<Token> {
        while is_alpha(self.next()) {}
        self.backup();
        let word = self.input[self.start..self.pos].to_ascii_lowercase();
        let keyword = match word.as_str() {
            "step" => Keyword::Step,
            "range" => Keyword::Range,
            "max_of" => Keyword::MaxOf,
            "min_of" => Keyword::MinOf,
            _ => return None,
        };
        let token = Token {
            kind: TokenKind::Keyword(keyword),
            start: self.start,
            end: self.pos,
        };
        self.start = self.pos;
        Some(token)
    }

    fn lex_keyword_or_identifier(&mut self) -> Step {
        loop {
            let c = self.next();
            if !(is_alphanumeric(c) || c == Some(':')) {
                self.backup();
                break;
            }
        }
        let word = &self.input[self.start..self.pos];
        let lower = word.to_ascii_lowercase();
        if lower == "inf" || lower == "nan" {
            return self.emit(TokenKind::Number);
        }
        match Keyword::from_lowercase(&lower) {
            Some(Keyword::Fill | Keyword::FillLeft | Keyword::FillRight)
                if !self.followed_by_left_paren() =>
            {
                self.emit(TokenKind::Identifier)
            }
            Some(keyword) => self.emit(TokenKind::Keyword(keyword)),
            None if word.contains(':') => self.emit(TokenKind::MetricIdentifier),
            None => self.emit(TokenKind::Identifier),
        }
    }

    fn followed_by_left_paren(&self) -> bool {
        self.input[self.pos..]
            .chars()
            .find(|&c| !is_space(Some(c)))
            .is_some_and(|c| c == '(')
    }

    fn lex_number_or_duration(&mut self) -> Step {
        if self.scan_number() {
            return self.emit(TokenKind::Number);
        }
        if self.accept_remaining_duration() {
            self.backup();
            return self.emit(TokenKind::Duration);
        }
        let text = self.input[self.start..self.pos].to_owned();
        self.error(format!(
            "bad number or duration syntax: {}",
            crate::quote::go_quote(&text)
        ))
    }

    /// The pre-2.54 bracket content: a duration and nothing else.
    fn lex_duration(&mut self) -> Step {
        if self.scan_number() {
            return self.error("missing unit character in duration".to_owned());
        }
        if !self.accept_remaining_duration() {
            let text = self.input[self.start..self.pos].to_owned();
            return self.error(format!(
                "bad duration syntax: {}",
                crate::quote::go_quote(&text)
            ));
        }
        self.backup();
        self.emit(TokenKind::Duration)
    }

    fn accept_remaining_duration(&mut self) -> bool {
        if !self.accept("smhdwy") {
            return false;
        }
        self.accept("s");
        while self.accept("0123456789") {
            while self.accept("0123456789") {}
            if !self.accept("smhdw") {
                return false;
            }
            self.accept("s");
        }
        !is_alphanumeric(self.next())
    }

    /// Scans what Prometheus' lexer takes for a number; its value is checked
    /// later, as Prometheus does.
    fn scan_number(&mut self) -> bool {
        if self.generation == Generation::DurationsOnly {
            return self.scan_number_before_2_54();
        }
        let initial = self.pos;
        let mut digits = "0123456789";
        if self.accept("0") && self.accept("xX") {
            self.accept("_");
            digits = "0123456789abcdefABCDEF";
        }
        self.accept(".");
        self.accept(digits);
        let mut dot_seen = false;
        let mut exponent_seen = false;
        let hex = digits.len() > 10;
        while let Some(c) = self.peek() {
            if !(digits.contains(c) || c == '.' || c == '_' || c == 'e' || c == 'E') {
                break;
            }
            if c == '.' && dot_seen {
                self.accept(".");
                return false;
            }
            if (c == 'e' || c == 'E') && exponent_seen {
                self.accept("eE");
                return false;
            }
            if self.accept(".") {
                dot_seen = true;
                if self.accept("_.") || hex {
                    return false;
                }
                continue;
            }
            if self.accept("eE") {
                exponent_seen = true;
                self.accept("+-");
                if self.accept("._eE") || self.peek().is_none() {
                    return false;
                }
                continue;
            }
            if self.accept("_") {
                if self.accept("._eE") || self.peek().is_none() {
                    return false;
                }
                continue;
            }
            while self.accept(digits) {}
        }
        if self.pos == initial {
            return false;
        }
        !is_alphanumeric(self.peek())
    }

    /// The number scanner before 2.54: no underscores, and an empty scan
    /// counts as a number.
    fn scan_number_before_2_54(&mut self) -> bool {
        let mut digits = "0123456789";
        if self.accept("0") && self.accept("xX") {
            digits = "0123456789abcdefABCDEF";
        }
        while self.accept(digits) {}
        if self.accept(".") {
            while self.accept(digits) {}
        }
        if self.accept("eE") {
            self.accept("+-");
            while self.accept("0123456789") {}
        }
        !is_alphanumeric(self.peek())
    }

    fn lex_string(&mut self) -> Step {
        loop {
            match self.next() {
                Some('\\') => self.lex_escape()?,
                Some('\u{FFFD}') => return self.error("invalid UTF-8 rune".to_owned()),
                None | Some('\n') => return self.error("unterminated quoted string".to_owned()),
                Some(c) if c == self.string_open => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::String)
    }

    fn lex_raw_string(&mut self) -> Step {
        loop {
            match self.next() {
                Some('\u{FFFD}') => return self.error("invalid UTF-8 rune".to_owned()),
                None => return self.error("unterminated raw string".to_owned()),
                Some(c) if c == self.string_open => break,
                Some(_) => {}
            }
        }
        self.emit(TokenKind::String)
    }

    /// Checks one escape sequence after a backslash, as Go's scanner does.
    fn lex_escape(&mut self) -> Result<(), LexError> {
        let first = self.next();
        let (mut remaining, base, max) = match first {
            Some('a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\') => return Ok(()),
            Some(c) if c == self.string_open => return Ok(()),
            Some('0'..='7') => (3, 8, 255),
            Some('x') => (2, 16, 255),
            Some('u') => (4, 16, 0x10FFFF),
            Some('U') => (8, 16, 0x10FFFF),
            None => return self.fail("escape sequence not terminated".to_owned()),
            Some(other) => {
                return self.fail(format!(
                    "unknown escape sequence {}",
                    go_unicode_rune(other)
                ));
            }
        };
        let mut c = if matches!(first, Some('x' | 'u' | 'U')) {
            self.next()
        } else {
            first
        };
        let mut value: u32 = 0;
        while remaining > 0 {
            let digit = c.and_then(|c| c.to_digit(16)).unwrap_or(16);
            if digit >= base {
                return match c {
                    None => self.fail("escape sequence not terminated".to_owned()),
                    Some(c) => self.fail(format!(
                        "illegal character {} in escape sequence",
                        go_unicode_rune(c)
                    )),
                };
            }
            value = value * base + digit;
            remaining -= 1;
            if remaining > 0 {
                c = self.next();
            }
        }
        if value > max || (0xD800..0xE000).contains(&value) {
            return self.fail("escape sequence is an invalid Unicode code point".to_owned());
        }
        Ok(())
    }

    fn fail(&mut self, message: String) -> Result<(), LexError> {
        self.finished = true;
        Err(LexError {
            start: self.start,
            message,
        })
    }
}
