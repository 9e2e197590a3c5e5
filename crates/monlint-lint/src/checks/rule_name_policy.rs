//! Alert and recording-rule names against the patterns a team set in its policy.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::RuleContext;
use crate::policy::NamePattern;
use crate::rules::model::Spanned;

pub static CHECK: Check = Check {
    code: "S105",
    name: "rule-name-policy",
    category: Category::Style,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "An alert or recording rule name does not match the policy's `alert-name-pattern` or `record-name-pattern`.",
    doc: r#"## What it does
Matches every alert name against `policy.alert-name-pattern` and every recording rule's
name against `policy.record-name-pattern` in `.monlint.yml`. A pattern is an RE2 regular
expression that must match the whole name (it is anchored at both ends). Without the key
the check says nothing about that kind of rule; both are unset by default.

```yaml
# .monlint.yml
policy:
  alert-name-pattern: '[A-Z][A-Za-z0-9]*'
  record-name-pattern: '[a-z0-9_]+:[a-z0-9_]+:[a-z0-9_]+'
```

## Why is this bad?
Routes, silences, inhibit rules and dashboards find rules by name. When a repository
agrees on one form (CamelCase alerts, `level:metric:operations` recordings), a name
outside it is missed by those matchers and is hard to search for.

## Example
```yaml
- record: http_requests_rate5m
  expr: sum by (job) (rate(http_requests_total[5m]))
- alert: high_error_rate
  expr: job:http_errors:rate5m > 0.05
```

## Use instead
```yaml
- record: job:http_requests:rate5m
  expr: sum by (job) (rate(http_requests_total[5m]))
- alert: HighErrorRate
  expr: job:http_errors:rate5m > 0.05
```
"#,
};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let policy = ctx.policy;
    if policy.alert_name_pattern.is_none() && policy.record_name_pattern.is_none() {
        return;
    }
    for (_, _, rule) in ctx.rules() {
        let names = [
            (
                &rule.alert,
                &policy.alert_name_pattern,
                "alert",
                "alert-name-pattern",
            ),
            (
                &rule.record,
                &policy.record_name_pattern,
                "recording rule",
                "record-name-pattern",
            ),
        ];
        for (name, pattern, kind, key) in names {
            if let (Some(name), Some(pattern)) = (name, pattern) {
                check_name(ctx, kind, name, pattern, key, out);
            }
        }
    }
}

fn check_name(
    ctx: &RuleContext,
    kind: &str,
    name: &Spanned<String>,
    pattern: &NamePattern,
    key: &str,
    out: &mut Vec<Diagnostic>,
) {
    if pattern.matches(&name.value) {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            ctx.rules.file,
            name.span,
            format!(
                "{kind} name {:?} does not match the policy's {key} `{}`",
                name.value,
                pattern.as_str()
            ),
        )
        .with_help(format!(
            "rename the {kind} so that the whole name matches `{}` (and update what refers to it), or change `{key}` in .monlint.yml",
            pattern.as_str()
        )),
    );
}
