//! Turns command-line paths into the list of files to check, in a stable order.

use std::path::{Path, PathBuf};

use monlint_lint::config::CONFIG_FILE_NAMES;
use monlint_lint::{Skip, SkipReason};

/// A file to check.
pub struct Input {
    pub path: PathBuf,
    /// The path as shown in diagnostics.
    pub display: String,
    /// Named on the command line (or by a glob), rather than found by walking a folder.
    pub explicit: bool,
    /// Under a Helm chart's `templates/` folder.
    pub in_helm_chart: bool,
    /// Why the file cannot be read, found while discovering it (a broken link, a file
    /// too large); reading may still fail later.
    pub not_read: Option<Skip>,
}

/// Files larger than this are refused rather than read into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// YAML files, JSON files (Grafana dashboards; other JSON is recognised as nothing and
/// skipped), and template sources (`.j2`, `.tpl`, ...), which a walk names as templates
/// rather than passing over in silence.
fn is_candidate(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml" | "json")
    ) || monlint_lint::classify::has_template_extension(&path.to_string_lossy())
}

/// Whether a file is in a Helm chart's `templates/` folder: a `templates` folder above it
/// with a `Chart.yaml` beside it.
fn in_helm_chart(path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .filter(|dir| dir.file_name().is_some_and(|name| name == "templates"))
        .any(|dir| dir.with_file_name("Chart.yaml").is_file())
}

fn is_hidden_or_build_dir(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_dir()
        && entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.') || n == "target" || n == "node_modules")
}

fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

fn add_file(path: PathBuf, explicit: bool, inputs: &mut Vec<Input>) {
    let not_read = match std::fs::metadata(&path) {
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => Some(unreadable(format!(
            "the file is too large ({} bytes; the limit is {MAX_FILE_BYTES})",
            metadata.len()
        ))),
        Ok(_) => None,
        Err(error) => Some(unreadable(describe_error(&path, &error))),
    };
    inputs.push(Input {
        display: display(&path),
        in_helm_chart: in_helm_chart(&path),
        path,
        explicit,
        not_read,
    });
}

fn unreadable(what: String) -> Skip {
    Skip {
        reason: SkipReason::Unreadable,
        what,
    }
}

/// An IO error on a path, saying when the path is a link that leads nowhere.
fn describe_error(path: &Path, error: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match (is_link, error.kind()) {
        (true, std::io::ErrorKind::NotFound) => {
            "a dangling symbolic link (its target does not exist)".to_owned()
        }
        (true, _) => format!("a symbolic link that cannot be followed: {error}"),
        (false, _) => error.to_string(),
    }
}

/// A file that cannot be read, named by its path (an unreadable folder of a walk).
fn add_unreadable(path: PathBuf, explicit: bool, what: String, inputs: &mut Vec<Input>) {
    inputs.push(Input {
        display: display(&path),
        in_helm_chart: false,
        path,
        explicit,
        not_read: Some(unreadable(what)),
    });
}

/// Tells whether a walk skips a file (the configuration's `exclude`).
pub type Excluded<'a> = &'a dyn Fn(&Path) -> bool;

/// Walks a folder. Links to files are checked; links to folders are not followed (as git
/// and ripgrep do), so a walk cannot loop. A link that leads nowhere (dangling, or a
/// loop) with a name a walk would check is noted, not an error: a repository may hold
/// one on purpose, and the run goes on. A folder that cannot be read is an error.
fn walk(dir: &Path, excluded: Excluded, inputs: &mut Vec<Input>) {
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden_or_build_dir(e));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(dir).to_path_buf();
                let what = error
                    .io_error()
                    .map_or_else(|| error.to_string(), |e| describe_error(&path, e));
                add_unreadable(path, false, what, inputs);
                continue;
            }
        };
        let is_config = entry
            .file_name()
            .to_str()
            .is_some_and(|name| CONFIG_FILE_NAMES.contains(&name));
        if !is_candidate(entry.path()) || is_config || excluded(entry.path()) {
            continue;
        }
        if entry.file_type().is_file() {
            add_file(entry.into_path(), false, inputs);
        } else if entry.path_is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(target) if target.is_file() => add_file(entry.into_path(), false, inputs),
                Ok(_) => {}
                Err(error) => {
                    let what = describe_error(entry.path(), &error);
                    let path = entry.into_path();
                    inputs.push(Input {
                        display: display(&path),
                        in_helm_chart: false,
                        path,
                        explicit: false,
                        not_read: Some(Skip {
                            reason: SkipReason::BrokenLink,
                            what,
                        }),
                    });
                }
            }
        }
    }
}

fn has_glob_characters(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// Expands files, folders and glob patterns; an argument that matches nothing is an error.
/// Files named on the command line are checked even when excluded, as in ruff and eslint.
/// A file that cannot be read is an input with [`Input::not_read`] set, so the rest is
/// still checked.
pub fn discover(arguments: &[String], excluded: Excluded) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for argument in arguments {
        let path = Path::new(argument);
        let named_link = std::fs::symlink_metadata(path).is_ok();
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, excluded, &mut inputs),
            Ok(_) => add_file(path.to_path_buf(), true, &mut inputs),
            // It exists, as a link leading nowhere (or an entry that cannot be read).
            Err(error) if named_link => {
                let what = describe_error(path, &error);
                add_unreadable(path.to_path_buf(), true, what, &mut inputs);
            }
            Err(_) if has_glob_characters(argument) => {
                let pattern = glob::glob(argument)
                    .map_err(|e| format!("invalid glob pattern {argument:?}: {e}"))?;
                let before = inputs.len();
                for entry in pattern {
                    match entry {
                        Ok(matched) if matched.is_dir() => walk(&matched, excluded, &mut inputs),
                        Ok(matched) => add_file(matched, true, &mut inputs),
                        Err(error) => {
                            let path = error.path().to_path_buf();
                            let what = describe_error(&path, error.error());
                            add_unreadable(path, true, what, &mut inputs);
                        }
                    }
                }
                if inputs.len() == before {
                    return Err(format!("no file matches {argument:?}"));
                }
            }
            Err(_) => return Err(format!("cannot read {argument}: no such file or directory")),
        }
    }
    // The same file named twice is checked once.
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|input| seen.insert(input.path.clone()));
    Ok(inputs)
}

/// At most this many files are recorded for link checks; a larger tree is cut off there.
const MAX_DOCUMENT_FILES: usize = 50_000;
/// Markdown files larger than this are recorded as existing, without their headings.
const MAX_MARKDOWN_BYTES: u64 = 1024 * 1024;

/// The files under `root` that relative links may point at, with Markdown headings.
pub fn scan_documents(root: &Path, base: &Path) -> monlint_lint::documents::Documents {
    let mut documents = monlint_lint::documents::Documents::new(root, base);
    let walker = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| !is_hidden_or_build_dir(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .take(MAX_DOCUMENT_FILES);
    for entry in walker {
        let path = entry.path();
        let is_markdown = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "markdown")
        );
        let small = entry
            .metadata()
            .is_ok_and(|m| m.len() <= MAX_MARKDOWN_BYTES);
        let text = (is_markdown && small)
            .then(|| std::fs::read_to_string(path).ok())
            .flatten();
        documents.add(path, text.as_deref());
    }
    documents
}
