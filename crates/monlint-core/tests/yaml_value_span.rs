//! Property test of `Node::value_span`: random scalar contents are written in
//! each of the five styles by a small emitter below, embedded in a document at
//! various indentations (LF or CRLF), parsed back, and every decoded character
//! must map to the exact source bytes it was written as.

use monlint_core::yaml::{Limits, Node, ScalarStyle, parse_stream};
use proptest::prelude::*;

/// A scalar written out: its source text (continuation lines carry only the
/// extra indentation; the caller prefixes the base indentation), and for each
/// character of the value the source text it must map to.
struct Emitted {
    lines: Vec<String>,
    sources: Vec<Source>,
}

#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// The character itself.
    Verbatim,
    /// An escape such as `\u00e9` or `''`.
    Escape(String),
    /// A line break that was folded or kept.
    LineBreak,
}

const WORD_CHARS: &[char] = &['a', 'q', 'z', '0', '7', 'é', '日', '😀', '(', '=', '.'];
const QUOTED_CHARS: &[char] = &[
    'a', 'z', '0', ' ', ' ', '\n', 'é', '日', '😀', '\'', '"', '\\', '#', ':', '-', '\t', '{', ',',
];

fn word() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&['a', 'x', 'é', '日', '😀'][..]),
        prop::collection::vec(
            prop::sample::select([WORD_CHARS, &['-', ':', '#']].concat()),
            0..4,
        ),
        prop::sample::select(WORD_CHARS),
    )
        .prop_map(|(first, middle, last)| {
            std::iter::once(first).chain(middle).chain([last]).collect()
        })
}

/// Plain scalars: words separated by one space (which may be folded onto the
/// next line) or by newlines (written as empty lines).
fn plain_value() -> impl Strategy<Value = (String, Vec<u8>)> {
    (
        prop::collection::vec((word(), 0u8..4), 1..6),
        prop::collection::vec(any::<u8>(), 8),
    )
        .prop_map(|(parts, choices)| {
            let mut value = String::new();
            for (index, (word, separator)) in parts.iter().enumerate() {
                if index > 0 {
                    match separator {
                        0 | 1 => value.push(' '),
                        n => value.push_str(&"\n".repeat(usize::from(*n) - 1)),
                    }
                }
                value.push_str(word);
            }
            (value, choices)
        })
}

fn emit_plain(value: &str, choices: &[u8]) -> Emitted {
    let mut lines = vec![String::new()];
    let mut sources = Vec::new();
    let mut chars = value.chars().peekable();
    let mut choice = choices.iter().cycle();
    while let Some(c) = chars.next() {
        match c {
            ' ' if choice.next().is_some_and(|&n| n % 2 == 0) => {
                lines.push(" ".repeat(1 + usize::from(choice.next().copied().unwrap_or(0) % 3)));
                sources.push(Source::LineBreak);
            }
            '\n' => {
                lines.push(String::new());
                while chars.peek() == Some(&'\n') {
                    chars.next();
                    sources.push(Source::LineBreak);
                    lines.push(String::new());
                }
                sources.push(Source::LineBreak);
                lines.push("  ".to_owned());
            }
            _ => {
                lines.last_mut().expect("a line").push(c);
                sources.push(Source::Verbatim);
            }
        }
    }
    Emitted { lines, sources }
}

/// Quoted scalars: anything, but whitespace next to a newline and newlines at
/// either end cannot be written in single quotes, so they are dropped there.
fn quoted_value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(QUOTED_CHARS), 0..24).prop_map(|chars| {
        let mut value = String::new();
        for c in chars {
            let after_break = value.ends_with('\n');
            let after_blank = value.ends_with([' ', '\t']);
            let fits = match c {
                '\n' => !value.is_empty() && !after_blank,
                ' ' | '\t' => !after_break,
                _ => true,
            };
            if fits {
                value.push(c);
            }
        }
        while value.ends_with('\n') {
            value.pop();
        }
        value
    })
}

fn emit_single_quoted(value: &str) -> Emitted {
    let mut lines = vec!["'".to_owned()];
    let mut sources = Vec::new();
    for c in value.chars() {
        match c {
            '\n' => {
                push_folded_newline(&mut lines, "  ");
                sources.push(Source::LineBreak);
            }
            '\'' => {
                lines.last_mut().expect("a line").push_str("''");
                sources.push(Source::Escape("''".to_owned()));
            }
            _ => {
                lines.last_mut().expect("a line").push(c);
                sources.push(Source::Verbatim);
            }
        }
    }
    lines.last_mut().expect("a line").push('\'');
    Emitted { lines, sources }
}

