//! `monlint routes show|test` (amtool's `config routes`, with its output and exit codes)
//! and `monlint test routes` (routing test files with route coverage).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use monlint_alertmanager::matcher::{MatchOp, parse_classic_matcher};
use monlint_alertmanager::operator::{is_operator_resource, load_operator_resource, merge};
use monlint_alertmanager::routetest::{
    TestOutcome, parse_route_tests, run_route_tests, unreached_routes,
};
use monlint_alertmanager::routing::{LabelSet, receivers_for};
use monlint_alertmanager::{Config, tree};
use monlint_core::yaml::{Limits, parse_stream};
use monlint_core::{SourceFile, Version};
use monlint_ruletest::{JunitSuite, junit_xml};

use crate::{out, outln};

#[derive(Subcommand)]
pub enum RoutesCommand {
    /// Print the routing tree, as `amtool config routes show` does.
    Show {
        /// The Alertmanager configuration file.
        #[arg(long, alias = "config.file", value_name = "FILE")]
        config: PathBuf,
        /// Read the configuration as this Alertmanager version would (MAJOR.MINOR) [default: 0.34].
        #[arg(long, value_name = "X.Y", value_parser = parse_alertmanager_version)]
        alertmanager_version: Option<Version>,
    },
    /// Print the receivers an alert with these labels goes to, as `amtool config routes test` does.
    Test {
        /// The Alertmanager configuration file.
        #[arg(long, alias = "config.file", value_name = "FILE")]
        config: PathBuf,
        /// Also print the routes the alert matches.
        #[arg(long)]
        tree: bool,
        /// Exit 1 unless the receivers, comma-joined in order, are exactly these.
        #[arg(long = "verify.receivers", value_name = "RECEIVERS")]
        verify_receivers: Option<String>,
        /// Read the configuration as this Alertmanager version would (MAJOR.MINOR) [default: 0.34].
        #[arg(long, value_name = "X.Y", value_parser = parse_alertmanager_version)]
        alertmanager_version: Option<Version>,
        /// The alert's labels, as `name=value`.
        labels: Vec<String>,
    },
}

#[derive(clap::Args)]
pub struct TestRoutesArgs {
    /// Routing test files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Read configurations as this Alertmanager version would (MAJOR.MINOR) [default: 0.34].
    #[arg(long, value_name = "X.Y", value_parser = parse_alertmanager_version)]
    alertmanager_version: Option<Version>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

/// A version monlint models: from the oldest to the newest supported Alertmanager.
pub fn parse_alertmanager_version(text: &str) -> Result<Version, String> {
    let version: Version = text.parse().map_err(|e| format!("{e}"))?;
    let (oldest, newest) = (monlint_alertmanager::OLDEST, monlint_alertmanager::LATEST);
    if version < oldest || version > newest {
        return Err(format!(
            "Alertmanager {version} is not supported: choose a version from {oldest} to {newest}"
        ));
    }
    Ok(version)
}

/// amtool's exit code for every failure of `config routes`.
const EXIT_FAILED: u8 = 1;

/// Reads and loads a configuration; the first problem Alertmanager would refuse it for is
/// the error, as amtool reports only one.
fn load_config(path: &Path, version: Version) -> Result<(SourceFile, Config), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    let source = SourceFile::from_bytes(path.display().to_string(), bytes);
    let (documents, yaml_error) = parse_stream(&source.text, &Limits::default());
    if let Some(error) = yaml_error {
        let at = source.line_col(error.span.start);
        return Err(format!("{}:{}: {}", source.path, at.line, error.message));
    }
    // The first document is the configuration; `AlertmanagerConfig` resources after it
    // are merged into it as prometheus-operator merges them.
    let Some(document) = documents.first() else {
        return Err(format!("{}: no route provided in config", source.path));
    };
    let (mut config, mut problems) = monlint_alertmanager::load(&document.root, version);
    let mut resources = Vec::new();
    for other in documents
        .iter()
        .skip(1)
        .filter(|d| is_operator_resource(&d.root))
    {
        let (resource, found) = load_operator_resource(&other.root);
        problems.extend(found);
        resources.push(resource);
    }
    merge(&mut config, resources);
    if let Some(problem) = problems.iter().find(|p| p.kind.is_rejection()) {
        let at = source.line_col(problem.span.start);
        return Err(format!("{}:{}: {}", source.path, at.line, problem.message));
    }
    Ok((source, config))
}

