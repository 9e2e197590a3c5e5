//! The series notation of `promtool test rules` input series and
//! promqltest `load` blocks: `metric{l="v"} 1 2+3x4 _ stale _x2 {{schema:0 ...}}`.
//!
//! Values expand eagerly, so the expansion is capped ([`MAX_EXPANDED_VALUES`]
//! by default): `1+1x99999999999` is an error, never an allocation attempt.

use std::fmt;

use crate::ast::{Expr, MatchOp};
use crate::eval::Labels;
use crate::eval::labels::METRIC_NAME;
use crate::parser::{ParseOptions, parse};

/// The bit pattern Prometheus writes for a stale marker.
pub const STALE_NAN_BITS: u64 = 0x7ff0_0000_0000_0002;

/// The stale marker as a float.
pub fn stale_nan() -> f64 {
    f64::from_bits(STALE_NAN_BITS)
}

/// Whether `value` is Prometheus' stale marker (not just any NaN).
pub fn is_stale_nan(value: f64) -> bool {
    value.to_bits() == STALE_NAN_BITS
}

/// Default cap on the values one notation string may expand to.
pub const MAX_EXPANDED_VALUES: usize = 50_000_000;

/// One slot of an expanded series.
#[derive(Clone, Debug, PartialEq)]
pub enum SeriesValue {
    /// `_`: no sample at this slot.
    Omitted,
    /// A float sample; `stale` is the stale-marker NaN.
    Float(f64),
    /// A native histogram sample.
    Histogram(Box<NativeHistogram>),
}

/// How a native histogram sample relates to the previous one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CounterResetHint {
    #[default]
    Unknown,
    Reset,
    NotReset,
    Gauge,
}

/// A native histogram literal, `{{schema:0 sum:5 count:4 buckets:[1 2]}}`; also
/// the form in which the evaluator computes with native histograms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NativeHistogram {
    pub schema: i64,
    pub sum: f64,
    pub count: f64,
    pub zero_count: f64,
    pub zero_threshold: f64,
    pub offset: i64,
    pub buckets: Vec<f64>,
    pub negative_offset: i64,
    pub negative_buckets: Vec<f64>,
    pub custom_values: Vec<f64>,
    pub counter_reset_hint: CounterResetHint,
}

/// A bucket span without the zero buckets at either end, its offset moved to match; an
/// all-zero span is `(0, [])`. Prometheus compacts histograms this way before printing and
/// comparing them.
pub fn compact_buckets(offset: i64, buckets: &[f64]) -> (i64, &[f64]) {
    let leading = buckets.iter().take_while(|&&b| b == 0.0).count();
    let trailing = buckets[leading..]
        .iter()
        .rev()
        .take_while(|&&b| b == 0.0)
        .count();
    let kept = &buckets[leading..buckets.len() - trailing];
    let offset = if kept.is_empty() {
        0
    } else {
        offset + leading as i64
    };
    (offset, kept)
}

impl NativeHistogram {
    /// Field-wise sum, for `h1+h2xN`; bucket lists must line up.
    fn add(&self, other: &NativeHistogram) -> Option<NativeHistogram> {
        if self.schema != other.schema
            || self.offset != other.offset
            || self.negative_offset != other.negative_offset
            || self.custom_values != other.custom_values
        {
            return None;
        }
        let add_lists = |a: &[f64], b: &[f64]| -> Vec<f64> {
            (0..a.len().max(b.len()))
                .map(|i| a.get(i).copied().unwrap_or(0.0) + b.get(i).copied().unwrap_or(0.0))
                .collect()
        };
        Some(NativeHistogram {
            schema: self.schema,
            sum: self.sum + other.sum,
            count: self.count + other.count,
            zero_count: self.zero_count + other.zero_count,
            zero_threshold: self.zero_threshold,
            offset: self.offset,
            buckets: add_lists(&self.buckets, &other.buckets),
            negative_offset: self.negative_offset,
            negative_buckets: add_lists(&self.negative_buckets, &other.negative_buckets),
            custom_values: self.custom_values.clone(),
            counter_reset_hint: self.counter_reset_hint,
        })
    }
}

