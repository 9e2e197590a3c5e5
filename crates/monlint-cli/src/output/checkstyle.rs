//! Checkstyle XML: `<checkstyle><file name><error line column severity message source/></file></checkstyle>`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use monlint_core::{FileId, Severity, Sources};

use super::{Emitter, Report, full_message, position};

pub struct Checkstyle;

/// Escapes text for an XML attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Other control characters are not allowed in XML 1.0 at all.
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Emitter for Checkstyle {
    fn emit(&self, report: &Report, sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
        let mut by_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (_, file) in sources.iter() {
            by_file.entry(&file.path).or_default();
        }
        // A file that could not be read: an error on the file, at line 0 as Checkstyle
        // reports its own exceptions.
        for (index, skip) in report.unreadable() {
            let path = &sources.get(FileId(index as u32)).path;
            by_file.entry(path).or_default().push(format!(
                "    <error line=\"0\" severity=\"error\" message=\"{}\" source=\"monlint.unreadable\"/>\n",
                escape(&skip.message()),
            ));
        }
        for diagnostic in report.diagnostics() {
            let at = position(diagnostic, sources);
            let severity = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            by_file.entry(&at.file.path).or_default().push(format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{severity}\" message=\"{}\" source=\"monlint.{}.{}\"/>\n",
                at.line,
                at.column,
                escape(&full_message(diagnostic)),
                diagnostic.check.code,
                diagnostic.check.name,
            ));
        }
        out.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n",
        )?;
        for (path, errors) in by_file {
            writeln!(out, "  <file name=\"{}\">", escape(path))?;
            for error in errors {
                out.write_all(error.as_bytes())?;
            }
            out.write_all(b"  </file>\n")?;
        }
        out.write_all(b"</checkstyle>\n")
    }
}
