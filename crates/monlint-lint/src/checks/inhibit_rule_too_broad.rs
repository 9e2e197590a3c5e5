//! Inhibit rules with an empty side, or whose two sides match the same alerts.

use monlint_alertmanager::implication::implies_all;
use monlint_alertmanager::matcher::Matcher;
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C208",
    name: "inhibit-rule-too-broad",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An inhibit rule whose source or target side has no matchers, or whose two sides match the same alerts.",
    doc: r#"## What it does
Reports an inhibit rule whose source or target side has no matchers (it then matches every
alert), and one whose source and target matchers provably match the same alerts.

## Why is this bad?
An empty target side mutes every alert whenever a source alert fires, including the
alerts that would tell you what is wrong. When both sides match the same alerts, the rule
does nothing: Alertmanager never lets an alert that matches both sides mute another one
that does.

## Example
```yaml
inhibit_rules:
  - source_matchers: [alertname="ClusterDown"]
    equal: [cluster]
```

## Use instead
```yaml
inhibit_rules:
  - source_matchers: [alertname="ClusterDown"]
    target_matchers: [severity=~"warning|info"]
    equal: [cluster]
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    for rule in &ctx.config.inhibit_rules {
        let head = ctx.source.first_line(rule.span);
        let source: Vec<&Matcher> = rule.source.iter().map(|m| &m.matcher).collect();
        let target: Vec<&Matcher> = rule.target.iter().map(|m| &m.matcher).collect();
        if target.is_empty() {
            out.push(
                Diagnostic::new(&CHECK, ctx.file, head, "this inhibit rule has no target matchers: a firing source alert mutes every alert")
                    .with_help("add `target_matchers` naming the alerts to mute"),
            );
        } else if source.is_empty() {
            out.push(
                Diagnostic::new(&CHECK, ctx.file, head, "this inhibit rule has no source matchers: any firing alert mutes the target alerts")
                    .with_help("add `source_matchers` naming the alerts that mute the others"),
            );
        } else if implies_all(&source, &target) && implies_all(&target, &source) {
            out.push(
                Diagnostic::new(&CHECK, ctx.file, head, "source and target of this inhibit rule match the same alerts, so it never mutes anything")
                    .with_help("the source should name the more important alert, the target the ones it makes redundant"),
            );
        }
    }
}
