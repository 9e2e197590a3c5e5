//! `cargo xtask triage`: the default `monlint check` over configs nobody here wrote, every
//! finding compared with a verdict a person wrote after reading the config.
//!
//! A triage file (`xtask/triage/<corpus>.tsv`) has one line per finding:
//! `path<TAB>line:column<TAB>code<TAB>verdict<TAB>reason`, where the verdict is `true` (the
//! project would change its config), `noise` (correct, but not worth a change there) or
//! `false` (wrong). Lines starting with `#` are comments. The run fails when a finding judged
//! false comes back, when a finding has no verdict, or when precision (true ÷ triaged) falls
//! below `--min-precision`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Args;
use serde_json::Value;

use crate::util::{self, Result};

#[derive(Args)]
pub struct TriageArgs {
    /// Corpora to check (`realworld`, `rules`, `dashboards`: folders of ../shared/corpus;
    /// `self`: the repository's own rules/).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "realworld,rules,dashboards,self"
    )]
    corpus: Vec<String>,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// Fail when true ÷ triaged falls below this.
    #[arg(long, default_value_t = 0.9)]
    min_precision: f64,
    /// Append a line with verdict `?` for each untriaged finding to this file, to be judged.
    #[arg(long, value_name = "FILE")]
    write_untriaged: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    True,
    Noise,
    False,
}

/// Where a finding is and what reported it: the key a verdict is written under.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct FindingKey {
    path: String,
    line: u64,
    column: u64,
    code: String,
}

struct Finding {
    key: FindingKey,
    name: String,
    severity: String,
    message: String,
}

#[derive(Default)]
struct Counts {
    name: String,
    total: usize,
    true_: usize,
    noise: usize,
    false_: usize,
    untriaged: usize,
}

pub fn triage(args: &TriageArgs) -> Result<ExitCode> {
    // monlint runs from each corpus' folder: a relative path must not change meaning.
    let monlint = fs::canonicalize(util::monlint_binary(args.monlint.as_deref())?)?;
    let mut failed = false;
    for corpus in &args.corpus {
        let root = corpus_root(corpus)?;
        let triage_path = util::repo_root()
            .join("xtask/triage")
            .join(format!("{corpus}.tsv"));
        let verdicts = read_verdicts(&triage_path)?;
        let findings = run_monlint(&monlint, &root)?;
        println!(
            "\n## {corpus}: `monlint check` (default checks) on {}",
            root.display()
        );
        failed |= !report(
            &findings,
            &verdicts,
            args.min_precision,
            args.write_untriaged.as_deref(),
        )?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn corpus_root(corpus: &str) -> Result<PathBuf> {
    let root = match corpus {
        "self" => util::repo_root().join("rules"),
        "realworld" | "rules" | "dashboards" => util::corpus_dir()?.join(corpus),
        other => {
            return Err(
                format!("unknown corpus {other:?} (realworld, rules, dashboards, self)").into(),
            );
        }
    };
    if root.is_dir() {
        Ok(root)
    } else {
        Err(format!("corpus folder missing: {}", root.display()).into())
    }
}

fn read_verdicts(path: &Path) -> Result<HashMap<FindingKey, Verdict>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(format!("cannot read {}: {error}", path.display()).into()),
    };
    let mut verdicts = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", path.display(), index + 1);
        let fields: Vec<&str> = line.split('\t').collect();
        let [path, position, code, verdict, reason] = fields[..] else {
            return Err(format!(
                "{}: expected 5 tab-separated fields (path, line:column, code, verdict, reason)",
                at()
            )
            .into());
        };
        let (line_number, column) = position
            .split_once(':')
            .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
            .ok_or_else(|| format!("{}: position {position:?} is not line:column", at()))?;
        let verdict = match verdict {
            "true" => Verdict::True,
            "noise" => Verdict::Noise,
            "false" => Verdict::False,
            other => {
                return Err(
                    format!("{}: verdict {other:?} is not true, noise or false", at()).into(),
                );
            }
        };
        if reason.trim().is_empty() {
            return Err(format!("{}: a verdict needs its reason", at()).into());
        }
        let key = FindingKey {
            path: path.to_owned(),
            line: line_number,
            column,
            code: code.to_owned(),
        };
        if verdicts.insert(key, verdict).is_some() {
            return Err(format!("{}: this finding is triaged twice", at()).into());
        }
    }
    Ok(verdicts)
}

