//! `cargo xtask fuzz`: seed corpora for every fuzz target, built from the project's fixtures
//! and `../shared/corpus`, and a seeded run of each target for a fixed time.
//!
//! Seeds go to `fuzz/seeds/<target>/` (ignored by git, rebuilt on every run), named by a
//! hash of their content. Each run writes what it discovers to a scratch folder, so a run
//! depends only on the seeds and `--seed`, never on an earlier run.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Args;
use monlint_core::yaml::{self, Node, NodeKind};

use crate::util::{Result, ScratchDir, corpus_dir, repo_root};

#[derive(Args)]
pub struct FuzzArgs {
    /// Seconds each target runs for.
    #[arg(long, default_value_t = 20)]
    seconds: u32,
    /// libFuzzer's random seed, so a run can be repeated.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Run only these targets (default: every target in fuzz/Cargo.toml).
    #[arg(long = "target")]
    targets: Vec<String>,
    /// Only write the seed corpora.
    #[arg(long)]
    seeds_only: bool,
}

/// The largest seed kept: libFuzzer mutates small inputs far faster, and the sanitizer
/// build makes a whole-pipeline run on a large file slow.
const MAX_SEED_BYTES: usize = 64 * 1024;
/// Seeds kept per target, spread evenly over everything found.
const MAX_SEEDS: usize = 400;

