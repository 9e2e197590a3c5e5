//! Finds and reads `.monlint.yml`, and merges it with the command line: the command
//! line wins for `--select` and `--prometheus-version`, and adds to `ignore`.

use std::path::{Path, PathBuf};

use monlint_core::render::render_human;
use monlint_core::{SourceFile, Sources};
use monlint_lint::config::{CONFIG_FILE_NAMES, Config, load_config};

/// A loaded configuration and the folder its relative patterns start from.
pub struct Settings {
    pub config: Config,
    pub root: PathBuf,
}

impl Settings {
    /// `path` relative to the configuration's folder, with `/` separators, for glob patterns.
    pub fn relative_path(&self, path: &Path) -> String {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        relative.to_string_lossy().replace('\\', "/")
    }
}

/// The folder to start the upward search from: the first path's folder, or the current one.
fn search_start(paths: &[String]) -> PathBuf {
    let first = paths
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let folder = if first.is_dir() {
        first
    } else {
        first.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let folder = if folder.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        folder
    };
    std::fs::canonicalize(&folder).unwrap_or(folder)
}

fn find_config(paths: &[String]) -> Option<PathBuf> {
    let start = search_start(paths);
    start
        .ancestors()
        .flat_map(|folder| CONFIG_FILE_NAMES.iter().map(move |name| folder.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Loads the configuration named by `--config`, or the nearest one above the checked paths.
/// A configuration with any problem stops the run: its diagnostics are the error.
pub fn load(explicit: Option<&Path>, paths: &[String]) -> Result<Option<Settings>, String> {
    let Some(path) = explicit
        .map(Path::to_path_buf)
        .or_else(|| find_config(paths))
    else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes(path.display().to_string(), bytes));
    let (config, diagnostics) = load_config(sources.get(id), id);
    if !diagnostics.is_empty() {
        let rendered =
            String::from_utf8_lossy(&render_human(&diagnostics, &sources, false)).into_owned();
        return Err(format!(
            "invalid configuration {}:\n{}",
            path.display(),
            rendered.trim_end()
        ));
    }
    let absolute = std::fs::canonicalize(&path).unwrap_or(path);
    let root = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Some(Settings { config, root }))
}
