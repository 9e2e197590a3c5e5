//! `{{ $value }}` printed raw where the value is a fraction or a rate.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use super::common::{parsed_alerts, templates};
use crate::analysis::range::{self, Scale};

pub static CHECK: Check = Check {
    code: "S104",
    name: "value-not-humanized",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "An annotation prints a rate or a ratio as a raw `{{ $value }}`.",
    doc: r#"## What it does
Reports `{{ $value }}` with nothing in its pipeline, in an annotation of an alert whose
value is a per-second rate, a ratio or a percent.

## Why is this bad?
Such values are rarely round: the page reads "0.03333333333333333 errors per second" or
"0.8473282442748091 of the pool". A formatting function makes it readable at a glance.

## Example
```yaml
description: "{{ $value }} requests per second fail."
```

## Use instead
```yaml
description: "{{ $value | humanize }} requests per second fail."
```
"#,
};

/// Whether the action holding the `$value` that ends at `end` is only that variable.
fn is_bare_value_action(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).unwrap_or_default();
    let after = text.get(end..).unwrap_or_default();
    let opened = before
        .rfind("{{")
        .is_some_and(|open| before[open + 2..].trim_start_matches('-').trim().is_empty());
    let closed = after
        .find("}}")
        .is_some_and(|close| after[..close].trim_end_matches('-').trim().is_empty());
    opened && closed
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, rule, _, parsed) in parsed_alerts(ctx) {
        let scale = range::infer(parsed).scale;
        let what = match scale {
            Scale::PerSecond => "a per-second rate",
            Scale::Ratio => "a ratio",
            Scale::Percent => "a percent",
            Scale::Unknown => continue,
        };
        let help = match scale {
            Scale::Ratio => "use `{{ $value | humanizePercentage }}`",
            Scale::Percent => "use `{{ $value | humanize }}%` or `{{ printf \"%.1f\" $value }}%`",
            _ => "use `{{ $value | humanize }}`",
        };
        let annotations = templates(ctx, rule, |pair, is_label| {
            !is_label && pair.value.text().contains("$value")
        });
        for parsed_template in &annotations {
            let text = parsed_template.pair.value.text();
            for variable in parsed_template.template.variable_uses() {
                if variable.name != "$value"
                    || !variable.fields.is_empty()
                    || !is_bare_value_action(
                        text,
                        variable.span.start as usize,
                        variable.span.end as usize,
                    )
                {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        ctx.rules.file,
                        parsed_template
                            .pair
                            .value
                            .file_span(&ctx.source.text, variable.span),
                        format!("the alert value is {what}, printed here with all its digits"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
