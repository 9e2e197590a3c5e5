//! Validation of label-matcher regular expressions with the error texts of
//! Go's `regexp/syntax` (RE2 syntax, Perl flags), which Prometheus reports
//! verbatim: "error parsing regexp: missing closing ): `(`".
//!
//! Only syntax is checked; nothing is compiled. The scan is iterative, so
//! hostile patterns cannot exhaust the stack. Unicode class names (`\p{..}`)
//! are checked against the general categories and a script-name shape, not
//! against Go's full table.

/// Go's maximum group nesting.
const MAX_NESTING: usize = 1000;
/// Go's maximum repeat count in `{n,m}`.
const MAX_REPEAT: i64 = 1000;

/// Why a pattern was refused, as Go prints it.
fn error(code: &str, expr: &str) -> String {
    format!("error parsing regexp: {code}: `{expr}`")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Nothing to repeat: the start, just after `(` or `|`.
    Nothing,
    Operand,
}

struct Scanner<'a> {
    pattern: &'a str,
    /// Go 1.22+ (Prometheus 3) accepts `(?<name>...)` as well as `(?P<name>...)`.
    angle_named_groups: bool,
}

/// Checks `pattern` as Go's `syntax.Parse(pattern, syntax.Perl)` would.
pub(crate) fn validate(pattern: &str, angle_named_groups: bool) -> Result<(), String> {
    Scanner {
        pattern,
        angle_named_groups,
    }
    .run()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn unicode_class_name_ok(name: &str) -> bool {
    const CATEGORIES: &[&str] = &[
        "Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
        "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc",
        "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
    ];
    let name = name.strip_prefix('^').unwrap_or(name);
    CATEGORIES.contains(&name)
        || (name.len() > 1
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.bytes().all(is_word_byte))
}

impl Scanner<'_> {
    fn run(&self) -> Result<(), String> {
        let s = self.pattern;
        let bytes = s.as_bytes();
        let mut pos = 0;
        let mut open_groups = 0usize;
        let mut top = Top::Nothing;
        let mut last_repeat: Option<usize> = None;
        while pos < bytes.len() {
            let mut repeat_start = None;
            match bytes[pos] {
                b'(' => {
                    if bytes.get(pos + 1) == Some(&b'?') {
                        let (next, opens) = self.perl_flags(pos)?;
                        pos = next;
                        if opens {
                            open_groups += 1;
                            top = Top::Nothing;
                        }
                    } else {
                        open_groups += 1;
                        top = Top::Nothing;
                        pos += 1;
                    }
                    if open_groups > MAX_NESTING {
                        return Err(error("expression nests too deeply", s));
                    }
                }
                b'|' => {
                    top = Top::Nothing;
                    pos += 1;
                }
                b')' => {
                    if open_groups == 0 {
                        return Err(error("unexpected )", s));
                    }
                    open_groups -= 1;
                    top = Top::Operand;
                    pos += 1;
                }
                b'[' => {
                    pos = self.class(pos)?;
                    top = Top::Operand;
                }
                b'*' | b'+' | b'?' => {
                    let mut after = pos + 1;
                    if bytes.get(after) == Some(&b'?') {
                        after += 1;
                    }
                    self.repeat(pos, after, last_repeat, top)?;
                    repeat_start = Some(pos);
                    pos = after;
                }
                b'{' => match parse_repeat(&bytes[pos..]) {
                    Some((min, max, len)) => {
                        let mut after = pos + len;
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return Err(error("invalid repeat count", &s[pos..after]));
                        }
                        if bytes.get(after) == Some(&b'?') {
                            after += 1;
                        }
                        self.repeat(pos, after, last_repeat, top)?;
                        repeat_start = Some(pos);
                        pos = after;
                    }
                    None => {
                        top = Top::Operand;
                        pos += 1;
                    }
                },
                b'\\' => {
                    pos = self.escape_outside_class(pos)?;
                    top = Top::Operand;
                }
                _ => {
                    let width = s[pos..].chars().next().map_or(1, char::len_utf8);
                    top = Top::Operand;
                    pos += width;
                }
            }
            last_repeat = repeat_start;
        }
        if open_groups > 0 {
            return Err(error("missing closing )", s));
        }
        Ok(())
    }

    fn repeat(
        &self,
        start: usize,
        after: usize,
        last_repeat: Option<usize>,
        top: Top,
    ) -> Result<(), String> {
        if let Some(previous) = last_repeat {
            return Err(error(
                "invalid nested repetition operator",
                &self.pattern[previous..after],
            ));
        }
        if top == Top::Nothing {
            return Err(error(
                "missing argument to repetition operator",
                &self.pattern[start..after],
            ));
        }
        Ok(())
    }

    /// `(?` groups: named captures and flag groups. Returns where scanning
    /// continues and whether a group was opened (`(?i)` opens none).
    fn perl_flags(&self, start: usize) -> Result<(usize, bool), String> {
        let s = self.pattern;
        let rest = &s[start..];
        let named_prefix = if rest.starts_with("(?P<") {
            Some(4)
        } else if self.angle_named_groups && rest.starts_with("(?<") {
            Some(3)
        } else {
            None
        };
        if let Some(prefix) = named_prefix {
            let Some(end) = rest.find('>') else {
                return Err(error("invalid named capture", rest));
            };
            let name = &rest[prefix..end];
            if name.is_empty() || !name.bytes().all(is_word_byte) {
                return Err(error("invalid named capture", &rest[..=end]));
            }
            return Ok((start + end + 1, true));
        }
        let mut pos = start + 2;
        let mut negated = false;
        let mut saw_flag = false;
        while let Some(c) = s[pos..].chars().next() {
            pos += c.len_utf8();
            match c {
                'i' | 'm' | 's' | 'U' => saw_flag = true,
                '-' if !negated => {
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' if !negated || saw_flag => return Ok((pos, c == ':')),
                _ => break,
            }
        }
        Err(error("invalid or unsupported Perl syntax", &s[start..pos]))
    }

    /// A backslash sequence outside a class; returns the position after it.
    fn escape_outside_class(&self, start: usize) -> Result<usize, String> {
        let s = self.pattern;
        match s.as_bytes().get(start + 1) {
            Some(b'A' | b'b' | b'B' | b'z') => return Ok(start + 2),
            Some(b'C') => return Err(error("invalid escape sequence", &s[start..start + 2])),
            Some(b'Q') => {
                return Ok(s[start + 2..]
                    .find("\\E")
                    .map_or(s.len(), |end| start + 2 + end + 2));
            }
            _ => {}
        }
        if let Some(end) = self.class_escape(start)? {
            return Ok(end);
        }
        self.escape(start)
    }

    /// `\pL`, `\p{Greek}`, `\d`, `\w`, `\s` and their negations.
    fn class_escape(&self, start: usize) -> Result<Option<usize>, String> {
        let s = self.pattern;
        let bytes = s.as_bytes();
        match bytes.get(start + 1) {
            Some(b'd' | b'D' | b's' | b'S' | b'w' | b'W') => Ok(Some(start + 2)),
            Some(b'p' | b'P') => {
                let after = start + 2;
                let (name, end) = match s[after..].chars().next() {
                    Some('{') => match s[start..].find('}') {
                        Some(close) => (&s[after + 1..start + close], start + close + 1),
                        None => return Err(error("invalid character class range", &s[start..])),
                    },
                    Some(c) => (&s[after..after + c.len_utf8()], after + c.len_utf8()),
                    None => return Err(error("invalid character class range", &s[start..])),
                };
                if !unicode_class_name_ok(name) {
                    return Err(error("invalid character class range", &s[start..end]));
                }
                Ok(Some(end))
            }
            _ => Ok(None),
        }
    }

    /// A single-character escape; returns the position after it.
    fn escape(&self, start: usize) -> Result<usize, String> {
        let s = self.pattern;
        let bytes = s.as_bytes();
        let Some(c) = s[start + 1..].chars().next() else {
            return Err(error("trailing backslash at end of expression", ""));
        };
        let mut pos = start + 1 + c.len_utf8();
        let is_octal = |b: Option<&u8>| matches!(b, Some(b'0'..=b'7'));
        let valid = match c {
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => true,
            '1'..='7' if !is_octal(bytes.get(pos)) => false,
            '0'..='7' => {
                for _ in 0..2 {
                    if is_octal(bytes.get(pos)) {
                        pos += 1;
                    }
                }
                true
            }
            'x' => match s[pos..].chars().next() {
                Some('{') => {
                    let close = s[pos..].find('}');
                    match close {
                        Some(close)
                            if close > 1
                                && u32::from_str_radix(&s[pos + 1..pos + close], 16)
                                    .is_ok_and(|v| v <= 0x10FFFF) =>
                        {
                            pos += close + 1;
                            true
                        }
                        _ => {
                            // Go reports the sequence up to where it gave up.
                            let digits = s[pos + 1..]
                                .find(|c: char| !c.is_ascii_hexdigit())
                                .map_or(s.len(), |n| pos + 1 + n);
                            pos = (digits + 1).min(s.len());
                            while !s.is_char_boundary(pos) {
                                pos += 1;
                            }
                            false
                        }
                    }
                }
                _ => {
                    let mut ok = true;
                    for _ in 0..2 {
                        match s[pos..].chars().next() {
                            Some(h) => {
                                ok &= h.is_ascii_hexdigit();
                                pos += h.len_utf8();
                            }
                            None => ok = false,
                        }
                    }
                    ok
                }
            },
            'a' | 'f' | 'n' | 'r' | 't' | 'v' => true,
            _ => false,
        };
        if valid {
            Ok(pos)
        } else {
            Err(error("invalid escape sequence", &s[start..pos]))
        }
    }

    /// A bracketed class starting at `start`; returns the position after `]`.
    fn class(&self, start: usize) -> Result<usize, String> {
        let s = self.pattern;
        let bytes = s.as_bytes();
        let missing = || error("missing closing ]", &s[start..]);
        let mut pos = start + 1;
        if bytes.get(pos) == Some(&b'^') {
            pos += 1;
        }
        let mut first = true;
        loop {
            match bytes.get(pos) {
                None => return Err(missing()),
                Some(b']') if !first => return Ok(pos + 1),
                _ => {}
            }
            first = false;
            if s[pos..].starts_with("[:") {
                if let Some(close) = s[pos + 2..].find(":]") {
                    let name = &s[pos..pos + 2 + close + 2];
                    const POSIX: &[&str] = &[
                        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower",
                        "print", "punct", "space", "upper", "word", "xdigit",
                    ];
                    let inner = &name[2..name.len() - 2];
                    if !POSIX.contains(&inner.strip_prefix('^').unwrap_or(inner)) {
                        return Err(error("invalid character class range", name));
                    }
                    pos += name.len();
                    continue;
                }
            }
            if bytes[pos] == b'\\' {
                if let Some(end) = self.class_escape(pos)? {
                    pos = end;
                    continue;
                }
            }
            let range_start = pos;
            let (low, next) = self.class_char(pos, start)?;
            pos = next;
            if bytes.get(pos) == Some(&b'-') && bytes.get(pos + 1).is_some_and(|&b| b != b']') {
                let (high, next) = self.class_char(pos + 1, start)?;
                pos = next;
                if high < low {
                    return Err(error("invalid character class range", &s[range_start..pos]));
                }
            }
        }
    }

    /// One class member character (possibly escaped): its value and end.
    fn class_char(&self, pos: usize, class_start: usize) -> Result<(u32, usize), String> {
        let s = self.pattern;
        let Some(c) = s[pos..].chars().next() else {
            return Err(error("missing closing ]", &s[class_start..]));
        };
        if c != '\\' {
            return Ok((c as u32, pos + c.len_utf8()));
        }
        let end = self.escape(pos)?;
        Ok((escaped_value(&s[pos..end]), end))
    }
}

