//! Grafana template variables in a query, replaced by placeholders PromQL can parse, with
//! a map from every byte of the expanded text back to the query as written.
//!
//! Grafana's syntaxes: `$name`, `${name}`, `${name:format}`, `${name.field}` and the
//! deprecated `[[name]]` / `[[name:format]]`. Only names the dashboard defines and
//! Grafana's built-ins are replaced; anything else stays as written, as Grafana leaves it.
//! PromQL `#` comments are copied as written: Grafana's substitutions there change nothing
//! PromQL reads, and quotes or brackets in them open nothing.

use std::ops::Range;

/// Where a variable is used, which decides what placeholder keeps the query parseable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Inside a quoted string: any plain word will do.
    Quoted,
    /// Inside `[...]` or after `offset`: a duration.
    Duration,
    /// Where a label matcher goes (`{$filter}`, `{job="x", $extra}`): the variable holds
    /// a list of matchers, or nothing.
    Matchers,
    /// Anywhere else: a number, a name, an operator or a whole expression, depending on
    /// the variable.
    Bare,
}

impl Context {
    /// Whether the value replaced here may change the structure of the query (rather
    /// than a string or a duration), so a placeholder is a guess at what Grafana sends.
    pub fn shapes_query(self) -> bool {
        matches!(self, Context::Matchers | Context::Bare)
    }
}

/// A variable reference found in the raw text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// The byte range of the whole reference (`${name:format}`) in the raw text.
    pub raw: Range<usize>,
    pub context: Context,
    /// What was put in its place (empty for a name left as written).
    pub substituted: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    expanded: Range<usize>,
    raw: Range<usize>,
    /// A placeholder rather than text copied as written.
    variable: bool,
}

/// A query with its variables replaced, and the way back to the raw text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    pub text: String,
    pub references: Vec<Reference>,
    /// References to names that are neither the dashboard's variables nor built-ins,
    /// left in the text as written (as Grafana leaves them).
    pub unresolved: Vec<Reference>,
    segments: Vec<Segment>,
    raw_start: usize,
    raw_len: usize,
}

impl Expansion {
    /// Maps a byte range of the expanded text to the raw text. A range that starts or
    /// ends inside a placeholder covers the whole variable reference.
    pub fn raw_range(&self, expanded: Range<usize>) -> Range<usize> {
        let start = self.map(expanded.start, false);
        let end = self.map(expanded.end, true).max(start);
        start..end
    }

    /// The same expansion for a text that starts `offset` bytes into a longer one.
    pub fn shifted(mut self, offset: usize) -> Expansion {
        for segment in &mut self.segments {
            segment.raw = segment.raw.start + offset..segment.raw.end + offset;
        }
        for reference in self.references.iter_mut().chain(&mut self.unresolved) {
            reference.raw = reference.raw.start + offset..reference.raw.end + offset;
        }
        self.raw_start = offset;
        self.raw_len += offset;
        self
    }

    /// Whether the expanded range overlaps a placeholder.
    pub fn touches_variable(&self, expanded: Range<usize>) -> bool {
        let end = expanded.end.max(expanded.start + 1);
        // Segments are contiguous and in order: start at the first that ends after
        // `expanded.start`.
        let first = self
            .segments
            .partition_point(|s| s.expanded.end <= expanded.start);
        self.segments[first..]
            .iter()
            .take_while(|s| s.expanded.start < end)
            .any(|s| s.variable)
    }

    fn map(&self, offset: usize, is_end: bool) -> usize {
        let found = if is_end {
            let index = self.segments.partition_point(|s| s.expanded.end < offset);
            self.segments
                .get(index)
                .filter(|s| s.expanded.start < offset)
        } else {
            let index = self.segments.partition_point(|s| s.expanded.end <= offset);
            self.segments
                .get(index)
                .filter(|s| s.expanded.start <= offset)
        };
        match found {
            Some(segment) if segment.variable => {
                if is_end {
                    segment.raw.end
                } else {
                    segment.raw.start
                }
            }
            Some(segment) => segment.raw.start + (offset - segment.expanded.start),
            None if offset == 0 => self.raw_start,
            None => self.raw_len,
        }
    }
}

/// Grafana's built-in variables that hold a duration.
const DURATION_BUILTINS: &[&str] = &["__interval", "__rate_interval", "__range", "__auto"];
/// Built-ins that hold a number (milliseconds, seconds, timestamps).
const NUMBER_BUILTINS: &[&str] = &[
    "__interval_ms",
    "__rate_interval_ms",
    "__range_ms",
    "__range_s",
    "__from",
    "__to",
];
/// Built-ins that hold text (the dashboard, the user, the organisation).
const TEXT_BUILTINS: &[&str] = &["__dashboard", "__user", "__org", "__name", "__all"];

/// Whether Grafana itself defines this variable name.
pub fn is_builtin(name: &str) -> bool {
    DURATION_BUILTINS.contains(&name)
        || NUMBER_BUILTINS.contains(&name)
        || TEXT_BUILTINS.contains(&name)
}

