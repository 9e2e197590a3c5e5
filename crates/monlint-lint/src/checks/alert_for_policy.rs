//! An alert's `for` outside the bounds a team set in its policy.

use monlint_core::{Category, Check, Diagnostic, Duration, Severity};

use super::RuleContext;
use super::common::format_duration;

pub static CHECK: Check = Check {
    code: "T108",
    name: "alert-for-policy",
    category: Category::Thresholds,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert's `for` is shorter than `alert-for.min` or longer than `alert-for.max` of the policy.",
    doc: r#"## What it does
Compares every alert's `for` with the bounds `policy.alert-for` sets in `.monlint.yml`:
`min` (the shortest wait allowed) and `max` (the longest); either may be left out. An
alert without `for` waits 0s, so it is reported when a `min` is set. Without
`alert-for` the check says nothing; it is unset by default.

```yaml
# .monlint.yml
policy:
  alert-for: {min: 2m, max: 1h}
```

## Why is this bad?
A `for` shorter than the team's minimum pages on every blip the minimum was chosen to
ride out; one longer than the maximum leaves an ongoing problem unannounced for longer
than the team agreed to wait, and the alert resolves late too.

## Example
```yaml
- alert: DiskFull
  expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
- alert: BackupFailed
  expr: time() - backup_last_success_timestamp_seconds > 86400
  for: 6h
```

## Use instead
```yaml
- alert: DiskFull
  expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
  for: 5m
- alert: BackupFailed
  expr: time() - backup_last_success_timestamp_seconds > 86400
  for: 30m
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let bounds = &ctx.policy.alert_for;
    if bounds.min_ms.is_none() && bounds.max_ms.is_none() {
        return;
    }
    for (_, _, rule) in ctx.rules() {
        let Some(alert) = &rule.alert else { continue };
        let for_ms = match &rule.for_ {
            None => 0,
            Some(for_) => match Duration::parse(&for_.value) {
                Ok(duration) => duration.millis(),
                // An invalid duration is `invalid-duration`'s finding.
                Err(_) => continue,
            },
        };
        if let Some(min) = bounds.min_ms.filter(|min| for_ms < *min) {
            let min = format_duration(min);
            let diagnostic = match &rule.for_ {
                Some(for_) => Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    for_.span,
                    format!(
                        "`for: {}` of alert {:?} is shorter than the policy's minimum of {min}",
                        for_.value, alert.value
                    ),
                ),
                None => Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    alert.span,
                    format!(
                        "alert {:?} has no `for` (0s), shorter than the policy's minimum of {min}",
                        alert.value
                    ),
                ),
            };
            out.push(diagnostic.with_help(format!(
                "wait at least `for: {min}`, so that a condition that clears by itself does not page"
            )));
        }
        if let (Some(max), Some(for_)) = (bounds.max_ms.filter(|max| for_ms > *max), &rule.for_) {
            let max = format_duration(max);
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    for_.span,
                    format!(
                        "`for: {}` of alert {:?} is longer than the policy's maximum of {max}",
                        for_.value, alert.value
                    ),
                )
                .with_help(format!(
                    "use `for: {max}` or shorter, or a condition that is true only when someone must act"
                )),
            );
        }
    }
}
