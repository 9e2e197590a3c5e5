//! The text/template scanner: turns template text into items, one at a time,
//! on demand. It mirrors Go's state machine closely because the exact token
//! sequence (spaces included) decides which error Go reports.

use monlint_core::Span;

use crate::literal::{go_quote, go_unicode};

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// A trim marker is `-` plus one space character, on the inner side of a delimiter.
const TRIM_MARKER_LEN: usize = 2;
const SPACE_CHARS: &[char] = &[' ', '\t', '\r', '\n'];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemKind {
    /// Scanning failed; the message is in [`Lexer::error_message`].
    Error,
    Bool,
    /// A printable ASCII character with no other meaning, such as `,`.
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemKind {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemKind::Block
                | ItemKind::Break
                | ItemKind::Continue
                | ItemKind::Dot
                | ItemKind::Define
                | ItemKind::Else
                | ItemKind::End
                | ItemKind::If
                | ItemKind::Nil
                | ItemKind::Range
                | ItemKind::Template
                | ItemKind::With
        )
    }

    fn keyword(word: &str) -> Option<ItemKind> {
        Some(match word {
            "block" => ItemKind::Block,
            "break" => ItemKind::Break,
            "continue" => ItemKind::Continue,
            "define" => ItemKind::Define,
            "else" => ItemKind::Else,
            "end" => ItemKind::End,
            "if" => ItemKind::If,
            "nil" => ItemKind::Nil,
            "range" => ItemKind::Range,
            "template" => ItemKind::Template,
            "with" => ItemKind::With,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

enum Step {
    Emit(Item),
    Goto(State),
}

pub(crate) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    /// Set once `next_char` has hit the end; from then on `backup` is a no-op, as in Go.
    at_eof: bool,
    inside_action: bool,
    paren_depth: i64,
    error_message: Option<String>,
}

fn is_space(c: char) -> bool {
    SPACE_CHARS.contains(&c)
}

/// Go's `unicode.IsLetter || unicode.IsDigit` (categories L and Nd),
/// approximated with Rust's Alphabetic and Numeric properties minus the
/// common letter-like and other numbers (Nl, No) those include. Identical
/// for ASCII; combining marks counted as Alphabetic still slip through.
fn is_alphanumeric(c: char) -> bool {
    c == '_' || ((c.is_alphabetic() || c.is_numeric()) && !is_letter_or_other_number(c))
}

fn is_letter_or_other_number(c: char) -> bool {
    matches!(u32::from(c),
        0xB2 | 0xB3 | 0xB9 | 0xBC..=0xBE | 0x9F4..=0x9F9 | 0xBF0..=0xBF2 | 0xF2A..=0xF33
        | 0x1369..=0x137C | 0x16EE..=0x16F0 | 0x17F0..=0x17F9 | 0x2070 | 0x2074..=0x2079
        | 0x2080..=0x2089 | 0x2150..=0x2182 | 0x2185..=0x2189 | 0x2460..=0x249B | 0x24EA..=0x24FF | 0x2776..=0x2793
        | 0x2CFD | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303A | 0x3192..=0x3195 | 0x3220..=0x3229
        | 0x3248..=0x324F | 0x3251..=0x325F | 0x3280..=0x3289 | 0x32B1..=0x32BF | 0xA6E6..=0xA6EF
        | 0xA830..=0xA835 | 0x10140..=0x10178 | 0x12400..=0x1246E | 0x1D360..=0x1D378
        | 0x1F100..=0x1F10C)
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(char::from(b[1]))
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(char::from(b[0])) && b[1] == b'-'
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Self {
        Lexer {
            input,
            pos: 0,
            start: 0,
            at_eof: false,
            inside_action: false,
            paren_depth: 0,
            error_message: None,
        }
    }

    /// The message of the error item, once one has been produced.
    pub fn error_message(&self) -> &str {
        self.error_message.as_deref().unwrap_or_default()
    }

    /// The next item. After an error item, only EOF items follow.
    pub fn next_item(&mut self) -> Item {
        if self.error_message.is_some() {
            return self.item_at(ItemKind::Eof, self.input.len(), self.input.len());
        }
        let mut state = if self.inside_action {
            State::InsideAction
        } else {
            State::Text
        };
        loop {
            let step = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Space => self.lex_space(),
                State::Identifier => self.lex_identifier(),
                State::Field => self.lex_field_or_variable(ItemKind::Field),
                State::Variable => self.lex_variable(),
                State::Char => self.lex_char(),
                State::Number => self.lex_number(),
                State::Quote => self.lex_quote(),
                State::RawQuote => self.lex_raw_quote(),
            };
            match step {
                Step::Emit(item) => return item,
                Step::Goto(next) => state = next,
            }
        }
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn next_char(&mut self) -> Option<char> {
        match self.rest().chars().next() {
            Some(c) => {
                self.pos += c.len_utf8();
                Some(c)
            }
            None => {
                self.at_eof = true;
                None
            }
        }
    }

    fn backup(&mut self) {
        if !self.at_eof {
            if let Some(c) = self.input[..self.pos].chars().next_back() {
                self.pos -= c.len_utf8();
            }
        }
    }

    fn peek_char(&mut self) -> Option<char> {
        let c = self.next_char();
        self.backup();
        c
    }

    fn accept(&mut self, valid: &str) -> bool {
        if self.next_char().is_some_and(|c| valid.contains(c)) {
            return true;
        }
        self.backup();
        false
    }

    fn accept_run(&mut self, valid: &str) {
        while self.next_char().is_some_and(|c| valid.contains(c)) {}
        self.backup();
    }

    fn item_at(&self, kind: ItemKind, start: usize, end: usize) -> Item {
        Item {
            kind,
            span: Span::from_usize(start, end),
        }
    }

    /// The pending input as an item; the next item starts where it ends.
    fn this_item(&mut self, kind: ItemKind) -> Item {
        let item = self.item_at(kind, self.start, self.pos);
        self.start = self.pos;
        item
    }

    fn emit(&mut self, kind: ItemKind) -> Step {
        Step::Emit(self.this_item(kind))
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    /// Ends scanning with an error item covering the pending input.
    fn error(&mut self, message: String) -> Step {
        let end = self.pos.max(self.start);
        self.error_message = Some(message);
        Step::Emit(self.item_at(ItemKind::Error, self.start, end))
    }

    fn lex_text(&mut self) -> Step {
        if let Some(offset) = self.rest().find(LEFT_DELIM) {
            if offset > 0 {
                self.pos += offset;
                let delim_end = self.pos + LEFT_DELIM.len();
                let trimmed = if has_left_trim_marker(&self.input[delim_end..]) {
                    let text = &self.input[self.start..self.pos];
                    text.len() - text.trim_end_matches(SPACE_CHARS).len()
                } else {
                    0
                };
                self.pos -= trimmed;
                let item = self.this_item(ItemKind::Text);
                self.pos += trimmed;
                self.ignore();
                if !item.span.is_empty() {
                    return Step::Emit(item);
                }
            }
            return Step::Goto(State::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            return self.emit(ItemKind::Text);
        }
        self.emit(ItemKind::Eof)
    }

    /// Whether a right delimiter (possibly with a trim marker) starts here.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest) && rest[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM) {
            return (true, true);
        }
        (rest.starts_with(RIGHT_DELIM), false)
    }

    fn skip_leading_spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(SPACE_CHARS).len();
    }

    fn lex_left_delim(&mut self) -> Step {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.rest());
        let after_marker = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.rest()[after_marker..].starts_with(LEFT_COMMENT) {
            self.pos += after_marker;
            self.ignore();
            return Step::Goto(State::Comment);
        }
        let item = self.this_item(ItemKind::LeftDelim);
        self.inside_action = true;
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        Step::Emit(item)
    }

    fn lex_comment(&mut self) -> Step {
        self.pos += LEFT_COMMENT.len();
        let Some(offset) = self.rest().find(RIGHT_COMMENT) else {
            self.pos = self.input.len();
            return self.error("unclosed comment".to_owned());
        };
        self.pos += offset + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.error("comment ends before closing delimiter".to_owned());
        }
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.skip_leading_spaces();
        }
        self.ignore();
        Step::Goto(State::Text)
    }

    fn lex_right_delim(&mut self) -> Step {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let item = self.this_item(ItemKind::RightDelim);
        if trim {
            self.skip_leading_spaces();
            self.ignore();
        }
        self.inside_action = false;
        Step::Emit(item)
    }

    fn lex_inside_action(&mut self) -> Step {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Step::Goto(State::RightDelim);
            }
            return self.error("unclosed left paren".to_owned());
        }
        let Some(c) = self.next_char() else {
            return self.error("unclosed action".to_owned());
        };
        match c {
            c if is_space(c) => {
                // The space may begin a trim-marked right delimiter.
                self.backup();
                Step::Goto(State::Space)
            }
            '=' => self.emit(ItemKind::Assign),
            ':' => {
                if self.next_char() != Some('=') {
                    return self.error("expected :=".to_owned());
                }
                self.emit(ItemKind::Declare)
            }
            '|' => self.emit(ItemKind::Pipe),
            '"' => Step::Goto(State::Quote),
            '`' => Step::Goto(State::RawQuote),
            '$' => Step::Goto(State::Variable),
            '\'' => Step::Goto(State::Char),
            '.' if !self
                .rest()
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_digit)
                && !self.rest().is_empty() =>
            {
                Step::Goto(State::Field)
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.backup();
                Step::Goto(State::Number)
            }
            c if is_alphanumeric(c) => {
                self.backup();
                Step::Goto(State::Identifier)
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(ItemKind::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error("unexpected right paren".to_owned());
                }
                self.emit(ItemKind::RightParen)
            }
            c if c.is_ascii_graphic() => self.emit(ItemKind::Char),
            c => self.error(format!(
                "unrecognized character in action: {}",
                go_unicode(c)
            )),
        }
    }

    fn lex_space(&mut self) -> Step {
        let mut count = 0;
        while self.peek_char().is_some_and(is_space) {
            self.next_char();
            count += 1;
        }
        let last_space = self.pos - 1;
        if has_right_trim_marker(&self.input[last_space..])
            && self.input[last_space + TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM)
        {
            self.backup();
            if count == 1 {
                return Step::Goto(State::RightDelim);
            }
        }
        self.emit(ItemKind::Space)
    }

    /// Whether the input can end an identifier, field or variable here.
    fn at_terminator(&mut self) -> bool {
        match self.peek_char() {
            None | Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(c) if is_space(c) => true,
            Some(_) => self.rest().starts_with(RIGHT_DELIM),
        }
    }

    fn bad_character(&mut self) -> Step {
        let c = self.peek_char().unwrap_or(char::REPLACEMENT_CHARACTER);
        self.error(format!("bad character {}", go_unicode(c)))
    }

    fn lex_identifier(&mut self) -> Step {
        while self.next_char().is_some_and(is_alphanumeric) {}
        self.backup();
        if !self.at_terminator() {
            return self.bad_character();
        }
        let word = &self.input[self.start..self.pos];
        let kind = match ItemKind::keyword(word) {
            Some(keyword) => keyword,
            None if word == "true" || word == "false" => ItemKind::Bool,
            None => ItemKind::Identifier,
        };
        self.emit(kind)
    }

    fn lex_variable(&mut self) -> Step {
        if self.at_terminator() {
            return self.emit(ItemKind::Variable);
        }
        self.lex_field_or_variable(ItemKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: ItemKind) -> Step {
        if self.at_terminator() {
            return self.emit(if kind == ItemKind::Variable {
                ItemKind::Variable
            } else {
                ItemKind::Dot
            });
        }
        while self.next_char().is_some_and(is_alphanumeric) {}
        self.backup();
        if !self.at_terminator() {
            return self.bad_character();
        }
        self.emit(kind)
    }

    fn lex_char(&mut self) -> Step {
        loop {
            match self.next_char() {
                Some('\\') => {
                    if matches!(self.next_char(), None | Some('\n')) {
                        return self.error("unterminated character constant".to_owned());
                    }
                }
                None | Some('\n') => {
                    return self.error("unterminated character constant".to_owned());
                }
                Some('\'') => return self.emit(ItemKind::CharConstant),
                Some(_) => {}
            }
        }
    }

    fn bad_number(&mut self) -> Step {
        let text = go_quote(&self.input[self.start..self.pos]);
        self.error(format!("bad number syntax: {text}"))
    }

    fn lex_number(&mut self) -> Step {
        if !self.scan_number() {
            return self.bad_number();
        }
        if matches!(self.peek_char(), Some('+' | '-')) {
            // A complex constant such as 1+2i: no spaces, ending in 'i'.
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                return self.bad_number();
            }
            return self.emit(ItemKind::Complex);
        }
        self.emit(ItemKind::Number)
    }

    /// Scans a superset of Go number syntax; the parser rejects what strconv would.
    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> Step {
        loop {
            match self.next_char() {
                Some('\\') => {
                    if matches!(self.next_char(), None | Some('\n')) {
                        return self.error("unterminated quoted string".to_owned());
                    }
                }
                None | Some('\n') => return self.error("unterminated quoted string".to_owned()),
                Some('"') => return self.emit(ItemKind::String),
                Some(_) => {}
            }
        }
    }

    fn lex_raw_quote(&mut self) -> Step {
        loop {
            match self.next_char() {
                None => return self.error("unterminated raw quoted string".to_owned()),
                Some('`') => return self.emit(ItemKind::RawString),
                Some(_) => {}
            }
        }
    }
}

