//! Labels and annotations a team forbade, or whose values do not have the form its
//! policy gives them.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::{find, shorten};
use crate::policy::NamePattern;
use crate::rules::model::{Group, KeyValue};

pub static CHECK: Check = Check {
    code: "L104",
    name: "label-policy",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A rule sets a label or annotation the policy forbids, or a value that does not match its pattern.",
    doc: r#"## What it does
Judges the labels of every alerting and recording rule (the group's `labels` included) and
the annotations of every alert against four keys of `policy` in `.monlint.yml`:
- `forbidden-labels`: labels no rule may set;
- `forbidden-annotations`: annotations no alert may set;
- `label-patterns`: for a label name, an RE2 expression its value must match as a whole;
- `annotation-patterns`: the same for annotation values.

A value holding a template (`{{ ... }}`) is only known when the alert fires, so a pattern
does not judge it. A group label is reported once, at the group, unless every rule of the
group sets its own. The check is silent without these keys; all four are unset by default.

```yaml
# .monlint.yml
policy:
  forbidden-labels: [instance_id]
  forbidden-annotations: [dashboard_legacy]
  label-patterns: {team: '[a-z][a-z-]*'}
  annotation-patterns: {runbook_url: 'https://runbooks\.example\.com/.+'}
```

## Why is this bad?
A forbidden label is usually one that breaks something downstream: a per-instance label
on an alert splits one incident into a page per instance, a label that a recording rule
adds creates series nobody expects. Values outside the agreed form (a team name in
capitals, a runbook on a retired wiki) are missed by the routes, silences and tools that
match on the agreed form.

## Example
```yaml
- alert: ApiDown
  expr: up{job="api"} == 0
  labels:
    team: Checkout
    instance_id: "{{ $labels.instance }}"
  annotations:
    runbook_url: https://wiki.example.com/ApiDown
```

## Use instead
```yaml
- alert: ApiDown
  expr: up{job="api"} == 0
  labels:
    team: checkout
  annotations:
    runbook_url: https://runbooks.example.com/api-down
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let policy = ctx.policy;
    let labels_judged = !policy.forbidden_labels.is_empty() || !policy.label_patterns.is_empty();
    let annotations_judged =
        !policy.forbidden_annotations.is_empty() || !policy.annotation_patterns.is_empty();
    if !labels_judged && !annotations_judged {
        return;
    }
    for group in &ctx.rules.groups {
        // A group label that every rule overrides reaches no rule.
        for pair in group.labels.iter().filter(|pair| inherited(group, pair)) {
            let whose = format!("of group {:?}", group.name());
            judge(ctx, pair, &whose, Kind::Label, out);
        }
        for rule in &group.rules {
            let whose = match (&rule.alert, &rule.record) {
                (Some(alert), _) => format!("of alert {:?}", alert.value),
                (None, Some(record)) => format!("of recording rule {:?}", record.value),
                (None, None) => continue,
            };
            for pair in &rule.labels {
                judge(ctx, pair, &whose, Kind::Label, out);
            }
            if rule.is_alert() {
                for pair in &rule.annotations {
                    judge(ctx, pair, &whose, Kind::Annotation, out);
                }
            }
        }
    }
}

/// Whether some rule of the group carries the group's label (sets no label of that name).
fn inherited(group: &Group, pair: &KeyValue) -> bool {
    group
        .rules
        .iter()
        .any(|rule| find(&rule.labels, &pair.key.value).is_none())
}

#[derive(Clone, Copy)]
enum Kind {
    Label,
    Annotation,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Label => "label",
            Kind::Annotation => "annotation",
        }
    }

    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Kind::Label => ("forbidden-labels", "label-patterns"),
            Kind::Annotation => ("forbidden-annotations", "annotation-patterns"),
        }
    }
}

fn judge(ctx: &RuleContext, pair: &KeyValue, whose: &str, kind: Kind, out: &mut Vec<Diagnostic>) {
    let policy = ctx.policy;
    let (forbidden, patterns) = match kind {
        Kind::Label => (&policy.forbidden_labels, &policy.label_patterns),
        Kind::Annotation => (&policy.forbidden_annotations, &policy.annotation_patterns),
    };
    let (forbidden_key, patterns_key) = kind.keys();
    let (what, name) = (kind.as_str(), &pair.key.value);
    if forbidden.contains(name) {
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                pair.key.span,
                format!("{what} `{name}` {whose} is forbidden by the policy's {forbidden_key}"),
            )
            .with_help(format!(
                "remove the `{name}` {what}, or take it out of `{forbidden_key}` in .monlint.yml"
            )),
        );
        return;
    }
    let Some(pattern) = pattern_of(patterns, name) else {
        return;
    };
    let value = pair.value.text();
    if value.contains("{{") || pattern.matches(value) {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            ctx.rules.file,
            pair.value.node.span,
            format!(
                "{what} `{name}: {}` {whose} does not match the policy's {patterns_key} `{}`",
                shorten(value),
                pattern.as_str()
            ),
        )
        .with_help(format!(
            "write a value that matches `{}` as a whole, or change `{name}` under `{patterns_key}` in .monlint.yml",
            pattern.as_str()
        )),
    );
}

fn pattern_of<'a>(patterns: &'a [(String, NamePattern)], name: &str) -> Option<&'a NamePattern> {
    patterns
        .iter()
        .find(|(label, _)| label == name)
        .map(|(_, pattern)| pattern)
}
