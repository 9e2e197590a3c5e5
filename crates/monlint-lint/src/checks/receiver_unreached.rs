//! Receivers that no alerting rule of the run can reach.

use monlint_alertmanager::routing::options_at;
use monlint_core::{Category, Check, Diagnostic, Severity};

use super::WorkspaceContext;
use crate::alertmanager::{alert_views, configs, feeds_on_run, possible_routes};

pub static CHECK: Check = Check {
    code: "L204",
    name: "receiver-unreached",
    category: Category::Labels,
    default_severity: Severity::Info,
    enabled_by_default: true,
    summary: "A receiver that no alerting rule of the run can reach through the route tree.",
    doc: r#"## What it does
Sends every alerting rule of the run through the route tree (as `alert-reaches-only-default`
does, with unknown labels free to match) and reports receivers named by child routes that no rule
can end at. The root route's receiver, the catch-all, is not judged, nor is a
configuration whose alert-name matchers name only alerts the run does not define (its
rules live elsewhere).

## Why is this bad?
Either the routes expect labels the rules do not set (a team, a service), or the receiver
serves alerts from elsewhere. In the first case the people behind the receiver are never
notified.

## Example
```yaml
routes:
  - matchers: [team="storage"]   # no rule sets team="storage"
    receiver: storage-pager
```

## Use instead
Set `team: storage` on the storage team's rules, or remove the route and its receiver.
"#,
};

pub fn check(ctx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    // Parsing every alert's query is wasted on a run without Alertmanager files.
    if ctx.files.iter().all(|f| f.alertmanager.is_none()) {
        return;
    }
    let alerts = alert_views(ctx);
    if alerts.is_empty() {
        return;
    }
    for (file, config, root) in configs(ctx) {
        if feeds_on_run(config, &alerts) == Some(false) {
            continue;
        }
        let mut reached: Vec<String> = Vec::new();
        for alert in &alerts {
            for path in possible_routes(root, alert) {
                let receiver = options_at(root, &path).receiver;
                if !reached.contains(&receiver) {
                    reached.push(receiver);
                }
            }
        }
        // The root's receiver is the catch-all for alerts from anywhere; it is not judged.
        let mut used: Vec<&str> = Vec::new();
        root.walk(&mut |route, path| {
            if let Some(receiver) = route.receiver.as_ref().filter(|_| !path.is_empty()) {
                used.push(&receiver.value);
            }
        });
        if let Some(default) = &root.receiver {
            used.retain(|name| *name != default.value);
        }
        for receiver in &config.receivers {
            let name = receiver.name.value.as_str();
            if used.contains(&name) && !reached.iter().any(|r| r == name) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        file,
                        receiver.name.span,
                        format!("no alerting rule of the run can reach receiver {name:?}"),
                    )
                    .with_help("check the labels its routes match on against the rules' labels"),
                );
            }
        }
    }
}
