//! One bad file never sinks the run: an unreadable file, a link loop named on the command
//! line, and broken links in a walk are each reported with their path while every other
//! file is checked; a reader that closes the pipe ends the run quietly.
//!
//! Permissions and pipes are out of trycmd's reach, hence these tests. Tests often run as
//! root, whom `chmod 000` does not stop: then monlint runs under util-linux's `setpriv`
//! with the capabilities that bypass file permissions (`CAP_DAC_OVERRIDE`,
//! `CAP_DAC_READ_SEARCH`) dropped from its bounding set, so root reads as an owner does.
//! Every test asserts the denial it provokes, so a machine where neither works fails.

use std::io::Read;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        // A previous run's unreadable file: make it removable again.
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o644));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A rule file with one finding (a PromQL syntax error), so a test sees it was checked.
const GOOD: &str =
    "groups:\n  - name: g\n    rules:\n      - record: job:x:sum\n        expr: sum(\n";

fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .is_some_and(|effective| effective == "0")
}

/// monlint, bound by file permissions even when run by root.
fn monlint_bound_by_permissions(dir: &Path) -> Command {
    let binary = env!("CARGO_BIN_EXE_monlint");
    let mut command = if is_root() {
        let mut command = Command::new("setpriv");
        command.args([
            "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search",
            binary,
        ]);
        command
    } else {
        Command::new(binary)
    };
    command.current_dir(dir);
    command
}

fn run(mut command: Command, args: &[&str]) -> (Output, String, String) {
    let output = command.args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

#[test]
fn an_unreadable_file_is_an_error_and_the_rest_is_checked() {
    let dir = scratch("unreadable-file");
    std::fs::write(dir.join("good.yml"), GOOD).unwrap();
    std::fs::write(dir.join("locked.yml"), GOOD).unwrap();
    std::fs::set_permissions(
        dir.join("locked.yml"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "checkstyle"] {
        for target in [".", "locked.yml"] {
            let command = monlint_bound_by_permissions(&dir);
            let args = ["check", "--format", format, target, "good.yml"];
            let (output, stdout, stderr) = run(command, &args);
            let context = format!("{args:?}:\n{stdout}{stderr}");
            assert_eq!(output.status.code(), Some(2), "{context}");
            assert!(stderr.is_empty(), "{context}");
            assert!(stdout.contains("locked.yml"), "{context}");
            assert!(stdout.contains("Permission denied"), "{context}");
            assert!(
                stdout.contains("V104"),
                "good.yml was not checked: {context}"
            );
        }
    }
    let (_, stdout, _) = run(monlint_bound_by_permissions(&dir), &["check", "."]);
    assert!(
        stdout.contains("error: locked.yml: cannot read: Permission denied"),
        "{stdout}"
    );
}

#[test]
fn a_link_loop_named_on_the_command_line_says_so() {
    let dir = scratch("named-link-loop");
    std::fs::write(dir.join("good.yml"), GOOD).unwrap();
    symlink("loop.yml", dir.join("loop.yml")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_monlint"));
    command.current_dir(&dir);
    let (output, stdout, stderr) = run(command, &["check", "loop.yml", "good.yml"]);
    let context = format!("{stdout}{stderr}");
    assert_eq!(output.status.code(), Some(2), "{context}");
    assert!(stderr.is_empty(), "{context}");
    assert!(
        stdout.contains("error: loop.yml: cannot read: a symbolic link that cannot be followed: Too many levels of symbolic links"),
        "{context}"
    );
    assert!(
        stdout.contains("V104"),
        "good.yml was not checked: {context}"
    );
}

#[test]
fn broken_links_in_a_walk_are_noted_and_the_run_goes_on() {
    let dir = scratch("walk-broken-links");
    std::fs::create_dir(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/good.yml"), GOOD).unwrap();
    symlink("loop.yml", dir.join("rules/loop.yml")).unwrap();
    symlink("missing.yml", dir.join("rules/dangling.yml")).unwrap();
    // A link to a file is checked like the file; a link to a folder is not followed.
    symlink("good.yml", dir.join("rules/linked.yml")).unwrap();
    symlink(".", dir.join("rules/again")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_monlint"));
    command.current_dir(&dir);
    let (output, stdout, stderr) = run(command, &["check", "rules"]);
    let context = format!("{stdout}{stderr}");
    // The finding in good.yml fails the run; the broken links do not.
    assert_eq!(output.status.code(), Some(1), "{context}");
    assert!(stderr.is_empty(), "{context}");
    assert!(
        stdout.contains(
            "note: rules/dangling.yml: a dangling symbolic link (its target does not exist), not checked"
        ),
        "{context}"
    );
    assert!(
        stdout.contains("note: rules/loop.yml: a symbolic link that cannot be followed: Too many levels of symbolic links"),
        "{context}"
    );
    assert!(stdout.contains("rules/good.yml:5"), "{context}");
    assert!(stdout.contains("rules/linked.yml:5"), "{context}");
    assert!(!stdout.contains("again"), "{context}");
    assert!(stdout.contains("2 broken links"), "{context}");
}

/// Starts monlint with its stdout piped, reads a little, closes the pipe and waits: the
/// run must end without a word on stderr and with success (as after SIGPIPE, quietly).
fn assert_quiet_on_closed_pipe(dir: &Path, args: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_monlint"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = scratch("closed-pipe");
    // Far more output than a pipe buffers (64 KiB), so monlint writes after the close.
    let mut rules = String::from("groups:\n  - name: g\n    rules:\n");
    for n in 0..3000 {
        rules.push_str(&format!(
            "      - record: job:x{n}:sum\n        expr: sum(\n"
        ));
    }
    std::fs::write(dir.join("many.yml"), rules).unwrap();
    let mut config = String::from("route:\n  receiver: team\n  routes:\n");
    for n in 0..3000 {
        config.push_str(&format!(
            "    - receiver: team\n      matchers: [service=\"service-{n}\"]\n"
        ));
    }
    config.push_str("receivers:\n  - name: team\n");
    std::fs::write(dir.join("alertmanager.yml"), config).unwrap();
    for format in ["human", "json", "sarif", "github", "checkstyle"] {
        assert_quiet_on_closed_pipe(&dir, &["check", "--format", format, "many.yml"]);
    }
    assert_quiet_on_closed_pipe(&dir, &["routes", "show", "--config", "alertmanager.yml"]);
}

/// Every subcommand that prints, with its reader gone before it writes (the pipe is closed
/// as soon as monlint starts, long before it has read its files).
#[test]
fn every_subcommand_is_quiet_on_a_closed_pipe() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let commands: &[&[&str]] = &[
        &["checks"],
        &["explain", "V104"],
        &["check", "rules"],
        &["check", "--format", "sarif", "rules"],
        &["routes", "show", "--config", "rules/alertmanager.yml"],
        &[
            "routes",
            "test",
            "--config",
            "rules/alertmanager.yml",
            "severity=critical",
        ],
        &["test", "routes", "rules/alertmanager.routes.test.yml"],
        &["test", "rules", "rules/tests/app.test.yml"],
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_monlint"))
            .current_dir(root)
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
