//! Reported with the Alertmanager loader (`crate::alertmanager::check`): a configuration
//! committed as a template, with placeholders a tool fills when it renders the file.

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "X203",
    name: "unrendered-template",
    category: Category::Compatibility,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "An Alertmanager configuration holding placeholders of a templating tool (`${VAR}`, `{{ .Values.x }}`, Jinja, ERB): it must be rendered before Alertmanager can read it.",
    doc: r#"## What it does
Finds placeholders of the tools that render configurations before deployment: `${VAR}` and
`$VAR` (envsubst, Terraform `templatefile`), `{{ .Values.x }}` and `{{ include ... }}`
(Helm), `{{ var }}` and `{% ... %}` (Jinja, Ansible), `<%= ... %>` (ERB). Alertmanager's own
notification templates (`{{ .CommonLabels.team }}`, `{{ template "x" . }}`) are not
placeholders. Reports the file once, showing the first placeholder, instead of every
problem the placeholders cause: a `${SLACK_API_URL}` is not an inline secret, and an
invalid URL there is not a mistake in the configuration. The finding is an error when
Alertmanager would reject the file as written (a placeholder where a URL, duration or
matcher must be), and information otherwise.

## Why is this bad?
monlint and Alertmanager disagree on what the file is: the values that matter are only
known once the file is rendered, so checks on the template cannot judge them.

## Example
```yaml
receivers:
  - name: team
    slack_configs:
      - api_url: ${SLACK_API_URL}
```

## Use instead
Render the file as the deployment does (`envsubst`, `helm template`, `ansible-playbook
--check`) and check the output, or read the value from a file Alertmanager loads:
```yaml
receivers:
  - name: team
    slack_configs:
      - api_url_file: /etc/alertmanager/secrets/slack-url
```
"#,
};
