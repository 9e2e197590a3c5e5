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

/// The one render configuration.
fn config() -> term::Config {
    term::Config {
        start_context_lines: 1,
        end_context_lines: 1,
        ..term::Config::default()
    }
}

fn to_codespan(diagnostic: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    };
    let primary = &diagnostic.primary;
    let mut labels =
        vec![cs::Label::primary(primary.file, primary.span.range()).with_message(&primary.message)];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        cs::Label::secondary(label.file, label.span.range()).with_message(&label.message)
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
        if term::emit_to_write_style(&mut buffer, &config, sources, &to_codespan(diagnostic))
            .is_err()
        {
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
