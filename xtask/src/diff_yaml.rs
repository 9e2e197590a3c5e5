//! `cargo xtask diff yaml`: monlint must read YAML as go-yaml does, so promtool 2.42 and
//! monlint must accept and reject the same rule files (`check rules`) and pass and fail the
//! same unit-test files (`test rules`) when only the way the YAML is written changes:
//! quoting style, indentation of continuation lines, line endings, tabs, a byte-order mark,
//! control characters and flow or block collections.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use clap::Args;

use crate::diff_promtool::generate::Rng;
use crate::util::{self, Result, ScratchDir};

/// A tool that takes longer than this on one small file is stuck.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Args)]
pub struct YamlArgs {
    /// promtool binary, the reference (Prometheus 2.42 semantics).
    #[arg(long, default_value = "promtool")]
    promtool: PathBuf,
    /// Use this monlint binary instead of building one.
    #[arg(long)]
    monlint: Option<PathBuf>,
    /// Number of generated cases (half rule files, half unit-test files).
    #[arg(long, default_value_t = 1200)]
    cases: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Keep the generated cases on disk and print where they are.
    #[arg(long)]
    keep: bool,
}

/// How one scalar is written.
#[derive(Clone, Copy, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

const STYLES: [Style; 5] = [
    Style::Plain,
    Style::Single,
    Style::Double,
    Style::Literal,
    Style::Folded,
];

/// Characters go-yaml refuses or treats specially, planted in a value or a comment.
const ODD_CHARACTERS: [&str; 7] = [
    "\u{1}", "\u{7f}", "\u{85}", "\u{fffe}", "\u{c}", "\u{a0}", "\u{feff}",
];

/// Characters monlint's scanner still reads differently from go-yaml; a differing case
/// that holds one is counted apart (not hidden) and does not fail the run.
const KNOWN_GAPS: [(&str, &str); 2] = [
    (
        "\u{85}",
        "go-yaml reads NEL as a line break; monlint as text",
    ),
    (
        "\u{feff}",
        "go-yaml reads a byte order mark inside a document as text; monlint refuses it",
    ),
];

