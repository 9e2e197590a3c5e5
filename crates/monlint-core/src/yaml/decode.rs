//! Maps offsets in a decoded scalar back to its source text by scanning the
//! scalar again and recording, for every decoded character, the source bytes
//! it came from. The re-decoded text must equal the parser's value, so a
//! mistake here degrades to the whole node span instead of a wrong position.

use std::ops::Range;

use super::text::{break_len, end_of_line, is_blank, is_break};
use super::{Scalar, ScalarStyle, Span};

/// Most indentations tried when a block scalar's indentation must be inferred.
const MAX_INDENT_CANDIDATES: usize = 256;

/// The mapping of a scalar's decoded value to its source, or `None` when the source does
/// not re-decode to the parser's value (then callers fall back to the node's span).
pub(super) fn scalar_mapping(src: &str, span: Span, scalar: &Scalar) -> Option<Mapping> {
    let start = span.start as usize;
    let end = (span.end as usize).min(src.len());
    if start > end || !src.is_char_boundary(start) || !src.is_char_boundary(end) {
        return None;
    }
    match scalar.style {
        ScalarStyle::Plain => Some(plain(src, start, end)).filter(|m| m.text == scalar.value),
        ScalarStyle::SingleQuoted => quoted(src, start, b'\'').filter(|m| m.text == scalar.value),
        ScalarStyle::DoubleQuoted => quoted(src, start, b'"').filter(|m| m.text == scalar.value),
        ScalarStyle::Literal | ScalarStyle::Folded => block(src, start, &scalar.value),
    }
}

/// The decoded text and, per decoded character, its byte offset in the text
/// and the source range it came from.
#[derive(Clone, Debug, Default)]
pub(super) struct Mapping {
    text: String,
    pieces: Vec<(usize, Range<usize>)>,
}

impl Mapping {
    fn push_char(&mut self, c: char, source: Range<usize>) {
        self.pieces.push((self.text.len(), source));
        self.text.push(c);
    }

    fn push_source(&mut self, src: &str, range: Range<usize>) {
        let base = range.start;
        for (offset, c) in src[range].char_indices() {
            let at = base + offset;
            self.push_char(c, at..at + c.len_utf8());
        }
    }

    pub(super) fn lookup(&self, node_start: usize, decoded: Range<usize>) -> Span {
        let Some(last) = self.pieces.last() else {
            return Span::from_usize(node_start, node_start);
        };
        let start = decoded.start.min(self.text.len());
        let end = decoded.end.clamp(start, self.text.len());
        let piece_at = |offset: usize| {
            let index = self.pieces.partition_point(|(at, _)| *at <= offset);
            &self.pieces[index.saturating_sub(1)].1
        };
        if start == end {
            let at = if start == self.text.len() {
                last.1.end
            } else {
                piece_at(start).start
            };
            return Span::from_usize(at, at);
        }
        Span::from_usize(piece_at(start).start, piece_at(end - 1).end)
    }
}

fn skip_blanks(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|&b| is_blank(b)) {
        pos += 1;
    }
    pos
}

/// Folds the line break at `pos` and any empty lines after it, as plain and
/// quoted scalars do: one break becomes a space, otherwise each empty line
/// becomes a newline. Returns the start of the next line's content.
fn fold_breaks(mapping: &mut Mapping, bytes: &[u8], pos: usize) -> usize {
    let first_break = pos..pos + break_len(bytes, pos);
    let mut pos = first_break.end;
    let mut empty_lines = 0;
    loop {
        let content = skip_blanks(bytes, pos);
        let len = break_len(bytes, content);
        if len == 0 {
            if empty_lines == 0 {
                mapping.push_char(' ', first_break);
            }
            return content;
        }
        mapping.push_char('\n', content..content + len);
        empty_lines += 1;
        pos = content + len;
    }
}

fn trim_blank_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_blank(bytes[end - 1]) {
        end -= 1;
    }
    end
}

fn plain(src: &str, start: usize, end: usize) -> Mapping {
    let bytes = src.as_bytes();
    let mut mapping = Mapping::default();
    let mut pos = start;
    loop {
        let line_end = end_of_line(bytes, pos).min(end);
        mapping.push_source(src, pos..trim_blank_end(bytes, pos, line_end));
        if line_end >= end {
            return mapping;
        }
        pos = fold_breaks(&mut mapping, bytes, line_end);
    }
}

fn quoted(src: &str, start: usize, quote: u8) -> Option<Mapping> {
    let bytes = src.as_bytes();
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut mapping = Mapping::default();
    let mut pos = start + 1;
    loop {
        let byte = *bytes.get(pos)?;
        match byte {
            b'\'' if quote == b'\'' => {
                if bytes.get(pos + 1) != Some(&b'\'') {
                    return Some(mapping);
                }
                mapping.push_char('\'', pos..pos + 2);
                pos += 2;
            }
            b'"' if quote == b'"' => return Some(mapping),
            b'\\' if quote == b'"' => {
                let len = break_len(bytes, pos + 1);
                if len > 0 {
                    pos = escaped_line_break(&mut mapping, bytes, pos + 1 + len);
                } else {
                    let (c, len) = escape(src, pos)?;
                    mapping.push_char(c, pos..pos + len);
                    pos += len;
                }
            }
            b' ' | b'\t' => {
                let run_end = skip_blanks(bytes, pos);
                // Whitespace before a line break is folded away.
                if !bytes.get(run_end).is_some_and(|&b| is_break(b)) {
                    mapping.push_source(src, pos..run_end);
                }
                pos = run_end;
            }
            b'\r' | b'\n' => pos = fold_breaks(&mut mapping, bytes, pos),
            _ => {
                let c = src[pos..].chars().next()?;
                mapping.push_char(c, pos..pos + c.len_utf8());
                pos += c.len_utf8();
            }
        }
    }
}