/// A notation error at a byte offset of the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesError {
    pub offset: usize,
    pub message: String,
}

impl SeriesError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        SeriesError {
            offset,
            message: message.into(),
        }
    }

    fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for SeriesError {}

/// Parses a whole line `metric{l="v"} values...`.
pub fn parse_series_line(line: &str) -> Result<(Labels, Vec<SeriesValue>), SeriesError> {
    let start = line.len() - line.trim_start().len();
    let end = start + selector_length(&line[start..]).map_err(|e| e.shifted(start))?;
    let labels = parse_series_selector(&line[start..end]).map_err(|e| e.shifted(start))?;
    let values = parse_values(&line[end..], MAX_EXPANDED_VALUES).map_err(|e| e.shifted(end))?;
    Ok((labels, values))
}

/// The byte length of the selector at the start of `text`: a metric name,
/// then an optional brace block (quotes respected).
pub fn selector_length(text: &str) -> Result<usize, SeriesError> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() && (bytes[pos].is_ascii_alphanumeric() || b"_:".contains(&bytes[pos])) {
        pos += 1;
    }
    if bytes.get(pos) != Some(&b'{') {
        if pos == 0 {
            return Err(SeriesError::new(0, "expected a series selector"));
        }
        return Ok(pos);
    }
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut in_identifier = false;
    for (index, &byte) in bytes.iter().enumerate().skip(pos + 1) {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if byte == b'\\' => escaped = true,
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None if byte == b'"' || byte == b'\'' || byte == b'`' => quote = Some(byte),
            None if byte == b'}' => return Ok(index + 1),
            None if byte.is_ascii_alphabetic() || byte == b'_' => in_identifier = true,
            None if byte.is_ascii_digit() && in_identifier => {}
            None if b" \t\r\n,=!~".contains(&byte) => in_identifier = false,
            None => {
                // What Prometheus' lexer stops at inside braces.
                let character = text[index..].chars().next();
                return Err(SeriesError::new(
                    index,
                    format!(
                        "unexpected character inside braces: {}",
                        crate::quote::go_quote_rune(character)
                    ),
                ));
            }
        }
    }
    Err(SeriesError::new(pos, "unclosed '{' in series selector"))
}

/// Parses `metric{a="b"}` (only equality matchers) into a label set.
pub fn parse_series_selector(text: &str) -> Result<Labels, SeriesError> {
    if text.trim() == "{}" {
        return Ok(Labels::default());
    }
    let expr = parse(text, &ParseOptions::default())
        .map_err(|e| SeriesError::new(e.span.start as usize, e.message))?;
    let Expr::VectorSelector(selector) = expr else {
        return Err(SeriesError::new(0, "expected a series selector"));
    };
    let mut pairs = Vec::with_capacity(selector.matchers.len() + 1);
    if let Some(name) = &selector.name {
        pairs.push((METRIC_NAME.to_owned(), name.clone()));
    }
    for matcher in &selector.matchers {
        if matcher.op != MatchOp::Equal {
            return Err(SeriesError::new(
                matcher.span.start as usize,
                "only equality matchers are allowed in a series",
            ));
        }
        pairs.push((matcher.name.clone(), matcher.value.clone()));
    }
    Ok(Labels::from_pairs(pairs))
}

/// What one native histogram costs, on top of one unit per bucket: it takes about as much
/// memory as this many float slots.
const HISTOGRAM_BASE_COST: u64 = 16;

/// The cost in float slots all the histograms of one values string may reach (about
/// 200 MB), whatever the count `limit`: a histogram is ten times a float's memory.
pub const HISTOGRAM_BUDGET: u64 = 16_000_000;

