//! Human output: codespan-style snippets, with one shared configuration so the
//! CLI and the snapshot tests render identically.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::Buffer};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Sources};

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).path)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .get(id)
            .line_index(u32::try_from(byte_index).unwrap_or(u32::MAX)))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let file = self.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(file.text.len(), |&s| s as usize);
        Ok(start..end)
    }
}

/// Lines longer than this (minified JSON, generated YAML) are shown as a window around
/// the labels on them, so that one finding does not print a line of 50 kB.
const LONG_LINE: usize = 240;
/// Bytes shown on either side of the labels on a long line.
const WINDOW_CONTEXT: usize = 60;
/// The longest underline drawn on a long line.
const MAX_UNDERLINE: usize = 120;

/// The sources as one diagnostic's snippet shows them: long lines cut down to a window
/// around `points` (the label ends on them), columns still counted from the real line start.
struct Snippet<'a> {
    sources: &'a Sources,
    points: Vec<(FileId, usize)>,
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

impl<'a> Files<'a> for Snippet<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.sources.name(id)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.sources.source(id)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        self.sources.line_index(id, byte_index)
    }

    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let line = self.sources.line_range(id, line_index)?;
        let source = self.sources.source(id)?;
        Ok(codespan_reporting::files::column_index(source, line, byte_index) + 1)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let line = self.sources.line_range(id, line_index)?;
        if line.len() <= LONG_LINE {
            return Ok(line);
        }
        let text = self.sources.source(id)?;
        let on_line = self
            .points
            .iter()
            .filter(|(file, point)| *file == id && line.contains(point))
            .map(|(_, point)| *point);
        let (low, high) = on_line.fold(
            (None, None),
            |(low, high): (Option<usize>, Option<usize>), p| {
                (
                    Some(low.map_or(p, |l| l.min(p))),
                    Some(high.map_or(p, |h| h.max(p))),
                )
            },
        );
        let (start, end) = match (low, high) {
            (Some(low), Some(high)) => (
                low.saturating_sub(WINDOW_CONTEXT).max(line.start),
                (high + WINDOW_CONTEXT).min(line.end),
            ),
            _ => (line.start, line.start + LONG_LINE),
        };
        Ok(floor_boundary(text, start)..ceil_boundary(text, end))
    }
}

/// A label's range, its underline shortened when it lies on one long line.
fn shown_range(
    sources: &Sources,
    file: FileId,
    range: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let text = &sources.get(file).text;
    let Ok(line) = sources
        .line_index(file, range.start)
        .and_then(|index| sources.line_range(file, index))
    else {
        return range;
    };
    if line.len() <= LONG_LINE || range.end > line.end || range.len() <= MAX_UNDERLINE {
        return range;
    }
    range.start..ceil_boundary(text, range.start + MAX_UNDERLINE)
}

/// The one render configuration.
fn config() -> term::Config {
    term::Config {
        start_context_lines: 1,
        end_context_lines: 1,
        ..term::Config::default()
    }
}

fn to_codespan(diagnostic: &Diagnostic, sources: &Sources) -> cs::Diagnostic<FileId> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    };
    let primary = &diagnostic.primary;
    let range = |file, span: crate::Span| shown_range(sources, file, span.range());
    let mut labels = vec![
        cs::Label::primary(primary.file, range(primary.file, primary.span))
            .with_message(&primary.message),
    ];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        cs::Label::secondary(label.file, range(label.file, label.span)).with_message(&label.message)
    }));
    let mut notes = Vec::new();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(format!(
            "{}/{}",
            diagnostic.check.code, diagnostic.check.name
        ))
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders diagnostics as codespan snippets; ANSI colours only when `color` is set.
pub fn render_human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> Vec<u8> {
    let mut out = Vec::new();
    write_human(&mut out, diagnostics, sources, color).expect("writing to a Vec cannot fail");
    out
}

/// Writes diagnostics as codespan snippets to `out`, one at a time, so that the output
/// of a large run is never held in memory whole.
pub fn write_human(
    out: &mut dyn std::io::Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    color: bool,
) -> std::io::Result<()> {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = config();
    for diagnostic in diagnostics {
        buffer.clear();
        // Spans come from our own loaders, so rendering cannot fail on them; should a
        // span ever be out of range, fall back to a one-line form rather than lose the finding.
        let shown = to_codespan(diagnostic, sources);
        let snippet = Snippet {
            sources,
            points: shown
                .labels
                .iter()
                .flat_map(|label| {
                    [
                        (label.file_id, label.range.start),
                        (label.file_id, label.range.end),
                    ]
                })
                .collect(),
        };
        if term::emit_to_write_style(&mut buffer, &config, &snippet, &shown).is_err() {
            buffer.clear();
            let file = sources.get(diagnostic.primary.file);
            let line = file.line_col(diagnostic.primary.span.start);
            let fallback = format!(
                "{}: {}:{}: {} [{}]\n",
                file.path, line.line, line.column, diagnostic.message, diagnostic.check.code
            );
            std::io::Write::write_all(&mut buffer, fallback.as_bytes())?;
        }
        out.write_all(buffer.as_slice())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Check};
    use crate::source::SourceFile;
    use crate::span::Span;

    static CHECK: Check = Check {
        code: "X000",
        name: "test-check",
        category: Category::Style,
        default_severity: Severity::Warning,
        enabled_by_default: true,
        summary: "",
        doc: "",
    };

    fn render(text: &str, span: Span) -> String {
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::new("min.json", text));
        let diagnostic = Diagnostic::new(&CHECK, file, span, "finding");
        String::from_utf8(render_human(&[diagnostic], &sources, false)).unwrap()
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_label() {
        // Multi-byte characters around the window's edges must not split.
        let text = format!("{}\"editable\":true{}\n", "é".repeat(300), "ü".repeat(300));
        let start = text.find("\"editable\"").unwrap() as u32;
        let rendered = render(&text, Span::new(start, start + 15));
        assert!(
            rendered.contains(&format!("min.json:1:{}", 300 + 1)),
            "{rendered}"
        );
        assert!(rendered.contains("\"editable\":true"), "{rendered}");
        assert!(rendered.contains("^^^^^^^^^^^^^^^"), "{rendered}");
        assert!(
            rendered.len() < 800,
            "{} bytes:\n{rendered}",
            rendered.len()
        );
    }

    #[test]
    fn a_long_label_on_a_long_line_is_underlined_in_part() {
        let text = format!("{}\n", "x".repeat(5000));
        let rendered = render(&text, Span::new(10, 4000));
        assert!(rendered.contains(&"^".repeat(MAX_UNDERLINE)), "{rendered}");
        assert!(
            !rendered.contains(&"^".repeat(MAX_UNDERLINE + 1)),
            "{rendered}"
        );
        assert!(rendered.len() < 1000, "{} bytes", rendered.len());
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "groups:\n  - name: a\n";
        let rendered = render(text, Span::new(17, 18));
        assert!(rendered.contains("  - name: a"), "{rendered}");
    }
}