/// The character a valid escape sequence stands for (for range ordering).
fn escaped_value(sequence: &str) -> u32 {
    let body = &sequence[1..];
    let mut chars = body.chars();
    match chars.next() {
        Some('x') => {
            let digits = body[1..].trim_start_matches('{').trim_end_matches('}');
            u32::from_str_radix(digits, 16).unwrap_or(0)
        }
        Some('0'..='7') => u32::from_str_radix(body, 8).unwrap_or(0),
        Some('a') => 7,
        Some('f') => 12,
        Some('n') => 10,
        Some('r') => 13,
        Some('t') => 9,
        Some('v') => 11,
        Some(c) => c as u32,
        None => 0,
    }
}

/// `{n}`, `{n,}`, `{n,m}` at the start of `bytes`: (min, max or -1, length).
/// Counts over 10^8 come back as -1 (too big), as in Go.
fn parse_repeat(bytes: &[u8]) -> Option<(i64, i64, usize)> {
    let mut pos = 1;
    let min = parse_int(bytes, &mut pos)?;
    let max = if bytes.get(pos) == Some(&b',') {
        pos += 1;
        if bytes.get(pos) == Some(&b'}') {
            -1
        } else {
            parse_int(bytes, &mut pos)?
        }
    } else {
        min
    };
    (bytes.get(pos) == Some(&b'}')).then_some((min, max, pos + 1))
}

