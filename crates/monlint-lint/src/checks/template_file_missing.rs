//! `templates:` globs that match no file of the repository.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C213",
    name: "template-file-missing",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A relative `templates:` path or glob that matches no file in the repository.",
    doc: r#"## What it does
Resolves each relative entry of `templates:` against the folder of the configuration, as
Alertmanager does, and reports the ones that match no file of the repository. Absolute
paths are where the files are deployed, not in the repository, and are not judged.

## Why is this bad?
Alertmanager loads no template from a glob that matches nothing, and says nothing about it;
notifications that call `{{ template "team.title" . }}` then fail to render.

## Example
```yaml
templates:
  - templates/*.tmpl     # the folder is called template/
```

## Use instead
```yaml
templates:
  - template/*.tmpl
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    for template in &ctx.config.templates {
        let pattern = template.value.as_str();
        if pattern.is_empty() || pattern.starts_with('/') {
            continue;
        }
        if ctx.documents.glob_matches(&ctx.source.path, pattern) == Some(false) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    ctx.file,
                    template.span,
                    format!("no file of the repository matches the template path {pattern:?}"),
                )
                .with_help("paths are relative to the folder of the configuration file"),
            );
        }
    }
}
