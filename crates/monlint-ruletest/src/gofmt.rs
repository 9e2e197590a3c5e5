//! Go's formatting of the values promtool prints: `time.Duration`, `strconv.FormatFloat(v, 'E', -1, 64)`.

/// Go's `time.Duration.String()` of a millisecond count: `0s`, `1m0s`, `1h1m0s`, `1.5s`, `500ms`.
pub fn go_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_owned();
    }
    let negative = ms < 0;
    let ms = ms.unsigned_abs();
    let sign = if negative { "-" } else { "" };
    if ms < 1000 {
        return format!("{sign}{ms}ms");
    }
    let hours = ms / 3_600_000;
    let minutes = ms / 60_000 % 60;
    let seconds = ms / 1000 % 60;
    let millis = ms % 1000;
    let mut seconds_text = seconds.to_string();
    if millis > 0 {
        let fraction = format!("{millis:03}");
        seconds_text = format!("{seconds}.{}", fraction.trim_end_matches('0'));
    }
    if hours > 0 {
        format!("{sign}{hours}h{minutes}m{seconds_text}s")
    } else if minutes > 0 {
        format!("{sign}{minutes}m{seconds_text}s")
    } else {
        format!("{sign}{seconds_text}s")
    }
}

/// Go's `strconv.FormatFloat(v, 'E', -1, 64)`: the shortest digits that read back exactly,
/// in exponent form with at least two exponent digits (`4E+00`, `3.0000000000000004E-01`).
pub fn format_float_e(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    // Rust's `{:e}` is also shortest round-trip: `3.0000000000000004e-1`.
    let rust = format!("{value:e}");
    let (mantissa, exponent) = rust.split_once('e').unwrap_or((&rust, "0"));
    let (exponent_sign, digits) = match exponent.strip_prefix('-') {
        Some(digits) => ('-', digits),
        None => ('+', exponent),
    };
    format!("{mantissa}E{exponent_sign}{digits:0>2}")
}

/// Go's `strconv.FormatFloat(v, 'f', -1, 64)`.
pub fn go_float_f(value: f64) -> String {
    match value {
        v if v.is_nan() => "NaN".to_owned(),
        v if v == f64::INFINITY => "+Inf".to_owned(),
        v if v == f64::NEG_INFINITY => "-Inf".to_owned(),
        v => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_go_does() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(300_000), "5m0s");
        assert_eq!(go_duration(3_660_000), "1h1m0s");
        assert_eq!(go_duration(1_500), "1.5s");
        assert_eq!(go_duration(250), "250ms");
        assert_eq!(go_duration(90_061_001), "25h1m1.001s");
    }

    #[test]
    fn floats_print_as_go_e_format() {
        assert_eq!(format_float_e(4.0), "4E+00");
        assert_eq!(
            format_float_e(0.30000000000000004),
            "3.0000000000000004E-01"
        );
        assert_eq!(format_float_e(-0.0), "-0E+00");
        assert_eq!(format_float_e(1e100), "1E+100");
        assert_eq!(format_float_e(12345.0), "1.2345E+04");
        assert_eq!(format_float_e(f64::INFINITY), "+Inf");
        assert_eq!(format_float_e(f64::NAN), "NaN");
    }
}