/// The memory a value takes, in float slots (see [`HISTOGRAM_BASE_COST`]).
pub fn value_cost(value: &SeriesValue) -> u64 {
    match value {
        SeriesValue::Histogram(histogram) => histogram_cost(histogram),
        _ => 1,
    }
}

fn histogram_cost(histogram: &NativeHistogram) -> u64 {
    let buckets = histogram.buckets.len() + histogram.negative_buckets.len();
    HISTOGRAM_BASE_COST + (buckets + histogram.custom_values.len()) as u64
}

/// Expands a values string; at most `limit` values in all, and histograms within
/// [`HISTOGRAM_BUDGET`].
pub fn parse_values(text: &str, limit: usize) -> Result<Vec<SeriesValue>, SeriesError> {
    let mut out = Vec::new();
    let mut histogram_budget = HISTOGRAM_BUDGET;
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos].is_ascii_whitespace() {
            pos += 1;
            continue;
        }
        let start = pos;
        if text[pos..].starts_with("{{") {
            // A histogram item may contain spaces: it runs to `}}` and on
            // through a `+{{...}}` step and an `xN` suffix.
            pos = histogram_item_end(text, pos)?;
        } else {
            while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
                pos += 1;
            }
        }
        if text[start..pos].starts_with("{{") {
            expand_histogram_item(
                &text[start..pos],
                start,
                limit,
                &mut histogram_budget,
                &mut out,
            )?;
        } else {
            expand_item(&text[start..pos], start, limit, &mut out)?;
        }
    }
    Ok(out)
}

fn histogram_item_end(text: &str, start: usize) -> Result<usize, SeriesError> {
    let mut pos = start;
    loop {
        let close = text[pos..]
            .find("}}")
            .ok_or_else(|| SeriesError::new(pos, "unclosed '{{' in histogram"))?;
        pos += close + 2;
        let rest = &text[pos..];
        if let Some(after) = rest.strip_prefix('+').or_else(|| rest.strip_prefix('-'))
            && after.starts_with("{{")
        {
            pos += 1;
            continue;
        }
        let bytes = text.as_bytes();
        while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        return Ok(pos);
    }
}

fn push_checked(
    out: &mut Vec<SeriesValue>,
    count: u64,
    limit: usize,
    offset: usize,
    mut next: impl FnMut() -> SeriesValue,
) -> Result<(), SeriesError> {
    let total = (out.len() as u64).saturating_add(count);
    if total > limit as u64 {
        return Err(SeriesError::new(
            offset,
            format!("series expands to more than {limit} values"),
        ));
    }
    out.reserve(count as usize);
    for _ in 0..count {
        out.push(next());
    }
    Ok(())
}

/// Prometheus' lexer reads a word in a values string as a whole identifier, letters,
/// digits and `_` alike, so `Infx3` or `stalex2` is one unknown word, not a value and a
/// repetition; only `inf`/`nan` (any case) and an unsigned `stale` are values.
fn check_word(item: &str, offset: usize) -> Result<(), SeriesError> {
    let sign_len = usize::from(item.starts_with(['+', '-']));
    let rest = &item[sign_len..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Ok(());
    }
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    let is_number = word.eq_ignore_ascii_case("inf") || word.eq_ignore_ascii_case("nan");
    if is_number || (sign_len == 0 && word == "stale") {
        return Ok(());
    }
    // After a sign the grammar wants a number, and Prometheus names no alternative.
    let expected = if sign_len == 0 {
        ", expected number or \"stale\""
    } else {
        ""
    };
    Err(SeriesError::new(
        offset + sign_len,
        format!("unexpected identifier {word:?} in series values{expected}"),
    ))
}

/// Splits `body` at a trailing `xN`; returns the body and N.
fn split_times(item: &str, offset: usize) -> Result<(&str, Option<u64>), SeriesError> {
    let Some(x) = item.rfind('x').filter(|&x| x > 0) else {
        return Ok((item, None));
    };
    if item[..x].ends_with("}}") || !item[..x].contains("{{") {
        let digits = &item[x + 1..];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SeriesError::new(
                offset + x + 1,
                format!("invalid repetition count {digits:?} in series values"),
            ));
        }
        let times = digits
            .parse::<u64>()
            .map_err(|_| SeriesError::new(offset + x + 1, "repetition count out of range"))?;
        return Ok((&item[..x], Some(times)));
    }
    Ok((item, None))
}

