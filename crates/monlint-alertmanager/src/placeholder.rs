//! Placeholders of a templating tool left in a configuration committed unrendered:
//! `${VAR}` and `$VAR` (envsubst, Terraform), `{{ .Values.x }}` (Helm), `{{ var }}` and
//! `{% ... %}` (Jinja), `<%= ... %>` (ERB). Alertmanager reads none of them: they stand
//! for values the file gets when it is rendered. Alertmanager's own notification
//! templates (`{{ .CommonLabels.team }}`, `{{ template "x" . }}`) are not placeholders.

use monlint_core::yaml::{Node, NodeKind};

use crate::model::Spanned;

/// Words that begin a Go template action: keywords and Go's built-in functions. With
/// Alertmanager's own functions, a `{{ word }}` action made of one of these is Go, any
/// other bare name is Jinja.
const GO_TEMPLATE_WORDS: &[&str] = &[
    "end", "else", "if", "range", "with", "define", "template", "block", "break", "continue",
    "nil", "true", "false", "and", "or", "not", "len", "index", "print", "printf", "println",
    "html", "js", "urlquery", "call", "slice", "eq", "ne", "lt", "le", "gt", "ge",
];

/// How Helm actions begin: its built-in objects and its own functions, none of which
/// Alertmanager's templates know.
const HELM_STARTS: &[&str] = &[
    ".Values",
    ".Release",
    ".Chart",
    ".Capabilities",
    ".Files",
    "$.Values",
    "$.Release",
    "$.Chart",
    "include ",
    "tpl ",
    "required ",
    "toYaml ",
];

/// The first placeholder in a scalar's text, if any.
pub fn first_placeholder(text: &str) -> Option<&str> {
    let candidates = [
        delimited(text, "${", "}"),
        delimited(text, "%{", "}"),
        delimited(text, "<%", "%>"),
        delimited(text, "{%", "%}"),
        template_action(text),
        environment_variable(text),
    ];
    candidates
        .into_iter()
        .flatten()
        .min_by_key(|&(start, _)| start)
        .map(|(start, end)| &text[start..end])
}

/// Every scalar of the document holding a placeholder, with its first placeholder.
pub fn collect(root: &Node) -> Vec<Spanned<String>> {
    fn walk(node: &Node, found: &mut Vec<Spanned<String>>) {
        match &node.kind {
            NodeKind::Scalar(scalar) => {
                if let Some(placeholder) = first_placeholder(&scalar.value) {
                    found.push(Spanned {
                        value: placeholder.to_owned(),
                        span: node.span,
                    });
                }
            }
            NodeKind::Sequence(items) => items.iter().for_each(|item| walk(item, found)),
            NodeKind::Mapping(entries) => match unquoted_action(entries) {
                Some(placeholder) => found.push(Spanned {
                    value: placeholder,
                    span: node.span,
                }),
                None => entries.iter().for_each(|entry| walk(&entry.value, found)),
            },
        }
    }
    let mut found = Vec::new();
    walk(root, &mut found);
    found
}

/// An unquoted `{{ name }}`, which YAML reads as a mapping holding a mapping, when the
/// name is a Helm or Jinja placeholder.
fn unquoted_action(entries: &[monlint_core::yaml::Entry]) -> Option<String> {
    let [outer] = entries else { return None };
    let [inner] = outer.key.as_mapping()? else {
        return None;
    };
    let body = inner.key.as_str()?.trim();
    let action = format!("{{{{ {body} }}}}");
    (outer.value.is_null() && inner.value.is_null() && (is_helm(body) || is_jinja(body)))
        .then_some(action)
}

/// `open ... close` with something inside, as a byte range.
fn delimited(text: &str, open: &str, close: &str) -> Option<(usize, usize)> {
    let start = text.find(open)?;
    let inner = start + open.len();
    let end = inner + text[inner..].find(close)?;
    (!text[inner..end].trim().is_empty()).then_some((start, end + close.len()))
}

