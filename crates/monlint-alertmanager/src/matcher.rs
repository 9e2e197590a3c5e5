//! Label matchers as Alertmanager reads them: `name op value` in the classic syntax
//! (Alertmanager up to 0.26, and the fallback of later releases) and in the UTF-8
//! syntax (0.27 on, which warns when only the classic parser accepts an input).
//!
//! Regexes are Go RE2 patterns, fully anchored as `^(?:...)$`.

use std::fmt;

use monlint_core::Version;
use regex::Regex;

/// The first release that parses matchers with the UTF-8 parser (falling back to the
/// classic one with a warning).
pub const UTF8_PARSER_SINCE: Version = Version::new(0, 27);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    pub fn is_regex(self) -> bool {
        matches!(self, MatchOp::Regex | MatchOp::NotRegex)
    }
}

/// One matcher; a regex matcher carries its compiled, anchored pattern.
#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl Eq for Matcher {}

impl Matcher {
    /// Builds a matcher; a regex that Go would refuse is an error with Go's text.
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Matcher, String> {
        let regex = if op.is_regex() {
            Some(monlint_promql::compile_go_anchored_regex(value)?)
        } else {
            None
        };
        Ok(Matcher {
            name: name.to_owned(),
            op,
            value: value.to_owned(),
            regex,
        })
    }

    /// Whether the matcher accepts a label's value ("" when the label is missing).
    pub fn matches(&self, value: &str) -> bool {
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(regex)) => regex.is_match(value),
            (MatchOp::NotRegex, Some(regex)) => !regex.is_match(value),
            // Built only through `new`, which compiles every regex.
            (_, None) => false,
        }
    }

    /// Whether the matcher accepts the empty string, i.e. an alert without the label.
    pub fn matches_empty(&self) -> bool {
        self.matches("")
    }

    /// The sort order Alertmanager gives a route's matchers: name, value, then operator.
    pub fn sort_key(&self) -> (&str, &str, MatchOp) {
        (&self.name, &self.value, self.op)
    }
}

/// Alertmanager's rendering: `name="value"` with OpenMetrics escaping.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}\"", self.name, self.op.as_str())?;
        for c in self.value.chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '"' => f.write_str("\\\"")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

/// `{a="1",b=~"2"}` as Alertmanager prints a matcher list.
pub fn format_matchers(matchers: &[Matcher]) -> String {
    let inner: Vec<String> = matchers.iter().map(Matcher::to_string).collect();
    format!("{{{}}}", inner.join(","))
}

/// Sorts a route's or inhibit rule's matchers as Alertmanager does (stable).
pub fn sort_matchers(matchers: &mut [Matcher]) {
    matchers.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Go's `\s` in the classic parser's regex: ASCII whitespace without `\v`.
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// The classic parser's reading of one matcher (`labels.ParseMatcher`).
pub fn parse_classic_matcher(input: &str) -> Result<Matcher, String> {
    let bad = || format!("bad matcher format: {input}");
    let rest = input.trim_start_matches(is_go_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit()))
        })
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return Err(bad());
    }
    let (name, rest) = rest.split_at(name_len);
    let rest = rest.trim_start_matches(is_go_space);
    let (op, rest) = if let Some(r) = rest.strip_prefix("=~") {
        (MatchOp::Regex, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchOp::Equal, r)
    } else if let Some(r) = rest.strip_prefix("!=") {
        (MatchOp::NotEqual, r)
    } else if let Some(r) = rest.strip_prefix("!~") {
        (MatchOp::NotRegex, r)
    } else {
        return Err(bad());
    };
    let raw = rest
        .trim_start_matches(is_go_space)
        .trim_end_matches(is_go_space);
    let (body, mut expect_trailing_quote) = match raw.strip_prefix('"') {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let quote_error = || format!("matcher value contains unescaped double quote: {raw}");
    let mut value = String::with_capacity(body.len());
    let mut escaped = false;
    let last = body.len().saturating_sub(1);
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
            match c {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(c),
                other => {
                    // A spurious escape keeps its backslash.
                    value.push('\\');
                    value.push(other);
                }
            }
            continue;
        }
        match c {
            '\\' if i < last => escaped = true,
            '\\' => value.push('\\'),
            '"' => {
                if !expect_trailing_quote || i < last {
                    return Err(quote_error());
                }
                expect_trailing_quote = false;
            }
            other => value.push(other),
        }
    }
    if expect_trailing_quote {
        return Err(quote_error());
    }
    Matcher::new(name, op, &value)
}

