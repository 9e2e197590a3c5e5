//! `cargo xtask diff check-rules`: promtool and monlint must accept and reject the same rule
//! files. The cases are the corpus rule files and mutated copies of them.

mod mutations;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};
use std::time::Duration;

use clap::Args;

use crate::util::{self, Result, ScratchDir};
use mutations::MUTATIONS;

/// Corpus files each mutation is applied to (at a different place in each).
const FILES_PER_MUTATION: usize = 12;

/// A tool that takes longer than this on one small file is stuck.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Args)]
pub struct CheckRulesArgs {
    /// promtool binary, the reference (Prometheus 2.42 semantics).
    #[arg(long, default_value = "promtool")]
    promtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// Keep the generated cases on disk and print where they are.
    #[arg(long)]
    keep: bool,
    /// Only run the mutations whose name contains this text (unedited files always run).
    #[arg(long)]
    only: Option<String>,
}

struct Case {
    /// Where the case came from: the corpus file, relative to the corpus, and the edit place.
    origin: String,
    mutation: &'static str,
    /// Whether promtool 2.42 is expected to accept the case if it accepts the unedited file;
    /// `None` for unedited files.
    expected_accept: Option<bool>,
    /// Index of the unedited file, which is also the index of its own case.
    source: usize,
    path: PathBuf,
}

struct Verdict {
    exit_code: i32,
    first_line: String,
}

pub fn check_rules(args: &CheckRulesArgs) -> Result<ExitCode> {
    if !util::is_runnable(&args.promtool) {
        return Err(format!(
            "promtool not found ({}); it is the reference this command compares against",
            args.promtool.display()
        )
        .into());
    }
    let monlint = util::monlint_binary(args.monlint.as_deref())?;
    let corpus = util::corpus_dir()?;
    let sources = rule_files(&corpus)?;
    let scratch = ScratchDir::new("diff", args.keep)?;
    let mut cases = generate_cases(&corpus, &sources, scratch.path())?;
    if let Some(only) = &args.only {
        // Unedited files stay in the run: the mutated cases' sanity notes refer to them.
        cases.retain(|case| case.mutation.contains(only.as_str()) || case.mutation == "original");
    }
    eprintln!("checking {} cases with promtool and monlint", cases.len());

    let results = run_cases(&cases, &args.promtool, &monlint)?;
    let mut failed = 0;
    let mut unexpected = 0;
    let mut failures_by_mutation: BTreeMap<&str, usize> = BTreeMap::new();
    for (case, (promtool, monlint)) in cases.iter().zip(&results) {
        let agree = promtool.exit_code == monlint.exit_code && promtool.exit_code <= 1;
        if !agree {
            failed += 1;
            *failures_by_mutation.entry(case.mutation).or_default() += 1;
            println!(
                "{} [{}]: promtool exit {}, monlint exit {} | promtool: {} | monlint: {}",
                case.origin,
                case.mutation,
                promtool.exit_code,
                monlint.exit_code,
                promtool.first_line,
                monlint.first_line
            );
        }
        let source_accepted = results
            .get(case.source)
            .is_some_and(|(promtool, _)| promtool.exit_code == 0);
        if source_accepted
            && case
                .expected_accept
                .is_some_and(|accept| accept != (promtool.exit_code == 0))
        {
            unexpected += 1;
            eprintln!(
                "note: {} [{}]: promtool exit {}, not the intended verdict",
                case.origin, case.mutation, promtool.exit_code
            );
        }
    }
    if unexpected > 0 {
        // Not a failure (the two verdicts are still compared), but the mutation missed its target.
        eprintln!("note: {unexpected} mutated cases got a promtool verdict other than intended");
    }
    if !failures_by_mutation.is_empty() {
        let counts: Vec<String> = failures_by_mutation
            .iter()
            .map(|(mutation, count)| format!("{mutation} {count}"))
            .collect();
        println!("failures by mutation: {}", counts.join(", "));
    }
    println!("{} passed, {failed} failed", cases.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The corpus files that are rule files (a top-level `groups:` key).
fn rule_files(corpus: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut files = util::yaml_files(&corpus.join("rules/awesome-prometheus-alerts"))?;
    files.extend(util::yaml_files(&corpus.join("promtool"))?);
    let mut sources = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path)?;
        if text.lines().any(|line| line.starts_with("groups:")) {
            sources.push((path, text));
        }
    }
    if sources.is_empty() {
        return Err(format!("no rule files found in {}", corpus.display()).into());
    }
    Ok(sources)
}

