//! `match` / `match_re` (and the inhibit rules' `source_match*` / `target_match*`).

use monlint_core::{Category, Check, Diagnostic, Severity, Version};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "X202",
    name: "deprecated-match",
    category: Category::Compatibility,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    summary: "`match` / `match_re` matchers, deprecated since Alertmanager 0.22 in favour of `matchers`.",
    doc: r#"## What it does
Reports the `match` and `match_re` maps of routes and the `source_match`, `source_match_re`,
`target_match` and `target_match_re` maps of inhibit rules when the targeted Alertmanager
has `matchers` (0.22 and later).

## Why is this bad?
The maps are deprecated. They also differ subtly from `matchers`: `match_re` values are
anchored twice, and the maps cannot express `!=` or `!~`.

Off by default: every release since 0.22 still reads the maps exactly as before and none
has announced their removal, so a file using them works; the finding is a migration aid,
one per key, to turn on with `--extend-select deprecated-match`.

## Example
```yaml
- match:
    severity: critical
  match_re:
    service: ^(api|web)$
  receiver: pager
```

## Use instead
```yaml
- matchers: [severity="critical", service=~"api|web"]
  receiver: pager
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    if ctx.version < Version::new(0, 22) {
        return;
    }
    for key in &ctx.config.deprecated_match_keys {
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                key.span,
                format!("`{}` is deprecated since Alertmanager 0.22", ctx.source.text.get(key.span.range()).unwrap_or(&key.value)),
            )
            .with_help("write the matchers as a `matchers:` list, e.g. `matchers: [severity=\"critical\"]`"),
        );
    }
}
