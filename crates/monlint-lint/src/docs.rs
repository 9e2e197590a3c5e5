//! The published check reference, generated from the registry so it cannot drift.

use std::fmt::Write;

use crate::registry::all_checks;

/// `docs/checks.md`: a table of every check, then each check's documentation.
pub fn checks_markdown() -> String {
    let mut out = String::from(
        "# Checks\n\n<!-- Generated from the check registry: run `cargo xtask docs` after changing a check. -->\n\n",
    );
    out.push_str(
        "A run without `--select` reports the checks marked *on*: validity, and the checks whose \
findings on real configs are problems a team fixes. The others are a matter of taste or of a \
project's conventions; `--extend-select <code|name|category>` (or `extend-select:` in \
`.monlint.yml`) adds them, `--select all` runs every check.\n\n",
    );
    out.push_str(
        "| code | name | category | default severity | on by default | summary |\n|---|---|---|---|---|---|\n",
    );
    for check in all_checks() {
        let _ = writeln!(
            out,
            "| {} | [{}](#{}) | {} | {} | {} | {} |",
            check.code,
            check.name,
            check.name,
            check.category,
            check.default_severity,
            if check.enabled_by_default {
                "on"
            } else {
                "off"
            },
            check.summary
        );
    }
    for check in all_checks() {
        let _ = write!(
            out,
            "\n## {}\n\nCode `{}` · category `{}` · default severity `{}` · {} by default\n\n{}",
            check.name,
            check.code,
            check.category,
            check.default_severity,
            if check.enabled_by_default {
                "on"
            } else {
                "off"
            },
            // The doc's own headings sit one level below the check's.
            check
                .doc
                .replace("\n## ", "\n### ")
                .replacen("## ", "### ", 1)
        );
    }
    out
}
