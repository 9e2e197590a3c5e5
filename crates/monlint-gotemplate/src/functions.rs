//! Go's builtin template functions and Prometheus' template functions.
//! Errors are the texts Go shows after `error calling <name>: `, or for
//! builtins the text Go shows directly.

use std::cmp::Ordering;
use std::rc::Rc;

use monlint_core::goregex::{self, GoRelease};
use regex::Regex;

use crate::exec::FunctionContext;
use crate::format::{format_float_g, quote, sprint, sprintf, sprintln};
use crate::value::Value;

const SI_LARGE: [&str; 8] = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
const SI_SMALL: [&str; 8] = ["m", "u", "n", "p", "f", "a", "z", "y"];
const BINARY: [&str; 8] = ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"];

/// How a function is called: its fixed parameter count (the minimum when
/// variadic) and which parameters are Go `string`s.
pub(crate) struct Signature {
    pub fixed: usize,
    pub variadic: bool,
    pub string_params: &'static [usize],
}

const fn fixed(count: usize, string_params: &'static [usize]) -> Signature {
    Signature {
        fixed: count,
        variadic: false,
        string_params,
    }
}

const fn variadic(minimum: usize, string_params: &'static [usize]) -> Signature {
    Signature {
        fixed: minimum,
        variadic: true,
        string_params,
    }
}

/// The Go signature of each template function.
pub(crate) fn signature(name: &str) -> Signature {
    match name {
        "and" | "or" | "eq" | "index" | "slice" => variadic(1, &[]),
        "printf" => variadic(1, &[0]),
        "print" | "println" | "html" | "js" | "urlquery" | "call" | "args" => variadic(0, &[]),
        "ne" | "lt" | "le" | "gt" | "ge" => fixed(2, &[]),
        "match" => fixed(2, &[0, 1]),
        "reReplaceAll" => fixed(3, &[0, 1, 2]),
        "label" | "sortByLabel" => fixed(2, &[0]),
        "title" | "toUpper" | "toLower" | "stripPort" | "stripDomain" | "parseDuration"
        | "safeHtml" | "graphLink" | "tableLink" | "query" | "toDuration" | "urlQueryEscape" => {
            fixed(1, &[0])
        }
        "externalURL" | "pathPrefix" | "now" => fixed(0, &[]),
        _ => fixed(1, &[]),
    }
}

/// Calls the function `name` with evaluated arguments (a piped value last).
pub(crate) fn call_function(
    name: &str,
    args: &[Value],
    context: &FunctionContext<'_>,
) -> Result<Value, String> {
    if let Some(result) = call_builtin(name, args) {
        return result;
    }
    call_prometheus(name, args, context).map_err(|error| format!("error calling {name}: {error}"))
}

fn want_args(name: &str, args: &[Value], count: usize) -> Result<(), String> {
    if args.len() == count {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {count} got {}",
            args.len()
        ))
    }
}

fn string_arg(name: &str, args: &[Value], index: usize) -> Result<String, String> {
    match args.get(index) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "wrong type for value; expected string; got {}",
            other.go_type_name()
        )),
        None => Err(format!("missing argument {index} for {name}")),
    }
}

fn call_builtin(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let result = match name {
        "not" => want_args(name, args, 1).map(|()| Value::Bool(!args[0].is_true())),
        "len" => want_args(name, args, 1).and_then(|()| length(&args[0])),
        "index" => index(args),
        "print" => Ok(Value::String(sprint(args))),
        "println" => Ok(Value::String(sprintln(args))),
        "printf" => {
            string_arg(name, args, 0).map(|format| Value::String(sprintf(&format, &args[1..])))
        }
        "html" => Ok(Value::String(html_escape(&sprint_escaper_args(args)))),
        "js" => Ok(Value::String(js_escape(&sprint_escaper_args(args)))),
        "urlquery" => Ok(Value::String(query_escape(&sprint_escaper_args(args)))),
        "slice" => slice(args),
        "eq" => equal_any(args).map(Value::Bool),
        "ne" => compare_pair(name, args).map(|order| Value::Bool(order != Ordering::Equal)),
        // Go defines `le` as `lt or eq`, `gt` as `not le` and `ge` as `not lt`, so with a
        // NaN `lt` and `le` are false while `gt` and `ge` are true.
        "lt" => less(name, args).map(Value::Bool),
        "le" => less_or_equal(name, args).map(Value::Bool),
        "gt" => less_or_equal(name, args).map(|le| Value::Bool(!le)),
        "ge" => less(name, args).map(|lt| Value::Bool(!lt)),
        "call" => Err("call of nil".to_owned()),
        _ => return None,
    };
    Some(result.map_err(|error| format!("error calling {name}: {error}")))
}