fn run_monlint(monlint: &Path, root: &Path) -> Result<Vec<Finding>> {
    let output = Command::new(monlint)
        .args(["check", "--format", "json", "."])
        .current_dir(root)
        .output()?;
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "monlint check failed in {} ({}): {}",
            root.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let json: Value = serde_json::from_slice(&output.stdout)?;
    let diagnostics = json["diagnostics"]
        .as_array()
        .ok_or("monlint's JSON has no diagnostics array")?;
    let text = |d: &Value, key: &str| d[key].as_str().unwrap_or_default().to_owned();
    Ok(diagnostics
        .iter()
        .map(|d| Finding {
            key: FindingKey {
                path: text(d, "path").trim_start_matches("./").to_owned(),
                line: d["line"].as_u64().unwrap_or(0),
                column: d["column"].as_u64().unwrap_or(0),
                code: text(d, "code"),
            },
            name: text(d, "name"),
            severity: text(d, "severity"),
            message: text(d, "message"),
        })
        .collect())
}

/// Prints the table; returns whether the corpus passes.
fn report(
    findings: &[Finding],
    verdicts: &HashMap<FindingKey, Verdict>,
    min_precision: f64,
    write_untriaged: Option<&Path>,
) -> Result<bool> {
    let mut per_check: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut untriaged_lines = String::new();
    for finding in findings {
        let counts = per_check.entry(&finding.key.code).or_default();
        counts.name.clone_from(&finding.name);
        counts.total += 1;
        let where_ = format!(
            "{}:{}:{} {} ({})",
            finding.key.path, finding.key.line, finding.key.column, finding.key.code, finding.name
        );
        match verdicts.get(&finding.key) {
            Some(Verdict::True) => counts.true_ += 1,
            Some(Verdict::Noise) => counts.noise += 1,
            Some(Verdict::False) => {
                counts.false_ += 1;
                problems.push(format!(
                    "judged false, reported again ({}): {where_}: {}",
                    finding.severity, finding.message
                ));
            }
            None => {
                counts.untriaged += 1;
                problems.push(format!("untriaged: {where_}: {}", finding.message));
                let _ = writeln!(
                    untriaged_lines,
                    "{}\t{}:{}\t{}\t?\t{}",
                    finding.key.path,
                    finding.key.line,
                    finding.key.column,
                    finding.key.code,
                    finding.message.replace(['\t', '\n'], " ")
                );
            }
        }
    }
    let reported: std::collections::HashSet<&FindingKey> =
        findings.iter().map(|f| &f.key).collect();
    let gone = verdicts.keys().filter(|k| !reported.contains(k)).count();

    println!();
    println!("| code | check | n | true | noise | false | untriaged | precision |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut total = Counts {
        name: "all".to_owned(),
        ..Counts::default()
    };
    for (code, counts) in &per_check {
        println!("{}", row(code, counts));
        total.total += counts.total;
        total.true_ += counts.true_;
        total.noise += counts.noise;
        total.false_ += counts.false_;
        total.untriaged += counts.untriaged;
    }
    println!("{}", row("**total**", &total));
    if gone > 0 {
        println!("\n{gone} triaged finding(s) are no longer reported.");
    }
    for problem in &problems {
        println!("{problem}");
    }
    if let Some(path) = write_untriaged
        && !untriaged_lines.is_empty()
    {
        use std::io::Write;
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(untriaged_lines.as_bytes())?;
        println!("untriaged findings appended to {}", path.display());
    }
    let triaged = total.true_ + total.noise + total.false_;
    let precision_ok = triaged == 0 || total.true_ as f64 / triaged as f64 >= min_precision;
    if !precision_ok {
        println!("precision below {min_precision}");
    }
    Ok(problems.is_empty() && precision_ok)
}

fn row(code: &str, counts: &Counts) -> String {
    let triaged = counts.true_ + counts.noise + counts.false_;
    let precision = if triaged == 0 {
        "–".to_owned()
    } else {
        format!("{:.0}%", 100.0 * counts.true_ as f64 / triaged as f64)
    };
    format!(
        "| {code} | {} | {} | {} | {} | {} | {} | {precision} |",
        counts.name, counts.total, counts.true_, counts.noise, counts.false_, counts.untriaged
    )
}
