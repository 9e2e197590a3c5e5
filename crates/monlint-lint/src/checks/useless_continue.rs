//! `continue: true` on the last route of its level.

use monlint_alertmanager::model::Route;
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C203",
    name: "useless-continue",
    category: Category::Correctness,
    default_severity: Severity::Info,
    summary: "`continue: true` on the last child route, where there is nothing to continue to.",
    doc: r#"## What it does
Reports `continue: true` on a route with no later sibling: matching goes on with the next
sibling, and there is none.

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
    root.walk(&mut |route: &Route, _| {
        let Some(last) = route.routes.last() else {
            return;
        };
        if let Some(span) = last.continue_span.filter(|_| last.continue_matching) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    span,
                    "`continue: true` on the last route of its level has no effect",
                )
                .with_help(
                    "remove it, or add the route the alert should continue to after this one",
                ),
            );
        }
    });
}
