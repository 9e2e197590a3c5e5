//! Time intervals that can never be active, and routes muted at all times.

use monlint_alertmanager::model::{NamedTimeInterval, TimeSpec};
use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C211",
    name: "time-interval-never-active",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A time interval that matches no moment (such as February 30), or a mute interval that matches every moment.",
    doc: r#"## What it does
Reports a time interval entry that can never match: days of the month that none of its
months has (`days_of_month: ['30:31']` with `months: [february]`). Also reports a route
whose `mute_time_intervals` names an interval with an entry that restricts nothing, so the
route is muted at all times.

## Why is this bad?
A route active only during an impossible interval never notifies; a route muted at all
times never notifies either. Both are silent.

## Example
```yaml
time_intervals:
  - name: month-end
    time_intervals:
      - months: [february]
        days_of_month: ['30:31']
```

## Use instead
```yaml
time_intervals:
  - name: month-end
    time_intervals:
      - days_of_month: ['-1']
```
"#,
};

const DAYS_IN_MONTH: [i32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Whether some month of the entry has one of its days (negative days count from the end).
fn can_happen(spec: &TimeSpec) -> bool {
    if spec.days_of_month.is_empty() {
        return true;
    }
    let months: Vec<u32> = if spec.months.is_empty() {
        (1..=12).collect()
    } else {
        spec.months.iter().flat_map(|&(a, b)| a..=b).collect()
    };
    months.iter().any(|&month| {
        let length = DAYS_IN_MONTH[(month as usize).clamp(1, 12) - 1];
        spec.days_of_month.iter().any(|&(start, end)| {
            let resolve = |day: i32| if day < 0 { length + 1 + day } else { day };
            let (start, end) = (resolve(start).max(1), resolve(end).min(length));
            start <= end
        })
    })
}

fn is_always(spec: &TimeSpec) -> bool {
    spec.times.is_empty()
        && spec.weekdays.is_empty()
        && spec.days_of_month.is_empty()
        && spec.months.is_empty()
        && spec.years.is_empty()
}

fn interval<'a>(ctx: &'a AlertmanagerContext, name: &str) -> Option<&'a NamedTimeInterval> {
    ctx.config
        .time_intervals
        .iter()
        .find(|i| i.name.value == name)
}

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    for named in &ctx.config.time_intervals {
        for spec in &named.specs {
            if !can_happen(spec) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        ctx.source.first_line(spec.span),
                        format!("this entry of time interval {:?} never matches: none of its months has these days", named.name.value),
                    )
                    .with_help("negative days count from the end of the month: `days_of_month: ['-1']` is the last day"),
                );
            }
        }
    }
    let Some(root) = &ctx.config.route else {
        return;
    };
    root.walk(&mut |route, _| {
        for name in &route.mute_time_intervals {
            if interval(ctx, &name.value).is_some_and(|i| i.specs.iter().any(is_always)) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.file,
                        name.span,
                        format!("time interval {:?} has an entry that matches every moment, so this route is always muted", name.value),
                    )
                    .with_help("restrict the entry with times, weekdays, days_of_month, months or years"),
                );
            }
        }
        for name in &route.active_time_intervals {
            if interval(ctx, &name.value).is_some_and(|i| !i.specs.is_empty() && !i.specs.iter().any(can_happen)) {
                out.push(Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    name.span,
                    format!("time interval {:?} is never active, so this route never notifies", name.value),
                ));
            }
        }
    });
}
