//! promtool's `--lint duplicate-rules`: two rules with the same name and labels.

use std::collections::{BTreeMap, HashMap};

use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "C100",
    name: "duplicate-rule",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "Two rules in one file have the same name and the same static labels.",
    doc: r#"## What it does
Reports a rule whose name (`record` or `alert`) and static labels (with its group's labels)
equal an earlier rule's in
the same file, across groups. This is promtool's `duplicate-rules` lint.

## Why is this bad?
Two recording rules writing the same series make samples collide ("duplicate sample for
timestamp") and the stored values flip between the two expressions. Two identical alerts
page twice or hide each other's state.

## Example
```yaml
- record: job:requests:rate5m
  expr: sum by (job) (rate(requests_total[5m]))
- record: job:requests:rate5m
  expr: sum by (job) (rate(requests_total[1m]))
```

## Use instead
Keep one rule, or tell them apart with a label or a different name.
"#,
};

/// What makes two rules the same: the name, and the sorted labels.
type RuleIdentity<'a> = (&'a str, Vec<(&'a str, &'a str)>);

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let mut first_seen: HashMap<RuleIdentity, Span> = HashMap::new();
    for (group, _, rule) in ctx.rules() {
        if rule.name().is_empty() {
            continue;
        }
        // Group labels apply to every rule of the group; a rule's own label wins.
        let mut labels: BTreeMap<&str, &str> = BTreeMap::new();
        for pair in group.labels.iter().chain(&rule.labels) {
            labels.insert(pair.key.value.as_str(), pair.value.text());
        }
        let labels: Vec<(&str, &str)> = labels.into_iter().collect();
        let key = (rule.name(), labels);
        if let Some(first) = first_seen.get(&key) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    rule.name_span(),
                    format!(
                        "duplicate rule: {:?} with the same labels is defined earlier in this file",
                        rule.name()
                    ),
                )
                .with_secondary(ctx.rules.file, *first, "first defined here"),
            );
        } else {
            first_seen.insert(key, rule.name_span());
        }
    }
}
