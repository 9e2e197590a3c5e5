//! `cargo xtask docs`: writes the generated documents (`docs/checks.md`, the reference of
//! every check, and `docs/monlint.schema.json`, the configuration's schema). The test
//! `crates/monlint-lint/tests/docs.rs` fails while they are stale.

use std::process::ExitCode;

use crate::util::{Result, repo_root};

pub fn write() -> Result<ExitCode> {
    let docs = repo_root().join("docs");
    std::fs::create_dir_all(&docs)?;
    std::fs::write(
        docs.join("checks.md"),
        monlint_lint::docs::checks_markdown(),
    )?;
    let schema = serde_json::to_string_pretty(&monlint_lint::config::json_schema())? + "\n";
    std::fs::write(docs.join("monlint.schema.json"), schema)?;
    println!("wrote docs/checks.md and docs/monlint.schema.json");
    Ok(ExitCode::SUCCESS)
}