fn expand_item(
    item: &str,
    offset: usize,
    limit: usize,
    out: &mut Vec<SeriesValue>,
) -> Result<(), SeriesError> {
    check_word(item, offset)?;
    let (body, times) = split_times(item, offset)?;
    if body == "_" {
        return push_checked(out, times.unwrap_or(1), limit, offset, || {
            SeriesValue::Omitted
        });
    }
    if body == "stale" {
        let count = times.map_or(1, |n| n.saturating_add(1));
        return push_checked(
            out,
            count,
            limit,
            offset,
            || SeriesValue::Float(stale_nan()),
        );
    }
    let (first, first_len) = parse_signed_number(body, offset)?;
    let rest = &body[first_len..];
    if rest.is_empty() {
        let count = times.map_or(1, |n| n.saturating_add(1));
        return push_checked(out, count, limit, offset, || SeriesValue::Float(first));
    }
    let rest_offset = offset + first_len;
    if !rest.starts_with(['+', '-']) {
        return Err(SeriesError::new(
            rest_offset,
            format!("unexpected {rest:?} in series values"),
        ));
    }
    let (step, step_len) = parse_signed_number(rest, rest_offset)?;
    if step_len != rest.len() {
        return Err(SeriesError::new(
            rest_offset + step_len,
            format!("unexpected {:?} in series values", &rest[step_len..]),
        ));
    }
    let Some(times) = times else {
        return Err(SeriesError::new(
            offset + body.len(),
            "missing repetition count 'xN' after a value step",
        ));
    };
    let mut current = first;
    let mut started = false;
    push_checked(out, times.saturating_add(1), limit, offset, || {
        if started {
            current += step;
        }
        started = true;
        SeriesValue::Float(current)
    })
}

/// Parses an optionally signed number at the start of `text`; returns it
/// and the bytes consumed.
fn parse_signed_number(text: &str, offset: usize) -> Result<(f64, usize), SeriesError> {
    let (negative, sign_len) = match text.as_bytes().first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let body = &text[sign_len..];
    let (value, len) = parse_unsigned_number(body).ok_or_else(|| {
        let shown: String = body.chars().take(20).collect();
        SeriesError::new(
            offset + sign_len,
            format!("invalid number {shown:?} in series values"),
        )
    })?;
    Ok((if negative { -value } else { value }, sign_len + len))
}

fn parse_unsigned_number(text: &str) -> Option<(f64, usize)> {
    for word in ["inf", "nan"] {
        if text
            .as_bytes()
            .get(..3)
            .is_some_and(|start| start.eq_ignore_ascii_case(word.as_bytes()))
        {
            let after = text.as_bytes().get(3);
            if after.is_none_or(|b| !b.is_ascii_alphanumeric()) {
                let value = if word == "inf" {
                    f64::INFINITY
                } else {
                    f64::NAN
                };
                return Some((value, 3));
            }
        }
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    let digits = |pos: &mut usize| {
        let start = *pos;
        while *pos < bytes.len() && bytes[*pos].is_ascii_digit() {
            *pos += 1;
        }
        *pos - start
    };
    let integer_digits = digits(&mut pos);
    let mut fraction_digits = 0;
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        fraction_digits = digits(&mut pos);
    }
    if integer_digits + fraction_digits == 0 {
        return None;
    }
    let mantissa_end = pos;
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        let mut exp = pos + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        if bytes.get(exp).is_some_and(u8::is_ascii_digit) {
            pos = exp;
            digits(&mut pos);
        }
    }
    let literal = &text[..pos];
    let is_integer = pos == mantissa_end && fraction_digits == 0 && integer_digits == pos;
    if is_integer && literal.len() > 1 && literal.starts_with('0') {
        // Go's ParseInt with base 0 reads a leading zero as octal; digits
        // 8 and 9 make it fail and fall back to a decimal float.
        if let Ok(value) = u64::from_str_radix(&literal[1..], 8) {
            return Some((value as f64, pos));
        }
    }
    literal.parse::<f64>().ok().map(|value| (value, pos))
}

