//! The repository's files that relative links may point at, with the anchors of its
//! Markdown headings, so a `runbook_url` such as `runbooks/api.md#apidown` can be checked
//! without touching the disk here. The caller (the CLI) scans the repository once.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Files under one root, as absolute, lexically normalised paths.
#[derive(Clone, Debug, Default)]
pub struct Documents {
    /// The folder the scan covered; links leading outside it are not judged.
    root: Option<PathBuf>,
    /// What relative display paths of checked files are relative to (the working folder).
    base: PathBuf,
    files: HashSet<PathBuf>,
    markdown: HashMap<PathBuf, Markdown>,
}

/// What the checks need of a Markdown file: its headings and the words under each.
#[derive(Clone, Debug, Default)]
struct Markdown {
    sections: Vec<Section>,
    /// The whole text in [`words`] form.
    words: String,
}

/// A heading and everything up to the next heading of its level or above.
#[derive(Clone, Debug)]
struct Section {
    anchor: String,
    words: String,
}

/// What a relative link leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Outside what was scanned, or nothing was scanned: no verdict.
    Unknown,
    Found,
    MissingFile(PathBuf),
    /// The file exists but has no heading with this anchor.
    MissingAnchor(String),
}

/// Resolves `.` and `..` without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The anchor a Markdown renderer (GitHub's) gives a heading: lowercase, punctuation
/// dropped, spaces as hyphens.
pub fn heading_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Text reduced to lowercase letters and digits, so that `API down`, `api-down` and
/// `ApiDown` all read `apidown`.
fn words(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Markdown {
    fn parse(text: &str) -> Markdown {
        let mut in_code = false;
        // (level, anchor, first line) of each heading.
        let mut headings = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            } else if !in_code && line.starts_with('#') {
                let level = line.chars().take_while(|c| *c == '#').count();
                let heading = &line[level..];
                if heading.starts_with(' ') {
                    headings.push((level, heading_anchor(heading), index));
                }
            }
        }
        let sections = headings
            .iter()
            .enumerate()
            .map(|(i, (level, anchor, start))| {
                let end = headings[i + 1..]
                    .iter()
                    .find(|(next_level, _, _)| next_level <= level)
                    .map_or(lines.len(), |(_, _, line)| *line);
                Section {
                    anchor: anchor.clone(),
                    words: words(&lines[*start..end].join("\n")),
                }
            })
            .collect();
        Markdown {
            sections,
            words: words(text),
        }
    }
}

impl Documents {
    /// An empty scan of `root`; `base` is the folder relative display paths start from.
    pub fn new(root: &Path, base: &Path) -> Self {
        Documents {
            root: Some(normalize(root)),
            base: normalize(base),
            ..Documents::default()
        }
    }

    /// Records a file; Markdown files also give their headings' anchors.
    pub fn add(&mut self, path: &Path, markdown: Option<&str>) {
        let path = normalize(&self.base.join(path));
        if let Some(text) = markdown {
            self.markdown.insert(path.clone(), Markdown::parse(text));
        }
        self.files.insert(path);
    }

    /// Whether some scanned file matches the glob `pattern`, written relative to the folder
    /// of the file displayed as `from`; `None` when that is outside the scan, or nothing
    /// was scanned.
    pub fn glob_matches(&self, from: &str, pattern: &str) -> Option<bool> {
        let root = self.root.as_ref()?;
        let folder = self.base.join(from).parent().map(Path::to_path_buf)?;
        let full = normalize(&folder.join(pattern));
        if !full.starts_with(root) {
            return None;
        }
        let glob = glob::Pattern::new(&full.to_string_lossy()).ok()?;
        Some(self.files.iter().any(|file| glob.matches_path(file)))
    }

    /// Resolves `link` (relative, or `file://`) written in the file displayed as `from`.
    pub fn resolve(&self, from: &str, link: &str) -> Resolution {
        self.locate(from, link).0
    }

    /// Whether the Markdown document (or its section, when the link has an `#anchor`) that
    /// `link` leads to mentions `name`, ignoring case, spaces and punctuation. `None` when
    /// the link does not lead to a scanned Markdown document or heading.
    pub fn mentions(&self, from: &str, link: &str, name: &str) -> Option<bool> {
        let (resolution, target, anchor) = self.locate(from, link);
        if resolution != Resolution::Found {
            return None;
        }
        let markdown = self.markdown.get(&target?)?;
        let text = match anchor.filter(|a| !a.is_empty()) {
            Some(anchor) => {
                &markdown
                    .sections
                    .iter()
                    .find(|section| section.anchor == anchor)?
                    .words
            }
            None => &markdown.words,
        };
        Some(text.contains(&words(name)))
    }

    /// The resolution of `link`, the file it leads to and its anchor.
    fn locate<'l>(
        &self,
        from: &str,
        link: &'l str,
    ) -> (Resolution, Option<PathBuf>, Option<&'l str>) {
        let Some(root) = &self.root else {
            return (Resolution::Unknown, None, None);
        };
        let link = link.strip_prefix("file://").unwrap_or(link);
        let (path, anchor) = match link.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (link, None),
        };
        let from_folder = self
            .base
            .join(from)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let target = if path.is_empty() {
            self.base.join(from)
        } else {
            normalize(&from_folder.join(path))
        };
        if !target.starts_with(root) {
            return (Resolution::Unknown, None, None);
        }
        if !self.files.contains(&target) {
            return (Resolution::MissingFile(target), None, None);
        }
        let resolution = match (anchor, self.markdown.get(&target)) {
            (Some(anchor), Some(markdown))
                if !anchor.is_empty() && !markdown.sections.iter().any(|s| s.anchor == anchor) =>
            {
                Resolution::MissingAnchor(anchor.to_owned())
            }
            _ => Resolution::Found,
        };
        (resolution, Some(target), anchor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links_and_anchors() {
        let mut documents = Documents::new(Path::new("/repo"), Path::new("/repo"));
        documents.add(
            Path::new("rules/runbooks/api.md"),
            Some("# Api\n\n## ApiDown\n```\n# not a heading\n```\n## Error ratio (5xx)\n"),
        );
        let resolve = |link| documents.resolve("rules/api.yml", link);
        assert_eq!(resolve("runbooks/api.md#apidown"), Resolution::Found);
        assert_eq!(
            resolve("./runbooks/api.md#error-ratio-5xx"),
            Resolution::Found
        );
        assert_eq!(
            resolve("runbooks/api.md#not-a-heading"),
            Resolution::MissingAnchor("not-a-heading".to_owned())
        );
        assert_eq!(
            resolve("runbooks/web.md"),
            Resolution::MissingFile(PathBuf::from("/repo/rules/runbooks/web.md"))
        );
        assert_eq!(resolve("../../elsewhere.md"), Resolution::Unknown);
        let mentions = |link, name| documents.mentions("rules/api.yml", link, name);
        assert_eq!(mentions("runbooks/api.md#apidown", "ApiDown"), Some(true));
        assert_eq!(mentions("runbooks/api.md#apidown", "ApiSlow"), Some(false));
        // A section ends at the next heading of its level: `Error ratio` is not in `ApiDown`.
        assert_eq!(
            mentions("runbooks/api.md#apidown", "ErrorRatio"),
            Some(false)
        );
        assert_eq!(mentions("runbooks/api.md", "Error ratio"), Some(true));
        assert_eq!(mentions("runbooks/web.md", "ApiDown"), None);
        assert_eq!(
            Documents::default().resolve("rules/api.yml", "runbooks/api.md"),
            Resolution::Unknown
        );
    }
}
