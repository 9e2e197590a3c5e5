//! Source files and the line/column arithmetic every output format shares.

use crate::Span;

/// Index of a file in a [`Sources`] collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A file's display path and full text, with its line starts precomputed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Where the first invalid UTF-8 sequence was, for files read from bytes.
    pub invalid_utf8_at: Option<usize>,
    line_starts: Vec<u32>,
    /// An ASCII text's columns are byte offsets: no need to count characters along a
    /// long line (minified JSON is one line) for every diagnostic.
    ascii: bool,
}

/// A 1-based line and column; the column counts characters, not bytes, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .map(|offset| u32::try_from(offset).unwrap_or(u32::MAX))
            .collect();
        SourceFile {
            path: path.into(),
            ascii: text.is_ascii(),
            text,
            invalid_utf8_at: None,
            line_starts,
        }
    }

    /// Decodes bytes as UTF-8; invalid sequences become U+FFFD and the first one is remembered.
    pub fn from_bytes(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => SourceFile::new(path, text),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                SourceFile {
                    invalid_utf8_at: Some(offset),
                    ..SourceFile::new(path, text)
                }
            }
        }
    }

    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// The 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// Byte range of line `index` (0-based), without its line terminator.
    pub fn line_range(&self, index: usize) -> std::ops::Range<usize> {
        let start = self
            .line_starts
            .get(index)
            .map_or(self.text.len(), |&s| s as usize);
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The 1-based line and character column of byte `offset` (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = (offset as usize).min(self.text.len());
        let index = self.line_index(offset as u32);
        let start = self.line_starts[index] as usize;
        if self.ascii {
            return LineCol {
                line: index as u32 + 1,
                column: (offset - start) as u32 + 1,
            };
        }
        let prefix = self.text.get(start..offset).unwrap_or_else(|| {
            // An offset inside a multi-byte character counts from that character.
            let mut boundary = offset;
            while !self.text.is_char_boundary(boundary) {
                boundary -= 1;
            }
            &self.text[start..boundary]
        });
        LineCol {
            line: index as u32 + 1,
            column: prefix.chars().count() as u32 + 1,
        }
    }

    /// The part of `span` on its first line: a multi-line node (a whole rule, a whole
    /// group) is pointed at by its first line rather than underlined in full.
    pub fn first_line(&self, span: Span) -> Span {
        let line = self.line_range(self.line_index(span.start));
        Span::new(span.start, span.end.min(line.end as u32).max(span.start))
    }

    /// Start and end positions of a span (the end is exclusive, like the span).
    pub fn span_positions(&self, span: Span) -> (LineCol, LineCol) {
        (self.line_col(span.start), self.line_col(span.end))
    }
}

/// All the files of one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Sources::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Puts `file` in the place of the file `id`, which keeps its id.
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = file;
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_handles_crlf() {
        let file = SourceFile::new("f", "ab\r\nçd\nx");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(4), LineCol { line: 2, column: 1 });
        // 'd' follows the two-byte 'ç'.
        assert_eq!(file.line_col(6), LineCol { line: 2, column: 2 });
        assert_eq!(file.line_col(8), LineCol { line: 3, column: 1 });
        assert_eq!(file.line_col(99), LineCol { line: 3, column: 2 });
        assert_eq!(&file.text[file.line_range(0)], "ab");
        assert_eq!(&file.text[file.line_range(2)], "x");
    }

    #[test]
    fn offset_inside_a_character_does_not_panic() {
        let file = SourceFile::new("f", "é");
        assert_eq!(file.line_col(1), LineCol { line: 1, column: 1 });
    }
}
