//! Go's `fmt` and `strconv` float formatting, and `printf` with Go's verbs
//! and its in-band error texts such as `%!d(string=x)`.

use crate::value::Value;

/// A float's decimal digits (no leading or trailing zeros) and the position
/// of the decimal point relative to them: the value is `0.<digits> × 10^point`.
struct Decimal {
    digits: Vec<u8>,
    point: i32,
}

/// Digits of `value` (finite, non-negative) rounded to `significant` digits,
/// or the shortest round-trip digits when `significant` is `None`.
fn decimal_digits(value: f64, significant: Option<usize>) -> Decimal {
    let scientific = match significant {
        Some(count) => format!("{:.*e}", count.saturating_sub(1), value),
        None => format!("{value:e}"),
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits == [b'0'] {
        return Decimal {
            digits: Vec::new(),
            point: 0,
        };
    }
    Decimal {
        digits,
        point: exponent + 1,
    }
}

fn digit_at(decimal: &Decimal, index: i32) -> char {
    usize::try_from(index)
        .ok()
        .and_then(|i| decimal.digits.get(i))
        .map_or('0', |d| char::from(*d))
}

/// `%e` layout of already rounded digits with `fraction_digits` after the point.
fn layout_exponent(decimal: &Decimal, fraction_digits: usize, letter: char) -> String {
    let mut out = String::new();
    out.push(digit_at(decimal, 0));
    if fraction_digits > 0 {
        out.push('.');
        for index in 1..=fraction_digits {
            out.push(digit_at(decimal, i32::try_from(index).unwrap_or(i32::MAX)));
        }
    }
    let exponent = if decimal.digits.is_empty() {
        0
    } else {
        decimal.point - 1
    };
    let sign = if exponent < 0 { '-' } else { '+' };
    out.push_str(&format!("{letter}{sign}{:02}", exponent.abs()));
    out
}

/// `%f` layout of already rounded digits with `fraction_digits` after the point.
fn layout_fixed(decimal: &Decimal, fraction_digits: usize) -> String {
    let mut out = String::new();
    if decimal.point <= 0 {
        out.push('0');
    } else {
        for index in 0..decimal.point {
            out.push(digit_at(decimal, index));
        }
    }
    if fraction_digits > 0 {
        out.push('.');
        for offset in 0..fraction_digits {
            let index = decimal.point + i32::try_from(offset).unwrap_or(i32::MAX);
            out.push(digit_at(decimal, index));
        }
    }
    out
}

/// Go prints infinities with a sign even without the `+` flag.
fn special_float(value: f64) -> Option<String> {
    if value.is_nan() {
        Some("NaN".to_owned())
    } else if value.is_infinite() {
        Some(if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned())
    } else {
        None
    }
}

fn sign_prefix(value: f64, plus: bool) -> &'static str {
    if value.is_sign_negative() {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    }
}

/// `strconv.FormatFloat(value, 'g', precision, 64)`: `None` is the shortest
/// representation, which switches to an exponent when it is below -4 or at least 6
/// (`%v` of a float64 is exactly this).
pub fn format_float_g(value: f64, precision: Option<usize>) -> String {
    format_float_g_signed(value, precision, false)
}

fn format_float_g_signed(value: f64, precision: Option<usize>, plus: bool) -> String {
    if let Some(special) = special_float(value) {
        return special;
    }
    let precision = precision.map(|p| p.max(1));
    let decimal = decimal_digits(value.abs(), precision);
    let digit_count = i32::try_from(decimal.digits.len().max(1)).unwrap_or(i32::MAX);
    let point = if decimal.digits.is_empty() {
        1
    } else {
        decimal.point
    };
    let exponent_limit = match precision {
        None => 6,
        Some(p) => {
            let p = i32::try_from(p).unwrap_or(i32::MAX);
            if p > digit_count && digit_count >= point {
                digit_count
            } else {
                p
            }
        }
    };
    let exponent = point - 1;
    let body = if exponent < -4 || exponent >= exponent_limit {
        let fraction = usize::try_from(digit_count - 1).unwrap_or(0);
        layout_exponent(&decimal, fraction, 'e')
    } else {
        let fraction = usize::try_from((digit_count - point).max(0)).unwrap_or(0);
        layout_fixed(&decimal, fraction)
    };
    format!("{}{body}", sign_prefix(value, plus))
}

fn format_float_e(value: f64, precision: usize, plus: bool) -> String {
    if let Some(special) = special_float(value) {
        return special;
    }
    let decimal = decimal_digits(value.abs(), Some(precision + 1));
    format!(
        "{}{}",
        sign_prefix(value, plus),
        layout_exponent(&decimal, precision, 'e')
    )
}

