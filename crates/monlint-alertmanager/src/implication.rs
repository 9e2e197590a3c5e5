//! Proofs over conjunctions of label matchers: whether every alert a set of matchers
//! accepts is also accepted by another matcher, and whether a set accepts nothing.
//!
//! Sound, not complete: `true` is a proof; `false` means "not proven". Exact whenever a
//! label's value is pinned to a finite set (`=`, or a regex that is a plain alternation
//! of literals such as `critical|warning`); otherwise only syntactic identity and
//! exclusions of specific values are used. A missing label has the value "".

use crate::matcher::{MatchOp, Matcher};

/// The literal strings a regex alternation such as `^(?:a|b\.c)$` accepts, when the
/// pattern is nothing more than that.
pub fn literal_alternatives(pattern: &str) -> Option<Vec<String>> {
    let mut inner = pattern;
    loop {
        let stripped = inner
            .strip_prefix("^(?:")
            .and_then(|rest| rest.strip_suffix(")$"))
            .or_else(|| {
                inner
                    .strip_prefix('^')
                    .and_then(|rest| rest.strip_suffix('$'))
            })
            .or_else(|| {
                inner
                    .strip_prefix("(?:")
                    .and_then(|rest| rest.strip_suffix(')'))
            })
            .or_else(|| {
                inner
                    .strip_prefix('(')
                    .and_then(|rest| rest.strip_suffix(')'))
            });
        match stripped {
            Some(rest) if balanced(rest) => inner = rest,
            _ => break,
        }
    }
    let mut literals = Vec::new();
    let mut current = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '|' => literals.push(std::mem::take(&mut current)),
            '\\' => {
                let escaped = chars.next()?;
                if escaped.is_ascii_alphanumeric() {
                    // `\d`, `\b` and the like are classes or assertions, not literals.
                    return None;
                }
                current.push(escaped);
            }
            '.' | '[' | ']' | '(' | ')' | '*' | '+' | '?' | '{' | '}' | '^' | '$' => return None,
            other => current.push(other),
        }
    }
    literals.push(current);
    Some(literals)
}

/// Whether the parentheses of a pattern fragment pair up (so stripping an outer pair
/// removed one group, not the ends of two).
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// The finite set of values a single matcher accepts, when it is finite and known.
fn finite_values(matcher: &Matcher) -> Option<Vec<String>> {
    match matcher.op {
        MatchOp::Equal => Some(vec![matcher.value.clone()]),
        MatchOp::Regex => literal_alternatives(&matcher.value),
        _ => None,
    }
}

/// Whether a regex pattern accepts every string.
fn pattern_matches_everything(pattern: &str) -> bool {
    let mut inner = pattern;
    while let Some(rest) = inner
        .strip_prefix("^(?:")
        .and_then(|r| r.strip_suffix(")$"))
    {
        inner = rest;
    }
    // `.` does not match a newline in Go without the `s` flag.
    matches!(inner, "(?s).*" | "(?s:.*)")
}

/// Whether a matcher accepts every string.
pub fn matches_everything(matcher: &Matcher) -> bool {
    matcher.op == MatchOp::Regex && pattern_matches_everything(&matcher.value)
}

/// Whether a matcher accepts no string at all, not even a missing label's "".
pub fn matches_nothing(matcher: &Matcher) -> bool {
    matcher.op == MatchOp::NotRegex && pattern_matches_everything(&matcher.value)
}

/// The values of one label that every matcher of `on_label` accepts, when that set is
/// finite; `None` when it is not known to be finite.
fn candidates(on_label: &[&Matcher]) -> Option<Vec<String>> {
    let mut set: Option<Vec<String>> = None;
    for matcher in on_label {
        if let Some(values) = finite_values(matcher) {
            set = Some(match set {
                None => values,
                Some(previous) => previous
                    .into_iter()
                    .filter(|v| values.contains(v))
                    .collect(),
            });
        }
    }
    set.map(|values| {
        values
            .into_iter()
            .filter(|value| on_label.iter().all(|m| m.matches(value)))
            .collect()
    })
}

fn on_label<'a>(premise: &[&'a Matcher], name: &str) -> Vec<&'a Matcher> {
    premise.iter().copied().filter(|m| m.name == name).collect()
}