/// The first `{{ ... }}` action that is Helm or Jinja rather than Alertmanager's Go.
fn template_action(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(offset) = text[from..].find("{{") {
        let start = from + offset;
        let inner = start + 2;
        let end = inner + text[inner..].find("}}")?;
        let body = text[inner..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if is_helm(body) || is_jinja(body) {
            return Some((start, end + 2));
        }
        from = end + 2;
    }
    None
}

fn is_helm(body: &str) -> bool {
    // A lone string literal holding template delimiters is Helm's way to print
    // Alertmanager's own `{{`; other literals (`{{ "\n" }}`) are Alertmanager's Go.
    let literal = body.len() >= 2
        && ((body.starts_with('"') && body.ends_with('"')) || body.starts_with('`'))
        && (body.contains("{{") || body.contains("}}"));
    literal || HELM_STARTS.iter().any(|start| body.starts_with(start))
}

/// A bare name (`slack_url`, `secrets.slack`), maybe through filters: Go would read it
/// as a call of an unknown function.
fn is_jinja(body: &str) -> bool {
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(body.len());
    let (name, rest) = body.split_at(name_end);
    let first = name.split('.').next().unwrap_or_default();
    let starts_well = first
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well
        && !name.split('.').any(str::is_empty)
        && !GO_TEMPLATE_WORDS.contains(&first)
        && !crate::TEMPLATE_FUNCTIONS.contains(&first)
        && (rest.trim().is_empty() || rest.trim_start().starts_with('|'))
}

/// `$NAME` as envsubst substitutes it: an upper-case name, at the start of the value or
/// after a separator, so `pa$SWORD` or a regex's `$` stays text. Not inside `{{ }}`,
/// where `$name` is a Go template variable.
fn environment_variable(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    for (index, _) in text.match_indices('$') {
        let after_separator = index == 0
            || matches!(
                bytes[index - 1],
                b' ' | b'\t' | b'/' | b'=' | b':' | b'@' | b'"' | b'\'' | b'('
            );
        if !after_separator
            || text[..index].matches("{{").count() > text[..index].matches("}}").count()
        {
            continue;
        }
        let name_len = text[index + 1..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(text.len() - index - 1);
        let name = &text[index + 1..index + 1 + name_len];
        let next_is_lower = text[index + 1 + name_len..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase());
        if name.len() >= 2
            && name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
            && name.chars().any(|c| c.is_ascii_uppercase())
            && !next_is_lower
        {
            return Some((index, index + 1 + name_len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::first_placeholder;

    #[test]
    fn finds_placeholders_of_each_tool() {
        for (text, expected) in [
            ("${SLACK_API_URL}", "${SLACK_API_URL}"),
            ("$SLACK_URL", "$SLACK_URL"),
            (
                "https://hooks.slack.com/services/$SLACK_PATH",
                "$SLACK_PATH",
            ),
            ("{{ .Values.slack.url }}", "{{ .Values.slack.url }}"),
            ("{{- include \"x\" . }}", "{{- include \"x\" . }}"),
            ("{{ slack_url }}", "{{ slack_url }}"),
            (
                "{{ vault.slack | default('x') }}",
                "{{ vault.slack | default('x') }}",
            ),
            ("<%= @slack_url %>", "<%= @slack_url %>"),
            ("{% if prod %}a{% endif %}", "{% if prod %}"),
            ("{{ \"{{\" }} .CommonLabels }}", "{{ \"{{\" }}"),
            ("${indent(6, routes)}", "${indent(6, routes)}"),
        ] {
            assert_eq!(first_placeholder(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn unquoted_actions_read_as_mappings() {
        let (documents, _) = monlint_core::yaml::parse_stream(
            "smtp_auth_password: {{ vault_smtp_password }}\nchannel: '#ops'\n",
            &monlint_core::yaml::Limits::default(),
        );
        let found = super::collect(&documents[0].root);
        let values: Vec<&str> = found.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(values, ["{{ vault_smtp_password }}"]);
    }

    #[test]
    fn alertmanager_templates_and_plain_text_are_not_placeholders() {
        for text in [
            "{{ .CommonLabels.team }}",
            "{{ template \"slack.title\" . }}",
            "{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}",
            "{{ if eq .Status \"firing\" }}x{{ else }}y{{ end }}",
            "{{ $labels := .CommonLabels }}{{ $labels.team }}",
            "{{ len .Alerts }}",
            "{{ range .Alerts }}{{ .Annotations.summary }}{{ \"\\n\" }}{{ end }}",
            "^(api|web)$",
            "pa$SWORD",
            "p@ss$word",
            "cost in $",
            "http://alertmanager-bot:8080/",
        ] {
            assert_eq!(first_placeholder(text), None, "{text}");
        }
    }
}