/// What the dashboard knows about one of its variables, to choose a placeholder.
pub trait Variables {
    /// `None` when the dashboard defines no such variable (and it is no built-in).
    fn placeholder(&self, name: &str, context: Context) -> Option<String>;
}

/// A placeholder for a built-in variable.
pub fn builtin_placeholder(name: &str, context: Context) -> Option<String> {
    if !is_builtin(name) {
        return None;
    }
    if context == Context::Matchers {
        return Some(neutral_matcher(name));
    }
    let value = if context == Context::Quoted {
        name.trim_start_matches('_')
    } else if DURATION_BUILTINS.contains(&name) || context == Context::Duration {
        "5m"
    } else if NUMBER_BUILTINS.contains(&name) {
        "300"
    } else {
        name.trim_start_matches('_')
    };
    Some(value.to_owned())
}

/// A matcher that stands for a variable holding matchers whose value is unknown: true of
/// any series that has the label, so the selector keeps a non-empty matcher.
pub fn neutral_matcher(name: &str) -> String {
    let label = name.trim_start_matches('_');
    if label.is_empty() || label.starts_with(|c: char| c.is_ascii_digit()) {
        format!("v_{label}=~\".+\"")
    } else {
        format!("{label}=~\".+\"")
    }
}

/// Longest variable name read, so a hostile query cannot make scanning quadratic.
const MAX_NAME: usize = 256;

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// A reference starting at `at` (a `$` or `[[`): its name and its end.
fn reference_at(raw: &str, at: usize) -> Option<(String, usize)> {
    reference_bounds(raw, at).map(|(name, end)| (raw[name].to_owned(), end))
}

/// A reference starting at `at`: the byte range of its name, and its end.
fn reference_bounds(raw: &str, at: usize) -> Option<(Range<usize>, usize)> {
    let bytes = raw.as_bytes();
    let word_end = |from: usize| {
        let mut end = from;
        while end < bytes.len() && end - from < MAX_NAME && is_word(bytes[end]) {
            end += 1;
        }
        end
    };
    if bytes[at] == b'$' {
        if bytes.get(at + 1) == Some(&b'{') {
            let name_end = word_end(at + 2);
            if name_end == at + 2 {
                return None;
            }
            let close = raw[name_end..].find('}')? + name_end;
            let between = &raw[name_end..close];
            // `${name.field}` and `${name:format}`; anything else is not a reference.
            if !between.is_empty() && !between.starts_with([':', '.']) {
                return None;
            }
            if between.contains(['$', '{', '\n']) || between.len() > MAX_NAME {
                return None;
            }
            return Some((at + 2..name_end, close + 1));
        }
        let name_end = word_end(at + 1);
        if name_end == at + 1 {
            return None;
        }
        return Some((at + 1..name_end, name_end));
    }
    // `[[name]]` or `[[name:format]]`
    let name_end = word_end(at + 2);
    if name_end == at + 2 {
        return None;
    }
    let rest = &raw[name_end..];
    let close = if rest.starts_with("]]") {
        name_end
    } else if rest.starts_with(':') {
        let format_end = word_end(name_end + 1);
        if !raw[format_end..].starts_with("]]") {
            return None;
        }
        format_end
    } else {
        return None;
    };
    Some((at + 2..name_end, close + 2))
}

/// Every variable reference in a text, whatever surrounds it: its name and byte range.
pub fn references_in(text: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut index = 0;
    std::iter::from_fn(move || {
        while index < bytes.len() {
            let at = index;
            let starts =
                bytes[at] == b'$' || (bytes[at] == b'[' && bytes.get(at + 1) == Some(&b'['));
            index += 1;
            if !starts {
                continue;
            }
            if let Some((name_range, end)) = reference_bounds(text, at) {
                index = end;
                return Some((&text[name_range], at..end));
            }
        }
        None
    })
}

/// Scans the raw query, tracking quotes and brackets to know each variable's context.
pub fn expand(raw: &str, variables: &dyn Variables) -> Expansion {
    let bytes = raw.as_bytes();
    let mut expansion = Expansion {
        raw_len: raw.len(),
        ..Expansion::default()
    };
    let mut literal_start = 0;
    let mut quote: Option<u8> = None;
    let mut bracket_depth = 0usize;
    let mut brace_depth = 0usize;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if let Some(q) = quote {
            if byte == b'\\' && q != b'`' {
                index += 2;
                continue;
            }
            if byte == q {
                quote = None;
                index += 1;
                continue;
            }
        } else {
            match byte {
                b'"' | b'\'' | b'`' => {
                    quote = Some(byte);
                    index += 1;
                    continue;
                }
                b'[' if bytes.get(index + 1) != Some(&b'[') => bracket_depth += 1,
                b']' => bracket_depth = bracket_depth.saturating_sub(1),
                b'{' => brace_depth += 1,
                b'}' => brace_depth = brace_depth.saturating_sub(1),
                b'#' => {
                    index = raw[index..].find('\n').map_or(raw.len(), |n| index + n);
                    continue;
                }
                _ => {}
            }
        }
        let starts_reference =
            byte == b'$' || (byte == b'[' && bytes.get(index + 1) == Some(&b'['));
        if !starts_reference {
            index += 1;
            continue;
        }
        let Some((name, end)) = reference_at(raw, index) else {
            index += 1;
            continue;
        };
        let context = if quote.is_some() {
            Context::Quoted
        } else if bracket_depth > 0 || after_offset(&raw[..index]) {
            Context::Duration
        } else if brace_depth > 0 && at_matcher_position(raw, index..end) {
            Context::Matchers
        } else {
            Context::Bare
        };
        let placeholder = variables
            .placeholder(&name, context)
            .or_else(|| builtin_placeholder(&name, context));
        let Some(placeholder) = placeholder else {
            expansion.unresolved.push(Reference {
                name,
                raw: index..end,
                context,
                substituted: String::new(),
            });
            index = end;
            continue;
        };
        push_literal(&mut expansion, raw, literal_start..index);
        let start = expansion.text.len();
        expansion.text.push_str(&placeholder);
        expansion.segments.push(Segment {
            expanded: start..expansion.text.len(),
            raw: index..end,
            variable: true,
        });
        expansion.references.push(Reference {
            name,
            raw: index..end,
            context,
            substituted: placeholder,
        });
        index = end;
        literal_start = end;
    }
    push_literal(&mut expansion, raw, literal_start..raw.len());
    expansion
}

