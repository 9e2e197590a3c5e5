//! Route trees nested deeper than a reader can follow.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

/// Levels below the root route.
const MAX_DEPTH: usize = 4;

pub static CHECK: Check = Check {
    code: "S201",
    name: "route-nesting-too-deep",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "A route nested more than four levels below the root route.",
    doc: r#"## What it does
Reports routes more than four levels below the root route.

## Why is this bad?
Which receiver an alert reaches then depends on matchers, `continue` flags and inherited
settings spread over many levels; mistakes hide there. A flatter tree with more specific
matchers is easier to review and to test.

## Example
```yaml
routes:
  - matchers: [env="prod"]
    routes:
      - matchers: [team="db"]
        routes:
          - matchers: [service="pg"]
            routes:
              - matchers: [severity="critical"]
                routes:
                  - matchers: [cluster="eu"]
                    receiver: db-eu-pager
```

## Use instead
```yaml
routes:
  - matchers: [env="prod", team="db", severity="critical", cluster="eu"]
    receiver: db-eu-pager
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let Some(root) = &ctx.config.route else {
        return;
    };
    root.walk(&mut |route, path| {
        // Report the first level too deep, not every route below it.
        if path.len() == MAX_DEPTH + 1 {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    route.head_span(),
                    format!(
                        "this route is nested {} levels below the root route",
                        path.len()
                    ),
                )
                .with_help("combine matchers into fewer, more specific routes"),
            );
        }
    });
}
