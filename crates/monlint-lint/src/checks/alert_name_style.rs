//! Alert names in CamelCase and short enough to read in a page.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;

pub static CHECK: Check = Check {
    code: "S100",
    name: "alert-name-style",
    category: Category::Style,
    default_severity: Severity::Info,
    enabled_by_default: false,
    summary: "An alert name is not CamelCase or is longer than 40 characters.",
    doc: r#"## What it does
Checks alert names against the monitoring-mixins convention: CamelCase (an uppercase
letter first, then letters and digits only) and at most 40 characters.

## Why is this bad?
Alert names are shown in pages, chat and dashboards and matched by routes and silences; a
consistent, short form keeps them readable and easy to match.

## Example
```yaml
- alert: api_down_for_a_long_time_in_production_cluster
```

## Use instead
```yaml
- alert: ApiDown
```
"#,
};

const MAX_NAME_CHARS: usize = 40;

fn is_camel_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    for (_, _, rule) in ctx.rules() {
        let Some(alert) = &rule.alert else { continue };
        let name = alert.value.as_str();
        if name.is_empty() {
            continue;
        }
        if !is_camel_case(name) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    alert.span,
                    format!("alert name {name:?} is not CamelCase"),
                )
                .with_help("start with an uppercase letter and use letters and digits only, such as `ApiDown`"),
            );
        }
        let length = name.chars().count();
        if length > MAX_NAME_CHARS {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.rules.file,
                    alert.span,
                    format!(
                        "alert name {name:?} is {length} characters long, over {MAX_NAME_CHARS}"
                    ),
                )
                .with_help("shorten it; details belong in the summary and description"),
            );
        }
    }
}