/// Takes `count` histograms like `histogram` from the budget, or says it is spent.
fn charge_histograms(
    budget: &mut u64,
    count: u64,
    histogram: &NativeHistogram,
    offset: usize,
) -> Result<(), SeriesError> {
    let each = histogram_cost(histogram);
    match budget.checked_sub(count.saturating_mul(each)) {
        Some(left) => {
            *budget = left;
            Ok(())
        }
        None => Err(SeriesError::new(
            offset,
            format!(
                "native histograms expand to more than {HISTOGRAM_BUDGET} float values' worth of memory (each counts as {each})"
            ),
        )),
    }
}

fn expand_histogram_item(
    item: &str,
    offset: usize,
    limit: usize,
    budget: &mut u64,
    out: &mut Vec<SeriesValue>,
) -> Result<(), SeriesError> {
    let first_end = item.find("}}").map_or(item.len(), |i| i + 2);
    let first = parse_histogram(&item[..first_end], offset)?;
    let rest = &item[first_end..];
    if rest.is_empty() {
        charge_histograms(budget, 1, &first, offset)?;
        return push_checked(out, 1, limit, offset, || {
            SeriesValue::Histogram(Box::new(first.clone()))
        });
    }
    if let Some(digits) = rest.strip_prefix('x') {
        let times = parse_times(digits, offset + first_end + 1)?;
        charge_histograms(budget, times.saturating_add(1), &first, offset)?;
        return push_checked(out, times.saturating_add(1), limit, offset, || {
            SeriesValue::Histogram(Box::new(first.clone()))
        });
    }
    let (negative, step_text) = match (rest.strip_prefix('-'), rest.strip_prefix('+')) {
        (Some(step), _) => (true, step),
        (None, Some(step)) => (false, step),
        (None, None) => {
            let shown: String = rest.chars().take(20).collect();
            return Err(SeriesError::new(
                offset + first_end,
                format!("unexpected {shown:?} after a histogram, expected '+', '-' or 'x'"),
            ));
        }
    };
    let step_end = step_text.find("}}").map_or(step_text.len(), |i| i + 2);
    let step_offset = offset + first_end + 1;
    let mut step = parse_histogram(&step_text[..step_end], step_offset)?;
    if negative {
        step.sum = -step.sum;
        step.count = -step.count;
        step.zero_count = -step.zero_count;
        step.buckets.iter_mut().for_each(|b| *b = -*b);
        step.negative_buckets.iter_mut().for_each(|b| *b = -*b);
    }
    let digits = step_text[step_end..].strip_prefix('x').ok_or_else(|| {
        SeriesError::new(
            step_offset + step_end,
            "missing repetition count 'xN' after a histogram step",
        )
    })?;
    let times = parse_times(digits, step_offset + step_end + 1)?;
    charge_histograms(budget, times.saturating_add(1), &first, offset)?;
    let mut current = first;
    let mut failed = false;
    let mut started = false;
    push_checked(out, times.saturating_add(1), limit, offset, || {
        if started {
            match current.add(&step) {
                Some(next) => current = next,
                None => failed = true,
            }
        }
        started = true;
        SeriesValue::Histogram(Box::new(current.clone()))
    })?;
    if failed {
        return Err(SeriesError::new(
            step_offset,
            "adding native histograms with different bucket layouts is not supported yet",
        ));
    }
    Ok(())
}