pub fn run_routes(command: RoutesCommand) -> Result<u8, String> {
    match command {
        RoutesCommand::Show {
            config,
            alertmanager_version,
        } => {
            let version = alertmanager_version.unwrap_or(monlint_alertmanager::LATEST);
            let (_, config) = match load_config(&config, version) {
                Ok(loaded) => loaded,
                Err(message) => return Ok(fail(&message)),
            };
            let Some(root) = &config.route else {
                return Ok(fail("no routes provided"));
            };
            out!("{}", tree::routes_show(root));
            Ok(0)
        }
        RoutesCommand::Test {
            config,
            tree: show_tree,
            verify_receivers,
            alertmanager_version,
            labels,
        } => {
            let version = alertmanager_version.unwrap_or(monlint_alertmanager::LATEST);
            let (_, config) = match load_config(&config, version) {
                Ok(loaded) => loaded,
                Err(message) => return Ok(fail(&message)),
            };
            let Some(root) = &config.route else {
                return Ok(fail("no routes provided"));
            };
            let labels = match parse_labels(&labels) {
                Ok(labels) => labels,
                Err(message) => return Ok(fail(&format!("Failed to parse labels: {message}"))),
            };
            if show_tree {
                out!("{}", tree::routes_test_tree(root, &labels));
            }
            let receivers = receivers_for(root, &labels).join(",");
            outln!("{receivers}");
            match verify_receivers {
                Some(expected) if !expected.is_empty() && expected != receivers => {
                    outln!("WARNING: Expected receivers did not match resolved receivers.");
                    Ok(EXIT_FAILED)
                }
                _ => Ok(0),
            }
        }
    }
}

/// amtool's `Fatalf`: the message on stderr, exit 1.
fn fail(message: &str) -> u8 {
    eprintln!("monlint: error: {message}");
    EXIT_FAILED
}

/// `name=value` arguments, read with the classic matcher parser as amtool does; a later
/// label of the same name wins.
fn parse_labels(arguments: &[String]) -> Result<LabelSet, String> {
    let mut labels = LabelSet::default();
    for argument in arguments {
        let matcher = parse_classic_matcher(argument)?;
        if matcher.op != MatchOp::Equal {
            return Err("labels must be specified as key=value pairs".to_owned());
        }
        labels.insert(matcher.name, matcher.value);
    }
    Ok(labels)
}

pub fn run_test(args: TestRoutesArgs) -> Result<u8, String> {
    let TestRoutesArgs {
        files,
        alertmanager_version,
        junit,
    } = args;
    let version = alertmanager_version.unwrap_or(monlint_alertmanager::LATEST);
    let mut failed = false;
    let mut suites = Vec::new();
    for path in &files {
        outln!("Routing tests: {}", path.display());
        let mut suite = JunitSuite {
            name: path.display().to_string(),
            cases: Vec::new(),
            error: None,
        };
        match run_test_file(path, version) {
            Ok(outcomes) => {
                failed |= outcomes.iter().any(|o| !o.failures.is_empty());
                suite.cases = outcomes.into_iter().map(|o| (o.name, o.failures)).collect();
            }
            Err(message) => {
                outln!("  FAILED: {message}");
                failed = true;
                suite.error = Some(message);
            }
        }
        suites.push(suite);
    }
    if let Some(path) = junit {
        std::fs::write(&path, junit_xml("monlint test routes", &suites))
            .map_err(|e| format!("cannot write JUnit XML to {}: {e}", path.display()))?;
    }
    Ok(if failed { EXIT_FAILED } else { 0 })
}

/// Runs one test file and prints its results; `Ok(false)` when a test failed.
fn run_test_file(path: &Path, version: Version) -> Result<Vec<TestOutcome>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let source = SourceFile::from_bytes(path.display().to_string(), bytes);
    let (documents, yaml_error) = parse_stream(&source.text, &Limits::default());
    if let Some(error) = yaml_error {
        let at = source.line_col(error.span.start);
        return Err(format!("{}:{}: {}", source.path, at.line, error.message));
    }
    let Some(document) = documents.first() else {
        return Err("the file is empty".to_owned());
    };
    let (tests, errors) = parse_route_tests(&document.root);
    if let Some(error) = errors.first() {
        let at = source.line_col(error.span.start);
        return Err(format!("{}:{}: {}", source.path, at.line, error.message));
    }
    let Some(config_path) = &tests.config else {
        return Err("the file names no `config`".to_owned());
    };
    let config_path = path
        .parent()
        .unwrap_or(Path::new("."))
        .join(&config_path.value);
    let (config_source, config) = load_config(&config_path, version)?;
    let (outcomes, reached) = run_route_tests(&config, &tests);
    for outcome in &outcomes {
        if outcome.failures.is_empty() {
            continue;
        }
        let at = source.line_col(outcome.span.start);
        outln!("  FAILED {:?} (line {}):", outcome.name, at.line);
        for failure in &outcome.failures {
            outln!("    {failure}");
        }
    }
    let failures = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    outln!(
        "  {} of {} tests passed",
        outcomes.len() - failures,
        outcomes.len()
    );
    if let Some(root) = &config.route {
        let missing = unreached_routes(root, &reached);
        let mut total = 0;
        root.walk(&mut |_, _| total += 1);
        outln!(
            "  route coverage: {} of {total} routes reached",
            total - missing.len()
        );
        for path in missing {
            let Some(route) = root.at(&path) else {
                continue;
            };
            let at = config_source.line_col(route.span.start);
            let matchers: Vec<String> = route
                .matchers
                .iter()
                .map(|m| m.matcher.to_string())
                .collect();
            outln!(
                "    not reached: {}:{}: {{{}}}",
                config_source.path,
                at.line,
                matchers.join(",")
            );
        }
    }
    Ok(outcomes)
}
