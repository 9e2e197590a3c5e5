//! Group intervals long enough for series to go stale between evaluations.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::{duration_ms, format_duration};

pub static CHECK: Check = Check {
    code: "T107",
    name: "group-interval-too-long",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A group's `interval` is over 5m, longer than Prometheus keeps a series fresh.",
    doc: r#"## What it does
Reports a rule group whose `interval` is longer than five minutes.

## Why is this bad?
Prometheus marks a series stale when no sample arrived for five minutes (the lookback
delta). Recording rules evaluated less often produce series that disappear between
evaluations, so queries and alerts on them see gaps; alerts evaluated less often than
their series' lookback resolve and re-fire.

## Example
```yaml
- name: daily
  interval: 1h
```

## Use instead
```yaml
- name: daily
  interval: 5m
```
"#,
};

const STALENESS_MS: u64 = 5 * 60 * 1000;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for group in &ctx.rules.groups {
        let Some(interval) = &group.interval else {
            continue;
        };
        let Some(ms) = duration_ms(&group.interval) else {
            continue;
        };
        if ms <= STALENESS_MS {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.rules.file,
                interval.span,
                format!(
                    "`interval: {}` is longer than the {} after which Prometheus treats a series as stale: results vanish between evaluations",
                    interval.value,
                    format_duration(STALENESS_MS)
                ),
            )
            .with_help("evaluate at most every 5m; compute long windows with `_over_time` functions instead"),
        );
    }
}
