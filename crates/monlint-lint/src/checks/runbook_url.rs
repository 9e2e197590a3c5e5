//! Alerts link a runbook, and the link is a real one.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;
use crate::documents::Resolution;

pub static CHECK: Check = Check {
    code: "R100",
    name: "runbook-url",
    category: Category::Runbooks,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "An alert lacks a runbook link (`runbook_url`), or the URL is malformed or a placeholder.",
    doc: r#"## What it does
Checks the runbook link of alerts, the first annotation of the policy's `runbook-keys`
that the alert has (by default `runbook_url`, `runbook`, `runbook_link`, `playbook`,
`playbook_url`, `sop`, `sop_url`, `documentation`):
- present on alerts whose `severity` the policy requires runbooks for (`critical` and
  `warning` by default);
- an absolute `http`/`https` URL has a host and no spaces;
- no placeholder: `example.com`, `TODO`, `CHANGEME`, `FIXME`, `TBD`, `<...>`.

- a relative link or `file://` URL leads to a file of the repository, and its `#anchor` to
  a heading of that Markdown file (links leading outside the checked repository are not
  judged).
Template actions (`{{ $labels.job }}`) are taken as filled in; a templated relative link is
not resolved. Under a key other than `runbook_url`, a value that is not an absolute URL
(written instructions, a wiki page title) is taken as the runbook and not judged.

## Why is this bad?
The runbook is what turns a page into a fix. A missing or placeholder link leaves the
responder searching a wiki at 3 a.m.

## Example
```yaml
annotations:
  runbook_url: https://example.com/TODO
```

## Use instead
```yaml
annotations:
  runbook_url: https://runbooks.internal.example.org/api#apidown
```
"#,
};

const PLACEHOLDERS: &[&str] = &[
    "example.com",
    "example.net",
    "todo",
    "changeme",
    "change-me",
    "fixme",
    "tbd",
    "xxx",
];

/// The URL with template actions replaced by a plain word.
fn without_templates(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        out.push_str("value");
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

fn problem(url: &str) -> Option<String> {
    let url = without_templates(url.trim());
    let lower = url.to_ascii_lowercase();
    if let Some(placeholder) = PLACEHOLDERS.iter().find(|p| contains_word(&lower, p)) {
        return Some(format!("looks like a placeholder ({placeholder:?})"));
    }
    if let Some(open) = url.find('<')
        && url[open..].contains('>')
    {
        return Some("contains a `<...>` placeholder".to_owned());
    }
    if url.contains(char::is_whitespace) {
        return Some("contains whitespace".to_owned());
    }
    for scheme in ["http://", "https://"] {
        if let Some(rest) = lower.strip_prefix(scheme) {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if host.is_empty() || host.starts_with(':') {
                return Some("has no host".to_owned());
            }
        }
    }
    None
}

/// A relative or `file://` link that leads nowhere in the repository.
fn broken_link(ctx: &RuleContext, url: &str) -> Option<String> {
    let url = url.trim();
    let is_relative = !url.contains("://") && !url.contains(':');
    if url.contains("{{") || !(is_relative || url.starts_with("file://")) {
        return None;
    }
    match ctx.documents.resolve(&ctx.source.path, url) {
        Resolution::Unknown | Resolution::Found => None,
        Resolution::MissingFile(_) => {
            let written = url.split('#').next().unwrap_or(url);
            Some(format!(
                "leads to `{written}`, which is not a file of the repository"
            ))
        }
        Resolution::MissingAnchor(anchor) => Some(format!(
            "leads to a heading `#{anchor}` its document does not have"
        )),
    }
}

/// Whether `word` occurs in `text` not as part of a longer word (`todo` but not `todos-api`).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Whether a value is written as an absolute URL.
fn is_absolute_url(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    ["http://", "https://", "file://"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (group, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let link = ctx
            .policy
            .runbook_keys
            .iter()
            .find_map(|key| find(&rule.annotations, key));
        match link {
            Some(pair) => {
                let text = pair.value.text();
                if pair.key.value != "runbook_url" && !is_absolute_url(text) {
                    continue;
                }
                let problem = problem(text).or_else(|| broken_link(ctx, text));
                if let Some(problem) = problem {
                    out.push(
                        Diagnostic::new(
                            &CHECK,
                            ctx.rules.file,
                            pair.value.node.span,
                            format!("the runbook URL of {:?} {problem}", rule.name()),
                        )
                        .with_help("link the page that tells the responder what to do"),
                    );
                }
            }
            None => {
                let severity = find(&rule.labels, "severity")
                    .or_else(|| find(&group.labels, "severity"))
                    .map(|pair| pair.value.text());
                let Some(severity) = severity.filter(|s| {
                    ctx.policy
                        .runbook_required_for
                        .iter()
                        .any(|required| required == s)
                }) else {
                    continue;
                };
                let key = ctx
                    .policy
                    .runbook_keys
                    .first()
                    .map_or("runbook_url", String::as_str);
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        rule.name_span(),
                        format!(
                            "{severity} alert {:?} has no `{key}` annotation",
                            rule.name()
                        ),
                    )
                    .with_help(format!(
                        "add `{key}:` under `annotations:` with the link to its runbook"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_malformed_urls_are_problems() {
        assert!(problem("https://example.com/runbook").is_some());
        assert!(problem("https://wiki/TODO").is_some());
        assert!(problem("https://<wiki>/api").is_some());
        assert!(problem("https:///api").is_some());
        assert!(problem("https://wiki.internal/run book").is_some());
        assert!(problem("https://wiki.internal/todos-api#down").is_none());
        assert!(problem("https://wiki.internal/{{ $labels.job }}#down").is_none());
        assert!(problem("runbooks/app.md#apidown").is_none());
    }
}
