//! Reported by the Alertmanager loader (`monlint_alertmanager::load`).

use monlint_core::{Category, Check, Severity};

pub static CHECK: Check = Check {
    code: "V206",
    name: "alertmanager-invalid-receiver",
    category: Category::Validity,
    default_severity: Severity::Error,
    enabled_by_default: true,
    summary: "A receiver or integration Alertmanager refuses: names, required fields and globals, an inline secret and its file both set.",
    doc: r#"## What it does
Checks receivers as the targeted Alertmanager does: a name, unique; for each integration
its required fields (a PagerDuty routing or service key, a VictorOps routing key, an e-mail
`to`), the globals it falls back on (`smtp_smarthost`, the Slack URL or app token, the
OpsGenie API key, ...), and that an inline secret and its `*_file` twin are not both set.

## Why is this bad?
Alertmanager refuses the file; notifications keep going to the old receivers or nowhere.

## Example
```yaml
receivers:
  - name: pager
    pagerduty_configs:
      - routing_key_file: /etc/am/pd-key
        routing_key: 0123456789abcdef
```

## Use instead
```yaml
receivers:
  - name: pager
    pagerduty_configs:
      - routing_key_file: /etc/am/pd-key
```
"#,
};