fn parse_times(digits: &str, offset: usize) -> Result<u64, SeriesError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SeriesError::new(offset, "invalid repetition count"));
    }
    digits
        .parse()
        .map_err(|_| SeriesError::new(offset, "repetition count out of range"))
}

/// Parses `{{key:value ...}}`.
fn parse_histogram(text: &str, offset: usize) -> Result<NativeHistogram, SeriesError> {
    let inner = text
        .strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        .ok_or_else(|| SeriesError::new(offset, "malformed native histogram literal"))?;
    let mut histogram = NativeHistogram::default();
    let bytes = inner.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        if bytes[pos].is_ascii_whitespace() {
            pos += 1;
            continue;
        }
        let key_start = pos;
        let colon = inner[pos..]
            .find(':')
            .ok_or_else(|| SeriesError::new(offset + 2 + pos, "expected 'key:value'"))?;
        let key = inner[pos..pos + colon].trim();
        pos += colon + 1;
        while pos < bytes.len() && bytes[pos] == b' ' {
            pos += 1;
        }
        let value_start = pos;
        let value = if bytes.get(pos) == Some(&b'[') {
            let close = inner[pos..]
                .find(']')
                .ok_or_else(|| SeriesError::new(offset + 2 + pos, "unclosed '['"))?;
            pos += close + 1;
            &inner[value_start + 1..pos - 1]
        } else {
            while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
                pos += 1;
            }
            &inner[value_start..pos]
        };
        let at = offset + 2 + value_start;
        let number = |text: &str| -> Result<f64, SeriesError> {
            let (value, len) = parse_signed_number(text, at)?;
            if len == text.len() {
                Ok(value)
            } else {
                Err(SeriesError::new(at, format!("invalid number {text:?}")))
            }
        };
        let list = |text: &str| -> Result<Vec<f64>, SeriesError> {
            text.split_whitespace().map(number).collect()
        };
        let integer = |text: &str| -> Result<i64, SeriesError> {
            text.parse()
                .map_err(|_| SeriesError::new(at, format!("invalid integer {text:?}")))
        };
        match key {
            "schema" => histogram.schema = integer(value)?,
            "sum" => histogram.sum = number(value)?,
            "count" => histogram.count = number(value)?,
            "z_bucket" => histogram.zero_count = number(value)?,
            "z_bucket_w" => histogram.zero_threshold = number(value)?,
            "offset" => histogram.offset = integer(value)?,
            "n_offset" => histogram.negative_offset = integer(value)?,
            "buckets" => histogram.buckets = list(value)?,
            "n_buckets" => histogram.negative_buckets = list(value)?,
            "custom_values" => histogram.custom_values = list(value)?,
            "counter_reset_hint" => {
                histogram.counter_reset_hint = match value {
                    "unknown" => CounterResetHint::Unknown,
                    "reset" => CounterResetHint::Reset,
                    "not_reset" => CounterResetHint::NotReset,
                    "gauge" => CounterResetHint::Gauge,
                    _ => {
                        return Err(SeriesError::new(
                            at,
                            format!("invalid counter_reset_hint {value:?}"),
                        ));
                    }
                }
            }
            _ => {
                return Err(SeriesError::new(
                    offset + 2 + key_start,
                    format!("unknown native histogram field {key:?}"),
                ));
            }
        }
    }
    Ok(histogram)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(text: &str) -> Vec<String> {
        parse_values(text, 1000)
            .unwrap()
            .into_iter()
            .map(|v| match v {
                SeriesValue::Omitted => "_".to_owned(),
                SeriesValue::Float(f) if is_stale_nan(f) => "stale".to_owned(),
                SeriesValue::Float(f) => format!("{f:?}"),
                SeriesValue::Histogram(_) => "h".to_owned(),
            })
            .collect()
    }

    #[test]
    fn words_with_a_repetition_are_unknown_identifiers_as_promtool_says() {
        // Texts and columns seen with promtool 2.42.
        let error = |text: &str| parse_values(text, 100).map(|_| ()).unwrap_err();
        let unsigned = error("1 Infx6");
        assert_eq!(unsigned.offset, 2);
        assert_eq!(
            unsigned.message,
            "unexpected identifier \"Infx6\" in series values, expected number or \"stale\""
        );
        assert_eq!(
            error("stalex2").message,
            "unexpected identifier \"stalex2\" in series values, expected number or \"stale\""
        );
        let signed = error("1 -nanx1");
        assert_eq!(signed.offset, 3);
        assert_eq!(
            signed.message,
            "unexpected identifier \"nanx1\" in series values"
        );
        assert_eq!(error("1 -stale").offset, 3);
        assert_eq!(floats("Inf+1x1 -NaN stale"), ["inf", "inf", "NaN", "stale"]);
    }

    #[test]
    fn histograms_count_for_more_than_one_value_against_the_limit() {
        // Found by the `series_values` fuzz target: millions of histograms, gigabytes.
        let error = parse_values("{{}}x8479006", 50_000_000).unwrap_err();
        assert!(error.message.contains("each counts as 16"), "{error}");
        // 999,999 + 1 histograms of cost 16 fill the budget exactly.
        assert!(parse_values("{{}}x999999", 50_000_000).is_ok());
        assert!(parse_values("{{}}x999999 {{}}", 50_000_000).is_err());
    }

    #[test]
    fn multi_byte_text_after_a_number_is_an_error_not_a_panic() {
        // Found by the `series_values` fuzz target: `Շ` spans bytes 2..4 of "{{Շ".
        assert!(parse_values("5+{{\u{547}\u{7df}", 100).is_err());
        assert!(parse_values("\u{547}nf", 100).is_err());
        assert!(parse_values("x0 0 {{}}\u{d0}", 100).is_err());
        assert!(parse_series_line("m{id=\"3\"} 5+{{\u{547}").is_err());
    }

    #[test]
    fn expands_repetitions_by_repeated_addition() {
        assert_eq!(
            floats("0.1+0.1x3"),
            ["0.1", "0.2", "0.30000000000000004", "0.4"]
        );
        assert_eq!(
            floats("1-1x2 _x2 3x1 stale"),
            ["1.0", "0.0", "-1.0", "_", "_", "3.0", "3.0", "stale"]
        );
        assert_eq!(
            floats("-0 010 08 1e3 .5 1. -Inf nAn"),
            ["-0.0", "8.0", "8.0", "1000.0", "0.5", "1.0", "-inf", "NaN"]
        );
    }

    #[test]
    fn errors_carry_byte_offsets_and_expansion_is_capped() {
        let error = parse_values("1 2 foo", 1000).unwrap_err();
        assert_eq!(error.offset, 4);
        let error = parse_values("1 1+1x5000", 1000).unwrap_err();
        assert_eq!(error.offset, 2);
        assert!(parse_values("1+1", 10).is_err());
        assert!(parse_values("1_0", 10).is_err());
        let error = parse_series_line(r#"  m{a="b"} 1 x"#).unwrap_err();
        assert_eq!(error.offset, 13);
    }

    #[test]
    fn parses_series_lines_and_histograms() {
        let (labels, values) =
            parse_series_line(r#"m{a="b c"} 1 {{schema:0 sum:5 count:4 buckets:[1 2]}}x1"#)
                .unwrap();
        assert_eq!(labels.to_string(), r#"{__name__="m", a="b c"}"#);
        assert_eq!(values.len(), 3);
        let SeriesValue::Histogram(h) = &values[2] else {
            panic!("expected a histogram")
        };
        assert_eq!(
            (h.sum, h.count, h.buckets.clone()),
            (5.0, 4.0, vec![1.0, 2.0])
        );
        let values = parse_values("{{sum:1 count:1}}+{{sum:2 count:1}}x2", 10).unwrap();
        let SeriesValue::Histogram(h) = &values[2] else {
            panic!("expected a histogram")
        };
        assert_eq!(h.sum, 5.0);
    }
}