/// The ways the YAML around one value varies.
struct Shape {
    style: Style,
    /// Column of the continuation lines of a multi-line value, if it is split.
    continuation: Option<usize>,
    /// Continuation lines start with a tab instead of spaces.
    tab_indent: bool,
    /// A tab instead of the space after the key's colon.
    tab_after_colon: bool,
    crlf: bool,
    bom: bool,
    /// A character from ODD_CHARACTERS, and whether it goes in a comment (else the value).
    odd: Option<(&'static str, bool)>,
    /// The enclosing collections written in flow style.
    flow: bool,
}

impl Shape {
    fn random(rng: &mut Rng) -> Shape {
        Shape {
            style: *rng.pick(&STYLES),
            continuation: rng
                .percent(60)
                .then(|| *rng.pick(&[0, 1, 2, 4, 5, 6, 8, 12])),
            tab_indent: rng.percent(8),
            tab_after_colon: rng.percent(8),
            crlf: rng.percent(20),
            bom: rng.percent(10),
            odd: rng
                .percent(15)
                .then(|| (*rng.pick(&ODD_CHARACTERS), rng.percent(50))),
            flow: rng.percent(15),
        }
    }
}

/// `key: value` at `column`, the value split after `split` bytes when the shape says so.
fn write_entry(
    out: &mut String,
    column: usize,
    key: &str,
    value: &str,
    split: usize,
    shape: &Shape,
) {
    let pad = " ".repeat(column);
    let colon = if shape.tab_after_colon { ":\t" } else { ": " };
    let (first, rest) = match shape.continuation {
        Some(_) => value.split_at(split),
        None => (value, ""),
    };
    let continuation = |out: &mut String, text: &str| {
        if !text.is_empty() {
            out.push('\n');
            if shape.tab_indent {
                out.push('\t');
            } else {
                out.push_str(&" ".repeat(shape.continuation.unwrap_or(0)));
            }
            out.push_str(text);
        }
    };
    out.push_str(&pad);
    out.push_str(key);
    match shape.style {
        Style::Plain => {
            out.push_str(colon);
            out.push_str(first);
            continuation(out, rest);
        }
        Style::Single | Style::Double => {
            let quote = if matches!(shape.style, Style::Single) {
                '\''
            } else {
                '"'
            };
            let escape = |text: &str| match shape.style {
                Style::Single => text.replace('\'', "''"),
                _ => text.replace('\\', "\\\\").replace('"', "\\\""),
            };
            out.push_str(colon);
            out.push(quote);
            out.push_str(&escape(first));
            continuation(out, &escape(rest));
            out.push(quote);
        }
        Style::Literal | Style::Folded => {
            out.push_str(colon);
            out.push_str(if matches!(shape.style, Style::Literal) {
                "|-"
            } else {
                ">-"
            });
            let indent = shape.continuation.unwrap_or(column + 2);
            for line in [first, rest] {
                if !line.is_empty() {
                    out.push('\n');
                    if shape.tab_indent {
                        out.push('\t');
                    } else {
                        out.push_str(&" ".repeat(indent));
                    }
                    out.push_str(line);
                }
            }
        }
    }
    out.push('\n');
}

/// The final bytes of a case: BOM, odd character and line endings applied.
fn finish(mut text: String, shape: &Shape, odd_anchor: &str) -> String {
    if let Some((odd, in_comment)) = shape.odd {
        if in_comment {
            text = text.replacen('\n', &format!(" # note{odd}\n"), 1);
        } else {
            text = text.replacen(odd_anchor, &format!("{odd}{odd_anchor}"), 1);
        }
    }
    if shape.crlf {
        text = text.replace('\n', "\r\n");
    }
    if shape.bom {
        text.insert(0, '\u{feff}');
    }
    text
}

/// A rule file whose expression (and a label) is written in the shape.
fn rule_case(rng: &mut Rng, shape: &Shape) -> String {
    let expressions = [
        (
            "sum by (job) (rate(http_requests_total{code=\"500\"}[5m]))",
            7,
        ),
        ("up == 0 and on(job) absent(x)", 8),
        ("histogram_quantile(0.9,\n  rate(x_bucket[1m]))", 22),
        ("a\t+ b", 2),
        ("# not a comment in PromQL", 6),
    ];
    let (expr, split) = *rng.pick(&expressions);
    let mut text = String::new();
    if shape.flow {
        text.push_str("groups: [{name: g, rules: [{record: r,\n");
        write_entry(&mut text, 4, "expr", expr, split, shape);
        text.push_str("  }]}]\n");
    } else {
        text.push_str("groups:\n- name: g\n  rules:\n  - record: r\n");
        write_entry(&mut text, 4, "expr", expr, split, shape);
        text.push_str("    labels:\n      team: sre\n");
    }
    finish(text, shape, "sre")
}

/// A unit-test file whose input series selector is written in the shape; the test passes
/// exactly when the selector reads back as `x{a="1", b="two words"}`.
fn test_case(shape: &Shape) -> String {
    let series = "x{a=\"1\", b=\"two words\"}";
    let mut text = String::from(
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n",
    );
    if shape.flow {
        text.push_str("  - {\n");
        write_entry(&mut text, 4, "series", series, 2, shape);
        text.push_str("    , values: '1 2 3'}\n");
    } else {
        text.push_str("  - values: '1 2 3'\n");
        write_entry(&mut text, 4, "series", series, 2, shape);
    }
    text.push_str(
        "  promql_expr_test:\n  - expr: x\n    eval_time: 2m\n    exp_samples:\n    - labels: 'x{a=\"1\", b=\"two words\"}'\n      value: 3\n",
    );
    finish(text, shape, "1 2 3")
}

const RULES_FOR_TESTS: &str = "groups:\n- name: g\n  rules:\n  - record: r\n    expr: sum(x)\n";

struct Case {
    path: PathBuf,
    /// `test rules` for a unit-test file, else `check rules`.
    unit_test: bool,
}

pub fn yaml(args: &YamlArgs) -> Result<ExitCode> {
    if !util::is_runnable(&args.promtool) {
        return Err(format!(
            "promtool not found ({}); it is the reference this command compares against",
            args.promtool.display()
        )
        .into());
    }
    // Each case runs in its own folder, so a relative path would not resolve.
    let monlint = fs::canonicalize(util::monlint_binary(args.monlint.as_deref())?)?;
    let scratch = ScratchDir::new("diff-yaml", args.keep)?;
    let mut rng = Rng::new(args.seed);
    let mut cases = Vec::with_capacity(args.cases);
    for index in 0..args.cases {
        let shape = Shape::random(&mut rng);
        let unit_test = index % 2 == 1;
        let dir = scratch.path().join(format!("case{index:05}"));
        fs::create_dir_all(&dir)?;
        let (name, text) = if unit_test {
            fs::write(dir.join("rules.yml"), RULES_FOR_TESTS)?;
            ("test.yml", test_case(&shape))
        } else {
            ("rules.yml", rule_case(&mut rng, &shape))
        };
        fs::write(dir.join(name), text)?;
        cases.push(Case {
            path: dir.join(name),
            unit_test,
        });
    }
    eprintln!("running {} cases through promtool and monlint", cases.len());
    let results = util::parallel_map(cases.len(), |index| {
        let case = &cases[index];
        (run(&args.promtool, case, false), run(&monlint, case, true))
    })?;

    let mut disagreements = 0;
    let mut known = 0;
    let (mut accepted, mut rejected) = (0, 0);
    for (case, (promtool, monlint)) in cases.iter().zip(&results) {
        if promtool == monlint {
            if *promtool == Some(0) {
                accepted += 1;
            } else {
                rejected += 1;
            }
            continue;
        }
        let text = fs::read_to_string(&case.path).unwrap_or_default();
        if KNOWN_GAPS
            .iter()
            .any(|(character, _)| text.trim_start_matches('\u{feff}').contains(*character))
        {
            known += 1;
            continue;
        }
        disagreements += 1;
        if disagreements <= 20 {
            println!(
                "DIFFER {}: promtool exit {promtool:?}, monlint exit {monlint:?}\n{:?}",
                case.path.display(),
                text
            );
        }
    }
    println!(
        "diff yaml: {} cases, {} agree ({accepted} both accept or pass, {rejected} both reject or fail), {known} differ in a known gap, {disagreements} differ otherwise",
        cases.len(),
        accepted + rejected
    );
    for (character, why) in KNOWN_GAPS {
        println!("  known gap {character:?}: {why}");
    }
    if args.keep {
        println!("cases kept in {}", scratch.path().display());
    }
    Ok(if disagreements == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The tool's exit code on one case (None when it timed out or did not start).
fn run(program: &Path, case: &Case, is_monlint: bool) -> Option<i32> {
    let dir = case.path.parent()?;
    let name = case.path.file_name()?;
    let mut command = Command::new(program);
    command.current_dir(dir);
    match (case.unit_test, is_monlint) {
        (true, true) => command.args(["test", "rules", "--prometheus-version", "2.42"]),
        (true, false) => command.args(["test", "rules"]),
        (false, true) => command.args([
            "check",
            "--select",
            "validity",
            "--prometheus-version",
            "2.42",
        ]),
        (false, false) => command.args(["check", "rules"]),
    };
    command.arg(name);
    util::output_with_timeout(&mut command, CASE_TIMEOUT)
        .ok()
        .flatten()
        .map(|output| util::exit_code(&output))
}
