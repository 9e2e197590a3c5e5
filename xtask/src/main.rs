//! Project automation: `cargo xtask <command>`.

mod bench;
mod bench_eval;
mod bench_scale;
mod bench_test;
mod conformance;
mod diff;
mod diff_amtool;
mod diff_promtool;
mod diff_yaml;
mod docs;
mod fuzz;
mod triage;
mod util;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "monlint project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Performance benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Conformance suites run through monlint.
    #[command(subcommand)]
    Conformance(ConformanceCommand),
    /// Differential tests against promtool.
    #[command(subcommand)]
    Diff(DiffCommand),
    /// Build seed corpora for the fuzz targets and run each for a short, seeded time (needs a
    /// nightly toolchain and cargo-fuzz; says so and succeeds when they are missing).
    Fuzz(fuzz::FuzzArgs),
    /// Write the generated documents: docs/checks.md and docs/monlint.schema.json.
    Docs,
    /// Run the default checks over real configs and compare each finding with its verdict in
    /// xtask/triage/<corpus>.tsv; print precision per check.
    Triage(triage::TriageArgs),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time `monlint check --select validity` against `promtool check rules` on a large corpus.
    Check(bench::CheckArgs),
    /// Replay a week of one-minute samples through the evaluator with a rule set.
    Eval(bench_eval::EvalArgs),
    /// Time `monlint test rules` against `promtool test rules` on one heavy unit test.
    Test(bench_test::TestArgs),
    /// `test rules` time against promtool as the number of series grows (linearity).
    Series(bench_scale::SeriesArgs),
    /// `test rules` time per evaluation step against promtool as one series grows longer.
    Long(bench_scale::LongArgs),
    /// Peak RSS per input byte: a large rule file (against promtool) and a large dashboard.
    Memory(bench_scale::MemoryArgs),
}

#[derive(Subcommand)]
enum ConformanceCommand {
    /// Run Prometheus' promqltest `.test` scripts through the evaluator.
    Promqltest(conformance::PromqltestArgs),
}

#[derive(Subcommand)]
enum DiffCommand {
    /// Compare accept/reject verdicts of monlint and promtool on mutated rule files.
    CheckRules(diff::CheckRulesArgs),
    /// Compare monlint with amtool 0.25 on generated Alertmanager configurations: check-config
    /// verdicts, `routes show` and `routes test` output.
    Amtool(diff_amtool::AmtoolArgs),
    /// Run generated rule unit tests with promtool and monlint; the outputs must be identical.
    Promtool(diff_promtool::PromtoolArgs),
    /// Compare accept/reject (rule files) and pass/fail (unit-test files) of monlint and
    /// promtool 2.42 on generated ways of writing the same YAML.
    Yaml(diff_yaml::YamlArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Bench(BenchCommand::Check(args)) => bench::check(&args),
        Command::Bench(BenchCommand::Eval(args)) => bench_eval::eval(&args),
        Command::Bench(BenchCommand::Test(args)) => bench_test::test(&args),
        Command::Bench(BenchCommand::Series(args)) => bench_scale::series(&args),
        Command::Bench(BenchCommand::Long(args)) => bench_scale::long(&args),
        Command::Bench(BenchCommand::Memory(args)) => bench_scale::memory(&args),
        Command::Diff(DiffCommand::CheckRules(args)) => diff::check_rules(&args),
        Command::Diff(DiffCommand::Amtool(args)) => diff_amtool::amtool(&args),
        Command::Diff(DiffCommand::Promtool(args)) => diff_promtool::promtool(&args),
        Command::Diff(DiffCommand::Yaml(args)) => diff_yaml::yaml(&args),
        Command::Docs => docs::write(),
        Command::Fuzz(args) => fuzz::fuzz(&args),
        Command::Triage(args) => triage::triage(&args),
        Command::Conformance(ConformanceCommand::Promqltest(args)) => {
            conformance::promqltest(&args)
        }
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
