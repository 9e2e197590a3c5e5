//! `--select` / `--ignore`: which checks report.

use monlint_core::{Category, Check};

use crate::registry::all_checks;

/// One `--select` or `--ignore` item: a check code (or code prefix), a name, or a category.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Selector {
    CodePrefix(String),
    Name(String),
    Category(Category),
}

impl Selector {
    fn parse(token: &str) -> Result<Selector, String> {
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
            "unknown check or category {token:?} (categories: {}; `monlint checks` lists the checks)",
            categories.join(", ")
        ))
    }

    fn matches(&self, check: &Check) -> bool {
        match self {
            Selector::CodePrefix(prefix) => check.code.starts_with(prefix.as_str()),
            Selector::Name(name) => check.name == name,
            Selector::Category(category) => check.category == *category,
        }
    }
}

/// The resolved selection: everything by default, narrowed by `select`, minus `ignore`.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    select: Vec<Selector>,
    ignore: Vec<Selector>,
}

impl Selection {
    /// Items may also be comma-separated within one string (`--select V104,V105`).
    pub fn new<S: AsRef<str>>(select: &[S], ignore: &[S]) -> Result<Selection, String> {
        let parse_all = |items: &[S]| -> Result<Vec<Selector>, String> {
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
        };
        Ok(Selection {
            select: parse_all(select)?,
            ignore: parse_all(ignore)?,
        })
    }

    pub fn is_enabled(&self, check: &Check) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| s.matches(check));
        selected && !self.ignore.iter().any(|s| s.matches(check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{duplicate_rule, promql_syntax};

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
}