fn format_float_f(value: f64, precision: usize, plus: bool) -> String {
    if let Some(special) = special_float(value) {
        return special;
    }
    let body = format!("{:.*}", precision, value.abs());
    format!("{}{body}", sign_prefix(value, plus))
}

/// Go's `%q` of a string: double-quoted with Go escapes.
pub fn quote(text: &str) -> String {
    quote_with(text, false)
}

/// `%q`, or with `ascii_only` `%+q`, which escapes every non-ASCII character.
fn quote_with(text: &str, ascii_only: bool) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if c.is_control() || (ascii_only && !c.is_ascii()) => {
                let code = u32::from(c);
                if code < 0x80 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The flags, width and precision of one `printf` directive.
#[derive(Default)]
struct Directive {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// Widths beyond this are refused so a hostile template cannot allocate at will.
const MAX_WIDTH: usize = 10_000;

impl Directive {
    fn pad(&self, body: String, numeric: bool) -> String {
        let Some(width) = self.width else {
            return body;
        };
        let length = body.chars().count();
        if length >= width {
            return body;
        }
        let fill = width - length;
        if self.minus {
            format!("{body}{}", " ".repeat(fill))
        } else if self.zero && numeric {
            let (sign, digits) = match body.strip_prefix(['-', '+']) {
                Some(rest) => (&body[..1], rest),
                None => ("", body.as_str()),
            };
            format!("{sign}{}{digits}", "0".repeat(fill))
        } else {
            format!("{}{body}", " ".repeat(fill))
        }
    }
}

/// Go's `fmt.Sprintf(format, args...)`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next_arg = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut directive = Directive::default();
        while let Some(&flag) = chars.peek() {
            match flag {
                '-' => directive.minus = true,
                '+' => directive.plus = true,
                '0' => directive.zero = true,
                ' ' => directive.space = true,
                '#' => directive.sharp = true,
                _ => break,
            }
            chars.next();
        }
        directive.width = read_number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            directive.precision = Some(read_number(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next_arg += 1;
        out.push_str(&format_arg(arg, verb, &directive));
    }
    if next_arg < args.len() {
        out.push_str("%!(EXTRA ");
        let extras: Vec<String> = args[next_arg..]
            .iter()
            .map(|arg| format!("{}={}", arg.go_type_name(), arg.go_string()))
            .collect();
        out.push_str(&extras.join(", "));
        out.push(')');
    }
    out
}

fn read_number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    let mut number: Option<usize> = None;
    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        let digit = usize::try_from(digit).unwrap_or(0);
        number = Some((number.unwrap_or(0) * 10 + digit).min(MAX_WIDTH));
    }
    number
}

fn signed_digits(value: i64, digits: String) -> String {
    if value < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

fn bad_verb(arg: &Value, verb: char) -> String {
    match arg {
        Value::Nil => format!("%!{verb}(<nil>)"),
        _ => format!("%!{verb}({}={})", arg.go_type_name(), arg.go_string()),
    }
}

fn format_arg(arg: &Value, verb: char, directive: &Directive) -> String {
    // Go formats a map's keys and values each with the directive.
    if let Value::Labels(labels) = arg {
        let pairs: Vec<String> = labels
            .iter()
            .map(|(key, value)| {
                let key = format_arg(&Value::String(key.clone()), verb, directive);
                let value = format_arg(&Value::String(value.clone()), verb, directive);
                format!("{key}:{value}")
            })
            .collect();
        return format!("map[{}]", pairs.join(" "));
    }
    let plus = directive.plus;
    let (body, numeric) = match (verb, arg) {
        ('v', Value::Float(f)) => (format_float_g_signed(*f, directive.precision, plus), true),
        ('v', Value::Int(i)) | ('d', Value::Int(i)) => (
            if plus && *i >= 0 {
                format!("+{i}")
            } else {
                i.to_string()
            },
            true,
        ),
        ('v', Value::String(s)) | ('s', Value::String(s)) => match directive.precision {
            Some(p) => (s.chars().take(p).collect(), false),
            None => (s.clone(), false),
        },
        ('v', other) => (other.go_string(), false),
        ('s', Value::Time { .. }) => (arg.go_string(), false),
        ('t', Value::Bool(b)) => (b.to_string(), false),
        ('q', Value::String(s)) => (quote_with(s, plus), false),
        ('o', Value::Int(i)) => (signed_digits(*i, format!("{:o}", i.unsigned_abs())), true),
        ('b', Value::Int(i)) => (signed_digits(*i, format!("{:b}", i.unsigned_abs())), true),
        ('c', Value::Int(i)) => (
            u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}')
                .to_string(),
            false,
        ),
        ('U', Value::Int(i)) => (
            signed_digits(*i, format!("U+{:04X}", i.unsigned_abs())),
            false,
        ),
        ('x' | 'X', Value::Int(i)) => {
            let digits = format!("{:x}", i.unsigned_abs());
            let digits = if verb == 'X' {
                digits.to_uppercase()
            } else {
                digits
            };
            let prefix = if directive.sharp { "0x" } else { "" };
            let sign = if *i < 0 { "-" } else { "" };
            (format!("{sign}{prefix}{digits}"), true)
        }
        ('x' | 'X', Value::String(s)) => {
            let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            (if verb == 'X' { hex.to_uppercase() } else { hex }, false)
        }
        ('f' | 'F', Value::Float(f)) => (
            format_float_f(*f, directive.precision.unwrap_or(6), plus),
            true,
        ),
        ('e', Value::Float(f)) => (
            format_float_e(*f, directive.precision.unwrap_or(6), plus),
            true,
        ),
        ('E', Value::Float(f)) => (
            format_float_e(*f, directive.precision.unwrap_or(6), plus).to_uppercase(),
            true,
        ),
        ('g', Value::Float(f)) => (format_float_g_signed(*f, directive.precision, plus), true),
        ('G', Value::Float(f)) => (
            format_float_g_signed(*f, directive.precision, plus).to_uppercase(),
            true,
        ),
        _ => return bad_verb(arg, verb),
    };
    let body = if directive.space && numeric && !body.starts_with(['-', '+']) {
        format!(" {body}")
    } else {
        body
    };
    directive.pad(body, numeric)
}

