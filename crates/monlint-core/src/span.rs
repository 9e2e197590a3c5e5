//! Byte ranges into a text.

use std::ops::Range;

/// A half-open byte range `start..end` into some text: a source file, or a
/// string that was decoded from one (a PromQL expression, a template).
///
/// Offsets are `u32` to keep AST nodes small; inputs over 4 GiB are refused
/// before parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// Builds a span from `usize` offsets, saturating at `u32::MAX`.
    pub fn from_usize(start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span::new(clamp(start), clamp(end))
    }

    /// An empty span at `offset`, for "something is missing here" diagnostics.
    pub fn point(offset: u32) -> Self {
        Span::new(offset, offset)
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Shifts the span by `delta` bytes, e.g. from an expression into its file.
    pub fn offset_by(self, delta: u32) -> Span {
        Span::new(self.start + delta, self.end + delta)
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::from_usize(range.start, range.end)
    }
}
