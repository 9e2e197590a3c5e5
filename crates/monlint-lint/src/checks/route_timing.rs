//! Timers that contradict each other on a route.

use monlint_alertmanager::model::Route;
use monlint_alertmanager::routing::RouteOptions;
use monlint_core::{Category, Check, Diagnostic, Severity, Span};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C210",
    name: "route-timing",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A route whose repeat_interval is shorter than its group_interval, or whose group_wait is longer than its group_interval.",
    doc: r#"## What it does
Computes each route's timers as Alertmanager does (inherited from the parents, starting from
group_wait 30s, group_interval 5m, repeat_interval 4h) and reports `repeat_interval` below
`group_interval` and `group_wait` above `group_interval`, at the route that sets the value.

## Why is this bad?
Notifications are only sent at group_interval ticks, so a shorter repeat_interval does not
repeat more often: it silently becomes the group interval. A group_wait longer than the
group interval delays the first notification beyond the updates that follow it, which is
rarely what was meant.

## Example
```yaml
route:
  receiver: team
  group_interval: 10m
  repeat_interval: 5m
```

## Use instead
```yaml
route:
  receiver: team
  group_interval: 5m
  repeat_interval: 4h
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let Some(root) = &ctx.config.route else {
        return;
    };
    visit(ctx, root, &RouteOptions::default(), out);
}

/// Where the route sets one of the named timers, if it does.
fn set_here(route: &Route, names: &[&str]) -> Option<Span> {
    names.iter().find_map(|name| match *name {
        "group_wait" => route.group_wait.as_ref().map(|d| d.span),
        "group_interval" => route.group_interval.as_ref().map(|d| d.span),
        _ => route.repeat_interval.as_ref().map(|d| d.span),
    })
}

fn visit(
    ctx: &AlertmanagerContext,
    route: &Route,
    parent: &RouteOptions,
    out: &mut Vec<Diagnostic>,
) {
    let options = parent.inherit(route);
    if options.repeat_interval < options.group_interval
        && let Some(span) = set_here(route, &["repeat_interval", "group_interval"])
    {
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                span,
                format!(
                    "repeat_interval ({}) is shorter than group_interval ({}); repeats only happen at group intervals",
                    options.repeat_interval, options.group_interval
                ),
            )
            .with_help("make repeat_interval a multiple of group_interval, usually hours"),
        );
    }
    if options.group_wait > options.group_interval
        && let Some(span) = set_here(route, &["group_wait", "group_interval"])
    {
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                span,
                format!(
                    "group_wait ({}) is longer than group_interval ({})",
                    options.group_wait, options.group_interval
                ),
            )
            .with_help("group_wait is the short delay before the first notification; keep it under group_interval"),
        );
    }
    for child in &route.routes {
        visit(ctx, child, &options, out);
    }
}
