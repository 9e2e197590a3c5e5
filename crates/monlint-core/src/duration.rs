//! Prometheus durations (`5m`, `1h30m`, `1w`): parsing with Prometheus' rules
//! and printing in its canonical form.

use std::fmt;

/// A duration in milliseconds, as Prometheus stores it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

/// Why a duration string was refused; the texts are Prometheus'.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    Invalid(String),
    OutOfRange(String),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => f.write_str("empty duration string"),
            DurationError::Invalid(text) => write!(f, "not a valid duration string: {text:?}"),
            DurationError::OutOfRange(text) => write!(f, "invalid duration {text:?}: out of range"),
        }
    }
}

impl std::error::Error for DurationError {}

impl Duration {
    pub fn from_secs(secs: u64) -> Self {
        Duration(secs * 1000)
    }

    /// A duration of `ms` milliseconds; negative counts as zero.
    pub fn from_millis(ms: i64) -> Self {
        Duration(ms.max(0) as u64)
    }

    pub fn millis(self) -> u64 {
        self.0
    }

    /// Parses `[0-9]+` + unit groups, each unit at most once and largest first;
    /// `0` alone is allowed. Signs, fractions and spaces are refused.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        match text {
            "" => return Err(DurationError::Empty),
            "0" => return Ok(Duration(0)),
            _ => {}
        }
        let invalid = || DurationError::Invalid(text.to_owned());
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut next_unit = 0;
        let mut total: u64 = 0;
        while pos < bytes.len() {
            let digits_start = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                pos += 1;
            }
            if pos == digits_start {
                return Err(invalid());
            }
            let number: u64 = text[digits_start..pos]
                .parse()
                .map_err(|_| DurationError::OutOfRange(text.to_owned()))?;
            let unit_start = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
                pos += 1;
            }
            let unit = &text[unit_start..pos];
            let index = UNITS[next_unit..]
                .iter()
                .position(|(name, _)| *name == unit)
                .map(|i| i + next_unit)
                .ok_or_else(invalid)?;
            next_unit = index + 1;
            total = number
                .checked_mul(UNITS[index].1)
                .and_then(|ms| total.checked_add(ms))
                .filter(|&ms| ms <= i64::MAX as u64)
                .ok_or_else(|| DurationError::OutOfRange(text.to_owned()))?;
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    /// Largest unit first; `y` and `w` only when they divide exactly, as Prometheus prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        for (index, (name, size)) in UNITS.iter().enumerate() {
            let exact_only = index < 2;
            if exact_only && ms % size != 0 {
                continue;
            }
            if ms >= *size {
                write!(f, "{}{name}", ms / size)?;
                ms %= size;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prometheus_durations() {
        assert_eq!(Duration::parse("0"), Ok(Duration(0)));
        assert_eq!(Duration::parse("5m"), Ok(Duration(300_000)));
        assert_eq!(Duration::parse("1h30m"), Ok(Duration(5_400_000)));
        assert_eq!(
            Duration::parse("1d2h3m4s5ms").map(Duration::millis),
            Ok(93_784_005)
        );
        assert_eq!(Duration::parse("0s"), Ok(Duration(0)));
    }

    #[test]
    fn refuses_what_prometheus_refuses() {
        for bad in [
            "5", "5mm", "-5m", "1.5h", "5m1h", "5m5m", " 5m", "5M", "ms", "1h 5m",
        ] {
            assert!(
                matches!(Duration::parse(bad), Err(DurationError::Invalid(_))),
                "{bad}"
            );
        }
        assert_eq!(Duration::parse(""), Err(DurationError::Empty));
        assert!(matches!(
            Duration::parse("99999999999999999999y"),
            Err(DurationError::OutOfRange(_))
        ));
        assert_eq!(
            Duration::parse("5mm").unwrap_err().to_string(),
            r#"not a valid duration string: "5mm""#
        );
    }

    #[test]
    fn prints_largest_unit_first() {
        let print = |text| Duration::parse(text).unwrap().to_string();
        assert_eq!(print("0"), "0s");
        assert_eq!(print("90m"), "1h30m");
        assert_eq!(print("7d"), "1w");
        assert_eq!(print("8d"), "8d");
        assert_eq!(print("1500ms"), "1s500ms");
        assert_eq!(print("365d"), "1y");
    }
}