/// A newline in a quoted scalar is written as an empty line; a run of them
/// as a run of empty lines before one indented continuation line.
fn push_folded_newline(lines: &mut Vec<String>, indentation: &str) {
    let continuation_started = lines.last().is_some_and(|line| line == indentation);
    if continuation_started {
        lines.insert(lines.len() - 1, String::new());
    } else {
        lines.push(String::new());
        lines.push(indentation.to_owned());
    }
}

fn emit_double_quoted(value: &str, choices: &[u8]) -> Emitted {
    let mut lines = vec!["\"".to_owned()];
    let mut sources = Vec::new();
    let mut choice = choices.iter().cycle().copied();
    let mut previous = None;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let roll = choice.next().unwrap_or(0);
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\t' => "\\t",
            '\n' if roll % 2 == 0
                && !matches!(previous, Some(' ' | '\t'))
                && !matches!(next, Some(' ' | '\t')) =>
            {
                push_folded_newline(&mut lines, "  ");
                sources.push(Source::LineBreak);
                previous = Some(c);
                continue;
            }
            '\n' => "\\n",
            'é' if roll % 3 == 0 => "\\u00e9",
            '😀' if roll % 3 == 0 => "\\U0001F600",
            'a' if roll % 3 == 0 => "\\x61",
            ' ' if roll % 5 == 0 => "\\ ",
            _ => "",
        };
        let line = lines.last_mut().expect("a line");
        if escape.is_empty() {
            line.push(c);
            sources.push(Source::Verbatim);
            // An escaped line break between two non-blank characters adds nothing.
            if roll % 7 == 0 && c != ' ' && next.is_some_and(|n| !matches!(n, ' ' | '\t' | '\n')) {
                line.push('\\');
                lines.push("   ".to_owned());
            }
        } else {
            line.push_str(escape);
            sources.push(Source::Escape(escape.to_owned()));
        }
        previous = Some(c);
    }
    lines.last_mut().expect("a line").push('"');
    Emitted { lines, sources }
}

/// Block scalars: lines of text (which may start with spaces) and a count of
/// trailing newlines that picks the chomping indicator.
fn block_value() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop::collection::vec(
                prop::sample::select(&['a', 'z', ' ', 'é', '日', '😀', '#', ':', '\'', '\t'][..]),
                0..8,
            ),
            1..6,
        ),
        0usize..4,
    )
        .prop_map(|(lines, trailing)| {
            let lines: Vec<String> = lines.into_iter().map(|l| l.into_iter().collect()).collect();
            let mut value = lines.join("\n");
            if value.trim().is_empty() {
                value = "x".to_owned();
            }
            // Lines of nothing but spaces are indistinguishable from empty
            // lines in front of the content.
            let value: String = value
                .split('\n')
                .map(|line| if line.trim().is_empty() { "" } else { line })
                .collect::<Vec<_>>()
                .join("\n");
            let value = value.trim_end_matches('\n').to_owned();
            value + &"\n".repeat(trailing)
        })
}

fn chomping(value: &str) -> &'static str {
    let trailing = value.len() - value.trim_end_matches('\n').len();
    match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    }
}

fn emit_literal(value: &str) -> Emitted {
    let mut lines = vec![format!("|2{}", chomping(value))];
    let mut sources = Vec::new();
    let body = value.trim_end_matches('\n');
    for line in body.split('\n') {
        lines.push(if line.is_empty() {
            String::new()
        } else {
            format!("  {line}")
        });
    }
    for c in value.chars() {
        sources.push(if c == '\n' {
            Source::LineBreak
        } else {
            Source::Verbatim
        });
    }
    let trailing = value.len() - body.len();
    lines.extend(std::iter::repeat_n(
        String::new(),
        trailing.saturating_sub(1),
    ));
    Emitted { lines, sources }
}