pub fn fuzz(args: &FuzzArgs) -> Result<ExitCode> {
    let root = repo_root();
    let fuzz_dir = root.join("fuzz");
    let targets = selected_targets(&fuzz_dir, &args.targets)?;

    let seeds = collect_seeds()?;
    for target in &targets {
        let found = seeds.get(target.as_str()).map_or(&[][..], Vec::as_slice);
        if found.is_empty() {
            return Err(format!(
                "no seeds for fuzz target {target}: teach xtask/src/fuzz.rs where its inputs are"
            )
            .into());
        }
        let count = write_seeds(&fuzz_dir.join("seeds").join(target), found)?;
        eprintln!("{target}: {count} seeds");
    }
    if args.seeds_only {
        return Ok(ExitCode::SUCCESS);
    }

    if let Some(missing) = missing_fuzz_toolchain() {
        println!("fuzz smoke skipped: {missing}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = Vec::new();
    for target in &targets {
        eprintln!(
            "fuzzing {target} for {} s (seed {})",
            args.seconds, args.seed
        );
        let discovered = ScratchDir::new(&format!("fuzz-{target}"), false)?;
        let status = Command::new("cargo")
            .args(["+nightly", "fuzz", "run", target])
            .arg(discovered.path())
            .arg(fuzz_dir.join("seeds").join(target))
            .arg("--")
            .arg(format!("-seed={}", args.seed))
            .arg(format!("-max_total_time={}", args.seconds))
            .arg(format!("-max_len={MAX_SEED_BYTES}"))
            .args(["-timeout=30", "-rss_limit_mb=4096", "-print_final_stats=1"])
            .current_dir(&fuzz_dir)
            .status()?;
        if !status.success() {
            failed.push(target.clone());
        }
    }
    if failed.is_empty() {
        println!(
            "fuzz smoke: {} targets ran {} s each without a finding",
            targets.len(),
            args.seconds
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "fuzz smoke: {} found a crash, hang or leak; the input is in fuzz/artifacts/<target>/. \
             Fix it, then keep the input in fuzz/regressions/<target>/ so cargo test replays it.",
            failed.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

/// What is missing to run cargo-fuzz, if anything.
fn missing_fuzz_toolchain() -> Option<&'static str> {
    let runs = |args: &[&str]| {
        Command::new("cargo")
            .args(args)
            .output()
            .is_ok_and(|output| output.status.success())
    };
    if !runs(&["+nightly", "--version"]) {
        Some("no nightly toolchain (rustup toolchain install nightly)")
    } else if !runs(&["+nightly", "fuzz", "--version"]) {
        Some("cargo-fuzz is not installed (cargo install cargo-fuzz)")
    } else {
        None
    }
}

/// The targets named in fuzz/Cargo.toml, or the requested subset of them.
fn selected_targets(fuzz_dir: &Path, requested: &[String]) -> Result<Vec<String>> {
    let manifest = fs::read_to_string(fuzz_dir.join("Cargo.toml"))?;
    let mut all: Vec<String> = manifest
        .lines()
        .skip_while(|line| *line != "[[bin]]")
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .collect();
    all.sort();
    if requested.is_empty() {
        return Ok(all);
    }
    for name in requested {
        if !all.contains(name) {
            return Err(
                format!("no fuzz target {name}; the targets are {}", all.join(", ")).into(),
            );
        }
    }
    Ok(requested.to_vec())
}

/// Every seed found, by target, in a stable order.
fn collect_seeds() -> Result<BTreeMap<&'static str, Vec<Vec<u8>>>> {
    let mut seeds: BTreeMap<&'static str, Vec<Vec<u8>>> = BTreeMap::new();
    let mut add = |target: &'static str, bytes: &[u8]| {
        if !bytes.is_empty() && bytes.len() <= MAX_SEED_BYTES {
            seeds.entry(target).or_default().push(bytes.to_vec());
        }
    };
    let root = repo_root();
    let mut folders = vec![
        root.join("fixtures"),
        root.join("rules"),
        root.join("tests"),
    ];
    folders.push(corpus_dir()?);
    for folder in folders {
        for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
            let entry = entry?;
            if entry.file_type().is_file() {
                seeds_of_file(entry.path(), &mut add);
            }
        }
    }
    Ok(seeds)
}

/// The seeds one file gives: itself for the whole-file targets its shape fits, and the
/// PromQL, templates, series and matchers inside it for the smaller targets.
fn seeds_of_file(path: &Path, add: &mut impl FnMut(&'static str, &[u8])) {
    let Ok(bytes) = fs::read(path) else {
        return;
    };
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or_default();
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return;
    };
    match path.extension().and_then(OsStr::to_str) {
        Some("json") if text.contains("\"panels\"") || text.contains("\"templating\"") => {
            add("dashboard_check", &bytes);
        }
        Some("test") => seeds_of_promqltest(text, add),
        Some("yml" | "yaml") => {
            if name.starts_with(".monlint") {
                add("monlint_config", &bytes);
                return;
            }
            let (documents, _) = yaml::parse_stream(text, &yaml::Limits::default());
            for document in &documents {
                let root = &document.root;
                if root.get("groups").is_some() || root.get("spec").is_some() {
                    add("check_file", &bytes);
                }
                if root.get("tests").is_some() && root.get("rule_files").is_some() {
                    add("rule_test_file", &bytes);
                }
                if root.get("route").is_some() || root.get("receivers").is_some() {
                    add("alertmanager_config", &bytes);
                }
                walk_strings(root, None, &mut |key, value| match key {
                    "expr" => add("promql_parse", value.as_bytes()),
                    "values" => add("series_values", value.as_bytes()),
                    "matchers" | "filter" => add("alertmanager_config", value.as_bytes()),
                    _ if value.contains("{{") => add("gotemplate_parse", value.as_bytes()),
                    _ => {}
                });
            }
        }
        _ => {}
    }
}

/// promqltest scripts: the series lines under `load` and the expression of each `eval`.
fn seeds_of_promqltest(text: &str, add: &mut impl FnMut(&'static str, &[u8])) {
    let mut loading = false;
    for line in text.lines() {
        if line.starts_with("load") {
            loading = true;
        } else if line.starts_with(' ') || line.starts_with('\t') {
            if loading {
                add("series_values", line.trim().as_bytes());
            }
        } else {
            loading = false;
            if let Some(rest) = line.strip_prefix("eval") {
                // `eval instant at 1m expr`, `eval range from 0 to 5m step 1m expr`
                if let Some(position) = rest.find(" at ").or_else(|| rest.find(" step ")) {
                    let after = &rest[position..];
                    let expression = after.trim_start().splitn(3, ' ').nth(2).unwrap_or_default();
                    add("promql_parse", expression.as_bytes());
                }
            }
        }
    }
}

/// Every string scalar under `node`, with the key of the mapping entry that holds it (the
/// nearest one, for strings in sequences).
fn walk_strings<'a>(node: &'a Node, key: Option<&'a str>, visit: &mut impl FnMut(&str, &str)) {
    match &node.kind {
        NodeKind::Scalar(scalar) => {
            if let Some(key) = key {
                visit(key, &scalar.value);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                walk_strings(item, key, visit);
            }
        }
        NodeKind::Mapping(entries) => {
            for entry in entries {
                walk_strings(&entry.value, entry.key.as_str(), visit);
            }
        }
    }
}

/// Writes at most MAX_SEEDS distinct seeds, spread evenly over `found`, into a fresh `dir`.
fn write_seeds(dir: &PathBuf, found: &[Vec<u8>]) -> Result<usize> {
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    fs::create_dir_all(dir)?;
    let mut unique: BTreeMap<u64, &[u8]> = BTreeMap::new();
    for bytes in found {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        unique.entry(hasher.finish()).or_insert(bytes);
    }
    let stride = unique.len().div_ceil(MAX_SEEDS).max(1);
    let mut written = 0;
    for (hash, bytes) in unique.iter().step_by(stride) {
        fs::write(dir.join(format!("{hash:016x}")), bytes)?;
        written += 1;
    }
    Ok(written)
}
