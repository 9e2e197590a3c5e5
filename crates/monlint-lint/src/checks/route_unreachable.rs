//! Routes whose matchers contradict their own or their parents' matchers.

use monlint_alertmanager::implication::unsatisfiable_label;
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::{AlertmanagerContext, walk_routes};

pub static CHECK: Check = Check {
    code: "C201",
    name: "route-unreachable",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A route no alert can match: its matchers contradict each other or its parents'.",
    doc: r#"## What it does
Collects the matchers an alert must pass to reach a route (its own and every parent's) and
reports the route when they provably contradict each other: two different values required
for one label (`severity="critical"` below a `severity="warning"` parent), a value excluded
by another matcher, or the same regex required and forbidden. Only proven contradictions are
reported: values are compared exactly, and regexes only when they are alternations of
literals (`critical|warning`) or written identically.

## Why is this bad?
The route and everything below it never receive an alert; whoever expects those
notifications gets none, and nothing says so.

## Example
```yaml
routes:
  - matchers: [severity="warning"]
    receiver: chat
    routes:
      - matchers: [severity="critical"]
        receiver: pager
```

## Use instead
```yaml
routes:
  - matchers: [severity="critical"]
    receiver: pager
  - matchers: [severity="warning"]
    receiver: chat
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let Some(root) = &ctx.config.route else {
        return;
    };
    walk_routes(root, &mut |route, context, ancestors| {
        let Some(label) = unsatisfiable_label(context) else {
            return true;
        };
        let own = route
            .matchers
            .iter()
            .find(|m| m.matcher.name == label)
            .map_or(route.head_span(), |m| m.span);
        let from_parent = context[..ancestors].iter().any(|m| m.name == label);
        let why = if from_parent {
            "contradict the matchers of a parent route"
        } else {
            "contradict each other"
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                own,
                format!("no alert can reach this route: its matchers on `{label}` {why}"),
            )
            .with_help("move the route to where its matchers can hold, or fix the matcher"),
        );
        // Everything below is unreachable too; one report is enough.
        false
    });
}
