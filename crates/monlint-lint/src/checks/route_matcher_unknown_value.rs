//! Route and inhibit matchers on alert names or label values that no rule produces.

use monlint_alertmanager::implication::literal_alternatives;
use monlint_alertmanager::matcher::MatchOp;
use monlint_alertmanager::model::SpannedMatcher;
use monlint_core::{Category, Check, Diagnostic, FileId, Severity};

use super::WorkspaceContext;
use crate::alertmanager::{AlertView, LabelKnowledge, alert_views, feeds_on_run};
use crate::suggest::closest;

pub static CHECK: Check = Check {
    code: "L202",
    name: "route-matcher-unknown-value",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A route or inhibit matcher expects an alert name or label value that no alerting rule of the run produces.",
    doc: r#"## What it does
Collects the alert names of every alerting rule of the run, and for each label the values
the rules give it. Reports `=` matchers (and regexes that are alternations of literals) of
routes and inhibit rules on `alertname`, or on a label every alert sets to a fixed value,
when a value they expect is produced by no rule. Suggests the closest produced value.
Labels some alert takes from its series are not judged: their values are unknown. A
configuration whose alert-name matchers name only alerts the run does not define is fed by
rules outside the run (`Watchdog` from a chart): it is not judged.

## Why is this bad?
A misspelt name or value (`HostDown` for `HostIsDown`, `critcal`) silently disables the
route or inhibition: alerts go elsewhere, or are not muted.

## Example
```yaml
routes:
  - matchers: [alertname="HostDown"]   # the rule is called HostIsDown
    receiver: infra
```

## Use instead
```yaml
routes:
  - matchers: [alertname="HostIsDown"]
    receiver: infra
```
"#,
};

/// The values every alert gives `label`, when all of them fix it.
fn produced_values(alerts: &[AlertView], label: &str) -> Option<Vec<String>> {
    let mut values = Vec::new();
    for alert in alerts {
        match alert.label(label) {
            LabelKnowledge::Value(value) => values.push(value),
            LabelKnowledge::Absent => values.push(String::new()),
            LabelKnowledge::Present | LabelKnowledge::Unknown => return None,
        }
    }
    Some(values)
}

fn judge(file: FileId, matcher: &SpannedMatcher, alerts: &[AlertView], out: &mut Vec<Diagnostic>) {
    let m = &matcher.matcher;
    let expected = match m.op {
        MatchOp::Equal => vec![m.value.clone()],
        MatchOp::Regex => match literal_alternatives(&m.value) {
            Some(values) => values,
            None => return,
        },
        _ => return,
    };
    let Some(produced) = produced_values(alerts, &m.name) else {
        return;
    };
    for value in expected {
        if value.is_empty() || produced.contains(&value) {
            continue;
        }
        let what = if m.name == "alertname" {
            format!("no alerting rule is named {value:?}")
        } else {
            format!("no alerting rule sets {}={value:?}", m.name)
        };
        let mut diagnostic = Diagnostic::new(&CHECK, file, matcher.span, what);
        let candidates = produced
            .iter()
            .filter(|v| !v.is_empty())
            .map(String::as_str);
        if let Some(suggestion) = closest(&value, candidates) {
            diagnostic = diagnostic.with_help(format!("did you mean {suggestion:?}?"));
        }
        out.push(diagnostic);
    }
}

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    // Parsing every alert's query is wasted on a run without Alertmanager files.
    if ctx.files.iter().all(|f| f.alertmanager.is_none()) {
        return;
    }
    let alerts = alert_views(ctx);
    if alerts.is_empty() {
        return;
    }
    for facts in &ctx.files {
        let Some(config) = &facts.alertmanager else {
            continue;
        };
        if feeds_on_run(config, &alerts) == Some(false) {
            continue;
        }
        if let Some(root) = &config.route {
            root.walk(&mut |route, _| {
                for matcher in &route.matchers {
                    judge(facts.file, matcher, &alerts, out);
                }
            });
        }
        for rule in &config.inhibit_rules {
            for matcher in rule.source.iter().chain(&rule.target) {
                judge(facts.file, matcher, &alerts, out);
            }
        }
    }
}