fn parse_int(bytes: &[u8], pos: &mut usize) -> Option<i64> {
    let start = *pos;
    if !bytes.get(start).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if bytes[start] == b'0' && bytes.get(start + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut value: i64 = 0;
    while let Some(digit) = bytes.get(*pos).filter(|b| b.is_ascii_digit()) {
        if value >= 100_000_000 {
            value = -1;
        } else if value >= 0 {
            value = value * 10 + i64::from(digit - b'0');
        }
        *pos += 1;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::validate;

    fn message(pattern: &str) -> String {
        validate(pattern, true).expect_err(pattern)
    }

    #[test]
    fn accepts_valid_patterns() {
        for ok in [
            "",
            "a|b",
            "(?i)foo.*",
            "[a-z0-9_]+",
            "\\d{2,3}",
            "x{2,}",
            "a{,2}",
            "\\pL\\p{Greek}",
            "[[:alpha:]-]",
            "(?P<n>a)(?<m>b)",
            "\\.\\*\\x41\\x{263a}",
            "a*?b+?",
            "[^]a]",
            "\\Qa*\\E",
        ] {
            assert_eq!(validate(ok, true), Ok(()), "{ok}");
        }
    }

    #[test]
    fn reports_go_error_texts() {
        let cases = [
            ("(", "missing closing ): `(`"),
            (")", "unexpected ): `)`"),
            ("*", "missing argument to repetition operator: `*`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("[a", "missing closing ]: `[a`"),
            ("\\q", "invalid escape sequence: `\\q`"),
            ("a{2,1}", "invalid repeat count: `{2,1}`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            ("(?P<>a)", "invalid named capture: `(?P<>`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("(?z)", "invalid or unsupported Perl syntax: `(?z`"),
            ("a\\", "trailing backslash at end of expression: ``"),
            ("\\1", "invalid escape sequence: `\\1`"),
        ];
        for (pattern, text) in cases {
            assert_eq!(
                message(pattern),
                format!("error parsing regexp: {text}"),
                "{pattern}"
            );
        }
        assert!(validate("(?<n>a)", false).is_err());
        assert!(validate(&"(".repeat(2000), true).is_err());
    }
}