/// The classic parser's reading of a matcher list (`labels.ParseMatchers`): optional
/// braces, commas outside double quotes separate matchers.
pub fn parse_classic_matchers(input: &str) -> Result<Vec<Matcher>, String> {
    let text = input.strip_prefix('{').unwrap_or(input);
    let text = text.strip_suffix('}').unwrap_or(text);
    let mut tokens: Vec<String> = Vec::new();
    let mut token = String::new();
    let mut inside_quotes = false;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            ',' if !inside_quotes => {
                tokens.push(std::mem::take(&mut token));
                continue;
            }
            // A comma inside quotes leaves the escape state as it was.
            ',' => {}
            '"' => {
                if escaped {
                    escaped = false;
                } else {
                    inside_quotes = !inside_quotes;
                }
            }
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
        token.push(c);
    }
    let last = token.trim_matches(char::is_whitespace);
    if !last.is_empty() {
        tokens.push(last.to_owned());
    }
    tokens.iter().map(|t| parse_classic_matcher(t)).collect()
}

/// The UTF-8 parser's reading of a matcher list (Alertmanager 0.27+). Errors name
/// the 1-based column range and the offending text, as the UTF-8 parser does.
pub fn parse_utf8_matchers(input: &str) -> Result<Vec<Matcher>, String> {
    let tokens = utf8_tokens(input)?;
    let mut pos = 0;
    let mut matchers = Vec::new();
    let open = tokens.first().is_some_and(|t| t.kind == Tok::Open);
    if open {
        pos += 1;
    }
    let unexpected = |t: &Token, what: &str| {
        format!(
            "{}:{}: unexpected {}: {what}",
            t.col_start, t.col_end, t.text
        )
    };
    while let Some(t) = tokens.get(pos) {
        if t.kind == Tok::Close {
            break;
        }
        // A matcher: name, operator, value.
        if !matches!(t.kind, Tok::Quoted | Tok::Unquoted) {
            return Err(unexpected(t, "expected label name"));
        }
        let name = unquote_token(t)?;
        let Some(op_token) = tokens.get(pos + 1) else {
            return Err(
                "end of input: expected an operator such as '=', '!=', '=~' or '!~'".to_owned(),
            );
        };
        let op = match op_token.kind {
            Tok::Op(op) => op,
            _ => {
                return Err(unexpected(
                    op_token,
                    "expected an operator such as '=', '!=', '=~' or '!~'",
                ));
            }
        };
        let Some(value_token) = tokens.get(pos + 2) else {
            return Err("end of input: expected label value".to_owned());
        };
        if !matches!(value_token.kind, Tok::Quoted | Tok::Unquoted) {
            return Err(unexpected(value_token, "expected label value"));
        }
        let value = unquote_token(value_token)?;
        matchers.push(
            Matcher::new(&name, op, &value)
                .map_err(|error| format!("failed to create matcher: {error}"))?,
        );
        pos += 3;
        match tokens.get(pos) {
            None => break,
            Some(t) if t.kind == Tok::Comma => pos += 1,
            Some(t) if t.kind == Tok::Close => break,
            Some(t) => return Err(unexpected(t, "expected a comma or close brace")),
        }
    }
    match tokens.get(pos) {
        Some(t) if t.kind == Tok::Close && !open => {
            Err(format!("0:{}: }}: expected opening brace", t.col_end))
        }
        Some(t) if t.kind == Tok::Close => match tokens.get(pos + 1) {
            Some(extra) => Err(format!(
                "{}:{}: {}: expected end of input",
                extra.col_start, extra.col_end, extra.text
            )),
            None => Ok(matchers),
        },
        Some(t) => Err(format!(
            "{}:{}: {}: expected end of input",
            t.col_start, t.col_end, t.text
        )),
        None if open => Err(format!(
            "0:{}: end of input: expected close brace",
            input.chars().count()
        )),
        None => Ok(matchers),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Comma,
    Op(MatchOp),
    Quoted,
    Unquoted,
}

struct Token<'a> {
    kind: Tok,
    text: &'a str,
    col_start: usize,
    col_end: usize,
}