/// Go's `fmt.Sprint`: spaces between operands when neither is a string.
pub(crate) fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (index, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if index > 0 && !is_string && !matches!(args[index - 1], Value::String(_)) {
            out.push(' ');
        }
        out.push_str(&arg.go_string());
    }
    out
}

/// Go's `fmt.Sprintln`: always spaces, and a final newline.
pub(crate) fn sprintln(args: &[Value]) -> String {
    let parts: Vec<String> = args.iter().map(Value::go_string).collect();
    format!("{}\n", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_floats_print_like_go_v() {
        let cases = [
            (1e-5, "1e-05"),
            (100000.0, "100000"),
            (1234567.0, "1.234567e+06"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (1e6, "1e+06"),
            (123456789.0, "1.23456789e+08"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
            (-0.0, "-0"),
            (0.0, "0"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (-2.5, "-2.5"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_float_g(value, None), expected, "{value}");
        }
    }

    #[test]
    fn precision_g_matches_go() {
        assert_eq!(format_float_g(1234567.0, Some(4)), "1.235e+06");
        assert_eq!(format_float_g(1.5, Some(4)), "1.5");
        assert_eq!(format_float_g(100000.0, Some(4)), "1e+05");
        assert_eq!(format_float_g(1234.0, Some(4)), "1234");
        assert_eq!(format_float_g(12.34, Some(4)), "12.34");
        assert_eq!(format_float_g(0.0, Some(4)), "0");
    }

    #[test]
    fn printf_verbs_match_promtool() {
        let args = [
            Value::Float(3.25159),
            Value::String("a".into()),
            Value::Int(255),
            Value::Nil,
        ];
        assert_eq!(sprintf("%5.2f|%q|%x|%v", &args), " 3.25|\"a\"|ff|<nil>");
        assert_eq!(sprintf("%d", &[Value::String("s".into())]), "%!d(string=s)");
        assert_eq!(sprintf("%d %d", &[Value::Int(1)]), "1 %!d(MISSING)");
        assert_eq!(
            sprintf("%d", &[Value::Int(1), Value::Int(2)]),
            "1%!(EXTRA int=2)"
        );
        assert_eq!(sprintf("100%%", &[]), "100%");
        assert_eq!(
            sprintf("%-4s|%04d", &[Value::String("x".into()), Value::Int(-7)]),
            "x   |-007"
        );
        assert_eq!(sprintf("%e", &[Value::Float(1234.5)]), "1.234500e+03");
        assert_eq!(sprintf("%.3g", &[Value::Float(0.000012345)]), "1.23e-05");
        assert_eq!(sprintf("%t", &[Value::Bool(true)]), "true");
        assert_eq!(sprintf("%d", &[Value::Float(1.5)]), "%!d(float64=1.5)");
    }
}
