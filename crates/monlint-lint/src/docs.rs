//! The published check reference, generated from the registry so it cannot drift.

use std::fmt::Write;

use crate::registry::all_checks;

/// `docs/checks.md`: a table of every check, then each check's documentation.
pub fn checks_markdown() -> String {
    let mut out = String::from(
        "# Checks\n\n<!-- Generated from the check registry: run `cargo xtask docs` after changing a check. -->\n\n",
    );
    out.push_str(
        "| code | name | category | default severity | summary |\n|---|---|---|---|---|\n",
    );
    for check in all_checks() {
        let _ = writeln!(
            out,
            "| {} | [{}](#{}) | {} | {} | {} |",
            check.code,
            check.name,
            check.name,
            check.category,
            check.default_severity,
            check.summary
        );
    }
    for check in all_checks() {
        let _ = write!(
            out,
            "\n## {}\n\nCode `{}` · category `{}` · default severity `{}`\n\n{}",
            check.name,
            check.code,
            check.category,
            check.default_severity,
            // The doc's own headings sit one level below the check's.
            check
                .doc
                .replace("\n## ", "\n### ")
                .replacen("## ", "### ", 1)
        );
    }
    out
}