/// The escapers print a single string argument as is, anything else with `fmt.Sprint`.
fn sprint_escaper_args(args: &[Value]) -> String {
    match args {
        [Value::String(s)] => s.clone(),
        _ => sprint(args),
    }
}

fn length(value: &Value) -> Result<Value, String> {
    let length = match value {
        Value::String(s) => s.len(),
        Value::Labels(labels) => labels.len(),
        Value::Samples(samples) => samples.len(),
        other => return Err(format!("len of type {}", other.go_type_name())),
    };
    Ok(Value::Int(i64::try_from(length).unwrap_or(i64::MAX)))
}

fn index(args: &[Value]) -> Result<Value, String> {
    let Some((first, keys)) = args.split_first() else {
        return Err("wrong number of args for index: want at least 1 got 0".to_owned());
    };
    let mut value = first.clone();
    for key in keys {
        value = match (&value, key) {
            (Value::Labels(labels), Value::String(key)) => {
                Value::String(labels.get(key).cloned().unwrap_or_default())
            }
            (Value::Labels(_), other) => {
                return Err(format!(
                    "value has type {}; should be string",
                    other.go_type_name()
                ));
            }
            (Value::String(s), Value::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| s.as_bytes().get(i)) {
                    Some(byte) => Value::Int(i64::from(*byte)),
                    None => return Err(format!("error calling index: index out of range: {i}")),
                }
            }
            (Value::Samples(samples), Value::Int(i)) => {
                match usize::try_from(*i).ok().and_then(|i| samples.get(i)) {
                    Some(sample) => Value::Sample(Rc::new(sample.clone())),
                    None => return Err(format!("index out of range: {i}")),
                }
            }
            (Value::String(_) | Value::Samples(_), other) => {
                return Err(format!(
                    "cannot index slice/array with type {}",
                    other.go_type_name()
                ));
            }
            (Value::Nil, _) => return Err("index of untyped nil".to_owned()),
            (other, _) => return Err(format!("can't index item of type {}", other.go_type_name())),
        };
    }
    Ok(value)
}

