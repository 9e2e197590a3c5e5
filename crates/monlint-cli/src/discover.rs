//! Turns command-line paths into the list of files to check, in a stable order.

use std::path::{Path, PathBuf};

use monlint_lint::config::CONFIG_FILE_NAMES;

/// A file to check.
pub struct Input {
    pub path: PathBuf,
    /// The path as shown in diagnostics.
    pub display: String,
    /// Named on the command line (or by a glob), rather than found by walking a folder.
    pub explicit: bool,
    /// Under a Helm chart's `templates/` folder.
    pub in_helm_chart: bool,
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

fn add_file(path: PathBuf, explicit: bool, inputs: &mut Vec<Input>) -> Result<(), String> {
    let metadata =
        std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{}: file is too large ({} bytes; the limit is {MAX_FILE_BYTES})",
            path.display(),
            metadata.len()
        ));
    }
    inputs.push(Input {
        display: display(&path),
        in_helm_chart: in_helm_chart(&path),
        path,
        explicit,
    });
    Ok(())
}

/// Tells whether a walk skips a file (the configuration's `exclude`).
pub type Excluded<'a> = &'a dyn Fn(&Path) -> bool;

fn walk(dir: &Path, excluded: Excluded, inputs: &mut Vec<Input>) -> Result<(), String> {
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden_or_build_dir(e));
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot walk {}: {e}", dir.display()))?;
        let is_config = entry
            .file_name()
            .to_str()
            .is_some_and(|name| CONFIG_FILE_NAMES.contains(&name));
        if entry.file_type().is_file()
            && is_candidate(entry.path())
            && !is_config
            && !excluded(entry.path())
        {
            add_file(entry.into_path(), false, inputs)?;
        }
    }
    Ok(())
}

fn has_glob_characters(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// Expands files, folders and glob patterns; an argument that matches nothing is an error.
/// Files named on the command line are checked even when excluded, as in ruff and eslint.
pub fn discover(arguments: &[String], excluded: Excluded) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for argument in arguments {
        let path = Path::new(argument);
        if path.is_dir() {
            walk(path, excluded, &mut inputs)?;
        } else if path.exists() {
            add_file(path.to_path_buf(), true, &mut inputs)?;
        } else if has_glob_characters(argument) {
            let pattern = glob::glob(argument)
                .map_err(|e| format!("invalid glob pattern {argument:?}: {e}"))?;
            let before = inputs.len();
            for entry in pattern {
                let matched =
                    entry.map_err(|e| format!("cannot read {}: {e}", e.path().display()))?;
                if matched.is_dir() {
                    walk(&matched, excluded, &mut inputs)?;
                } else {
                    add_file(matched, true, &mut inputs)?;
                }
            }
            if inputs.len() == before {
                return Err(format!("no file matches {argument:?}"));
            }
        } else {
            return Err(format!("cannot read {argument}: no such file or directory"));
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
