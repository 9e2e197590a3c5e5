//! Alerts that no child route of an Alertmanager configuration can take.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::WorkspaceContext;
use crate::alertmanager::{LabelKnowledge, alert_views, configs, possible_routes};

pub static CHECK: Check = Check {
    code: "L201",
    name: "alert-reaches-only-default",
    category: Category::Labels,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert whose labels match no child route of the Alertmanager configuration, so it only reaches the default receiver.",
    doc: r#"## What it does
Sends every alerting rule of the run through the route tree of every Alertmanager
configuration of the run, with what is known of its labels before it fires: its static
labels and `alertname` are known; labels its query provably drops are absent; everything
else (labels from the series, external labels) is unknown and may match. Reports an alert
that provably matches none of the root's child routes, naming the matcher that rejects it
(often a `severity` no route expects).

## Why is this bad?
The alert ends at the root route's catch-all receiver, usually a low-attention channel,
instead of the team or pager its author meant. Typical causes: a severity spelt
differently from the routes (`crit` vs `critical`), a missing `team` label.

## Example
```yaml
# rules
- alert: DiskFull
  expr: node_filesystem_avail_bytes == 0
  labels: {severity: crit}
# alertmanager.yml
route:
  receiver: default
  routes:
    - matchers: [severity="critical"]
      receiver: pager
```

## Use instead
```yaml
- alert: DiskFull
  expr: node_filesystem_avail_bytes == 0
  labels: {severity: critical}
```
"#,
};

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    let configs = configs(ctx);
    if configs.is_empty() {
        return;
    }
    for alert in alert_views(ctx) {
        for (file, _, root) in &configs {
            if root.routes.is_empty() {
                continue;
            }
            let reached = possible_routes(root, &alert);
            if reached.iter().any(|path| !path.is_empty()) {
                continue;
            }
            let default = root.receiver.as_ref().map_or("", |r| r.value.as_str());
            // Name a label the routes test that the alert carries with a value none accepts.
            let culprit = root.routes.iter().flat_map(|r| &r.matchers).find_map(|m| {
                match alert.label(&m.matcher.name) {
                    LabelKnowledge::Value(value) => Some((m.matcher.name.clone(), value)),
                    _ => None,
                }
            });
            let why = match &culprit {
                Some((name, value)) if !value.is_empty() => {
                    format!("; no route accepts {name}={value:?}")
                }
                Some((name, _)) => {
                    format!("; the routes expect a `{name}` label it does not carry")
                }
                None => String::new(),
            };
            let label_span = culprit
                .as_ref()
                .and_then(|(name, _)| alert.alert.labels.iter().find(|l| &l.name == name))
                .map_or(alert.alert.name_span, |l| l.span);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    alert.file,
                    label_span,
                    format!(
                        "alert {:?} matches no child route and only reaches the default receiver {default:?}{why}",
                        alert.alert.name
                    ),
                )
                .with_secondary(*file, root.receiver.as_ref().map_or(root.span, |r| r.span), "the default receiver")
                .with_help("give the alert the labels its route matches on, or add a route for it"),
            );
        }
    }
}