/// After `\` and a line break: the break vanishes, each empty line that
/// follows is a newline, and the next line's indentation is dropped.
fn escaped_line_break(mapping: &mut Mapping, bytes: &[u8], mut pos: usize) -> usize {
    loop {
        let content = skip_blanks(bytes, pos);
        let len = break_len(bytes, content);
        if len == 0 {
            return content;
        }
        mapping.push_char('\n', content..content + len);
        pos = content + len;
    }
}

/// Decodes the escape sequence at `pos` (which holds `\`): the character and
/// the escape's length in bytes.
fn escape(src: &str, pos: usize) -> Option<(char, usize)> {
    let code = *src.as_bytes().get(pos + 1)?;
    let simple = match code {
        b'0' => '\0',
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\u{b}',
        b'f' => '\u{c}',
        b'r' => '\r',
        b'e' => '\u{1b}',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match code {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = src.get(pos + 2..pos + 2 + digits)?;
            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            return Some((c, 2 + digits));
        }
        _ => return None,
    };
    Some((simple, 2))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// One line of a block scalar: its text after the indentation (empty lines
/// have none) and its line break (empty at the end of the input).
struct BlockLine {
    text: Option<Range<usize>>,
    line_break: Range<usize>,
}

fn block(src: &str, header: usize, expected: &str) -> Option<Mapping> {
    let bytes = src.as_bytes();
    let folded = match bytes.get(header)? {
        b'|' => false,
        b'>' => true,
        _ => return None,
    };
    let mut chomping = Chomping::Clip;
    let mut pos = header + 1;
    for _ in 0..2 {
        match bytes.get(pos) {
            Some(b'-') => chomping = Chomping::Strip,
            Some(b'+') => chomping = Chomping::Keep,
            Some(b'1'..=b'9') => {}
            _ => break,
        }
        pos += 1;
    }
    let header_end = end_of_line(bytes, pos);
    let content_start = header_end + break_len(bytes, header_end);
    // The indentation is either detected from the first non-empty line or
    // given relative to the parent's, which the tree does not record: try the
    // detected one first, then every smaller one, and keep the one that
    // reproduces the parser's value.
    let detected = first_content_indent(bytes, content_start);
    let candidates = std::iter::once(detected).chain((0..detected).rev());
    candidates.take(MAX_INDENT_CANDIDATES).find_map(|indent| {
        let lines = block_lines(bytes, content_start, indent);
        let mapping = block_text(src, &lines, folded, chomping);
        (mapping.text == expected).then_some(mapping)
    })
}

fn first_content_indent(bytes: &[u8], mut pos: usize) -> usize {
    loop {
        let spaces = bytes[pos.min(bytes.len())..]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        let len = break_len(bytes, pos + spaces);
        if len == 0 {
            return spaces;
        }
        pos += spaces + len;
    }
}

fn block_lines(bytes: &[u8], mut pos: usize, indent: usize) -> Vec<BlockLine> {
    let mut lines = Vec::new();
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let at_document_marker = (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && rest.get(3).is_none_or(|&b| is_blank(b) || is_break(b));
        if indent == 0 && at_document_marker {
            break;
        }
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        let line_end = end_of_line(bytes, pos);
        let line_break = line_end..line_end + break_len(bytes, line_end);
        let text = if pos + spaces == line_end && spaces <= indent {
            None
        } else if spaces < indent {
            break;
        } else {
            Some(pos + indent..line_end)
        };
        pos = line_break.end;
        let at_end = line_break.is_empty();
        lines.push(BlockLine { text, line_break });
        if at_end {
            break;
        }
    }
    lines
}

fn block_text(src: &str, lines: &[BlockLine], folded: bool, chomping: Chomping) -> Mapping {
    let bytes = src.as_bytes();
    let mut mapping = Mapping::default();
    let last_content = lines.iter().rposition(|line| line.text.is_some());
    let is_spaced = |range: &Range<usize>| {
        bytes.get(range.start).is_some_and(|&b| is_blank(b)) && range.start < range.end
    };
    let mut previous: Option<&BlockLine> = None;
    let mut empty_since_previous: Vec<&BlockLine> = Vec::new();
    for line in &lines[..last_content.map_or(0, |index| index + 1)] {
        let Some(text) = &line.text else {
            empty_since_previous.push(line);
            continue;
        };
        if let Some(previous) = previous {
            let previous_text = previous.text.as_ref().map_or(0..0, Clone::clone);
            let keep_break = !folded || is_spaced(&previous_text) || is_spaced(text);
            if keep_break {
                mapping.push_char('\n', previous.line_break.clone());
            } else if empty_since_previous.is_empty() {
                mapping.push_char(' ', previous.line_break.clone());
            }
        }
        for empty in empty_since_previous.drain(..) {
            mapping.push_char('\n', empty.line_break.clone());
        }
        mapping.push_source(src, text.clone());
        previous = Some(line);
    }
    let trailing = &lines[last_content.map_or(0, |index| index + 1)..];
    match (chomping, previous) {
        (Chomping::Strip, _) => {}
        (Chomping::Clip, None) => {}
        (Chomping::Clip, Some(last)) => {
            mapping.push_char('\n', last.line_break.clone());
        }
        (Chomping::Keep, last) => {
            for line in last.into_iter().chain(trailing) {
                if !line.line_break.is_empty() {
                    mapping.push_char('\n', line.line_break.clone());
                }
            }
        }
    }
    mapping
}
