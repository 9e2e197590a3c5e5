//! `cargo xtask bench check`: monlint against promtool on one large generated corpus
//! (validity only, the default checks, and optionally every check), then Grafana
//! dashboards as JSON files against the same dashboards inside ConfigMaps.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

use crate::util::{self, Result, ScratchDir};

const GNU_TIME: &str = "/usr/bin/time";

#[derive(Args)]
pub struct CheckArgs {
    /// Approximate number of rules in the generated corpus.
    #[arg(long, default_value_t = 100_000)]
    rules: usize,
    /// Timed runs per tool; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// promtool binary used as the baseline.
    #[arg(long, default_value = "promtool")]
    promtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// Also time `monlint check --select all` (every check, those off by default included).
    #[arg(long)]
    all_checks: bool,
    /// Copies of the corpus dashboards timed as JSON files and as ConfigMaps.
    #[arg(long, default_value_t = 20)]
    dashboard_rounds: usize,
}

/// The generated corpus: file paths relative to its root, and how many rules they hold.
struct Corpus {
    files: Vec<String>,
    rules: usize,
}

pub struct Measurement {
    pub tool: &'static str,
    pub median_wall: Duration,
    /// Median user + system CPU time (from GNU time), steadier than wall time on a
    /// shared machine.
    pub median_cpu: Option<Duration>,
    pub peak_rss_kib: Option<u64>,
    pub exit_code: i32,
}

pub fn check(args: &CheckArgs) -> Result<ExitCode> {
    let source_dir = util::corpus_dir()?.join("rules/awesome-prometheus-alerts");
    if !source_dir.is_dir() {
        return Err(format!("benchmark input missing: {}", source_dir.display()).into());
    }
    let monlint = util::monlint_binary(args.monlint.as_deref())?;
    let runs = args.runs.max(1);

    let scratch = ScratchDir::new("bench", false)?;
    let corpus = generate_corpus(&source_dir, scratch.path(), args.rules)?;
    eprintln!(
        "generated {} files with {} rules in {}",
        corpus.files.len(),
        corpus.rules,
        scratch.path().display()
    );

    let mut measurements = Vec::new();
    if util::is_runnable(&args.promtool) {
        let mut promtool = Command::new(&args.promtool);
        promtool.args(["check", "rules"]).args(&corpus.files);
        measurements.push(measure("promtool", &mut promtool, scratch.path(), runs)?);
    } else {
        println!(
            "promtool not found ({}): timing monlint alone",
            args.promtool.display()
        );
    }
    let mut monlint_command = Command::new(&monlint);
    monlint_command.args([
        "check",
        "--select",
        "validity",
        "--prometheus-version",
        "2.42",
        ".",
    ]);
    measurements.push(measure(
        "monlint",
        &mut monlint_command,
        scratch.path(),
        runs,
    )?);

    // Same verdict as promtool: only the validity run is comparable.
    let verdicts_agree = measurements
        .windows(2)
        .all(|pair| pair[0].exit_code == pair[1].exit_code);
    // What a user runs: the checks on by default.
    let mut default = Command::new(&monlint);
    default.args(["check", "--prometheus-version", "2.42", "."]);
    measurements.push(measure("monlint-def", &mut default, scratch.path(), runs)?);
    if args.all_checks {
        let mut everything = Command::new(&monlint);
        everything.args([
            "check",
            "--select",
            "all",
            "--prometheus-version",
            "2.42",
            ".",
        ]);
        measurements.push(measure(
            "monlint-all",
            &mut everything,
            scratch.path(),
            runs,
        )?);
    }

    print_table(&measurements, &corpus);
    bench_embedded_dashboards(&monlint, args.dashboard_rounds, runs)?;

    if verdicts_agree {
        Ok(ExitCode::SUCCESS)
    } else {
        println!("verdicts differ");
        Ok(ExitCode::FAILURE)
    }
}

