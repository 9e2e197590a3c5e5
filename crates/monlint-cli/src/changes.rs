//! `--changed-since REF`: which lines a change touched (from `git diff`), and the files as
//! they were at REF, so that a run can report only the findings the change is responsible for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The lines (1-based, inclusive ranges) added or modified since the base, per file.
pub struct Changes {
    reference: String,
    root: PathBuf,
    /// Keyed by canonical path.
    lines: HashMap<PathBuf, Vec<(u32, u32)>>,
    /// Files git does not track yet: every line of them is new.
    untracked: Vec<PathBuf>,
}

fn git(root: Option<&Path>, args: &[&str]) -> Result<std::process::Output, String> {
    let mut command = Command::new("git");
    if let Some(root) = root {
        command.current_dir(root);
    }
    command
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

fn stdout_of(output: std::process::Output, what: &str) -> Result<String, String> {
    if !output.status.success() {
        return Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Parses `git diff --unified=0` output into the new-side line ranges of each file.
fn parse_diff(diff: &str) -> HashMap<String, Vec<(u32, u32)>> {
    let mut files: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = path.strip_prefix("b/").map(str::to_owned);
        } else if let (Some(hunk), Some(path)) = (line.strip_prefix("@@ "), &current) {
            // `@@ -a,b +c,d @@`: the new side starts at c and spans d lines (1 when omitted).
            let Some(new_side) = hunk.split_whitespace().find(|part| part.starts_with('+')) else {
                continue;
            };
            let mut numbers = new_side[1..].split(',');
            let start: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let count: u32 = numbers
                .next()
                .map_or(Some(1), |n| n.parse().ok())
                .unwrap_or(0);
            if count > 0 {
                files
                    .entry(path.clone())
                    .or_default()
                    .push((start, start + count - 1));
            }
        }
    }
    files
}

impl Changes {
    /// Reads the change from git. The base must be a commit this clone has: a shallow clone
    /// must fetch it first, and the error says so.
    pub fn collect(reference: &str) -> Result<Changes, String> {
        let root = stdout_of(
            git(None, &["rev-parse", "--show-toplevel"])?,
            "git rev-parse --show-toplevel",
        )
        .map_err(|e| format!("--changed-since needs a git repository: {e}"))?;
        let root = PathBuf::from(root.trim());
        let commit = format!("{reference}^{{commit}}");
        let verified = git(Some(&root), &["rev-parse", "--verify", "--quiet", &commit])?;
        if !verified.status.success() {
            let shallow = git(Some(&root), &["rev-parse", "--is-shallow-repository"])
                .ok()
                .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true");
            let hint = if shallow {
                format!(
                    "this is a shallow clone: fetch the base first, e.g. `git fetch --depth=1 origin {reference}`"
                )
            } else {
                "check the name, or fetch it from the remote".to_owned()
            };
            return Err(format!(
                "--changed-since: git cannot find the commit {reference:?}; {hint}"
            ));
        }
        let diff = stdout_of(
            git(
                Some(&root),
                &[
                    "diff",
                    "--no-color",
                    "--no-ext-diff",
                    "--unified=0",
                    reference,
                    "--",
                ],
            )?,
            "git diff",
        )?;
        let lines = parse_diff(&diff)
            .into_iter()
            .map(|(path, ranges)| (canonical(&root.join(path)), ranges))
            .collect();
        let untracked = stdout_of(
            git(
                Some(&root),
                &["ls-files", "--others", "--exclude-standard", "--full-name"],
            )?,
            "git ls-files",
        )?
        .lines()
        .map(|path| canonical(&root.join(path)))
        .collect();
        Ok(Changes {
            reference: reference.to_owned(),
            root,
            lines,
            untracked,
        })
    }

    /// Whether any line from `first` to `last` (1-based) of `path` was added or modified.
    pub fn touches(&self, path: &Path, first: u32, last: u32) -> bool {
        let path = canonical(path);
        self.untracked.contains(&path)
            || self.lines.get(&path).is_some_and(|ranges| {
                ranges
                    .iter()
                    .any(|&(start, end)| start <= last && first <= end)
            })
    }

    /// The file's content at the base, or `None` when it did not exist there.
    pub fn base_version(&self, path: &Path) -> Option<Vec<u8>> {
        let path = canonical(path);
        let relative = path.strip_prefix(canonical(&self.root)).ok()?;
        let spec = format!(
            "{}:{}",
            self.reference,
            relative.to_string_lossy().replace('\\', "/")
        );
        let output = git(Some(&self.root), &["show", &spec]).ok()?;
        output.status.success().then_some(output.stdout)
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::parse_diff;

    #[test]
    fn reads_new_side_ranges_of_each_hunk() {
        let diff = "diff --git a/r.yml b/r.yml\n--- a/r.yml\n+++ b/r.yml\n@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n@@ -20,2 +21,0 @@\n-e\n-f\n--- /dev/null\n+++ b/new.yml\n@@ -0,0 +1,3 @@\n+x\n";
        let files = parse_diff(diff);
        assert_eq!(files["r.yml"], vec![(3, 3), (11, 12)]);
        assert_eq!(files["new.yml"], vec![(1, 3)]);
    }
}