fn emit_folded(value: &str, choices: &[u8]) -> Emitted {
    let mut lines = vec![format!(">2{}", chomping(value))];
    let mut sources = Vec::new();
    let body = value.trim_end_matches('\n');
    let value_lines: Vec<&str> = body.split('\n').collect();
    let spaced = |line: &str| line.starts_with([' ', '\t']);
    let mut choice = choices.iter().cycle().copied();
    let mut previous_content: Option<&str> = None;
    let mut empties = 0;
    for (index, line) in value_lines.iter().enumerate() {
        if index > 0 {
            sources.push(Source::LineBreak);
        }
        if line.is_empty() {
            empties += 1;
            continue;
        }
        // k empty value lines between two content lines are k+1 newlines; a
        // break between normal lines folds to a space, so it needs an extra
        // empty line in the source.
        let extra = usize::from(previous_content.is_some_and(|p| !spaced(p) && !spaced(line)));
        lines.extend(std::iter::repeat_n(String::new(), empties + extra));
        empties = 0;
        // A single space between two words of a normal line may be folded.
        let mut source_line = String::from("  ");
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let foldable = c == ' '
                && !spaced(line)
                && i > 0
                && chars[i - 1] != ' '
                && chars.get(i + 1).is_some_and(|&n| n != ' ' && n != '\t');
            if foldable && choice.next().is_some_and(|n| n % 2 == 0) {
                lines.push(std::mem::replace(&mut source_line, String::from("  ")));
                sources.push(Source::LineBreak);
            } else {
                source_line.push(c);
                sources.push(Source::Verbatim);
            }
        }
        lines.push(source_line);
        previous_content = Some(line);
    }
    lines.extend(std::iter::repeat_n(String::new(), empties));
    let trailing = value.len() - body.len();
    sources.extend(std::iter::repeat_n(Source::LineBreak, trailing));
    lines.extend(std::iter::repeat_n(
        String::new(),
        trailing.saturating_sub(1),
    ));
    Emitted { lines, sources }
}

/// Places the scalar as the value of `key` in a mapping indented by `indent`
/// (under a parent key when `indent` > 0), or as a sequence item.
fn document(
    emitted: &Emitted,
    block: bool,
    indent: usize,
    in_sequence: bool,
    crlf: bool,
) -> (String, usize) {
    let pad = " ".repeat(indent);
    let mut src = String::new();
    if indent > 0 {
        src.push_str("parent:\n");
    }
    src.push_str(&format!("{pad}before: 1\n"));
    let lead = if in_sequence {
        src.push_str(&format!("{pad}key:\n{pad}- "));
        // A block scalar's indentation indicator counts from the sequence's.
        if block {
            pad.clone()
        } else {
            format!("{pad}  ")
        }
    } else {
        src.push_str(&format!("{pad}key: "));
        pad.clone()
    };
    let start = src.len();
    for (index, line) in emitted.lines.iter().enumerate() {
        if index > 0 {
            src.push('\n');
            if !line.is_empty() {
                src.push_str(&lead);
            }
        }
        src.push_str(line);
    }
    src.push_str(&format!("\n{pad}after: 2\n"));
    if crlf {
        let before = src[..start].matches('\n').count();
        (src.replace('\n', "\r\n"), start + before)
    } else {
        (src, start)
    }
}

fn find_key(root: &Node, in_sequence: bool, nested: bool) -> Option<&Node> {
    let map = if nested { root.get("parent")? } else { root };
    let value = map.get("key")?;
    if in_sequence {
        value.as_sequence()?.first()
    } else {
        Some(value)
    }
}

fn check(
    value: &str,
    style: ScalarStyle,
    emitted: &Emitted,
    indent: usize,
    in_sequence: bool,
    crlf: bool,
) -> Result<(), TestCaseError> {
    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
    let (src, scalar_start) = document(emitted, block, indent, in_sequence, crlf);
    let (documents, error) = parse_stream(&src, &Limits::default());
    prop_assert_eq!(error, None, "{:?}", src);
    let root = &documents[0].root;
    let node = find_key(root, in_sequence, indent > 0).expect("the scalar node");
    let scalar = node.as_scalar().expect("a scalar");
    prop_assert_eq!(&scalar.value, value, "{:?}", src);
    prop_assert_eq!(scalar.style, style);
    prop_assert_eq!(node.span.start as usize, scalar_start, "{:?}", src);
    prop_assert_eq!(emitted.sources.len(), value.chars().count());
    // The node ends with the scalar's last non-blank character.
    let written_end = src[..src[scalar_start..]
        .find("after: 2")
        .map_or(0, |at| scalar_start + at)]
        .trim_end_matches([' ', '\t', '\r', '\n'])
        .len();
    prop_assert_eq!(node.span.end as usize, written_end, "{:?}", src);
    let scalar_end = src[scalar_start..]
        .find("after: 2")
        .map(|i| scalar_start + i)
        .expect("after");
    let mut previous_end = scalar_start;
    for ((offset, c), source) in value.char_indices().zip(&emitted.sources) {
        let span = node.value_span(&src, offset..offset + c.len_utf8());
        let text = &src[span.range()];
        let expected = match source {
            Source::Verbatim => c.to_string(),
            Source::Escape(escape) => escape.clone(),
            Source::LineBreak if crlf => "\r\n".to_owned(),
            Source::LineBreak => "\n".to_owned(),
        };
        prop_assert_eq!(text, expected, "char {:?} at {} in {:?}", c, offset, src);
        prop_assert!(
            span.start as usize >= previous_end && span.end as usize <= scalar_end,
            "{:?}",
            src
        );
        previous_end = span.end as usize;
    }
    Ok(())
}

