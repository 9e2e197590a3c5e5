//! Low-level helpers over the source text: character-index to byte-offset
//! conversion and skipping of the bits of syntax around a node's content.

/// Converts saphyr's character indices to byte offsets. Markers arrive in
/// nearly increasing order, so a cursor that walks from the last answer keeps
/// the total work linear; ASCII text needs no walking at all.
pub(super) struct ByteCursor<'a> {
    src: &'a str,
    ascii: bool,
    char_index: usize,
    byte_offset: usize,
}

impl<'a> ByteCursor<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        ByteCursor {
            src,
            ascii: src.is_ascii(),
            char_index: 0,
            byte_offset: 0,
        }
    }

    /// The byte offset of character `index`, clamped to the end of the text.
    pub(super) fn byte_offset(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.src.len());
        }
        while self.char_index < index {
            let Some(c) = self.src[self.byte_offset..].chars().next() else {
                break;
            };
            self.byte_offset += c.len_utf8();
            self.char_index += 1;
        }
        while self.char_index > index {
            let Some(c) = self.src[..self.byte_offset].chars().next_back() else {
                break;
            };
            self.byte_offset -= c.len_utf8();
            self.char_index -= 1;
        }
        self.byte_offset
    }
}

pub(super) fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

pub(super) fn is_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// Length of the line break at `pos` (`\r\n`, `\r` or `\n`), 0 if none.
pub(super) fn break_len(bytes: &[u8], pos: usize) -> usize {
    match bytes.get(pos) {
        Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => 2,
        Some(b'\r' | b'\n') => 1,
        _ => 0,
    }
}

/// Skips whitespace, line breaks, comments, anchors (`&a`) and tags (`!t`,
/// `!<verbatim>`) from `pos`; returns where the node's content starts.
pub(super) fn skip_properties(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => pos = end_of_line(bytes, pos),
            b'!' if bytes.get(pos + 1) == Some(&b'<') => {
                while bytes.get(pos).is_some_and(|&b| b != b'>') {
                    pos += 1;
                }
                pos = skip_token(bytes, pos);
            }
            b'&' | b'!' => pos = skip_token(bytes, pos),
            _ => break,
        }
    }
    pos
}

/// From `pos`, skips whitespace and comments and the indicators `-`, `?` and
/// `:`; returns the position of a block scalar's `|` or `>` if that comes next.
pub(super) fn find_block_header(bytes: &[u8], mut pos: usize, limit: usize) -> Option<usize> {
    while pos < limit {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' | b'-' | b'?' | b':' => pos += 1,
            b'#' => pos = end_of_line(bytes, pos),
            b'|' | b'>' => return Some(pos),
            _ => return None,
        }
    }
    None
}

/// The position of the quote that closes the quoted scalar opening at `open`.
pub(super) fn closing_quote(bytes: &[u8], open: usize) -> Option<usize> {
    let quote = *bytes.get(open)?;
    let mut pos = open + 1;
    loop {
        match (*bytes.get(pos)?, quote) {
            (b'\\', b'"') => pos += 2,
            (b'\'', b'\'') if bytes.get(pos + 1) == Some(&b'\'') => pos += 2,
            (byte, _) if byte == quote => return Some(pos),
            _ => pos += 1,
        }
    }
}

fn skip_token(bytes: &[u8], mut pos: usize) -> usize {
    while bytes
        .get(pos)
        .is_some_and(|&b| !is_blank(b) && !is_break(b))
    {
        pos += 1;
    }
    pos
}

pub(super) fn end_of_line(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|&b| !is_break(b)) {
        pos += 1;
    }
    pos
}

/// Start of the line holding `pos`.
pub(super) fn line_start(bytes: &[u8], mut pos: usize) -> usize {
    while pos > 0 && !is_break(bytes[pos - 1]) {
        pos -= 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::ByteCursor;

    #[test]
    fn cursor_walks_both_ways_over_multibyte_text() {
        let src = "aé€😀b";
        let mut cursor = ByteCursor::new(src);
        assert_eq!(cursor.byte_offset(4), 10);
        assert_eq!(cursor.byte_offset(2), 3);
        assert_eq!(cursor.byte_offset(5), 11);
        assert_eq!(cursor.byte_offset(99), 11);
        assert_eq!(cursor.byte_offset(0), 0);
    }
}
