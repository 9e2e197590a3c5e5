//! Routes that an earlier sibling always takes first.

use monlint_alertmanager::implication::implies_all;
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::{AlertmanagerContext, walk_routes};

pub static CHECK: Check = Check {
    code: "C202",
    name: "route-shadowed",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A route after a sibling that matches every alert it would match, without `continue`.",
    doc: r#"## What it does
Alertmanager tries child routes in order and stops at the first that matches unless it has
`continue: true`. Reports a route when an earlier sibling without `continue` matches every
alert this route could match, given the parents' matchers: the implication between the
matcher sets is proven (exactly for fixed values and alternations of literals), never
guessed. A sibling without matchers catches everything after it.

## Why is this bad?
The shadowed route never receives an alert; its receiver, grouping and timers are dead
configuration, and the team it was written for is not notified.

## Example
```yaml
routes:
  - matchers: [team="db"]
    receiver: db-chat
  - matchers: [team="db", severity="critical"]
    receiver: db-pager
```

## Use instead
```yaml
routes:
  - matchers: [team="db", severity="critical"]
    receiver: db-pager
  - matchers: [team="db"]
    receiver: db-chat
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let Some(root) = &ctx.config.route else {
        return;
    };
    walk_routes(root, &mut |route, context, _| {
        for (index, child) in route.routes.iter().enumerate() {
            let mut premise = context.to_vec();
            premise.extend(child.matchers.iter().map(|m| &m.matcher));
            let shadow = route.routes[..index].iter().find(|earlier| {
                !earlier.continue_matching
                    && implies_all(
                        &premise,
                        &earlier
                            .matchers
                            .iter()
                            .map(|m| &m.matcher)
                            .collect::<Vec<_>>(),
                    )
            });
            if let Some(earlier) = shadow {
                let what = if earlier.matchers.is_empty() {
                    "an earlier sibling route without matchers takes every alert first"
                } else {
                    "an earlier sibling route matches every alert this one matches, and has no `continue: true`"
                };
                out.push(
                    Diagnostic::new(&CHECK, ctx.file, child.head_span(), format!("this route is never reached: {what}"))
                        .with_secondary(ctx.file, earlier.head_span(), "this route takes the alerts first")
                        .with_help("move the more specific route first, or add `continue: true` to the earlier one"),
                );
            }
        }
        true
    });
}