/// Times the corpus dashboards as JSON files and the same dashboards inside ConfigMaps
/// (JSON in a YAML block scalar, as teams deploy them): mapping every value of an
/// embedded dashboard through the YAML string must cost about what reading the JSON does.
fn bench_embedded_dashboards(monlint: &Path, rounds: usize, runs: usize) -> Result<()> {
    let source_dir = util::corpus_dir()?.join("dashboards");
    let mut dashboards = Vec::new();
    let mut pending = vec![source_dir.clone()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                dashboards.push(fs::read_to_string(&path)?);
            }
        }
    }
    if dashboards.is_empty() {
        println!(
            "no dashboards under {}: embedded case skipped",
            source_dir.display()
        );
        return Ok(());
    }
    let scratch = ScratchDir::new("bench-dashboards", false)?;
    let (json_dir, yaml_dir) = (scratch.path().join("json"), scratch.path().join("yaml"));
    fs::create_dir(&json_dir)?;
    fs::create_dir(&yaml_dir)?;
    let mut bytes = 0;
    for round in 0..rounds.max(1) {
        for (index, text) in dashboards.iter().enumerate() {
            let name = format!("{round}-{index}");
            fs::write(json_dir.join(format!("{name}.json")), text)?;
            fs::write(
                yaml_dir.join(format!("{name}.yaml")),
                config_map(&name, text),
            )?;
            bytes += text.len();
        }
    }
    let files = rounds.max(1) * dashboards.len();
    eprintln!(
        "{files} dashboards ({:.1} MiB), as JSON and in ConfigMaps",
        bytes as f64 / 1048576.0
    );
    let mut json = Command::new(monlint);
    json.args(["check", "json"]);
    let json = measure("dash-json", &mut json, scratch.path(), runs)?;
    let mut yaml = Command::new(monlint);
    yaml.args(["check", "yaml"]);
    let yaml = measure("dash-yaml", &mut yaml, scratch.path(), runs)?;
    for measurement in [&json, &yaml] {
        println!(
            "{:<10} {:>8} {:>11.3}s {:>12} exit {}",
            measurement.tool,
            files,
            measurement.median_wall.as_secs_f64(),
            format_rss(measurement.peak_rss_kib),
            measurement.exit_code
        );
    }
    println!(
        "ConfigMap/JSON dashboards: wall {:.3}",
        yaml.median_wall.as_secs_f64() / json.median_wall.as_secs_f64()
    );
    Ok(())
}

