//! Two inhibit rules that mute each other's sources.

use monlint_alertmanager::implication::implies_all;
use monlint_alertmanager::matcher::Matcher;
use monlint_alertmanager::model::InhibitRule;
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C209",
    name: "circular-inhibition",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "Two inhibit rules where each one's targets include the other's sources.",
    doc: r#"## What it does
Reports a pair of inhibit rules in which every source alert of each rule is also a target
of the other (proven over the matcher sets), so the two kinds of alerts mute each other.

## Why is this bad?
When both fire, both are muted, and nobody is notified of either.

## Example
```yaml
inhibit_rules:
  - source_matchers: [alertname="NodeDown"]
    target_matchers: [alertname="NodeUnreachable"]
    equal: [instance]
  - source_matchers: [alertname="NodeUnreachable"]
    target_matchers: [alertname="NodeDown"]
    equal: [instance]
```

## Use instead
Decide which alert is the cause and keep only the rule where it is the source.
"#,
};

fn side(matchers: &[monlint_alertmanager::model::SpannedMatcher]) -> Vec<&Matcher> {
    matchers.iter().map(|m| &m.matcher).collect()
}

/// Whether every source alert of `a` is a target of `b`.
fn mutes_sources_of(a: &InhibitRule, b: &InhibitRule) -> bool {
    !a.source.is_empty() && !b.target.is_empty() && implies_all(&side(&a.source), &side(&b.target))
}

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let rules = &ctx.config.inhibit_rules;
    for (i, first) in rules.iter().enumerate() {
        for second in &rules[i + 1..] {
            if mutes_sources_of(first, second) && mutes_sources_of(second, first) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        ctx.source.first_line(second.span),
                        "this inhibit rule and an earlier one mute each other's source alerts",
                    )
                    .with_secondary(
                        ctx.file,
                        ctx.source.first_line(first.span),
                        "the other rule",
                    )
                    .with_help("keep only the rule whose source is the cause"),
                );
            }
        }
    }
}
