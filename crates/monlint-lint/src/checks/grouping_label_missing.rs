//! `group_by` and inhibit `equal` labels that no alert carries.

use std::collections::BTreeSet;

use monlint_alertmanager::model::Spanned;
use monlint_core::{Category, Check, Diagnostic, FileId, Severity};

use super::WorkspaceContext;
use crate::alertmanager::{AlertView, LabelKnowledge, alert_views};

pub static CHECK: Check = Check {
    code: "L203",
    name: "grouping-label-missing",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A `group_by` or inhibit `equal` label that no alerting rule of the run carries.",
    doc: r#"## What it does
Reports labels in a route's `group_by` and an inhibit rule's `equal` that no alerting
rule of the run carries:
- a warning when it is proven: no rule sets it as a static label, and every rule's query
  removes it (aggregations with `by (...)` that do not keep it, `absent()`, ...);
- information when no rule of the run sets the label or even names it (in a matcher, a
  `by (...)` or `on (...)` clause, a `label_replace`, a `$labels.x` template): it can only
  come from the scraped series or from Prometheus' external labels, which monlint does
  not see.

A label that some rule names and a query may keep from its series is never reported.
External labels are added to alerts after the rules, so a label set only there (often
`cluster`) is reported too; suppress the finding or add it to the rules then.

## Why is this bad?
Grouping by a label nobody has puts every alert in one group (one notification for
unrelated problems). An `equal` label nobody has is "equal" (empty) on every pair of
alerts, so the inhibition applies across instances and clusters it was meant to separate.

## Example
```yaml
route:
  receiver: team
  group_by: [alertname, cluster, service]   # the rules set neither cluster nor service
```

## Use instead
```yaml
route:
  receiver: team
  group_by: [alertname, instance]
```
"#,
};

/// The run's rules, as the judgement of one label needs them.
struct Rules<'a> {
    alerts: Vec<AlertView<'a>>,
    /// Every label name some rule of the run writes.
    named: BTreeSet<&'a str>,
}

fn judge(
    file: FileId,
    label: &Spanned<String>,
    what: &str,
    rules: &Rules,
    out: &mut Vec<Diagnostic>,
) {
    let name = label.value.as_str();
    if name == "..." || name.is_empty() {
        return;
    }
    let knowledge: Vec<LabelKnowledge> =
        rules.alerts.iter().map(|alert| alert.label(name)).collect();
    if knowledge.iter().all(|k| *k == LabelKnowledge::Absent) {
        out.push(
            Diagnostic::new(
                &CHECK,
                file,
                label.span,
                format!("no alerting rule of the run carries `{name}`, used in {what}"),
            )
            .with_help("set the label in the rules (or keep it in their queries), or remove it here; external labels are not visible to monlint"),
        );
        return;
    }
    // Series may carry the label: only a run that never names it anywhere is doubtful.
    let set_by_a_rule = knowledge
        .iter()
        .any(|k| matches!(k, LabelKnowledge::Value(_) | LabelKnowledge::Present));
    if !set_by_a_rule && !rules.named.contains(name) {
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            file,
            label.span,
            format!(
                "no rule of the run sets or uses label `{name}`, used in {what}; it can only come from the series or external labels"
            ),
        )
        .with_primary_message("no rule names this label")
        .with_help("when neither the scraped series nor Prometheus' external labels carry it, every alert is grouped as if it were empty");
        diagnostic.severity = Severity::Info;
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
    let rules = Rules {
        alerts,
        named: ctx
            .files
            .iter()
            .flat_map(|f| f.label_names.iter().map(String::as_str))
            .collect(),
    };
    for facts in &ctx.files {
        let Some(config) = &facts.alertmanager else {
            continue;
        };
        if let Some(root) = &config.route {
            root.walk(&mut |route, _| {
                for label in route.group_by.iter().flat_map(|g| &g.value) {
                    judge(facts.file, label, "group_by", &rules, out);
                }
            });
        }
        for rule in &config.inhibit_rules {
            for label in &rule.equal {
                judge(
                    facts.file,
                    label,
                    "an inhibit rule's equal list",
                    &rules,
                    out,
                );
            }
        }
    }
}
