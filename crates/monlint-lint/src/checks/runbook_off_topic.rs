//! A runbook in the repository that never mentions the alert linking to it.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;

pub static CHECK: Check = Check {
    code: "R102",
    name: "runbook-off-topic",
    category: Category::Runbooks,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A runbook in the repository does not mention the alert that links to it.",
    doc: r#"## What it does
Follows an alert's relative (or `file://`) `runbook_url` to a Markdown file of the
repository and reports the alert when the linked section (the heading named by the
`#anchor` and everything under it) or, without an anchor, the whole document never
mentions the alert's name. Case, spaces and punctuation are ignored, so `ApiDown`
is found in "API down" and "api-down".

Links to other sites, templated links and links that lead nowhere (`runbook-url`
reports those) are not judged.

## Why is this bad?
A responder paged at night opens the runbook and finds a page about something else:
the link was copied from another alert, or the runbook was reorganised and the
anchor now points at a neighbouring section.

## Example
```yaml
- alert: ApiDown
  annotations:
    runbook_url: runbooks/api.md#apislow
```

## Use instead
```yaml
- alert: ApiDown
  annotations:
    runbook_url: runbooks/api.md#apidown
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let Some(pair) = find(&rule.annotations, "runbook_url") else {
            continue;
        };
        let url = pair.value.text().trim();
        let is_local = url.starts_with("file://") || !url.contains(':');
        let name = rule.name();
        if !is_local || url.contains("{{") || name.is_empty() {
            continue;
        }
        if ctx.documents.mentions(&ctx.source.path, url, name) != Some(false) {
            continue;
        }
        let place = if url.contains('#') {
            "the linked section"
        } else {
            "the linked document"
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                pair.value.node.span,
                format!("{place} `{url}` never mentions {name:?}: is it the runbook for this alert?"),
            )
            .with_help(format!(
                "link the section about {name:?}, or name the alert in its runbook so responders know they are in the right place"
            )),
        );
    }
}