fn layout() -> impl Strategy<Value = (usize, bool, bool)> {
    (
        prop::sample::select(&[0usize, 1, 2, 4][..]),
        any::<bool>(),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn plain_scalars_map_back((value, choices) in plain_value(), (indent, seq, crlf) in layout()) {
        check(&value, ScalarStyle::Plain, &emit_plain(&value, &choices), indent, seq, crlf)?;
    }

    #[test]
    fn single_quoted_scalars_map_back(value in quoted_value(), (indent, seq, crlf) in layout()) {
        check(&value, ScalarStyle::SingleQuoted, &emit_single_quoted(&value), indent, seq, crlf)?;
    }

    #[test]
    fn double_quoted_scalars_map_back(value in quoted_value(), choices in prop::collection::vec(any::<u8>(), 8), (indent, seq, crlf) in layout()) {
        check(&value, ScalarStyle::DoubleQuoted, &emit_double_quoted(&value, &choices), indent, seq, crlf)?;
    }

    #[test]
    fn literal_scalars_map_back(value in block_value(), (indent, seq, crlf) in layout()) {
        check(&value, ScalarStyle::Literal, &emit_literal(&value), indent, seq, crlf)?;
    }

    #[test]
    fn folded_scalars_map_back(value in block_value(), choices in prop::collection::vec(any::<u8>(), 8), (indent, seq, crlf) in layout()) {
        check(&value, ScalarStyle::Folded, &emit_folded(&value, &choices), indent, seq, crlf)?;
    }

    #[test]
    fn arbitrary_input_never_panics(src in "(?s).{0,200}") {
        check_tree_bounds(&src)?;
    }

    #[test]
    fn yaml_like_input_never_panics(parts in prop::collection::vec(prop::sample::select(&[
        "a", "é", ": ", "- ", "? ", "\n", "  ", "\t", "\r\n", "\r", "#", "&x ", "*x", "!t ", "!!merge ",
        "<<: ", "[", "]", "{", "}", ", ", "|", "|2", ">-", ">+1", "'", "''", "\"", "\\", "\\x4",
        "\\u00e9", "---\n", "...\n", "%YAML 1.2\n", "\u{feff}",
    ][..]), 0..40)) {
        check_tree_bounds(&parts.concat())?;
    }
}

/// Whatever the input, spans stay inside it and `value_span` answers for
/// every character of every scalar.
fn check_tree_bounds(src: &str) -> Result<(), TestCaseError> {
    let (documents, error) = parse_stream(src, &Limits::default());
    let within =
        |span: monlint_core::Span| span.start <= span.end && span.end as usize <= src.len();
    for document in &documents {
        prop_assert!(within(document.span));
        let mut stack = vec![&document.root];
        while let Some(node) = stack.pop() {
            prop_assert!(within(node.span), "{:?} in {:?}", node, src);
            if let Some(value) = node.as_str() {
                for (offset, c) in value.char_indices() {
                    prop_assert!(within(node.value_span(src, offset..offset + c.len_utf8())));
                }
                prop_assert!(within(
                    node.value_span(src, value.len() + 5..value.len() + 9)
                ));
            }
            stack.extend(node.as_sequence().unwrap_or_default());
            for entry in node.as_mapping().unwrap_or_default() {
                stack.push(&entry.key);
                stack.push(&entry.value);
            }
        }
    }
    if let Some(error) = error {
        prop_assert!(within(error.span));
    }
    Ok(())
}