/// A ConfigMap holding a dashboard in a literal block scalar.
fn config_map(name: &str, dashboard: &str) -> String {
    let mut text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  {name}.json: |\n"
    );
    for line in dashboard.lines() {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Copies the source rule files round after round into `dest` until about `target_rules`
/// rules are there. Each copy is its own file, so group names stay unique per file.
fn generate_corpus(source_dir: &Path, dest: &Path, target_rules: usize) -> Result<Corpus> {
    let mut sources = Vec::new();
    for path in util::yaml_files(source_dir)? {
        let text = fs::read_to_string(&path)?;
        let rules = util::count_rules(&text);
        if rules > 0 {
            sources.push((text, rules));
        }
    }
    if sources.is_empty() {
        return Err(format!("no rule files under {}", source_dir.display()).into());
    }
    let mut corpus = Corpus {
        files: Vec::new(),
        rules: 0,
    };
    let mut round = 0;
    while corpus.rules < target_rules {
        // Short relative names keep promtool's command line well under the kernel's limit.
        let round_dir = format!("r{round}");
        fs::create_dir(dest.join(&round_dir))?;
        for (index, (text, rules)) in sources.iter().enumerate() {
            if corpus.rules >= target_rules {
                break;
            }
            let file = format!("{round_dir}/{index}.yml");
            fs::write(dest.join(&file), text)?;
            corpus.files.push(file);
            corpus.rules += rules;
        }
        round += 1;
    }
    Ok(corpus)
}

/// Runs `command` `runs` times in `dir` and keeps the median wall time and the largest peak RSS.
pub fn measure(
    tool: &'static str,
    command: &mut Command,
    dir: &Path,
    runs: usize,
) -> Result<Measurement> {
    let rss_file = dir.join(format!("{tool}.rss"));
    let use_gnu_time = Path::new(GNU_TIME).is_file();
    let mut walls = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    let mut peak_rss_kib = None;
    let mut exit_code = 0;
    for run in 1..=runs {
        let mut timed = if use_gnu_time {
            let mut wrapper = Command::new(GNU_TIME);
            wrapper
                .args(["--format=%M %U %S", "--output"])
                .arg(&rss_file)
                .arg(command.get_program())
                .args(command.get_args());
            wrapper
        } else {
            let mut plain = Command::new(command.get_program());
            plain.args(command.get_args());
            plain
        };
        let started = Instant::now();
        let output = timed
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()?;
        let wall = started.elapsed();
        exit_code = util::exit_code(&output);
        if use_gnu_time {
            let rss = fs::read_to_string(&rss_file)?;
            // GNU time appends its own note when the child fails; the figures are the last line.
            let figures: Vec<&str> = rss
                .lines()
                .last()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let kib = figures.first().and_then(|kib| kib.parse::<u64>().ok());
            peak_rss_kib = peak_rss_kib.max(kib);
            let seconds = |index: usize| figures.get(index).and_then(|s| s.parse::<f64>().ok());
            if let (Some(user), Some(system)) = (seconds(1), seconds(2)) {
                cpus.push(Duration::from_secs_f64(user + system));
            }
        }
        eprintln!(
            "{tool} run {run}/{runs}: {:.2}s, exit {exit_code}",
            wall.as_secs_f64()
        );
        if exit_code > 1 {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first_line = stderr.lines().next().unwrap_or("");
            eprintln!("{tool} failed: {first_line}");
        }
        walls.push(wall);
    }
    walls.sort();
    cpus.sort();
    Ok(Measurement {
        tool,
        median_wall: walls[walls.len() / 2],
        median_cpu: cpus.get(cpus.len() / 2).copied(),
        peak_rss_kib,
        exit_code,
    })
}

fn print_table(measurements: &[Measurement], corpus: &Corpus) {
    println!(
        "{:<10} {:>8} {:>8} {:>12} {:>12} {:>8}",
        "tool", "files", "rules", "median wall", "peak RSS", "verdict"
    );
    for measurement in measurements {
        println!(
            "{:<10} {:>8} {:>8} {:>11.3}s {:>12} {:>8}",
            measurement.tool,
            corpus.files.len(),
            corpus.rules,
            measurement.median_wall.as_secs_f64(),
            format_rss(measurement.peak_rss_kib),
            format!("exit {}", measurement.exit_code),
        );
    }
    let Some(promtool) = measurements.iter().find(|m| m.tool == "promtool") else {
        return;
    };
    for monlint in measurements.iter().filter(|m| m.tool != "promtool") {
        let wall_ratio = monlint.median_wall.as_secs_f64() / promtool.median_wall.as_secs_f64();
        let rss_ratio = match (monlint.peak_rss_kib, promtool.peak_rss_kib) {
            (Some(monlint), Some(promtool)) if promtool > 0 => {
                format!("{:.3}", monlint as f64 / promtool as f64)
            }
            _ => "n/a".to_owned(),
        };
        println!(
            "{}/promtool: wall {wall_ratio:.3}, peak RSS {rss_ratio}",
            monlint.tool
        );
    }
}

pub fn format_rss(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_grows_round_by_round_until_the_target() {
        let Ok(corpus_dir) = util::corpus_dir() else {
            eprintln!("corpus absent: skipping");
            return;
        };
        let source = corpus_dir.join("rules/awesome-prometheus-alerts");
        let dest = ScratchDir::new("bench-test", false).expect("scratch dir");
        let corpus = generate_corpus(&source, dest.path(), 1500).expect("generated");
        assert!(corpus.rules >= 1500, "{} rules", corpus.rules);
        assert!(
            corpus.files.iter().any(|file| file.starts_with("r1/")),
            "a second round"
        );
        let counted: usize = corpus
            .files
            .iter()
            .map(|file| {
                util::count_rules(&fs::read_to_string(dest.path().join(file)).expect("read"))
            })
            .sum();
        assert_eq!(counted, corpus.rules);
    }
}
