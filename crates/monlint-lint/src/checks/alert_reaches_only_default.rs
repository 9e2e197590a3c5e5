//! Alerts that no child route of an Alertmanager configuration can take.

use monlint_alertmanager::Config;
use monlint_alertmanager::model::Route;
use monlint_core::{Category, Check, Diagnostic, FileId, Severity, Span};

use super::WorkspaceContext;
use crate::alertmanager::{
    AlertView, LabelKnowledge, alert_views, configs, feeds_on_run, possible_routes,
};

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
(often a `severity` no route expects). Alerts that stray for the same reason are reported
together, once per configuration, with their count and the first names.

When the root's receiver has an integration it is a deliberate catch-all: the alerts are
still notified, and the finding is information. When it has none, the alerts notify
nobody: a warning.

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

/// What sends a group of alerts to the default receiver: a label the child routes test
/// that the alerts set to a value none accepts (or lack), with the first matcher on it.
#[derive(PartialEq, Eq)]
struct Cause {
    label: String,
    value: String,
    matcher: Span,
}

/// Alerts of one run that only reach one configuration's default receiver, for one cause.
struct Stray<'a> {
    config: FileId,
    cause: Option<Cause>,
    alerts: Vec<&'a AlertView<'a>>,
}

/// How many alert names a finding lists before it counts the rest.
const NAMES_SHOWN: usize = 3;

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    let configs = configs(ctx);
    if configs.is_empty() {
        return;
    }
    let alerts = alert_views(ctx);
    for (file, config, root) in &configs {
        // Without a root receiver (operator resources merged without their base
        // configuration) the default is unknown; with rules from elsewhere, nothing here
        // can be judged.
        if root.routes.is_empty()
            || root.receiver.is_none()
            || feeds_on_run(config, &alerts) == Some(false)
        {
            continue;
        }
        let mut strays: Vec<Stray> = Vec::new();
        for alert in &alerts {
            let reached = possible_routes(root, alert);
            if reached.iter().any(|path| !path.is_empty()) {
                continue;
            }
            // A label the routes test that the alert carries with a value none accepts.
            let cause = root.routes.iter().flat_map(|r| &r.matchers).find_map(|m| {
                match alert.label(&m.matcher.name) {
                    LabelKnowledge::Value(value) => Some(Cause {
                        label: m.matcher.name.clone(),
                        value,
                        matcher: m.span,
                    }),
                    _ => None,
                }
            });
            match strays.iter_mut().find(|s| s.cause == cause) {
                Some(stray) => stray.alerts.push(alert),
                None => strays.push(Stray {
                    config: *file,
                    cause,
                    alerts: vec![alert],
                }),
            }
        }
        let default = root.receiver.as_ref();
        let name = default.map_or("", |r| r.value.as_str());
        let catch_all = notifies(config, name);
        for stray in strays {
            out.push(finding(&stray, root, name, catch_all));
        }
    }
}

/// Whether the default receiver notifies someone: then it is a deliberate catch-all, and
/// alerts that reach only it are still seen.
fn notifies(config: &Config, receiver: &str) -> bool {
    config
        .receivers
        .iter()
        .any(|r| r.name.value == receiver && !r.integrations.is_empty())
}

fn finding(stray: &Stray, root: &Route, default: &str, catch_all: bool) -> Diagnostic {
    let first = stray.alerts[0];
    let count = stray.alerts.len();
    let mut names: Vec<&str> = stray
        .alerts
        .iter()
        .take(NAMES_SHOWN)
        .map(|a| a.alert.name.as_str())
        .collect();
    names.dedup();
    let mut listed = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if count > NAMES_SHOWN {
        listed.push_str(&format!(" and {} more", count - NAMES_SHOWN));
    }
    let who = if count == 1 {
        format!("alert {listed} matches")
    } else {
        format!("{count} alerts ({listed}) match")
    };
    let why = match &stray.cause {
        Some(cause) if !cause.value.is_empty() => {
            format!("; no route accepts {}={:?}", cause.label, cause.value)
        }
        Some(cause) => format!(
            "; the routes expect a `{}` label they do not carry",
            cause.label
        ),
        None => String::new(),
    };
    let (reach, end) = if count == 1 {
        ("reaches", "ends")
    } else {
        ("reach", "end")
    };
    let outcome = if catch_all {
        format!("only {reach} the catch-all receiver {default:?}")
    } else {
        format!("{end} at the default receiver {default:?}, which notifies nobody")
    };
    let label_span = stray
        .cause
        .as_ref()
        .and_then(|cause| first.alert.labels.iter().find(|l| l.name == cause.label))
        .map_or(first.alert.name_span, |l| l.span);
    let mut diagnostic = Diagnostic::new(
        &CHECK,
        first.file,
        label_span,
        format!("{who} no child route and {outcome}{why}"),
    )
    .with_secondary(
        stray.config,
        root.receiver.as_ref().map_or(root.span, |r| r.span),
        "the default receiver",
    );
    if let Some(cause) = &stray.cause {
        diagnostic =
            diagnostic.with_secondary(stray.config, cause.matcher, "the matcher that decides");
    }
    if catch_all {
        // The alerts are still notified, through the catch-all: worth knowing, not a fault.
        diagnostic.severity = Severity::Info;
    }
    diagnostic
        .with_help("give the alerts the labels their route matches on, or add a route for them")
}
