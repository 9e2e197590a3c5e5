//! Measures candidate YAML layers on the shared corpus, to choose one by
//! evidence: parse speed, whether node positions and duplicate keys are
//! available, and behaviour on a billion-laughs document.
//!
//! Run with `cargo run --release -p monlint-core --example yaml_compare`.
//! Each billion-laughs attempt runs in a child process (this same binary with
//! `--bomb <library>`) under a 1 GiB address-space cap and a 10 s timeout.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use monlint_core::yaml::{Limits, Node, parse_stream};
use serde::Deserialize as _;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
const LIBRARIES: [&str; 4] = [
    "monlint yaml",
    "serde_yaml 0.9",
    "serde_norway 0.9",
    "yaml-rust2 0.13",
];
const MEMORY_CAP_KIB: u64 = 1024 * 1024;
const BOMB_TIMEOUT: Duration = Duration::from_secs(10);
const SYNTHETIC_RULES: usize = 20_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, library] = args.as_slice() {
        if flag == "--bomb" {
            return bomb_child(library);
        }
    }
    let files = read_corpus();
    if files.is_empty() {
        println!("corpus not found under {CORPUS}");
        return ExitCode::FAILURE;
    }
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    println!(
        "corpus: {} rule files from rules/ and promtool/, {} KiB",
        files.len(),
        bytes / 1024
    );
    println!();
    println!(
        "{:<18} {:>8} {:>12} {:>9}  {:<34} duplicate keys",
        "library", "files ok", "ms per pass", "MiB/s", "node positions"
    );
    for library in LIBRARIES {
        let ok = files
            .iter()
            .filter(|(_, text)| parse(library, text).is_ok())
            .count();
        let per_pass = time_passes(library, &files);
        let mib_per_s = bytes as f64 / (1024.0 * 1024.0) / per_pass.as_secs_f64();
        println!(
            "{:<18} {:>8} {:>12.2} {:>9.1}  {:<34} {}",
            library,
            format!("{ok}/{}", files.len()),
            per_pass.as_secs_f64() * 1000.0,
            mib_per_s,
            positions(library),
            duplicate_keys(library)
        );
    }
    let synthetic = synthetic_rule_file(SYNTHETIC_RULES);
    println!();
    println!(
        "synthetic file of {SYNTHETIC_RULES} alerting rules ({} KiB), best of 3 parses:",
        synthetic.len() / 1024
    );
    for library in LIBRARIES {
        let best = (0..3)
            .map(|_| {
                let started = Instant::now();
                let parsed = parse(library, &synthetic).is_ok();
                (started.elapsed(), parsed)
            })
            .min();
        if let Some((elapsed, parsed)) = best {
            let outcome = if parsed { "ok" } else { "FAILED" };
            println!(
                "{library:<18} {:>8.1} ms  {outcome}",
                elapsed.as_secs_f64() * 1000.0
            );
        }
    }
    println!();
    println!(
        "billion laughs (9 levels of 9 aliases, 10^9 nodes when expanded; child capped at 1 GiB, 10 s):"
    );
    for library in LIBRARIES {
        println!("{:<18} {}", library, run_bomb(library));
    }
    ExitCode::SUCCESS
}

fn read_corpus() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    for dir in ["rules", "promtool"] {
        collect_yaml(&Path::new(CORPUS).join(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text)))
        .collect()
}

fn collect_yaml(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            collect_yaml(&path, found);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yml" || ext == "yaml")
        {
            found.push(path);
        }
    }
}

/// Parses all documents of `text` into the library's tree; returns the number
/// of documents or the error text.
fn parse(library: &str, text: &str) -> Result<usize, String> {
    match library {
        "monlint yaml" => match parse_stream(text, &Limits::default()) {
            (documents, None) => Ok(documents.len()),
            (_, Some(error)) => Err(error.message),
        },
        "serde_yaml 0.9" => serde_yaml::Deserializer::from_str(text)
            .map(|document| serde_yaml::Value::deserialize(document).map_err(|e| e.to_string()))
            .try_fold(0, |count, document| document.map(|_| count + 1)),
        "serde_norway 0.9" => serde_norway::Deserializer::from_str(text)
            .map(|document| serde_norway::Value::deserialize(document).map_err(|e| e.to_string()))
            .try_fold(0, |count, document| document.map(|_| count + 1)),
        _ => yaml_rust2::YamlLoader::load_from_str(text)
            .map(|documents| documents.len())
            .map_err(|e| e.to_string()),
    }
}

/// Repeats full passes over the corpus for about a second; returns the mean.
fn time_passes(library: &str, files: &[(PathBuf, String)]) -> Duration {
    let started = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || started.elapsed() < Duration::from_secs(1) {
        for (_, text) in files {
            std::hint::black_box(parse(library, std::hint::black_box(text)).is_ok());
        }
        passes += 1;
    }
    started.elapsed() / passes
}

