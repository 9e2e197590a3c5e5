//! Helpers shared by the subcommands: repository paths, building monlint, scratch folders.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// `work(index)` for every index below `count`, one worker per core taking the next index
/// as it finishes; the results in index order. A worker that panics fails the whole run.
pub fn parallel_map<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Result<Vec<T>> {
    let next = AtomicUsize::new(0);
    let workers = thread::available_parallelism().map_or(1, |cores| cores.get());
    let mut results = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= count {
                            break;
                        }
                        done.push((index, work(index)));
                    }
                    done
                })
            })
            .collect();
        let mut results = Vec::with_capacity(count);
        for handle in handles {
            results.extend(handle.join().map_err(|_| "a worker thread panicked")?);
        }
        Ok::<_, Box<dyn std::error::Error>>(results)
    })?;
    results.sort_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

pub fn repo_root() -> PathBuf {
    // xtask/ sits directly in the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The shared test corpus, which lives next to the project, never inside it.
pub fn corpus_dir() -> Result<PathBuf> {
    let dir = repo_root().join("../shared/corpus");
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "the test corpus is missing: expected it at {}",
            dir.display()
        )
        .into())
    }
}

/// Builds the `monlint` binary in release mode and returns its path.
pub fn build_monlint() -> Result<PathBuf> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let root = repo_root();
    eprintln!("building monlint (cargo build --release -p monlint-cli)");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "monlint-cli"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        return Err(format!("building monlint failed ({status})").into());
    }
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    let binary = target_dir.join("release").join("monlint");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("monlint was built but {} does not exist", binary.display()).into())
    }
}

/// The given monlint binary, or a freshly built one.
pub fn monlint_binary(given: Option<&Path>) -> Result<PathBuf> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => build_monlint(),
    }
}

/// Whether `program --version` runs at all.
pub fn is_runnable(program: &Path) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Process exit code, or 128 + signal number for a child killed by a signal.
pub fn exit_code(output: &Output) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    output
        .status
        .code()
        .or_else(|| output.status.signal().map(|signal| 128 + signal))
        .unwrap_or(-1)
}

/// A folder under the system temp dir, removed on drop unless `keep` is set.
pub struct ScratchDir {
    path: PathBuf,
    keep: bool,
}

impl ScratchDir {
    pub fn new(purpose: &str, keep: bool) -> io::Result<Self> {
        let path = env::temp_dir().join(format!("monlint-xtask-{purpose}-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        Ok(Self { path, keep })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("kept {}", self.path.display());
        } else if let Err(error) = fs::remove_dir_all(&self.path) {
            eprintln!("could not remove {}: {error}", self.path.display());
        }
    }
}

/// Rule files of the corpus: every `.yml` under `dir`, recursively, sorted.
pub fn yaml_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            // file_type() does not follow symlinks, so a link loop cannot make this walk endless.
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Number of rules in a rule file, counted by their `- alert:` / `- record:` lines.
pub fn count_rules(text: &str) -> usize {
    text.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("- alert:") || line.starts_with("- record:"))
        .count()
}

/// Runs `command` to completion like `Command::output`, but kills it after `timeout`;
/// `Ok(None)` means it was killed.
pub fn output_with_timeout(command: &mut Command, timeout: Duration) -> io::Result<Option<Output>> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Drain both pipes on their own threads so a chatty child cannot block on a full pipe.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() >= timeout {
            child.kill()?;
            child.wait()?;
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let collect = |reader: Option<thread::JoinHandle<Vec<u8>>>| {
        reader
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    };
    let (stdout, stderr) = (collect(stdout), collect(stderr));
    Ok(status.map(|status| Output {
        status,
        stdout,
        stderr,
    }))
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error only truncates what is shown of the output; the exit status still counts.
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_with_timeout_collects_output_and_kills_stuck_children() {
        let mut echo = Command::new("sh");
        echo.args(["-c", "echo out; echo err >&2; exit 3"]);
        let output = output_with_timeout(&mut echo, Duration::from_secs(10))
            .expect("runs")
            .expect("finishes");
        assert_eq!(exit_code(&output), 3);
        assert_eq!(output.stdout, b"out\n");
        assert_eq!(output.stderr, b"err\n");

        let started = Instant::now();
        let mut stuck = Command::new("sleep");
        stuck.arg("30");
        let output = output_with_timeout(&mut stuck, Duration::from_millis(100)).expect("runs");
        assert!(output.is_none());
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn count_rules_counts_alerts_and_records() {
        let text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n  - record: r\n    expr: up\n";
        assert_eq!(count_rules(text), 2);
    }
}