/// Whether every label set that `premise` accepts is accepted by `conclusion`.
pub fn implies(premise: &[&Matcher], conclusion: &Matcher) -> bool {
    if matches_everything(conclusion) {
        return true;
    }
    let same_label = on_label(premise, &conclusion.name);
    if let Some(values) = candidates(&same_label) {
        return values.iter().all(|value| conclusion.matches(value));
    }
    if same_label.contains(&conclusion) {
        return true;
    }
    match conclusion.op {
        MatchOp::Equal | MatchOp::Regex => false,
        MatchOp::NotEqual => same_label.iter().any(|m| !m.matches(&conclusion.value)),
        MatchOp::NotRegex => literal_alternatives(&conclusion.value).is_some_and(|excluded| {
            excluded
                .iter()
                .all(|value| same_label.iter().any(|m| !m.matches(value)))
        }),
    }
}

/// Whether `premise` implies every matcher of `conclusions`.
pub fn implies_all(premise: &[&Matcher], conclusions: &[&Matcher]) -> bool {
    conclusions.iter().all(|c| implies(premise, c))
}

/// Whether no label set satisfies all of `matchers` (proven), with the label that
/// cannot be satisfied.
pub fn unsatisfiable_label<'a>(matchers: &[&'a Matcher]) -> Option<&'a str> {
    for matcher in matchers {
        if matches_nothing(matcher) {
            return Some(&matcher.name);
        }
        let same_label = on_label(matchers, &matcher.name);
        if candidates(&same_label).is_some_and(|values| values.is_empty()) {
            return Some(&matcher.name);
        }
        let negated = match matcher.op {
            MatchOp::Equal => MatchOp::NotEqual,
            MatchOp::NotEqual => MatchOp::Equal,
            MatchOp::Regex => MatchOp::NotRegex,
            MatchOp::NotRegex => MatchOp::Regex,
        };
        if same_label
            .iter()
            .any(|m| m.op == negated && m.value == matcher.value)
        {
            return Some(&matcher.name);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Matcher {
        crate::matcher::parse_classic_matcher(text).unwrap()
    }

    #[test]
    fn literal_alternations() {
        assert_eq!(literal_alternatives("a|b").unwrap(), ["a", "b"]);
        assert_eq!(
            literal_alternatives("^(?:^(foo1|foo2|baz)$)$").unwrap(),
            ["foo1", "foo2", "baz"]
        );
        assert_eq!(literal_alternatives(r"a\.b").unwrap(), ["a.b"]);
        assert!(literal_alternatives("a.*").is_none());
        assert!(literal_alternatives(r"\d").is_none());
        assert!(literal_alternatives("(a)|(b)").is_none());
    }

    #[test]
    fn proofs_with_finite_values_are_exact() {
        let critical = m(r#"severity="critical""#);
        assert!(implies(&[&critical], &m(r#"severity=~"critical|warning""#)));
        assert!(!implies(
            &[&m(r#"severity=~"critical|warning""#)],
            &critical
        ));
        assert!(implies(&[&critical], &m(r#"severity!="info""#)));
        assert!(implies(
            &[&m(r#"severity=~"critical|warning""#)],
            &m(r#"severity!~"info|debug""#)
        ));
        assert!(!implies(&[&critical], &m(r#"team="db""#)));
    }

    #[test]
    fn open_sets_need_identity_or_exclusion() {
        let crit = m(r#"severity=~"crit.*""#);
        assert!(implies(&[&crit], &crit.clone()));
        assert!(!implies(&[&crit], &m(r#"severity=~"c.*""#)));
        assert!(implies(&[&crit], &m(r#"severity!="warning""#)));
        assert!(!implies(
            &[&m(r#"severity!="info""#)],
            &m(r#"severity!="warning""#)
        ));
        assert!(implies(&[], &m(r#"severity=~"(?s).*""#)));
        assert!(!implies(&[], &m(r#"severity=~".*""#)));
    }

    #[test]
    fn contradictions() {
        let a = m(r#"severity="critical""#);
        let b = m(r#"severity="warning""#);
        assert_eq!(unsatisfiable_label(&[&a, &b]), Some("severity"));
        let c = m(r#"team=~"db.*""#);
        let d = m(r#"team!~"db.*""#);
        assert_eq!(unsatisfiable_label(&[&c, &d]), Some("team"));
        assert_eq!(unsatisfiable_label(&[&a, &c]), None);
        let nothing = m(r#"team!~"(?s).*""#);
        assert_eq!(unsatisfiable_label(&[&nothing]), Some("team"));
        // Without the `s` flag a value holding a newline still gets through.
        assert_eq!(unsatisfiable_label(&[&m(r#"team!~".*""#)]), None);
    }
}
