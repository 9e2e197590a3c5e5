//! Go literal syntax as text/template needs it: decoding quoted strings,
//! character constants and numbers the way Go's `strconv` does, and quoting
//! strings the way Go's `%q` does for error messages.

use std::fmt::Write as _;

/// The value of a numeric constant (including character constants), with
/// every representation Go's parser finds exact, as execution needs them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NumberValue {
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    /// Real and imaginary parts, for imaginary and complex constants.
    pub complex: Option<(f64, f64)>,
}

/// Why a literal was refused, as Go words it.
const INVALID_SYNTAX: &str = "invalid syntax";

/// Decodes a `"..."` or `` `...` `` literal (quotes included) like `strconv.Unquote`.
/// Escapes that produce bytes which are not UTF-8 are replaced by U+FFFD.
pub fn unquote_string(literal: &str) -> Result<String, String> {
    let bytes = literal.as_bytes();
    if bytes.len() < 2 || bytes[0] != bytes[bytes.len() - 1] {
        return Err(INVALID_SYNTAX.to_owned());
    }
    let body = &literal[1..literal.len() - 1];
    match bytes[0] {
        b'`' => {
            if body.contains('`') {
                return Err(INVALID_SYNTAX.to_owned());
            }
            // Go drops carriage returns from raw strings.
            Ok(body.replace('\r', ""))
        }
        b'"' => {
            if body.contains('\n') {
                return Err(INVALID_SYNTAX.to_owned());
            }
            let mut out: Vec<u8> = Vec::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                let (decoded, tail) = unquote_char(rest, '"').ok_or(INVALID_SYNTAX)?;
                match decoded {
                    Decoded::Char(c) => {
                        let mut buf = [0; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Decoded::Byte(b) => out.push(b),
                }
                rest = tail;
            }
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        _ => Err(INVALID_SYNTAX.to_owned()),
    }
}

enum Decoded {
    Char(char),
    /// A `\x` or octal escape, which Go stores as a raw byte in strings.
    Byte(u8),
}

/// Decodes the first character or escape of `s` like `strconv.UnquoteChar`.
fn unquote_char(s: &str, quote: char) -> Option<(Decoded, &str)> {
    let mut chars = s.chars();
    let first = chars.next()?;
    if first == quote {
        return None;
    }
    if first != '\\' {
        return Some((Decoded::Char(first), chars.as_str()));
    }
    let escape = chars.next()?;
    let rest = chars.as_str();
    let simple = |c: char| Some((Decoded::Char(c), rest));
    match escape {
        'a' => simple('\x07'),
        'b' => simple('\x08'),
        'f' => simple('\x0c'),
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'v' => simple('\x0b'),
        '\\' => simple('\\'),
        '\'' | '"' if escape == quote => simple(escape),
        'x' | 'u' | 'U' => {
            let width = match escape {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..width)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let value = u32::from_str_radix(digits, 16).ok()?;
            let tail = &rest[width..];
            if escape == 'x' {
                return Some((Decoded::Byte(u8::try_from(value).ok()?), tail));
            }
            Some((Decoded::Char(char::from_u32(value)?), tail))
        }
        '0'..='7' => {
            let digits = rest.get(..2)?;
            let mut value = escape as u32 - '0' as u32;
            for b in digits.bytes() {
                if !(b'0'..=b'7').contains(&b) {
                    return None;
                }
                value = value << 3 | u32::from(b - b'0');
            }
            Some((Decoded::Byte(u8::try_from(value).ok()?), &rest[2..]))
        }
        _ => None,
    }
}

/// Decodes a character constant such as `'a'` or `'\n'` (quotes included).
pub fn parse_char_constant(literal: &str) -> Result<NumberValue, String> {
    let body = literal.get(1..).unwrap_or_default();
    let (decoded, tail) = unquote_char(body, '\'').ok_or(INVALID_SYNTAX)?;
    if tail != "'" {
        return Err(format!("malformed character constant: {literal}"));
    }
    let code = match decoded {
        Decoded::Char(c) => u32::from(c),
        Decoded::Byte(b) => u32::from(b),
    };
    Ok(NumberValue {
        int: Some(i64::from(code)),
        uint: Some(u64::from(code)),
        float: Some(f64::from(code)),
        complex: None,
    })
}

/// Decodes a complex constant such as `1+2i`, which the lexer guarantees is two
/// numbers joined by a sign and ending in `i`.
pub fn parse_complex(text: &str) -> Result<NumberValue, String> {
    let split = text
        .char_indices()
        .skip(1)
        .filter(|&(i, c)| {
            (c == '+' || c == '-') && !matches!(text.as_bytes()[i - 1], b'e' | b'E' | b'p' | b'P')
        })
        .map(|(i, _)| i)
        .last()
        .unwrap_or(text.len());
    let (real_text, imag_text) = text.split_at(split);
    let imag_text = imag_text.strip_suffix('i').unwrap_or(imag_text);
    let parse = |part: &str| {
        parse_float(part).ok_or_else(|| {
            format!(
                "strconv.ParseFloat: parsing {}: invalid syntax",
                go_quote(part)
            )
        })
    };
    let value = (parse(real_text)?, parse(imag_text)?);
    Ok(simplify_complex(value))
}

/// Records the integer and float forms of a complex value whose imaginary part is zero.
fn simplify_complex((re, im): (f64, f64)) -> NumberValue {
    let mut value = NumberValue {
        complex: Some((re, im)),
        ..NumberValue::default()
    };
    if im == 0.0 {
        value.float = Some(re);
        value.int = exact_int(re);
        value.uint = exact_uint(re);
    }
    value
}

/// 2^63 and 2^64: the first values out of range of i64 and u64.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

fn exact_int(f: f64) -> Option<i64> {
    // The range check keeps the cast exact.
    (f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
}

fn exact_uint(f: f64) -> Option<u64> {
    (f.fract() == 0.0 && (0.0..TWO_POW_64).contains(&f)).then_some(f as u64)
}

/// Decodes a number constant the way text/template does: as unsigned and
/// signed integers (Go base-prefix rules), else as a float.
pub fn parse_number(text: &str) -> Result<NumberValue, String> {
    if let Some(imaginary) = text.strip_suffix('i') {
        if let Some(f) = parse_float(imaginary) {
            return Ok(simplify_complex((0.0, f)));
        }
    }
    let mut value = NumberValue::default();
    let uint = parse_uint(text);
    value.uint = uint;
    if let Some(int) = parse_int(text) {
        value.int = Some(int);
        if int == 0 {
            // "-0" fails as unsigned but is zero all the same.
            value.uint = Some(0);
        }
    }
    if let Some(int) = value.int {
        value.float = Some(int as f64);
    } else if let Some(uint) = value.uint {
        value.float = Some(uint as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        value.float = Some(f);
        value.int = exact_int(f);
        value.uint = exact_uint(f);
    }
    if value.int.is_none() && value.uint.is_none() && value.float.is_none() {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(value)
}

/// Whether underscores in a number sit only between digits (or after a base
/// prefix), as Go requires.
fn underscores_ok(s: &str) -> bool {
    #[derive(PartialEq)]
    enum Last {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let s = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut last = Last::Start;
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        last = Last::Digit;
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    for &b in &s[i..] {
        if b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()) {
            last = Last::Digit;
        } else if b == b'_' {
            if last != Last::Digit {
                return false;
            }
            last = Last::Underscore;
        } else if last == Last::Underscore {
            return false;
        } else {
            last = Last::Other;
        }
    }
    last != Last::Underscore
}

/// `strconv.ParseUint(text, 0, 64)`.
fn parse_uint(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let (base, digits) = if bytes[0] == b'0' {
        match bytes.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if bytes.len() >= 3 => (2, &text[2..]),
            Some(b'o') if bytes.len() >= 3 => (8, &text[2..]),
            Some(b'x') if bytes.len() >= 3 => (16, &text[2..]),
            _ => (8, &text[1..]),
        }
    } else {
        (10, text)
    };
    let mut value: u64 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' {
            underscores = true;
            continue;
        }
        let digit = c.to_digit(base)?;
        value = value
            .checked_mul(u64::from(base))?
            .checked_add(u64::from(digit))?;
    }
    if underscores && !underscores_ok(text) {
        return None;
    }
    Some(value)
}

/// `strconv.ParseInt(text, 0, 64)`.
fn parse_int(text: &str) -> Option<i64> {
    let (negative, magnitude) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = parse_uint(magnitude)?;
    if negative {
        if magnitude == 1 << 63 {
            return Some(i64::MIN);
        }
        i64::try_from(magnitude).ok().map(|m| -m)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `strconv.ParseFloat(text, 64)` for the forms the template lexer can
/// produce: decimal and hexadecimal floats with Go's underscore rules.
/// Overflow to infinity is an error, as in Go.
pub fn parse_float(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if text.contains('_') && !underscores_ok(text) {
        return None;
    }
    let cleaned: String = unsigned.chars().filter(|&c| c != '_').collect();
    let magnitude = if let Some(hex) = cleaned
        .strip_prefix("0x")
        .or_else(|| cleaned.strip_prefix("0X"))
    {
        parse_hex_float(hex)?
    } else {
        parse_decimal_float(&cleaned)?
    };
    if magnitude.is_infinite() {
        return None;
    }
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_decimal_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if int_part.len() + frac_part.len() == 0 || !digits_ok(int_part) || !digits_ok(frac_part) {
        return None;
    }
    if let Some(exponent) = exponent {
        let exp_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if exp_digits.is_empty() || !digits_ok(exp_digits) {
            return None;
        }
    }
    s.parse().ok()
}

fn parse_hex_float(s: &str) -> Option<f64> {
    // Go requires the binary exponent on hexadecimal floats.
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.len() + frac_part.len() == 0 {
        return None;
    }
    let mut value = 0.0_f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let exp_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if exp_digits.is_empty() || !exp_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let exp: i64 = exp_digits.parse().unwrap_or(i64::MAX);
    let exp = if exponent.starts_with('-') { -exp } else { exp };
    let frac_bits = i64::try_from(frac_part.len())
        .unwrap_or(i64::MAX)
        .saturating_mul(4);
    let shift = exp.saturating_sub(frac_bits).clamp(-2000, 2000);
    // Two steps keep intermediate powers of two finite for large shifts.
    let half = (shift / 2) as i32;
    Some(value * 2f64.powi(half) * 2f64.powi(shift as i32 - half))
}

/// Go's `%q` of a string: double-quoted with Go escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

/// Go's `%.Nq`: the first `max_chars` characters of `s`, quoted.
pub fn go_quote_prefix(s: &str, max_chars: usize) -> String {
    let end = s.char_indices().nth(max_chars).map_or(s.len(), |(i, _)| i);
    go_quote(&s[..end])
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' | '\\' => {
            out.push('\\');
            out.push(c);
        }
        c if is_go_printable(c) => out.push(c),
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if u32::from(c) < 0x20 || c == '\x7f' => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c if u32::from(c) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\U{:08x}", u32::from(c));
        }
    }
}

/// Go's `%#U`: `U+0078 'x'`, without the quoted form for unprintable characters.
pub fn go_unicode(c: char) -> String {
    if is_go_printable(c) {
        format!("U+{:04X} '{c}'", u32::from(c))
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// An approximation of Go's `strconv.IsPrint` (letters, marks, numbers,
/// punctuation, symbols and the ASCII space) without Unicode tables: control,
/// format, separator, private-use and non-character code points are excluded.
fn is_go_printable(c: char) -> bool {
    let code = u32::from(c);
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(code,
            0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
            | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
            | 0xE000..=0xF8FF | 0xFDD0..=0xFDEF | 0xF0000..)
        || code & 0xFFFE == 0xFFFE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_decode_go_escapes() {
        assert_eq!(
            unquote_string(r#""a\tb\x41\101\u00e9""#).as_deref(),
            Ok("a\tbAAé")
        );
        assert_eq!(unquote_string("`a\\n\r`").as_deref(), Ok("a\\n"));
        assert!(unquote_string(r#""\q""#).is_err());
        assert!(unquote_string(r#""\'""#).is_err());
        assert!(unquote_string(r#""\400""#).is_err());
    }

    #[test]
    fn char_constants() {
        assert_eq!(parse_char_constant("'a'").map(|v| v.int), Ok(Some(97)));
        assert_eq!(parse_char_constant(r"'\n'").map(|v| v.int), Ok(Some(10)));
        assert_eq!(parse_char_constant("''"), Err("invalid syntax".to_owned()));
        assert_eq!(
            parse_char_constant("'ab'"),
            Err("malformed character constant: 'ab'".to_owned())
        );
    }

    #[test]
    fn numbers_follow_go_rules() {
        assert_eq!(parse_number("0x1F").map(|v| v.int), Ok(Some(31)));
        assert_eq!(parse_number("0o17").map(|v| v.int), Ok(Some(15)));
        assert_eq!(parse_number("017").map(|v| v.int), Ok(Some(15)));
        assert_eq!(parse_number("0b101").map(|v| v.int), Ok(Some(5)));
        assert_eq!(parse_number("1_000").map(|v| v.int), Ok(Some(1000)));
        assert_eq!(
            parse_number("-7").map(|v| (v.int, v.uint)),
            Ok((Some(-7), None))
        );
        assert_eq!(
            parse_number("1e3").map(|v| (v.int, v.float)),
            Ok((Some(1000), Some(1000.0)))
        );
        assert_eq!(
            parse_number("1.5").map(|v| (v.int, v.float)),
            Ok((None, Some(1.5)))
        );
        assert_eq!(parse_number("0x1p-2").map(|v| v.float), Ok(Some(0.25)));
        assert_eq!(parse_number("2i").map(|v| v.complex), Ok(Some((0.0, 2.0))));
        assert_eq!(
            parse_number("089"),
            Err("integer overflow: \"089\"".to_owned())
        );
        assert_eq!(
            parse_number("99999999999999999999"),
            Err("integer overflow: \"99999999999999999999\"".to_owned())
        );
        assert_eq!(
            parse_number("1__0"),
            Err("illegal number syntax: \"1__0\"".to_owned())
        );
        assert_eq!(
            parse_number("0x1.8"),
            Err("illegal number syntax: \"0x1.8\"".to_owned())
        );
        assert_eq!(
            parse_number("1e999"),
            Err("illegal number syntax: \"1e999\"".to_owned())
        );
        assert_eq!(
            parse_number("-"),
            Err("illegal number syntax: \"-\"".to_owned())
        );
        assert_eq!(
            parse_complex("1+2i").map(|v| v.complex),
            Ok(Some((1.0, 2.0)))
        );
        assert_eq!(
            parse_complex("1e+2-3i").map(|v| v.complex),
            Ok(Some((100.0, -3.0)))
        );
    }

    #[test]
    fn quoting_matches_go() {
        assert_eq!(go_quote("a\"b\n\u{1}é\u{200b}"), r#""a\"b\n\x01é\u200b""#);
        assert_eq!(go_quote_prefix("abcdefghijklmn", 10), r#""abcdefghij""#);
        assert_eq!(go_unicode('x'), "U+0078 'x'");
        assert_eq!(go_unicode('\u{0}'), "U+0000");
    }
}
