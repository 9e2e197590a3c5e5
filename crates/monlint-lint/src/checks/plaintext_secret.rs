//! Secrets written inline in an Alertmanager configuration. The finding never contains
//! the secret: it points at the key, and says nothing of the value.

use monlint_core::{Category, Check, Diagnostic, Severity};

use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C206",
    name: "plaintext-secret",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A credential (API key, token, password, webhook URL) written inline in the configuration.",
    doc: r#"## What it does
Reports credentials written inline: API keys, tokens, passwords, and webhook URLs (which
carry their token in the path), wherever Alertmanager accepts them. Values that look like
placeholders (`<secret>`, `changeme`, `xxxx`) are reported as such: the integration cannot
work with them. The finding points at the key and never repeats the value, in any output
format.

## Why is this bad?
The configuration is usually committed to a repository and shown by Alertmanager's status
page and API; an inline secret leaks to everyone who can read either. A placeholder means
notifications through that integration fail.

## Example
```yaml
slack_configs:
  - api_url: https://hooks.slack.com/services/T000/B000/XXXX
```

## Use instead
```yaml
slack_configs:
  - api_url_file: /etc/alertmanager/secrets/slack-url
```
"#,
};

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    for secret in &ctx.config.secrets {
        let place = if secret.path.is_empty() {
            String::new()
        } else {
            format!(" in {}", secret.path)
        };
        let message = if secret.placeholder {
            format!(
                "`{}`{place} holds a placeholder, not a credential: this integration cannot authenticate",
                secret.key
            )
        } else {
            format!(
                "`{}`{place} is a secret written inline in the configuration",
                secret.key
            )
        };
        let help = match &secret.file_key {
            Some(file_key) => {
                format!("read it from a file with `{file_key}`, provisioned by your secret store")
            }
            None => {
                "provide it from a secret store when the file is deployed, not in the repository"
                    .to_owned()
            }
        };
        out.push(Diagnostic::new(&CHECK, ctx.file, secret.key_span, message).with_help(help));
    }
}
