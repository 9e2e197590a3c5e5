//! GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding,
//! which Actions turns into annotations on the pull request.

use std::io::{self, Write};

use monlint_core::{Severity, Sources};
use monlint_lint::SkipReason;

use super::{Emitter, Report, full_message, position};

pub struct Github;

/// Escapes a command's message: `%`, CR and LF, as the Actions runner decodes them.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also may not contain `:` or `,` unescaped.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Emitter for Github {
    fn emit(&self, report: &Report, sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
        for diagnostic in report.diagnostics() {
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let at = position(diagnostic, sources);
            let title = format!("{} {}", diagnostic.check.code, diagnostic.check.name);
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&at.file.path),
                at.line,
                at.column,
                at.end_line,
                at.end_column,
                escape_property(&title),
                escape_data(&full_message(diagnostic)),
            )?;
        }
        for (index, skip) in report.skipped_to_show() {
            let path = &sources.get(monlint_core::FileId(index as u32)).path;
            let command = if skip.reason == SkipReason::Unreadable {
                "error"
            } else {
                "notice"
            };
            writeln!(
                out,
                "::{command} file={},title=not checked::{}",
                escape_property(path),
                escape_data(&skip.message()),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_decodes() {
        assert_eq!(escape_data("50% of\nlines"), "50%25 of%0Alines");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
