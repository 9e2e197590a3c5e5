//! Number syntax as Prometheus reads it: Go's `strconv.ParseInt(s, 0, 64)`,
//! falling back to `strconv.ParseFloat(s, 64)`, with Go's error texts.

/// The largest duration in seconds Prometheus accepts (`time.Duration` is
/// an int64 count of nanoseconds).
pub(crate) const MAX_DURATION_SECONDS: f64 = 9_223_372_036.854_775;

/// Go allows `_` only between digits, or right after a base prefix.
fn underscores_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    let prefixed = bytes.len() > 2 && bytes[0] == b'0' && bytes[1].is_ascii_alphabetic();
    bytes.iter().enumerate().all(|(index, &byte)| {
        if byte != b'_' {
            return true;
        }
        let before_ok =
            index > 0 && (bytes[index - 1].is_ascii_hexdigit() || (prefixed && index == 2));
        let after_ok = bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit);
        before_ok && after_ok
    })
}

fn parse_go_int(text: &str) -> Option<i64> {
    if text.contains('_') && !underscores_ok(text) {
        return None;
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (digits, radix) = if let Some(rest) = lower.strip_prefix("0x") {
        (rest, 16)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (rest, 8)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (rest, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i64::from_str_radix(digits, radix).ok()
}

fn parse_go_float(text: &str) -> Result<f64, &'static str> {
    if text.contains('_') && !underscores_ok(text) {
        return Err("invalid syntax");
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let unsigned = clean.trim_start_matches(['+', '-']);
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return clean
            .to_ascii_lowercase()
            .parse::<f64>()
            .map_err(|_| "invalid syntax");
    }
    let decimal = !unsigned.is_empty()
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if !decimal {
        return Err("invalid syntax");
    }
    let value: f64 = clean.parse().map_err(|_| "invalid syntax")?;
    if value.is_infinite() {
        return Err("value out of range");
    }
    Ok(value)
}

/// The value of a number token, or Go's error text.
pub(crate) fn parse_go_number(text: &str) -> Result<f64, String> {
    if let Some(integer) = parse_go_int(text) {
        return Ok(integer as f64);
    }
    parse_go_float(text).map_err(|reason| {
        format!(
            "strconv.ParseFloat: parsing {}: {reason}",
            crate::quote::go_quote(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_like_prometheus() {
        assert_eq!(parse_go_number("0x1F"), Ok(31.0));
        assert_eq!(parse_go_number("0755"), Ok(493.0));
        assert_eq!(parse_go_number("08"), Ok(8.0));
        assert_eq!(parse_go_number("1_000"), Ok(1000.0));
        assert_eq!(parse_go_number("1e3"), Ok(1000.0));
        assert_eq!(parse_go_number(".5"), Ok(0.5));
        assert_eq!(parse_go_number("Inf"), Ok(f64::INFINITY));
        assert!(parse_go_number("NaN").is_ok_and(f64::is_nan));
        assert_eq!(
            parse_go_number("0x"),
            Err(r#"strconv.ParseFloat: parsing "0x": invalid syntax"#.to_owned())
        );
        assert_eq!(
            parse_go_number("1e400"),
            Err(r#"strconv.ParseFloat: parsing "1e400": value out of range"#.to_owned())
        );
    }
}