fn positions(library: &str) -> String {
    if library != "monlint yaml" {
        return "no (error location only)".to_owned();
    }
    // Measured: the span of a value and of a character inside a folded scalar.
    let src = "groups:\n- rules:\n  - expr: >\n      up ==\n      0\n";
    let (documents, _) = parse_stream(src, &Limits::default());
    let expr = documents.first().and_then(|d| {
        d.root
            .get("groups")?
            .as_sequence()?
            .first()?
            .get("rules")?
            .as_sequence()?
            .first()?
            .get("expr")
    });
    match expr {
        Some(node) => {
            let zero = node.value_span(src, 6..7);
            format!(
                "yes: node {}, '0' at {}",
                span_text(node),
                line_col(src, zero.start as usize)
            )
        }
        None => "not found".to_owned(),
    }
}

fn span_text(node: &Node) -> String {
    format!("{}..{}", node.span.start, node.span.end)
}

fn line_col(src: &str, offset: usize) -> String {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{column}")
}

fn duplicate_keys(library: &str) -> String {
    let src = "a: 1\nb: 2\na: 3\n";
    if library == "monlint yaml" {
        let (documents, _) = parse_stream(src, &Limits::default());
        let keys = documents
            .first()
            .and_then(|d| d.root.as_mapping())
            .map_or(0, |entries| {
                entries
                    .iter()
                    .filter(|e| e.key.as_str() == Some("a"))
                    .count()
            });
        return format!("kept ({keys} entries for \"a\", both with spans)");
    }
    match parse(library, src) {
        Ok(_) => "silently merged".to_owned(),
        Err(error) => format!("hard error: {error}"),
    }
}

/// A rule file shaped like real ones: groups of alerting rules with a
/// multi-line expression, labels and annotations.
fn synthetic_rule_file(rules: usize) -> String {
    let mut text = String::from("groups:\n");
    for index in 0..rules {
        if index % 100 == 0 {
            text.push_str(&format!("- name: group-{}\n  rules:\n", index / 100));
        }
        text.push_str(&format!(
            "  - alert: HighErrorRate{index}\n    expr: |\n      sum(rate(http_requests_total{{code=~\"5..\", job=\"svc{index}\"}}[5m]))\n        / sum(rate(http_requests_total{{job=\"svc{index}\"}}[5m])) > 0.05\n    for: 10m\n    labels:\n      severity: page\n    annotations:\n      summary: 'High error rate on {{{{ $labels.job }}}}'\n"
        ));
    }
    text
}

fn billion_laughs() -> String {
    let mut src = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..9 {
        let alias = format!("*a{}", level - 1);
        let items = [alias.as_str(); 9].join(", ");
        src.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    src
}

/// Child side: parse the bomb, print the outcome, time and peak memory.
fn bomb_child(library: &str) -> ExitCode {
    let src = billion_laughs();
    let started = Instant::now();
    let outcome = match parse(library, &src) {
        Ok(documents) => format!("accepted ({documents} document)"),
        Err(error) => format!("refused: {error}"),
    };
    let elapsed = started.elapsed();
    println!(
        "{outcome}; {:.1} ms; peak RSS {} MiB",
        elapsed.as_secs_f64() * 1000.0,
        peak_rss_mib()
    );
    ExitCode::SUCCESS
}

fn peak_rss_mib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some((kib / 1024).to_string())
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn run_bomb(library: &str) -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "cannot find own executable".to_owned();
    };
    let script = format!("ulimit -v {MEMORY_CAP_KIB} && exec \"$0\" --bomb \"$1\"");
    let child = Command::new("sh")
        .args(["-c", &script])
        .arg(&exe)
        .arg(library)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return "could not start child".to_owned();
    };
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let output = child.wait_with_output().ok();
                let stdout = output
                    .as_ref()
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                    .unwrap_or_default();
                if status.success() && !stdout.is_empty() {
                    return stdout;
                }
                // Rust's allocation-failure message, if the child printed one.
                let stderr = output
                    .map(|o| {
                        let text = String::from_utf8_lossy(&o.stderr).into_owned();
                        let line = text.lines().find(|line| line.contains("memory allocation"));
                        line.unwrap_or_else(|| text.lines().last().unwrap_or(""))
                            .to_owned()
                    })
                    .unwrap_or_default();
                return format!(
                    "crashed after {:.1} s ({status}): {stderr} (out of memory under the cap)",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(None) if started.elapsed() > BOMB_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return format!("still running after {} s, killed", BOMB_TIMEOUT.as_secs());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(error) => return format!("wait failed: {error}"),
        }
    }
}