fn is_reserved(c: char) -> bool {
    c.is_whitespace() || "{}!=~,\\\"'`".contains(c)
}

fn utf8_tokens(input: &str) -> Result<Vec<Token<'_>>, String> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(input.len(), |&(b, _)| b);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let start = i;
        let kind = match c {
            '{' => {
                i += 1;
                Tok::Open
            }
            '}' => {
                i += 1;
                Tok::Close
            }
            ',' => {
                i += 1;
                Tok::Comma
            }
            '=' | '!' => {
                let next = chars.get(i + 1).map(|&(_, c)| c);
                let (op, width) = match (c, next) {
                    ('=', Some('~')) => (MatchOp::Regex, 2),
                    ('=', _) => (MatchOp::Equal, 1),
                    ('!', Some('=')) => (MatchOp::NotEqual, 2),
                    ('!', Some('~')) => (MatchOp::NotRegex, 2),
                    _ => {
                        return Err(format!(
                            "{}:{}: {}: expected one of '=~'",
                            i,
                            i + 1,
                            &input[byte_at(i)..byte_at(i + 1)]
                        ));
                    }
                };
                i += width;
                Tok::Op(op)
            }
            '"' => {
                i += 1;
                let mut escaped = false;
                let mut closed = false;
                while i < chars.len() {
                    let c = chars[i].1;
                    i += 1;
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err(format!(
                        "{}:{}: {}: missing end \"",
                        start,
                        i,
                        &input[byte_at(start)..]
                    ));
                }
                Tok::Quoted
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            c if !is_reserved(c) => {
                while i < chars.len() && !is_reserved(chars[i].1) {
                    i += 1;
                }
                Tok::Unquoted
            }
            _ => {
                return Err(format!(
                    "{}:{}: {}: invalid input",
                    start,
                    start + 1,
                    &input[byte_at(start)..byte_at(start + 1)]
                ));
            }
        };
        tokens.push(Token {
            kind,
            text: &input[byte_at(start)..byte_at(i)],
            col_start: start,
            col_end: i,
        });
    }
    Ok(tokens)
}

/// A token's text: unquoted as is, quoted through Go's `strconv.Unquote`.
fn unquote_token(token: &Token) -> Result<String, String> {
    if token.kind != Tok::Quoted {
        return Ok(token.text.to_owned());
    }
    go_unquote(token.text).ok_or_else(|| {
        format!(
            "{}:{}: {}: invalid input",
            token.col_start, token.col_end, token.text
        )
    })
}

