//! `group_by` and inhibit `equal` labels that no alert carries.

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
Reports labels in a route's `group_by` and an inhibit rule's `equal` that provably no
alerting rule of the run carries: none sets it as a static label, and every rule's query
removes it (aggregations with `by (...)` that do not keep it, `absent()`, ...). A label a
query may keep from its series is never reported. Prometheus' external labels are added
after the rules, so a label set there (often `cluster`) is reported too; suppress it or
add it to the rules when that is the case.

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

fn judge(
    file: FileId,
    label: &Spanned<String>,
    what: &str,
    alerts: &[AlertView],
    out: &mut Vec<Diagnostic>,
) {
    if label.value == "..." || label.value.is_empty() {
        return;
    }
    if alerts
        .iter()
        .all(|alert| alert.label(&label.value) == LabelKnowledge::Absent)
    {
        out.push(
            Diagnostic::new(
                &CHECK,
                file,
                label.span,
                format!("no alerting rule of the run carries `{}`, used in {what}", label.value),
            )
            .with_help("set the label in the rules (or keep it in their queries), or remove it here; external labels are not visible to monlint"),
        );
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
        if let Some(root) = &config.route {
            root.walk(&mut |route, _| {
                for label in route.group_by.iter().flat_map(|g| &g.value) {
                    judge(facts.file, label, "group_by", &alerts, out);
                }
            });
        }
        for rule in &config.inhibit_rules {
            for label in &rule.equal {
                judge(
                    facts.file,
                    label,
                    "an inhibit rule's equal list",
                    &alerts,
                    out,
                );
            }
        }
    }
}