/// Whether a reference inside braces stands alone between `{` or `,` and `,` or `}`: a
/// whole matcher (or several), not a label name (`{$label="x"}`).
fn at_matcher_position(raw: &str, reference: Range<usize>) -> bool {
    let before = raw[..reference.start].trim_end();
    let after = raw[reference.end..].trim_start();
    before.ends_with(['{', ',']) && after.starts_with([',', '}'])
}

fn after_offset(before: &str) -> bool {
    let trimmed = before.trim_end();
    trimmed.len() < before.len()
        && trimmed
            .strip_suffix("offset")
            .is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
}

fn push_literal(expansion: &mut Expansion, raw: &str, range: Range<usize>) {
    if range.is_empty() {
        return;
    }
    let start = expansion.text.len();
    expansion.text.push_str(&raw[range.clone()]);
    expansion.segments.push(Segment {
        expanded: start..expansion.text.len(),
        raw: range,
        variable: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Known(&'static [&'static str]);

    impl Variables for Known {
        fn placeholder(&self, name: &str, context: Context) -> Option<String> {
            self.0.contains(&name).then(|| match context {
                Context::Duration => "5m".to_owned(),
                _ => name.to_owned(),
            })
        }
    }

    #[test]
    fn every_syntax_is_replaced_and_maps_back() {
        let raw =
            r#"sum(rate(x{job=~"$job",i="${instance:regex}",n="[[node]]"}[$__rate_interval]))"#;
        let expansion = expand(raw, &Known(&["job", "instance", "node"]));
        assert_eq!(
            expansion.text,
            r#"sum(rate(x{job=~"job",i="instance",n="node"}[5m]))"#
        );
        let names: Vec<_> = expansion
            .references
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["job", "instance", "node", "__rate_interval"]);
        let window = expansion.text.find("5m").unwrap();
        let raw_window = expansion.raw_range(window..window + 2);
        assert_eq!(&raw[raw_window], "$__rate_interval");
        let x = expansion.text.find("x{").unwrap();
        assert_eq!(
            expansion.raw_range(x..x + 1),
            raw.find("x{").unwrap()..raw.find("x{").unwrap() + 1
        );
        let end = expansion.text.len();
        assert_eq!(expansion.raw_range(0..end), 0..raw.len());
    }

    #[test]
    fn unknown_names_and_regex_groups_stay() {
        let raw = r#"label_replace(up, "a", "$1", "b", "(.*)") offset $shift"#;
        let expansion = expand(raw, &Known(&["shift"]));
        assert_eq!(
            expansion.text,
            r#"label_replace(up, "a", "$1", "b", "(.*)") offset 5m"#
        );
        assert_eq!(expansion.references[0].context, Context::Duration);
        let unresolved: Vec<_> = expansion
            .unresolved
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(unresolved, ["1"]);
        assert_eq!(expansion.unresolved[0].context, Context::Quoted);
    }

    #[test]
    fn matcher_lists_and_comments() {
        let raw = "sum(x{$m}) + y{a=\"1\", ${m}} + z{$l=\"v\"}\n# it's {$m [\n+ w[$d]";
        let expansion = expand(raw, &Known(&["m", "l", "d"]));
        let contexts: Vec<_> = expansion.references.iter().map(|r| r.context).collect();
        assert_eq!(
            contexts,
            [
                Context::Matchers,
                Context::Matchers,
                Context::Bare,
                Context::Duration
            ]
        );
        assert!(expansion.text.contains("# it's {$m [\n"));
    }

    #[test]
    fn bare_numbers_and_names() {
        let expansion = expand("topk($n, up) / $__range_s", &Known(&["n"]));
        assert_eq!(expansion.text, "topk(n, up) / 300");
        assert!(expansion.touches_variable(5..6));
        assert!(!expansion.touches_variable(8..10));
    }
}
