//! The `monlint` command: arguments, file discovery, parallel checking and output.
//! All analysis lives in the libraries; this crate only reads files and prints.

mod changes;
mod discover;
mod links;
mod output;
mod progress;
mod routes;
mod settings;
mod test_rules;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use std::collections::HashSet;

use monlint_core::{Diagnostic, FileId, Severity, SourceFile, Sources, Version};
use monlint_lint::{
    FileKind, FileReport, Options, Origin, Selection, Skip, SkipReason, check_files,
};
use rayon::prelude::*;

use crate::changes::Changes;
use crate::discover::{Input, discover};
use crate::output::{Format, Report};
use crate::progress::Progress;

/// Lint and test Prometheus rules, Alertmanager routing and Grafana dashboards.
#[derive(Parser)]
#[command(name = "monlint", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and folders (folders are walked for .yml/.yaml; kinds are detected by content).
    Check(CheckArgs),
    /// List every check with its code, name, category and default severity.
    Checks,
    /// Show the documentation of one check, by code or name.
    Explain {
        /// A check code (V104) or name (promql-syntax).
        check: String,
    },
    /// Alertmanager routing, as `amtool config routes` shows and tests it.
    #[command(subcommand)]
    Routes(routes::RoutesCommand),
    /// Run test files: promtool rule unit tests, or routing tests.
    #[command(subcommand)]
    Test(TestCommand),
}

