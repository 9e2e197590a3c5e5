//! Go string quoting and unquoting, as Prometheus' messages and strings use it.

use std::fmt::Write;

/// An approximation of Go's `unicode.IsPrint` without Unicode tables:
/// ASCII space counts, other whitespace and control characters do not.
fn is_printable(c: char) -> bool {
    c == ' ' || !(c.is_control() || c.is_whitespace() || c == '\u{FEFF}')
}

fn escape_into(out: &mut String, c: char, quote: char) {
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0C' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0B' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if is_printable(c) => out.push(c),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// Go's `strconv.Quote` (`%q` of a string).
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '\u{FFFD}' {
            // Escaped so printed strings re-lex: Prometheus' lexer refuses
            // U+FFFD inside strings (it stands for invalid UTF-8 there).
            out.push_str("\\ufffd");
        } else {
            escape_into(&mut out, c, '"');
        }
    }
    out.push('"');
    out
}

/// Go's `%q` of a rune; `None` stands for Go's end-of-input rune (-1),
/// which Go prints as the replacement character.
pub(crate) fn go_quote_rune(c: Option<char>) -> String {
    let mut out = String::from("'");
    escape_into(&mut out, c.unwrap_or('\u{FFFD}'), '\'');
    out.push('\'');
    out
}

/// Go's `%#U` of a rune: `U+0071 'q'`, or just `U+0007` when unprintable.
pub(crate) fn go_unicode_rune(c: char) -> String {
    if is_printable(c) {
        format!("U+{:04X} '{c}'", c as u32)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// Decodes a string token (with its quotes) the way Prometheus' `strutil.Unquote`
/// does. The lexer has already validated the escapes. Byte escapes (`\xff`,
/// `\377`) that do not form valid UTF-8 become U+FFFD, as Rust strings must
/// be valid UTF-8 where Go's need not be.
pub(crate) fn unquote(token: &str) -> Result<String, &'static str> {
    unquote_bytes(token).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// The bytes a string token stands for, as Go keeps them: possibly not UTF-8.
pub(crate) fn unquote_bytes(token: &str) -> Result<Vec<u8>, &'static str> {
    let mut chars = token.chars();
    let quote = chars.next().ok_or("invalid syntax")?;
    let body = token
        .get(quote.len_utf8()..token.len().saturating_sub(quote.len_utf8()))
        .filter(|_| token.len() >= 2 && token.ends_with(quote))
        .ok_or("invalid syntax")?;
    if quote == '`' {
        return Ok(body.replace('\r', "").into_bytes());
    }
    if quote != '"' && quote != '\'' {
        return Err("invalid syntax");
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(body.len());
    let mut rest = body.chars().peekable();
    while let Some(c) = rest.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let escape = rest.next().ok_or("invalid syntax")?;
        let simple = match escape {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0C),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0B),
            '\\' => Some(b'\\'),
            '\'' | '"' => Some(escape as u8),
            _ => None,
        };
        if let Some(byte) = simple {
            bytes.push(byte);
            continue;
        }
        let (count, radix, is_byte) = match escape {
            '0'..='7' => (3, 8, true),
            'x' => (2, 16, true),
            'u' => (4, 16, false),
            'U' => (8, 16, false),
            _ => return Err("invalid syntax"),
        };
        let mut value: u32 = 0;
        let mut first = if matches!(escape, '0'..='7') {
            Some(escape)
        } else {
            None
        };
        for _ in 0..count {
            let digit = first
                .take()
                .or_else(|| rest.next())
                .and_then(|d| d.to_digit(radix))
                .ok_or("invalid syntax")?;
            value = value
                .checked_mul(radix)
                .and_then(|v| v.checked_add(digit))
                .ok_or("invalid syntax")?;
        }
        if is_byte {
            bytes.push(u8::try_from(value).map_err(|_| "invalid syntax")?);
        } else {
            let c = char::from_u32(value).ok_or("invalid syntax")?;
            let mut buf = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\n\u{7}é"), r#""a\"b\n\aé""#);
        assert_eq!(go_quote_rune(Some('\'')), r"'\''");
        assert_eq!(go_quote_rune(None), "'\u{FFFD}'");
        assert_eq!(go_quote("\u{FFFD}"), r#""\ufffd""#);
        assert_eq!(go_unicode_rune('q'), "U+0071 'q'");
    }

    #[test]
    fn unquotes_go_strings() {
        assert_eq!(unquote(r#""a\tb\x41\u00e9\101""#).as_deref(), Ok("a\tbAéA"));
        assert_eq!(unquote(r"'it\'s'").as_deref(), Ok("it's"));
        assert_eq!(unquote(r"`raw\n`").as_deref(), Ok(r"raw\n"));
        assert!(unquote("\"").is_err());
    }
}
