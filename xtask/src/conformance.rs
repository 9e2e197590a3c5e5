//! `cargo xtask conformance promqltest [DIR]`: runs Prometheus' promqltest
//! scripts through monlint's evaluator and prints per-file pass counts.

use std::path::PathBuf;
use std::process::ExitCode;

use monlint_promql::promqltest::{Outcome, run_script};

#[derive(clap::Args)]
pub struct PromqltestArgs {
    /// Directory of `.test` files (default: ../shared/corpus/promqltest).
    dir: Option<PathBuf>,
    /// Prometheus version whose semantics apply.
    #[arg(long, default_value_t = monlint_core::Version::default())]
    prometheus_version: monlint_core::Version,
    /// Print each failure (expected vs got) and each skip reason.
    #[arg(long, short)]
    verbose: bool,
}

pub fn promqltest(args: &PromqltestArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let dir = args.dir.clone().unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/corpus/promqltest"
        ))
    });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "test"))
        .collect();
    files.sort();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let report = run_script(&text, args.prometheus_version);
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        println!(
            "{name}: {}/{}, skipped {}",
            report.passed(),
            report.evals.len(),
            report.skipped()
        );
        if args.verbose {
            for eval in &report.evals {
                match &eval.outcome {
                    Outcome::Passed => {}
                    Outcome::Failed(why) => {
                        println!("  FAIL line {}: {}\n    {why}", eval.line, eval.expr);
                    }
                    Outcome::Skipped(why) => {
                        println!("  skip line {}: {} ({why})", eval.line, eval.expr);
                    }
                }
            }
        }
        passed += report.passed();
        failed += report.failed();
        skipped += report.skipped();
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