/// How Go prints an item in "unexpected X in Y" messages.
pub(crate) fn describe(item: Item, input: &str, lexer_error: &str) -> String {
    let text = &input[item.span.range()];
    match item.kind {
        ItemKind::Eof => "EOF".to_owned(),
        ItemKind::Error => lexer_error.to_owned(),
        kind if kind.is_keyword() => format!("<{text}>"),
        _ if text.len() > 10 => format!("{}...", crate::literal::go_quote_prefix(text, 10)),
        _ => go_quote(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<(ItemKind, &str)> {
        let mut lexer = Lexer::new(input);
        let mut out = Vec::new();
        loop {
            let item = lexer.next_item();
            out.push((item.kind, &input[item.span.range()]));
            if matches!(item.kind, ItemKind::Eof | ItemKind::Error) {
                return out;
            }
        }
    }

    #[test]
    fn scans_actions_fields_and_trim_markers() {
        use ItemKind::*;
        assert_eq!(
            kinds("a  {{- $x := .A.b | f 1 -}}  b"),
            vec![
                (Text, "a"),
                (LeftDelim, "{{"),
                (Variable, "$x"),
                (Space, " "),
                (Declare, ":="),
                (Space, " "),
                (Field, ".A"),
                (Field, ".b"),
                (Space, " "),
                (Pipe, "|"),
                (Space, " "),
                (Identifier, "f"),
                (Space, " "),
                (Number, "1"),
                (RightDelim, "}}"),
                (Text, "b"),
                (Eof, ""),
            ]
        );
    }

    #[test]
    fn comments_vanish_and_keywords_are_recognised() {
        use ItemKind::*;
        assert_eq!(
            kinds("{{/* c */}}{{if .}}{{end}}"),
            vec![
                (LeftDelim, "{{"),
                (If, "if"),
                (Space, " "),
                (Dot, "."),
                (RightDelim, "}}"),
                (LeftDelim, "{{"),
                (End, "end"),
                (RightDelim, "}}"),
                (Eof, ""),
            ]
        );
    }

    #[test]
    fn errors_end_the_scan() {
        let mut lexer = Lexer::new("{{ 1x }}");
        let items: Vec<_> = (0..4).map(|_| lexer.next_item().kind).collect();
        assert_eq!(
            items,
            vec![
                ItemKind::LeftDelim,
                ItemKind::Space,
                ItemKind::Error,
                ItemKind::Eof
            ]
        );
        assert_eq!(lexer.error_message(), "bad number syntax: \"1x\"");
    }
}