/// Go's `strconv.Unquote` for a double-quoted string.
fn go_unquote(quoted: &str) -> Option<String> {
    let body = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\n' || c == '"' {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escape = chars.next()?;
        match escape {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'x' | 'u' | 'U' => {
                let len = match escape {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let digits: String = chars.by_ref().take(len).collect();
                if digits.len() != len {
                    return None;
                }
                let code = u32::from_str_radix(&digits, 16).ok()?;
                // `\x` in a Go string is a byte; only ASCII stays valid UTF-8 on its own.
                if escape == 'x' && code > 0x7f {
                    return None;
                }
                out.push(char::from_u32(code)?);
            }
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                if rest.len() != 2 {
                    return None;
                }
                let code = u32::from_str_radix(&format!("{escape}{rest}"), 8).ok()?;
                if code > 0x7f {
                    return None;
                }
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// What reading a `matchers:` entry gave for the targeted version.
#[derive(Debug)]
pub struct ParsedMatchers {
    pub result: Result<Vec<Matcher>, String>,
    /// Set when 0.27+ fell back to the classic parser, or the two parsers disagree.
    pub fallback_warning: Option<String>,
}

/// Reads one `matchers:` string as the targeted Alertmanager does: the classic parser
/// before 0.27; from 0.27 the UTF-8 parser, falling back to the classic one (whose
/// result then wins) with a warning.
pub fn parse_matchers(input: &str, version: Version) -> ParsedMatchers {
    let classic = parse_classic_matchers(input);
    if version < UTF8_PARSER_SINCE {
        return ParsedMatchers {
            result: classic,
            fallback_warning: None,
        };
    }
    let utf8 = parse_utf8_matchers(input);
    let fallback_warning = match (&utf8, &classic) {
        (Err(error), Ok(classic)) => Some(format!(
            "only the classic matcher parser accepts this input ({error}); write it as {}",
            classic
                .iter()
                .map(Matcher::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )),
        (Ok(new), Ok(classic)) if new != classic => Some(
            "the classic and the UTF-8 matcher parsers read this input differently; the classic reading is used"
                .to_owned(),
        ),
        _ => None,
    };
    ParsedMatchers {
        result: classic,
        fallback_warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classic(input: &str) -> String {
        match parse_classic_matchers(input) {
            Ok(matchers) => format_matchers(&matchers),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn classic_parser_reads_what_alertmanager_reads() {
        assert_eq!(classic(r#"foo="bar""#), r#"{foo="bar"}"#);
        assert_eq!(
            classic("foo=bar, dings!=bums"),
            r#"{foo="bar",dings!="bums"}"#
        );
        assert_eq!(classic(r#"{foo = "bar", }"#), r#"{foo="bar"}"#);
        assert_eq!(classic("code=~[0-9]{3}"), r#"{code=~"[0-9]{3"}"#);
        assert_eq!(
            classic(r#"foo.bar="x""#),
            r#"error: bad matcher format: foo.bar="x""#
        );
        assert_eq!(classic("foo="), r#"{foo=""}"#);
        assert_eq!(
            classic(r#"q="She said: \"Hi, all\"""#),
            r#"{q="She said: \"Hi, all\""}"#
        );
        assert_eq!(
            classic(r#"a="b"c""#),
            r#"error: matcher value contains unescaped double quote: "b"c""#
        );
        assert_eq!(classic(r"a=x\y"), r#"{a="x\\y"}"#);
        assert_eq!(classic("a=b,,c=d"), "error: bad matcher format: ");
        assert!(classic("a=~(").starts_with("error: error parsing regexp: missing closing )"));
    }

    #[test]
    fn regexes_are_anchored_go_patterns() {
        let m = Matcher::new("a", MatchOp::Regex, "foo|bar").unwrap();
        assert!(m.matches("foo") && m.matches("bar") && !m.matches("foobar"));
        let d = Matcher::new("a", MatchOp::Regex, r"\d+").unwrap();
        assert!(d.matches("42") && !d.matches("٤٢"));
        let not = Matcher::new("a", MatchOp::NotRegex, ".+").unwrap();
        assert!(not.matches_empty());
    }

    #[test]
    fn utf8_parser_and_fallback() {
        let new = parse_utf8_matchers(r#"{foo="bar", "a.b"=~"x|y"}"#).unwrap();
        assert_eq!(format_matchers(&new), r#"{foo="bar",a.b=~"x|y"}"#);
        assert!(parse_utf8_matchers("foo=").is_err());
        let parsed = parse_matchers("foo=", Version::new(0, 27));
        assert!(parsed.result.is_ok());
        assert!(parsed.fallback_warning.unwrap().contains(r#"foo="""#));
        assert!(
            parse_matchers("foo=", Version::new(0, 25))
                .fallback_warning
                .is_none()
        );
        assert!(
            parse_matchers(r#"foo="bar""#, Version::new(0, 27))
                .fallback_warning
                .is_none()
        );
    }
}
