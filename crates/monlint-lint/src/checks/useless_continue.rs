//! `continue: true` where no later sibling can take the alert.

use monlint_alertmanager::implication::unsatisfiable_label;
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::{AlertmanagerContext, walk_routes};

pub static CHECK: Check = Check {
    code: "C203",
    name: "useless-continue",
    category: Category::Correctness,
    default_severity: Severity::Info,
    enabled_by_default: true,
    summary: "`continue: true` on a route that no later sibling can take an alert from (the last route, or siblings with contradicting matchers).",
    doc: r#"## What it does
Reports `continue: true` on a route when no later sibling can match an alert this route
matched: there is no later sibling, or each one's matchers provably contradict this route's
(a `severity="warning"` sibling after a `severity="critical"` route).

## Why is this bad?
It suggests the alert also goes somewhere else when it does not; a reader may rely on a
fan-out that never happens, or a route added later changes behaviour unexpectedly.

## Example
```yaml
routes:
  - matchers: [severity="warning"]
    receiver: chat
  - matchers: [severity="critical"]
    receiver: pager
    continue: true
```

## Use instead
```yaml
routes:
  - matchers: [severity="warning"]
    receiver: chat
  - matchers: [severity="critical"]
    receiver: pager
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let Some(root) = &ctx.config.route else {
        return;
    };
    walk_routes(root, &mut |route, context, _| {
        for (index, child) in route.routes.iter().enumerate() {
            let Some(span) = child.continue_span.filter(|_| child.continue_matching) else {
                continue;
            };
            let later = &route.routes[index + 1..];
            let none_can_follow = later.iter().all(|sibling| {
                let mut both = context.to_vec();
                both.extend(
                    child
                        .matchers
                        .iter()
                        .chain(&sibling.matchers)
                        .map(|m| &m.matcher),
                );
                unsatisfiable_label(&both).is_some()
            });
            if none_can_follow {
                let message = if later.is_empty() {
                    "`continue: true` on the last route of its level has no effect"
                } else {
                    "`continue: true` has no effect: no later sibling route can match the alerts this route matches"
                };
                out.push(Diagnostic::new(&CHECK, ctx.file, span, message).with_help(
                    "remove it, or add the route the alert should continue to after this one",
                ));
            }
        }
        true
    });
}