fn slice(args: &[Value]) -> Result<Value, String> {
    let Some((Value::String(text), bounds)) = args.split_first() else {
        return match args.first() {
            None => Err("wrong number of args for slice: want at least 1 got 0".to_owned()),
            Some(other) => Err(format!("can't slice item of type {}", other.go_type_name())),
        };
    };
    if bounds.len() > 2 {
        return Err("cannot 3-index slice a string".to_owned());
    }
    let mut indexes = [0, text.len()];
    for (slot, bound) in indexes.iter_mut().zip(bounds) {
        let Value::Int(i) = bound else {
            return Err("cannot index slice/array with nil".to_owned());
        };
        *slot = usize::try_from(*i)
            .ok()
            .filter(|i| *i <= text.len())
            .ok_or_else(|| format!("index out of range: {i}"))?;
    }
    if indexes[0] > indexes[1] {
        return Err(format!(
            "invalid slice index: {} > {}",
            indexes[0], indexes[1]
        ));
    }
    let bytes = &text.as_bytes()[indexes[0]..indexes[1]];
    Ok(Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// Go's comparison of two basic values; ints and floats do not mix.
fn compare(left: &Value, right: &Value) -> Result<Ordering, String> {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => Ok(a.cmp(b)),
        (Value::Float(a), Value::Float(b)) => Ok(a.partial_cmp(b).unwrap_or(Ordering::Less)),
        (Value::String(a), Value::String(b)) => Ok(a.cmp(b)),
        (Value::Bool(_), Value::Bool(_)) => Err("invalid type for comparison".to_owned()),
        (
            Value::Int(_) | Value::Float(_) | Value::String(_),
            Value::Int(_) | Value::Float(_) | Value::String(_),
        ) => Err("incompatible types for comparison".to_owned()),
        _ => Err("invalid type for comparison".to_owned()),
    }
}

fn equal(left: &Value, right: &Value) -> Result<bool, String> {
    match (left, right) {
        (Value::Bool(a), Value::Bool(b)) => Ok(a == b),
        (Value::Nil, Value::Nil) => Err("invalid type for comparison".to_owned()),
        (Value::Float(a), Value::Float(b)) => Ok(a == b),
        _ => compare(left, right).map(|order| order == Ordering::Equal),
    }
}

fn equal_any(args: &[Value]) -> Result<bool, String> {
    let Some((first, rest)) = args.split_first() else {
        return Err("missing argument for comparison".to_owned());
    };
    if rest.is_empty() {
        return Err("missing argument for comparison".to_owned());
    }
    for other in rest {
        if equal(first, other)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn less(name: &str, args: &[Value]) -> Result<bool, String> {
    want_args(name, args, 2)?;
    match (&args[0], &args[1]) {
        (Value::Float(a), Value::Float(b)) => Ok(a < b),
        (left, right) => compare(left, right).map(|order| order == Ordering::Less),
    }
}

fn less_or_equal(name: &str, args: &[Value]) -> Result<bool, String> {
    Ok(less(name, args)? || equal(&args[0], &args[1])?)
}

fn compare_pair(name: &str, args: &[Value]) -> Result<Ordering, String> {
    want_args(name, args, 2)?;
    if name == "ne" {
        return equal(&args[0], &args[1]).map(|same| {
            if same {
                Ordering::Equal
            } else {
                Ordering::Less
            }
        });
    }
    compare(&args[0], &args[1])
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' | '>' | '&' | '=' => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Prometheus' `convertToFloat`.
fn to_float(value: &Value) -> Result<f64, String> {
    match value {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::String(s) => parse_go_float(s),
        other => Err(format!("can't convert {} to float", other.go_type_name())),
    }
}

/// `strconv.ParseFloat(text, 64)`, approximated by Rust's parser plus Go's
/// spellings of infinity and its error text.
fn parse_go_float(text: &str) -> Result<f64, String> {
    let unsigned = text.trim_start_matches(['+', '-']);
    let is_word = ["inf", "infinity", "nan"]
        .iter()
        .any(|word| unsigned.eq_ignore_ascii_case(word));
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b".+-eE".contains(&b));
    if (is_word || plain) && text.len() - unsigned.len() <= 1 {
        if let Ok(value) = text.parse::<f64>() {
            return Ok(value);
        }
    }
    Err(format!(
        "strconv.ParseFloat: parsing {}: invalid syntax",
        quote(text)
    ))
}

fn one_float(args: &[Value]) -> Result<f64, String> {
    match args {
        [value] => to_float(value),
        _ => Err(format!("want 1 argument, got {}", args.len())),
    }
}

fn four_digits(value: f64) -> String {
    format_float_g(value, Some(4))
}

fn humanize(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return four_digits(value);
    }
    let mut value = value;
    let mut prefix = "";
    if value.abs() >= 1.0 {
        for candidate in SI_LARGE {
            if value.abs() < 1000.0 {
                break;
            }
            prefix = candidate;
            value /= 1000.0;
        }
    } else {
        for candidate in SI_SMALL {
            if value.abs() >= 1.0 {
                break;
            }
            prefix = candidate;
            value *= 1000.0;
        }
    }
    format!("{}{prefix}", four_digits(value))
}

fn humanize_1024(value: f64) -> String {
    if value.abs() <= 1.0 || !value.is_finite() {
        return four_digits(value);
    }
    let mut value = value;
    let mut prefix = "";
    for candidate in BINARY {
        if value.abs() < 1024.0 {
            break;
        }
        prefix = candidate;
        value /= 1024.0;
    }
    format!("{}{prefix}", four_digits(value))
}

fn humanize_duration(value: f64) -> String {
    if !value.is_finite() {
        return four_digits(value);
    }
    if value == 0.0 {
        return format!("{}s", four_digits(value));
    }
    if value.abs() >= 1.0 {
        let sign = if value < 0.0 { "-" } else { "" };
        let magnitude = value.abs();
        // Saturating, as Go's conversion is for the values templates see.
        let whole = magnitude as i64;
        let (days, hours, minutes, seconds) = (
            whole / 86_400,
            whole / 3600 % 24,
            whole / 60 % 60,
            whole % 60,
        );
        return if days != 0 {
            format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
        } else if hours != 0 {
            format!("{sign}{hours}h {minutes}m {seconds}s")
        } else if minutes != 0 {
            format!("{sign}{minutes}m {seconds}s")
        } else {
            format!("{sign}{}s", four_digits(magnitude))
        };
    }
    let mut value = value;
    let mut prefix = "";
    for candidate in SI_SMALL {
        if value.abs() >= 1.0 {
            break;
        }
        prefix = candidate;
        value *= 1000.0;
    }
    format!("{}{prefix}s", four_digits(value))
}

/// Prometheus' conversion of a Unix time in seconds to a time, to the millisecond.
fn float_to_time(value: f64) -> Result<Value, String> {
    if !value.is_finite() {
        return Err("value is NaN or Inf".to_owned());
    }
    let nanos = value * 1e9;
    if nanos >= i64::MAX as f64 || nanos < i64::MIN as f64 {
        return Err(format!(
            "{} cannot be represented as a nanoseconds timestamp since it overflows int64",
            format_float_g(value, None)
        ));
    }
    let millis = (nanos as i64) / 1_000_000;
    let seconds = millis.div_euclid(1000);
    let nanos = u32::try_from(millis.rem_euclid(1000) * 1_000_000).unwrap_or(0);
    Ok(Value::Time { seconds, nanos })
}

fn sample_arg(args: &[Value], index: usize) -> Result<Rc<crate::exec::Sample>, String> {
    match args.get(index) {
        Some(Value::Sample(sample)) => Ok(sample.clone()),
        Some(other) => Err(format!(
            "wrong type for value; expected *template.sample; got {}",
            other.go_type_name()
        )),
        None => Err("missing sample argument".to_owned()),
    }
}

fn call_prometheus(
    name: &str,
    args: &[Value],
    context: &FunctionContext<'_>,
) -> Result<Value, String> {
    let text = |index| string_arg(name, args, index);
    Ok(match name {
        "humanize" => Value::String(humanize(one_float(args)?)),
        "humanize1024" => Value::String(humanize_1024(one_float(args)?)),
        "humanizeDuration" => Value::String(humanize_duration(one_float(args)?)),
        "humanizePercentage" => {
            Value::String(format!("{}%", four_digits(one_float(args)? * 100.0)))
        }
        "humanizeTimestamp" => {
            let value = one_float(args)?;
            if !value.is_finite() {
                Value::String(four_digits(value))
            } else {
                Value::String(float_to_time(value)?.go_string())
            }
        }
        "toTime" => float_to_time(one_float(args)?)?,
        "title" => Value::String(title(&text(0)?)),
        "toUpper" => Value::String(text(0)?.chars().map(single_rune_upper).collect()),
        "toLower" => Value::String(text(0)?.chars().map(single_rune_lower).collect()),
        "match" => {
            let pattern = compile(&text(0)?)?;
            Value::Bool(pattern.is_match(&text(1)?))
        }
        "reReplaceAll" => {
            let pattern = compile(&text(0)?)?;
            let replacement = text(1)?;
            Value::String(
                pattern
                    .replace_all(&text(2)?, replacement.as_str())
                    .into_owned(),
            )
        }
        "stripPort" => Value::String(strip_port(&text(0)?)),
        "stripDomain" => Value::String(strip_domain(&text(0)?)),
        "parseDuration" => Value::Float(parse_duration(&text(0)?)?),
        "safeHtml" => Value::String(text(0)?),
        "graphLink" => Value::String(format!(
            "/graph?g0.expr={}&g0.tab=0",
            query_escape(&text(0)?)
        )),
        "tableLink" => Value::String(format!(
            "/graph?g0.expr={}&g0.tab=1",
            query_escape(&text(0)?)
        )),
        "externalURL" | "pathPrefix" => {
            let url = match context.dot {
                Value::Data(data) => data.external_url.clone(),
                _ => String::new(),
            };
            if name == "externalURL" {
                Value::String(url)
            } else {
                Value::String(url_path(&url).to_owned())
            }
        }
        "query" => {
            let samples = context.env.query(&text(0)?)?;
            Value::Samples(Rc::new(samples))
        }
        "first" => match args.first() {
            Some(Value::Samples(samples)) => match samples.first() {
                Some(sample) => Value::Sample(Rc::new(sample.clone())),
                None => return Err("first() called on vector with no elements".to_owned()),
            },
            Some(other) => {
                return Err(format!(
                    "wrong type for value; expected template.queryResult; got {}",
                    other.go_type_name()
                ));
            }
            None => return Err("missing argument".to_owned()),
        },
        "label" => {
            let sample = sample_arg(args, 1)?;
            Value::String(sample.labels.get(&text(0)?).cloned().unwrap_or_default())
        }
        "value" => Value::Float(sample_arg(args, 0)?.value),
        "strvalue" => {
            let sample = sample_arg(args, 0)?;
            Value::String(sample.labels.get("__value__").cloned().unwrap_or_default())
        }
        "sortByLabel" => {
            let label = text(0)?;
            let Some(Value::Samples(samples)) = args.get(1) else {
                return Err("wrong type for value; expected template.queryResult".to_owned());
            };
            let mut sorted = samples.as_ref().clone();
            sorted.sort_by(|a, b| a.labels.get(&label).cmp(&b.labels.get(&label)));
            Value::Samples(Rc::new(sorted))
        }
        "urlQueryEscape" => Value::String(query_escape(&text(0)?)),
        "now" | "toDuration" | "args" => {
            return Err(format!("{name} is not supported yet"));
        }
        _ => return Err(format!("function {} not defined", quote(name))),
    })
}

/// Compiles with Go's syntax; a refusal is worded as Go's `regexp.MustCompile`
/// panic. Templates are unanchored.
fn compile(pattern: &str) -> Result<Regex, String> {
    goregex::compile(pattern, GoRelease::Go1_19)
        .map_err(|error| format!("regexp: Compile({}): {error}", go_regexp_quote(pattern)))
}

/// The regexp package's quoting: backquotes when the text allows them.
fn go_regexp_quote(text: &str) -> String {
    let can_backquote = !text
        .chars()
        .any(|c| c == '`' || c == '\u{FEFF}' || (c.is_control() && c != '\t'));
    if can_backquote {
        format!("`{text}`")
    } else {
        quote(text)
    }
}

/// Go's deprecated `strings.Title`: upper-cases each letter that follows a
/// separator (anything but letters, digits and `_`).
fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_separator = true;
    for c in text.chars() {
        if after_separator {
            out.push(single_rune_upper(c));
        } else {
            out.push(c);
        }
        after_separator = !(c.is_alphanumeric() || c == '_');
    }
    out
}

/// Go's `unicode.ToUpper`: a character whose upper case is several
/// characters, such as `ß`, stays as it is.
fn single_rune_upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// Go's `unicode.ToLower`, one character to one character.
fn single_rune_lower(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// `net.SplitHostPort`'s host, or the input when it has no port.
fn strip_port(address: &str) -> String {
    if let Some(rest) = address.strip_prefix('[') {
        if let Some((host, tail)) = rest.split_once(']') {
            if tail.starts_with(':') && !tail[1..].contains(':') {
                return host.to_owned();
            }
        }
        return address.to_owned();
    }
    match address.split_once(':') {
        Some((host, port)) if !port.contains(':') => host.to_owned(),
        _ => address.to_owned(),
    }
}

/// Drops everything from the first dot of a host name, keeping any port;
/// IP addresses are left alone.
fn strip_domain(address: &str) -> String {
    let host = strip_port(address);
    let port = address.get(host.len()..).unwrap_or_default();
    let port = if address.starts_with('[') {
        address.rsplit_once(']').map_or("", |(_, port)| port)
    } else {
        port
    };
    if host.parse::<std::net::IpAddr>().is_ok() {
        return address.to_owned();
    }
    match host.split_once('.') {
        Some((short, _)) => format!("{short}{port}"),
        None => address.to_owned(),
    }
}

fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.split(['?', '#']).next().unwrap_or_default()
}

/// Prometheus' duration syntax, such as `1h30m` or `500ms`, in seconds.
fn parse_duration(text: &str) -> Result<f64, String> {
    let invalid = || format!("not a valid duration string: {}", quote(text));
    if text.is_empty() {
        return Err("empty duration string".to_owned());
    }
    if text == "0" {
        return Ok(0.0);
    }
    const UNITS: [(&str, u64); 7] = [
        ("y", 365 * 86_400_000),
        ("w", 7 * 86_400_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
        ("ms", 1),
    ];
    let mut rest = text;
    let mut next_unit = 0;
    let mut millis: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit = UNITS[next_unit..]
            .iter()
            .position(|(suffix, _)| {
                rest.starts_with(suffix) && !(*suffix == "m" && rest.starts_with("ms"))
            })
            .map(|offset| next_unit + offset)
            .ok_or_else(invalid)?;
        rest = &rest[UNITS[unit].0.len()..];
        millis = number
            .checked_mul(UNITS[unit].1)
            .and_then(|part| millis.checked_add(part))
            .ok_or_else(|| "duration out of range".to_owned())?;
        next_unit = unit + 1;
    }
    Ok(millis as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_with_nan_follow_gos_definitions() {
        // promtool 2.42 expands `{{ if gt $value 1.0 }}high{{ else }}low{{ end }}` to
        // `high` when $value is NaN.
        let nan_and_one = [Value::Float(f64::NAN), Value::Float(1.0)];
        let results: Vec<bool> = ["lt", "le", "gt", "ge"]
            .iter()
            .map(|name| match call_builtin(name, &nan_and_one) {
                Some(Ok(Value::Bool(result))) => result,
                other => panic!("{name}: {other:?}"),
            })
            .collect();
        assert_eq!(results, [false, false, true, true]);
    }

    #[test]
    fn humanize_functions_match_promtool() {
        assert_eq!(humanize(1234567.0), "1.235M");
        assert_eq!(humanize(0.00123), "1.23m");
        assert_eq!(humanize(0.0), "0");
        assert_eq!(humanize_1024(2048.0), "2ki");
        assert_eq!(humanize_duration(3661.5), "1h 1m 1s");
        assert_eq!(humanize_duration(90061.0), "1d 1h 1m 1s");
        assert_eq!(humanize_duration(1.5), "1.5s");
        assert_eq!(humanize_duration(0.0015), "1.5ms");
        assert_eq!(humanize_duration(0.0), "0s");
    }

    #[test]
    fn helpers_follow_go() {
        assert_eq!(title("hello world-wide"), "Hello World-Wide");
        assert_eq!(strip_port("host.example:9090"), "host.example");
        assert_eq!(strip_port("[::1]:9090"), "::1");
        assert_eq!(strip_domain("host.example.com:9090"), "host:9090");
        assert_eq!(strip_domain("10.0.0.1:9090"), "10.0.0.1:9090");
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        assert_eq!(
            parse_duration("1x"),
            Err("not a valid duration string: \"1x\"".to_owned())
        );
        assert_eq!(query_escape("a b/c"), "a+b%2Fc");
        assert_eq!(url_path("http://h:9090/prom?x"), "/prom");
    }
}
