//! Runbook links that do not answer (only with `--check-links`).

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::find;
use crate::links::{LinkStatus, is_probeable};

pub static CHECK: Check = Check {
    code: "R101",
    name: "runbook-unreachable",
    category: Category::Runbooks,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A runbook URL does not answer, or answers with an error (only with `--check-links`).",
    doc: r#"## What it does
With `monlint check --check-links`, every absolute `http`/`https` runbook URL without
template actions is requested (`HEAD`, then `GET` when the server refuses `HEAD`), with a
timeout, a few at a time, and each URL once per run. A URL that cannot be reached, does not
answer in time, or answers with a 4xx or 5xx status is reported. Answers that were fine are
remembered for a day in monlint's cache folder (`$XDG_CACHE_HOME/monlint`, else
`~/.cache/monlint`). Without `--check-links` this check does nothing: monlint stays offline.

## Why is this bad?
A runbook link that leads to a 404 or a dead wiki is as useless at 3 a.m. as no link, and
nobody notices until it is needed.

## Example
```yaml
annotations:
  runbook_url: https://wiki.internal.example.org/old-space/ApiDown   # 404 since the wiki moved
```

## Use instead
```yaml
annotations:
  runbook_url: https://runbooks.internal.example.org/api#apidown
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    if ctx.links.is_empty() {
        return;
    }
    for (_, _, rule) in ctx.rules().filter(|(_, _, rule)| rule.is_alert()) {
        let Some(pair) = find(&rule.annotations, "runbook_url") else {
            continue;
        };
        let url = pair.value.text();
        if !is_probeable(url) {
            continue;
        }
        if let Some(LinkStatus::Broken(reason)) = ctx.links.get(url) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    pair.value.node.span,
                    format!("the runbook of {:?} is unreachable: {reason}", rule.name()),
                )
                .with_primary_message(reason.clone())
                .with_help("fix the link, or move the runbook where it can be reached"),
            );
        }
    }
}