/// Writes the unedited files and, for each mutation, edited copies of a spread of files.
fn generate_cases(corpus: &Path, sources: &[(PathBuf, String)], dest: &Path) -> Result<Vec<Case>> {
    let display_name = |path: &Path| {
        path.strip_prefix(corpus)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut cases = Vec::new();
    let originals = dest.join("original");
    fs::create_dir(&originals)?;
    for (index, (path, text)) in sources.iter().enumerate() {
        let case_path = originals.join(format!("{index}.yml"));
        fs::write(&case_path, text)?;
        cases.push(Case {
            origin: display_name(path),
            mutation: "original",
            expected_accept: None,
            source: index,
            path: case_path,
        });
    }
    let stride = (sources.len() / FILES_PER_MUTATION).max(1);
    for (kind, mutation) in MUTATIONS.iter().enumerate() {
        let dir = dest.join(mutation.name);
        fs::create_dir(&dir)?;
        let mut written = 0;
        // Start each mutation at a different file so the kinds cover different files; skip
        // files the mutation cannot edit.
        for attempt in 0..sources.len() {
            if written == FILES_PER_MUTATION {
                break;
            }
            let index = (kind + attempt * stride + attempt / FILES_PER_MUTATION) % sources.len();
            let (path, text) = &sources[index];
            let place = written;
            let Some(mutated) = mutation.apply(text, place) else {
                continue;
            };
            let case_path = dir.join(format!("{written}.yml"));
            fs::write(&case_path, mutated)?;
            cases.push(Case {
                origin: format!("{}@{place}", display_name(path)),
                mutation: mutation.name,
                expected_accept: Some(mutation.accepted_by_2_42),
                source: index,
                path: case_path,
            });
            written += 1;
        }
    }
    Ok(cases)
}

/// Runs both tools on every case, one worker per core.
fn run_cases(cases: &[Case], promtool: &Path, monlint: &Path) -> Result<Vec<(Verdict, Verdict)>> {
    util::parallel_map(cases.len(), |index| {
        let path = &cases[index].path;
        (run_promtool(promtool, path), run_monlint(monlint, path))
    })
}

fn run_promtool(promtool: &Path, file: &Path) -> Verdict {
    let mut command = Command::new(promtool);
    command.args(["check", "rules"]).arg(file);
    run(&mut command, |output| promtool_message(output, file))
}

/// promtool's first error, without the `FAILED:` header and the case's path. An error line that
/// ends with a colon continues on the next line, so that one is appended.
fn promtool_message(output: &Output, file: &Path) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut lines = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && *line != "FAILED:");
    let Some(first) = lines.next() else {
        return first_line(&output.stdout);
    };
    let prefix = format!("{}: ", file.display());
    let mut message = first.strip_prefix(&prefix).unwrap_or(first).to_owned();
    if message.ends_with(':') {
        if let Some(next) = lines.next() {
            message.push(' ');
            message.push_str(next);
        }
    }
    message
}

fn run_monlint(monlint: &Path, file: &Path) -> Verdict {
    let mut command = Command::new(monlint);
    command
        .args([
            "check",
            "--select",
            "validity",
            "--prometheus-version",
            "2.42",
            "--format",
            "json",
        ])
        .arg(file);
    run(&mut command, monlint_message)
}

/// Runs one tool on one case; a run that fails to start or times out gets exit code -1.
fn run(command: &mut Command, message: impl Fn(&Output) -> String) -> Verdict {
    let failure = |first_line: String| Verdict {
        exit_code: -1,
        first_line,
    };
    match util::output_with_timeout(command, CASE_TIMEOUT) {
        Ok(Some(output)) => Verdict {
            exit_code: util::exit_code(&output),
            first_line: message(&output),
        },
        Ok(None) => failure(format!("timed out after {}s", CASE_TIMEOUT.as_secs())),
        Err(error) => failure(format!("could not run: {error}")),
    }
}

/// The first error diagnostic of monlint's JSON report, or its first output line when the
/// report is not JSON.
fn monlint_message(output: &Output) -> String {
    let report: Option<serde_json::Value> = serde_json::from_slice(&output.stdout).ok();
    let diagnostics = report
        .as_ref()
        .and_then(|report| report.get("diagnostics"))
        .and_then(serde_json::Value::as_array);
    let Some(diagnostics) = diagnostics else {
        let stderr = first_line(&output.stderr);
        return if stderr.is_empty() {
            first_line(&output.stdout)
        } else {
            stderr
        };
    };
    let field = |diagnostic: &serde_json::Value, name: &str| {
        diagnostic
            .get(name)
            .map(|value| {
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
            })
            .unwrap_or_default()
    };
    diagnostics
        .iter()
        .find(|diagnostic| field(diagnostic, "severity") == "error")
        .or_else(|| diagnostics.first())
        .map(|diagnostic| {
            let message = field(diagnostic, "message");
            format!(
                "{}:{}: {} {}",
                field(diagnostic, "line"),
                field(diagnostic, "column"),
                field(diagnostic, "code"),
                message.lines().next().unwrap_or("")
            )
        })
        .unwrap_or_else(|| "no diagnostics".to_owned())
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::*;

    fn output(exit_code: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            status: ExitStatus::from_raw(exit_code << 8),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn promtool_message_drops_the_header_and_the_path_and_joins_continuations() {
        let failed = output(
            1,
            "Checking /tmp/x.yml\n",
            "  FAILED:\n/tmp/x.yml: yaml: unmarshal errors:\n  line 3: field bogus not found\n",
        );
        assert_eq!(
            promtool_message(&failed, Path::new("/tmp/x.yml")),
            "yaml: unmarshal errors: line 3: field bogus not found"
        );
        let passed = output(0, "Checking /tmp/x.yml\n  SUCCESS: 2 rules found\n", "");
        assert_eq!(
            promtool_message(&passed, Path::new("/tmp/x.yml")),
            "Checking /tmp/x.yml"
        );
    }

    #[test]
    fn monlint_message_prefers_the_first_error_diagnostic() {
        let report = r#"{"diagnostics":[
            {"line":2,"column":1,"code":"X1","severity":"warning","message":"a warning"},
            {"line":5,"column":7,"code":"E2","severity":"error","message":"bad expr\nmore"}
        ],"summary":{}}"#;
        assert_eq!(monlint_message(&output(1, report, "")), "5:7: E2 bad expr");
        assert_eq!(
            monlint_message(&output(0, r#"{"diagnostics":[],"summary":{}}"#, "")),
            "no diagnostics"
        );
        assert_eq!(
            monlint_message(&output(2, "", "error: unknown flag --select\nusage")),
            "error: unknown flag --select"
        );
    }
}
