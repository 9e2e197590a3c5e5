//! `--select` / `--extend-select` / `--ignore`: which checks report.

use monlint_core::{Category, Check};

use crate::registry::all_checks;

/// One `--select` or `--ignore` item: a named set, a check code (or code prefix), a name, or a
/// category.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Selector {
    /// `all`: every check.
    All,
    /// `default`: the checks a run without `--select` reports.
    Default,
    CodePrefix(String),
    Name(String),
    Category(Category),
}

impl Selector {
    fn parse(token: &str) -> Result<Selector, String> {
        match token {
            "all" => return Ok(Selector::All),
            "default" => return Ok(Selector::Default),
            _ => {}
        }
        if let Some(category) = Category::ALL.iter().find(|c| c.as_str() == token) {
            return Ok(Selector::Category(*category));
        }
        let checks = all_checks();
        if checks.iter().any(|c| c.name == token) {
            return Ok(Selector::Name(token.to_owned()));
        }
        if !token.is_empty() && checks.iter().any(|c| c.code.starts_with(token)) {
            return Ok(Selector::CodePrefix(token.to_owned()));
        }
        let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        Err(format!(
            "unknown check or category {token:?} (sets: all, default; categories: {}; `monlint checks` lists the checks)",
            categories.join(", ")
        ))
    }

    fn matches(&self, check: &Check) -> bool {
        match self {
            Selector::All => true,
            Selector::Default => check.enabled_by_default,
            Selector::CodePrefix(prefix) => check.code.starts_with(prefix.as_str()),
            Selector::Name(name) => check.name == name,
            Selector::Category(category) => check.category == *category,
        }
    }
}

/// The resolved selection: the default checks unless `select` names others, plus `extend`,
/// minus `ignore`.
#[derive(Clone, Debug)]
pub struct Selection {
    select: Vec<Selector>,
    extend: Vec<Selector>,
    ignore: Vec<Selector>,
}

impl Default for Selection {
    /// What a run without any selection reports: the checks enabled by default.
    fn default() -> Selection {
        Selection {
            select: vec![Selector::Default],
            extend: Vec::new(),
            ignore: Vec::new(),
        }
    }
}

fn parse_all<S: AsRef<str>>(items: &[S]) -> Result<Vec<Selector>, String> {
    items
        .iter()
        .flat_map(|item| {
            item.as_ref()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .map(Selector::parse)
        .collect()
}

impl Selection {
    /// Items may also be comma-separated within one string (`--select V104,V105`). An empty
    /// `select` means the default checks.
    pub fn new<S: AsRef<str>>(select: &[S], ignore: &[S]) -> Result<Selection, String> {
        Selection::with_extend(select, &[], ignore)
    }

    /// As `new`, with `extend` added to whatever `select` chose (`--extend-select style`).
    pub fn with_extend<S: AsRef<str>>(
        select: &[S],
        extend: &[S],
        ignore: &[S],
    ) -> Result<Selection, String> {
        let mut select = parse_all(select)?;
        if select.is_empty() {
            select.push(Selector::Default);
        }
        Ok(Selection {
            select,
            extend: parse_all(extend)?,
            ignore: parse_all(ignore)?,
        })
    }

    /// Every check, whether on by default or not.
    pub fn all() -> Selection {
        Selection {
            select: vec![Selector::All],
            extend: Vec::new(),
            ignore: Vec::new(),
        }
    }

    pub fn is_enabled(&self, check: &Check) -> bool {
        let selected = self
            .select
            .iter()
            .chain(&self.extend)
            .any(|s| s.matches(check));
        selected && !self.ignore.iter().any(|s| s.matches(check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{duplicate_rule, panel_title_description, promql_syntax, summary_style};

    #[test]
    fn selects_by_category_code_and_name() {
        let validity = Selection::new(&["validity"], &[]).unwrap();
        assert!(validity.is_enabled(&promql_syntax::CHECK));
        assert!(!validity.is_enabled(&duplicate_rule::CHECK));
        let by_code = Selection::new(&["V104,C100"], &[]).unwrap();
        assert!(by_code.is_enabled(&duplicate_rule::CHECK));
        let ignored = Selection::new(&[], &["promql-syntax"]).unwrap();
        assert!(!ignored.is_enabled(&promql_syntax::CHECK));
        assert!(ignored.is_enabled(&duplicate_rule::CHECK));
        assert!(Selection::new(&["no-such-check"], &[]).is_err());
    }

    #[test]
    fn taste_checks_are_off_unless_asked_for() {
        let default = Selection::new::<&str>(&[], &[]).unwrap();
        assert!(default.is_enabled(&promql_syntax::CHECK));
        assert!(!default.is_enabled(&summary_style::CHECK));
        let extended = Selection::with_extend(&[], &["style"], &[]).unwrap();
        assert!(extended.is_enabled(&promql_syntax::CHECK));
        assert!(extended.is_enabled(&summary_style::CHECK));
        let style = Selection::new(&["style"], &[]).unwrap();
        assert!(!style.is_enabled(&promql_syntax::CHECK));
        assert!(style.is_enabled(&panel_title_description::CHECK));
        let all = Selection::new(&["all"], &["S101"]).unwrap();
        assert!(all.is_enabled(&panel_title_description::CHECK));
        assert!(!all.is_enabled(&summary_style::CHECK));
    }
}
