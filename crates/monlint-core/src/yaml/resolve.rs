//! Core-schema resolution of untagged plain scalars, following go-yaml v3
//! (what Prometheus and Alertmanager use), so type errors name the same tags.

pub(super) fn plain_scalar_tag(value: &str) -> &'static str {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => "!!null",
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => "!!bool",
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => "!!float",
        "<<" => "!!merge",
        _ if is_int(value) => "!!int",
        _ if is_float(value) => "!!float",
        _ if is_timestamp(value) => "!!timestamp",
        _ => "!!str",
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` (or `ParseUint`) after removing
/// underscores, as go-yaml does: decimal, `0x`, `0o`, `0b`, or leading-zero
/// octal, within 64 bits.
fn is_int(value: &str) -> bool {
    let digits: String = value.chars().filter(|&c| c != '_').collect();
    let (negative, unsigned) = match digits.as_bytes().first() {
        Some(b'-') => (true, &digits[1..]),
        Some(b'+') => (false, &digits[1..]),
        _ => (false, digits.as_str()),
    };
    let (radix, body) = if let Some(rest) = strip_prefix_ci(unsigned, "0x") {
        (16, rest)
    } else if let Some(rest) = strip_prefix_ci(unsigned, "0o") {
        (8, rest)
    } else if let Some(rest) = strip_prefix_ci(unsigned, "0b") {
        (2, rest)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    match u128::from_str_radix(body, radix) {
        Ok(magnitude) if negative => magnitude <= 1 << 63,
        Ok(magnitude) => magnitude <= u128::from(u64::MAX),
        Err(_) => false,
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, underscores removed.
fn is_float(value: &str) -> bool {
    let text: String = value.chars().filter(|&c| c != '_').collect();
    let mut rest = text.trim_start_matches(['-', '+']);
    if text.len() - rest.len() > 1 {
        return false;
    }
    let integer_digits = count_digits(rest);
    rest = &rest[integer_digits..];
    if let Some(after_dot) = rest.strip_prefix('.') {
        let fraction_digits = count_digits(after_dot);
        rest = &after_dot[fraction_digits..];
        if integer_digits == 0 && fraction_digits == 0 {
            return false;
        }
    } else if integer_digits == 0 {
        return false;
    }
    if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        return !exponent.is_empty() && count_digits(exponent) == exponent.len();
    }
    rest.is_empty()
}

fn count_digits(text: &str) -> usize {
    text.bytes().take_while(u8::is_ascii_digit).count()
}

/// A date `YYYY-M-D`, optionally followed by a time part after `T`, `t` or a
/// space (go-yaml then checks the time layout; a date prefix is the telling part).
fn is_timestamp(value: &str) -> bool {
    let bytes = value.as_bytes();
    let year = count_digits(value);
    if year != 4 || bytes.get(4) != Some(&b'-') {
        return false;
    }
    let month = count_digits(&value[5..]);
    if !(1..=2).contains(&month) || bytes.get(5 + month) != Some(&b'-') {
        return false;
    }
    let day_start = 6 + month;
    let day = count_digits(&value[day_start..]);
    if !(1..=2).contains(&day) {
        return false;
    }
    match bytes.get(day_start + day) {
        None => true,
        Some(b'T' | b't' | b' ') => bytes
            .get(day_start + day + 1)
            .is_some_and(u8::is_ascii_digit),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::plain_scalar_tag;

    #[test]
    fn resolves_like_go_yaml_v3() {
        let cases = [
            ("", "!!null"),
            ("~", "!!null"),
            ("Null", "!!null"),
            ("nULL", "!!str"),
            ("True", "!!bool"),
            ("yes", "!!str"),
            ("on", "!!str"),
            ("12", "!!int"),
            ("-12", "!!int"),
            ("1_000", "!!int"),
            ("0x1F", "!!int"),
            ("0o17", "!!int"),
            ("017", "!!int"),
            ("019", "!!float"),
            ("0b101", "!!int"),
            ("18446744073709551615", "!!int"),
            ("18446744073709551616", "!!float"),
            ("-9223372036854775808", "!!int"),
            ("1.5", "!!float"),
            (".5", "!!float"),
            ("1.", "!!float"),
            ("1e3", "!!float"),
            ("-.inf", "!!float"),
            (".", "!!str"),
            ("1e", "!!str"),
            ("2001-12-14", "!!timestamp"),
            ("2001-12-14t21:59:43.10-05:00", "!!timestamp"),
            ("2001-12-14x", "!!str"),
            ("5m", "!!str"),
            ("<<", "!!merge"),
            ("up == 0", "!!str"),
        ];
        for (value, tag) in cases {
            assert_eq!(plain_scalar_tag(value), tag, "{value:?}");
        }
    }
}
