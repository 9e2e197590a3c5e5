//! Receivers with no integration.

use monlint_core::{Category, Check, Diagnostic, Severity};

use super::common::name_words;
use crate::alertmanager::AlertmanagerContext;

pub static CHECK: Check = Check {
    code: "C204",
    name: "empty-receiver",
    category: Category::Correctness,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    summary: "A receiver without any integration: alerts routed to it are dropped.",
    doc: r#"## What it does
Reports receivers that have no `*_configs` entry at all, unless their name says they drop
alerts on purpose.

## Why is this bad?
Alerts routed there are silently discarded. That is sometimes intended: a receiver named
for it (`null`, `blackhole`, `dev-null`, `void`, `drop`, `discard`, `none`, `silence`, in
any case, with any separator) is the documented way to drop alerts and is not reported.
Otherwise an integration was most likely lost in an edit. When no receiver of the file has
an integration (a demo, an instance read only through its API), the file is reported once,
as information.

## Example
```yaml
receivers:
  - name: db-team
```

## Use instead
```yaml
receivers:
  - name: db-team
    slack_configs:
      - channel: '#db-alerts'
        api_url_file: /etc/alertmanager/slack-url
```
"#,
};

/// Words that name a receiver meant to drop alerts, the documented way to discard
/// them (`null`, `blackhole`, `dev-null`, `DiscardAll`).
const DROP_WORDS: &[&str] = &[
    "null",
    "blackhole",
    "devnull",
    "void",
    "drop",
    "discard",
    "none",
    "noop",
    "nowhere",
    "silence",
    "silenced",
    "mute",
    "muted",
    "ignore",
    "ignored",
    "trash",
];

/// Whether the name says the receiver drops alerts on purpose: one of its words, or two
/// neighbours written apart (`black-hole`, `dev_null`), is a drop word.
fn drops_on_purpose(name: &str) -> bool {
    let words = name_words(name);
    let joined_pairs = words.windows(2).map(|pair| pair.concat());
    words
        .iter()
        .cloned()
        .chain(joined_pairs)
        .any(|word| DROP_WORDS.contains(&word.as_str()))
}

pub fn check(ctx: &AlertmanagerContext, out: &mut Vec<Diagnostic>) {
    let receivers = &ctx.config.receivers;
    let empty: Vec<_> = receivers
        .iter()
        .filter(|r| r.integrations.is_empty() && !r.name.value.is_empty())
        .collect();
    // No receiver notifies anyone: a demo, or an instance only read through its API. One
    // cause, one finding.
    if empty.len() == receivers.len() && empty.len() > 1 {
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            ctx.file,
            empty[0].name.span,
            format!(
                "none of the {} receivers has an integration: this configuration sends no notification",
                empty.len()
            ),
        )
        .with_help("add integrations where alerts should notify someone, or suppress this finding for a configuration that only collects alerts");
        diagnostic.severity = Severity::Info;
        out.push(diagnostic);
        return;
    }
    for receiver in empty {
        if drops_on_purpose(&receiver.name.value) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                ctx.file,
                receiver.name.span,
                format!("receiver {:?} has no integration; alerts routed to it are dropped", receiver.name.value),
            )
            .with_help("add an integration; to drop alerts on purpose, name the receiver so (`null`, `blackhole`) or suppress this finding"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::drops_on_purpose;

    #[test]
    fn names_that_drop_alerts() {
        for name in [
            "null",
            "Null",
            "blackhole",
            "black-hole",
            "dev-null",
            "dev_null",
            "/dev/null",
            "devnull",
            "void",
            "drop-all",
            "DiscardAll",
            "none",
            "silenced",
            "null-receiver",
        ] {
            assert!(drops_on_purpose(name), "{name}");
        }
        for name in [
            "db-team",
            "default",
            "nullable",
            "devops",
            "pager",
            "voidwalker",
        ] {
            assert!(!drops_on_purpose(name), "{name}");
        }
    }
}