#[derive(Subcommand)]
enum TestCommand {
    /// Run promtool rule unit tests: the same files, output and exit codes as `promtool test rules`.
    Rules(test_rules::TestRulesArgs),
    /// Run routing test files (label sets and the receivers they must reach) and report
    /// the routes no test reaches.
    Routes(routes::TestRoutesArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, folders or glob patterns; the current folder when none is given.
    paths: Vec<String>,
    /// Report only these checks: codes, code prefixes, names, categories, `all` or `default`
    /// (repeatable, comma-separated) [default: the checks on by default].
    #[arg(long, value_name = "CHECKS")]
    select: Vec<String>,
    /// Report these checks as well as the selected ones (same forms as --select), such as
    /// `--extend-select style`.
    #[arg(long, value_name = "CHECKS")]
    extend_select: Vec<String>,
    /// Do not report these checks (same forms as --select).
    #[arg(long, value_name = "CHECKS")]
    ignore: Vec<String>,
    /// Check as this Prometheus version would (MAJOR.MINOR) [default: the configuration's, or 3.14].
    #[arg(long, value_name = "X.Y", value_parser = parse_prometheus_version)]
    prometheus_version: Option<Version>,
    /// Check Alertmanager configurations as this Alertmanager version would (MAJOR.MINOR)
    /// [default: the configuration's, or 0.34].
    #[arg(long, value_name = "X.Y", value_parser = routes::parse_alertmanager_version)]
    alertmanager_version: Option<Version>,
    /// Report only findings on lines added or modified since this git commit, and findings
    /// elsewhere that the change caused (new since that commit).
    #[arg(long, value_name = "GIT_REF")]
    changed_since: Option<String>,
    /// Prometheus feature flags to check as if enabled (comma-separated); monlint supports
    /// `promql-experimental-functions`.
    #[arg(long, value_name = "FEATURES", value_delimiter = ',')]
    enable_feature: Vec<String>,
    /// Use this configuration file instead of the nearest `.monlint.yml` above the checked paths.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) when a finding at this severity or above is reported.
    #[arg(long, value_name = "SEVERITY", default_value_t = Severity::Error, value_parser = parse_severity)]
    fail_on: Severity,
    /// Show only findings at this severity or above.
    #[arg(long, value_name = "SEVERITY", default_value_t = Severity::Info, value_parser = parse_severity)]
    min_severity: Severity,
    /// Request every absolute runbook URL over HTTP and report the unreachable ones
    /// (check `runbook-unreachable`); off by default, so that checks stay offline.
    #[arg(long)]
    check_links: bool,
    /// How long to wait for one runbook URL to answer (with --check-links).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout)]
    link_timeout: std::time::Duration,
    /// List every file that was not checked, with the reason (files named on the command
    /// line are always listed).
    #[arg(long, short)]
    verbose: bool,
    /// When to colour human output (`auto` respects NO_COLOR and colours only a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// A timeout in Prometheus duration syntax (`500ms`, `10s`, `1m`), not zero.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let duration = monlint_core::Duration::parse(text).map_err(|e| e.to_string())?;
    if duration.millis() == 0 {
        return Err("the timeout must be longer than zero".to_owned());
    }
    Ok(std::time::Duration::from_millis(duration.millis()))
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

/// A version monlint models: from the oldest to the newest supported release.
fn parse_prometheus_version(text: &str) -> Result<Version, String> {
    let version: Version = text.parse().map_err(|e| format!("{e}"))?;
    let (oldest, newest) = (Version::PROMETHEUS_OLDEST, Version::PROMETHEUS_LATEST);
    if version < oldest || version > newest {
        return Err(format!(
            "Prometheus {version} is not supported: choose a version from {oldest} to {newest}"
        ));
    }
    Ok(version)
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

const EXIT_FINDINGS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Checks => list_checks(),
        Command::Explain { check } => explain(&check),
        Command::Routes(command) => routes::run_routes(command),
        Command::Test(TestCommand::Rules(args)) => test_rules::run(args),
        Command::Test(TestCommand::Routes(args)) => routes::run_test(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("monlint: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run_check(args: CheckArgs) -> Result<u8, String> {
    let paths = if args.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        args.paths
    };
    let settings = settings::load(args.config.as_deref(), &paths)?;
    let config = settings.as_ref().map(|s| &s.config);
    let select = if args.select.is_empty() {
        config.map(|c| c.select.clone()).unwrap_or_default()
    } else {
        args.select
    };
    let mut extend = config.map(|c| c.extend_select.clone()).unwrap_or_default();
    extend.extend(args.extend_select);
    let mut ignore = config.map(|c| c.ignore.clone()).unwrap_or_default();
    ignore.extend(args.ignore);
    let mut experimental_functions = false;
    for feature in &args.enable_feature {
        match feature.as_str() {
            "promql-experimental-functions" => experimental_functions = true,
            other => {
                return Err(format!(
                    "--enable-feature {other}: monlint supports only promql-experimental-functions so far"
                ));
            }
        }
    }
    let options = Options {
        experimental_functions,
        prometheus_version: args
            .prometheus_version
            .or(config.and_then(|c| c.prometheus_version))
            .unwrap_or(Version::PROMETHEUS_LATEST),
        selection: Selection::with_extend(&select, &extend, &ignore)?,
        policy: config.map(|c| c.policy.clone()).unwrap_or_default(),
        documents: Default::default(),
        links: Default::default(),
        alertmanager_version: args
            .alertmanager_version
            .or(config.and_then(|c| c.alertmanager_version)),
    };
    let mut options = options;
    if options
        .selection
        .is_enabled(&monlint_lint::checks::runbook_url::CHECK)
        || options
            .selection
            .is_enabled(&monlint_lint::checks::template_file_missing::CHECK)
        || options
            .selection
            .is_enabled(&monlint_lint::checks::test_rule_files_missing::CHECK)
    {
        let base =
            std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
        let root = settings
            .as_ref()
            .map(|s| s.root.clone())
            .or_else(git_toplevel)
            .unwrap_or_else(|| base.clone());
        options.documents = discover::scan_documents(&root, &base);
    }
    let excluded = |path: &std::path::Path| {
        settings
            .as_ref()
            .is_some_and(|s| s.config.is_excluded(&s.relative_path(path)))
    };
    let inputs = discover(&paths, &excluded)?;
    let texts: Vec<Result<SourceFile, Skip>> = inputs
        .par_iter()
        .map(|input: &Input| {
            if let Some(skip) = &input.not_read {
                return Err(skip.clone());
            }
            std::fs::read(&input.path)
                .map(|bytes| SourceFile::from_bytes(input.display.clone(), bytes))
                .map_err(|e| Skip {
                    reason: SkipReason::Unreadable,
                    what: e.to_string(),
                })
        })
        .collect();
    if args.check_links
        && options
            .selection
            .is_enabled(&monlint_lint::checks::runbook_unreachable::CHECK)
    {
        let urls = texts
            .iter()
            .flatten()
            .flat_map(monlint_lint::links::runbook_urls);
        options.links = links::check_links(urls, args.link_timeout);
    }
    let progress = Progress::new(inputs.len(), matches!(args.format, Format::Human));
    let (sources, mut reports) = check_all(texts, &inputs, &options, settings.as_ref(), &progress);
    progress.finish();
    if let Some(reference) = &args.changed_since {
        let changes = Changes::collect(reference)?;
        let base_texts: Vec<Result<SourceFile, Skip>> = inputs
            .par_iter()
            .map(|input| {
                let bytes = changes.base_version(&input.path).ok_or_else(|| Skip {
                    reason: SkipReason::Empty,
                    what: "absent at the base commit".to_owned(),
                })?;
                Ok(SourceFile::from_bytes(input.display.clone(), bytes))
            })
            .collect();
        let (base_sources, base_reports) = check_all(
            base_texts,
            &inputs,
            &options,
            settings.as_ref(),
            &Progress::new(0, false),
        );
        let at_base: HashSet<FindingKey> = base_reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| finding_key(d, &base_sources))
            .collect();
        for (report, input) in reports.iter_mut().zip(&inputs) {
            report.diagnostics.retain(|d| {
                let file = sources.get(d.primary.file);
                let (start, end) = file.span_positions(d.primary.span);
                changes.touches(&input.path, start.line, end.line)
                    || !at_base.contains(&finding_key(d, &sources))
            });
        }
    }
    let sources = redact_secrets(sources, &reports);
    let explicit: Vec<bool> = inputs.iter().map(|input| input.explicit).collect();
    let report = Report::new(reports, &explicit, args.min_severity, args.verbose);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    args.format
        .emitter(args.color.enabled())
        .emit(&report, &sources, &mut stdout)
        .and_then(|()| stdout.flush())
        .unwrap_or_else(|e| stdout_failed(&e));
    let failed = report
        .diagnostics()
        .iter()
        .any(|d| d.severity >= args.fail_on);
    let unreadable = report.files().iter().any(|f| {
        f.skip
            .as_ref()
            .is_some_and(|s| s.reason == SkipReason::Unreadable)
    });
    Ok(if unreadable {
        EXIT_USAGE
    } else if failed {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// Ends the run when stdout cannot be written. A reader that has gone (`monlint ... |
/// head`) ends it quietly with success, as SIGPIPE ends other tools (Rust ignores SIGPIPE,
/// so the write fails with EPIPE instead); any other error is reported.
fn stdout_failed(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("monlint: cannot write output: {error}");
    std::process::exit(i32::from(EXIT_USAGE));
}

/// Writes to stdout; see [`stdout_failed`] for what a failed write does.
fn write_stdout(text: &str) {
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .unwrap_or_else(|e| stdout_failed(&e));
}

/// `print!` through [`write_stdout`], so a closed pipe never panics.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_stdout(&format!($($arg)*))
    };
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use {out, outln};

/// The sources with every secret value the loaders found overwritten by `*`s (byte for
/// byte, so spans and lines stay put), so no output format can print a secret. Every
/// input was read, so the n-th report is about the n-th source.
fn redact_secrets(mut sources: Sources, reports: &[FileReport]) -> Sources {
    for (index, report) in reports.iter().enumerate() {
        if report.redactions.is_empty() {
            continue;
        }
        let id = FileId(index as u32);
        let file = sources.get(id);
        let mut text = file.text.clone().into_bytes();
        for span in &report.redactions {
            for byte in text.get_mut(span.range()).into_iter().flatten() {
                // Keep line breaks so line numbers do not move.
                if *byte != b'\n' {
                    *byte = b'*';
                }
            }
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        let redacted = SourceFile::new(file.path.clone(), text);
        sources.replace(id, redacted);
    }
    sources
}

/// The top folder of the git work tree around the current folder, if any.
fn git_toplevel() -> Option<std::path::PathBuf> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty())
        .then(|| std::path::PathBuf::from(text.trim()))
}

/// What a finding is about, without where: check, file, the text under the span, message.
type FindingKey = (&'static str, String, String, String);

fn finding_key(diagnostic: &Diagnostic, sources: &Sources) -> FindingKey {
    let file = sources.get(diagnostic.primary.file);
    let snippet = file
        .text
        .get(diagnostic.primary.span.range())
        .unwrap_or_default();
    (
        diagnostic.check.code,
        file.path.clone(),
        snippet.to_owned(),
        diagnostic.message.clone(),
    )
}

/// Checks every file that has a text (one absent at a base commit or unreadable has its
/// reason instead, and an empty text in `Sources` so file ids still line up with
/// `inputs`), in parallel, and applies the configuration at the sink. Reports line up
/// with `inputs`.
fn check_all(
    texts: Vec<Result<SourceFile, Skip>>,
    inputs: &[Input],
    options: &Options,
    settings: Option<&settings::Settings>,
    progress: &Progress,
) -> (Sources, Vec<FileReport>) {
    let mut sources = Sources::new();
    let mut present = Vec::new();
    let mut not_read = Vec::new();
    for (text, input) in texts.into_iter().zip(inputs) {
        match text {
            Ok(text) => {
                let origin = if input.explicit {
                    Origin::Named
                } else {
                    Origin::Walked
                };
                present.push(monlint_lint::Input {
                    file: sources.add(text),
                    origin,
                    in_helm_chart: input.in_helm_chart,
                });
                not_read.push(None);
            }
            Err(skip) => {
                sources.add(SourceFile::new(input.display.clone(), String::new()));
                not_read.push(Some(skip));
            }
        }
    }
    let mut checked = check_files(&sources, &present, options, &|| progress.inc()).into_iter();
    let reports = not_read
        .into_iter()
        .zip(inputs)
        .map(|(skip, input)| {
            if let Some(skip) = skip {
                return FileReport {
                    kind: FileKind::Skipped,
                    skip: Some(skip),
                    rule_count: 0,
                    diagnostics: Vec::new(),
                    redactions: Vec::new(),
                };
            }
            let mut report = checked
                .next()
                .expect("check_files reports every file it is given");
            if let Some(settings) = settings {
                let path = settings.relative_path(&input.path);
                settings.config.apply(&path, &mut report.diagnostics);
            }
            report
        })
        .collect();
    (sources, reports)
}

fn list_checks() -> Result<u8, String> {
    let checks = monlint_lint::registry::all_checks();
    let name_width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for check in checks {
        out.push_str(&format!(
            "{:<6} {:<name_width$}  {:<13} {:<8} {:<3} {}\n",
            check.code,
            check.name,
            check.category.as_str(),
            check.default_severity.as_str(),
            if check.enabled_by_default {
                "on"
            } else {
                "off"
            },
            check.summary
        ));
    }
    out.push_str(
        "\n\"on\": reported by default; \"off\": only with --select or --extend-select (its code, name, category or `all`).\n",
    );
    out!("{out}");
    Ok(0)
}

fn enabled_text(check: &monlint_core::Check) -> &'static str {
    if check.enabled_by_default {
        "On by default."
    } else {
        "Off by default: enable it with `--extend-select` (or `extend-select:` in .monlint.yml)."
    }
}

fn explain(code_or_name: &str) -> Result<u8, String> {
    let check = monlint_lint::registry::find(code_or_name)
        .ok_or_else(|| format!("no check named {code_or_name:?}; `monlint checks` lists them"))?;
    outln!("# {} ({})\n", check.name, check.code);
    outln!(
        "Category: {}. Default severity: {}. {}\n",
        check.category,
        check.default_severity,
        enabled_text(check)
    );
    out!("{}", check.doc);
    Ok(0)
}
