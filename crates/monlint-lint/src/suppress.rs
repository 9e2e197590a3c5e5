//! `# monlint: disable-…` comments: findings their authors accepted, where they accepted them.
//!
//! Comments are found by scanning the text (the YAML tree keeps no comments): a `#` at the
//! start of a line or after whitespace, followed by `monlint:`.

use monlint_core::{Check, Diagnostic, FileId, SourceFile, Span};

use crate::checks::{invalid_suppression, unused_suppression};
use crate::registry;
use crate::selection::Selection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// The line the comment ends.
    Line(usize),
    /// The rule starting first after the comment: everything inside its span.
    Rule(Span),
    File,
}

struct Suppression {
    scope: Scope,
    check: &'static Check,
    /// Where the check's name is written, for the unused report.
    name_span: Span,
    used: bool,
}

const DIRECTIVES: [&str; 4] = [
    "disable-line",
    "disable-next-line",
    "disable-next-rule",
    "disable-file",
];

/// The comment text of a line (after `#`), with its byte offset in the file.
fn comment_of(line: &str, line_start: usize) -> Option<(&str, usize)> {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
        .map(|i| (&line[i + 1..], line_start + i + 1))
}

fn parse(
    source: &SourceFile,
    file: FileId,
    rule_spans: &[Span],
    out: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let mut suppressions = Vec::new();
    let mut rule_starts = rule_spans.to_vec();
    rule_starts.sort_by_key(|span| span.start);
    let mut line_start = 0;
    for (index, line) in source.text.split('\n').enumerate() {
        let start_of_this_line = line_start;
        line_start += line.len() + 1;
        let Some((comment, offset)) = comment_of(line, start_of_this_line) else {
            continue;
        };
        let trimmed = comment.trim_start();
        let Some(rest) = trimmed.strip_prefix("monlint:") else {
            continue;
        };
        let rest_offset = offset + (comment.len() - trimmed.len()) + "monlint:".len();
        let body = rest.split(" -- ").next().unwrap_or_default();
        let directive_text = body.split_whitespace().next().unwrap_or_default();
        let directive_at = rest_offset + body.find(directive_text).unwrap_or_default();
        let comment_span = Span::from_usize(offset - 1, start_of_this_line + line.trim_end().len());
        let scope = match directive_text {
            "disable-line" => Scope::Line(index),
            "disable-next-line" => Scope::Line(index + 1),
            "disable-file" => Scope::File,
            "disable-next-rule" => {
                match rule_starts.iter().find(|span| span.start as usize > offset) {
                    Some(span) => Scope::Rule(*span),
                    None => {
                        out.push(Diagnostic::new(
                            &invalid_suppression::CHECK,
                            file,
                            comment_span,
                            "no rule follows this `disable-next-rule` comment",
                        ));
                        continue;
                    }
                }
            }
            _ => {
                let message = format!(
                    "unknown suppression directive {directive_text:?}; expected one of: {}",
                    DIRECTIVES.join(", ")
                );
                out.push(Diagnostic::new(
                    &invalid_suppression::CHECK,
                    file,
                    comment_span,
                    message,
                ));
                continue;
            }
        };
        let names_text =
            &body[body.find(directive_text).unwrap_or_default() + directive_text.len()..];
        let names_offset = directive_at + directive_text.len();
        let mut named = 0;
        let mut cursor = 0;
        for name in names_text.split([',', ' ', '\t']) {
            let at = names_offset + cursor;
            cursor += name.len() + 1;
            let name = name.trim_end_matches('\r');
            if name.is_empty() {
                continue;
            }
            named += 1;
            let name_span = Span::from_usize(at, at + name.len());
            match registry::find(name) {
                Some(check) => suppressions.push(Suppression {
                    scope,
                    check,
                    name_span,
                    used: false,
                }),
                None => out.push(Diagnostic::new(
                    &invalid_suppression::CHECK,
                    file,
                    name_span,
                    format!("unknown check {name:?} in a suppression; `monlint checks` lists them"),
                )),
            }
        }
        if named == 0 {
            let message = format!(
                "`{directive_text}` needs the checks to suppress, e.g. `# monlint: {directive_text} runbook-url`"
            );
            out.push(Diagnostic::new(
                &invalid_suppression::CHECK,
                file,
                comment_span,
                message,
            ));
        }
    }
    suppressions
}

/// Removes the findings that comments suppress and reports invalid and unused suppressions.
pub fn apply(
    source: &SourceFile,
    file: FileId,
    rule_spans: &[Span],
    selection: &Selection,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !source.text.contains("monlint:") {
        return;
    }
    let mut reports = Vec::new();
    let mut suppressions = parse(source, file, rule_spans, &mut reports);
    diagnostics.retain(|diagnostic| {
        let line = source.line_index(diagnostic.primary.span.start);
        let start = diagnostic.primary.span.start;
        let mut suppressed = false;
        for suppression in suppressions
            .iter_mut()
            .filter(|s| std::ptr::eq(s.check, diagnostic.check))
        {
            let applies = match suppression.scope {
                Scope::Line(target) => target == line,
                Scope::Rule(span) => span.start <= start && start <= span.end,
                Scope::File => true,
            };
            if applies {
                suppression.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    for suppression in suppressions
        .iter()
        .filter(|s| !s.used && selection.is_enabled(s.check))
    {
        reports.push(
            Diagnostic::new(
                &unused_suppression::CHECK,
                file,
                suppression.name_span,
                format!(
                    "`{}` reports nothing here, so this suppression is unused",
                    suppression.check.name
                ),
            )
            .with_help("remove the check from the comment, or the comment"),
        );
    }
    diagnostics.extend(reports);
}
