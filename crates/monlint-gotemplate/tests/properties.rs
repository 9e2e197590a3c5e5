//! Property tests: no input makes the parser panic, errors always point inside
//! the text, and generated well-formed templates parse.

use monlint_core::Version;
use monlint_gotemplate::{
    ParseConfig, check_prometheus_alert_template, parse, prometheus_functions,
};
use proptest::prelude::*;

/// Fragments that exercise the grammar far more often than random characters would.
fn template_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "{{", "}}", "{{- ", " -}}", "{{/*", "*/}}", " ", "\n", "$", "$labels", "$x", ".", ".A", ".b", "(", ")",
            "|", ":=", "=", ",", "if", "else", "end", "range", "with", "define", "block", "template", "break",
            "continue", "nil", "true", "\"s\"", "\"", "`r`", "`", "'c'", "'", "1", "-2", "0x1F", "1e3", "1+2i",
            "printf", "humanize", "and", "\\", "-",
        ])
        .prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn template_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(template_fragment(), 0..48).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = check_prometheus_alert_template(&text, Version::new(3, 5));
    }

    #[test]
    fn errors_stay_inside_the_text(text in template_soup()) {
        if let Err(error) = check_prometheus_alert_template(&text, Version::new(2, 42)) {
            prop_assert!(text.get(error.span.range()).is_some(), "span {:?} outside {:?}", error.span, text);
            let lines = 1 + text.matches('\n').count();
            prop_assert!((1..=lines as u32).contains(&error.line), "line {} of {}", error.line, lines);
            prop_assert!(!error.message.is_empty());
        }
    }
}

/// A generated operand, always valid where `$labels` and `$value` are declared.
fn operand() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(".".to_owned()),
        "[A-Z][a-z]{0,5}".prop_map(|f| format!(".{f}")),
        "[a-z_]{1,6}".prop_map(|l| format!("$labels.{l}")),
        Just("$value".to_owned()),
        Just("$".to_owned()),
        (0i64..100_000).prop_map(|n| n.to_string()),
        Just("1.5e3".to_owned()),
        Just("0x1F".to_owned()),
        Just("'x'".to_owned()),
        "[a-z ]{0,8}".prop_map(|s| format!("{s:?}")),
        "[a-z ]{0,8}".prop_map(|s| format!("`{s}`")),
        Just("true".to_owned()),
        Just("nil".to_owned()),
    ]
}

fn pipeline() -> impl Strategy<Value = String> {
    let leaf = operand();
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("printf \"%v %v\" {a} {b}")),
            inner.clone().prop_map(|a| format!("{a} | humanize")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.prop_map(|a| format!("len ({a} | print)")),
        ]
    })
}

fn body() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[a-zA-Z .,:!\n]{0,12}",
        pipeline().prop_map(|p| format!("{{{{ {p} }}}}")),
        pipeline().prop_map(|p| format!("{{{{- {p} -}}}}")),
        Just("{{/* note */}}".to_owned()),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| parts.concat()),
            (pipeline(), inner.clone())
                .prop_map(|(p, b)| format!("{{{{ if {p} }}}}{b}{{{{ end }}}}")),
            (pipeline(), inner.clone(), inner.clone()).prop_map(|(p, a, b)| format!(
                "{{{{ if {p} }}}}{a}{{{{ else if .X }}}}{b}{{{{ else }}}}!{{{{ end }}}}"
            )),
            (pipeline(), inner.clone()).prop_map(|(p, b)| format!(
                "{{{{ range $i, $e := {p} }}}}{{{{ $e }}}}{b}{{{{ break }}}}{{{{ end }}}}"
            )),
            (pipeline(), inner.clone(), inner.clone()).prop_map(|(p, a, b)| format!(
                "{{{{ with $v := {p} }}}}{{{{ $v }}}}{a}{{{{ else }}}}{b}{{{{ end }}}}"
            )),
            inner.prop_map(|b| format!("{{{{ $n := 1 }}}}{b}{{{{ $n = 2 }}}}{{{{ $n }}}}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn well_formed_templates_parse(text in body()) {
        let parsed = check_prometheus_alert_template(&text, Version::new(3, 5));
        prop_assert!(parsed.is_ok(), "{:?}: {:?}", text, parsed.err());
    }

    #[test]
    fn spans_of_parsed_nodes_are_inside_the_text(text in body()) {
        let config = ParseConfig { functions: prometheus_functions(Version::PROMETHEUS_LATEST), variables: &["$labels", "$value"] };
        let template = parse(&text, &config).map_err(|e| TestCaseError::fail(e.message))?;
        let mut ok = true;
        template.walk_exprs(&mut |expr| ok &= text.get(expr.span().range()).is_some());
        template.walk_nodes(&mut |node| ok &= text.get(node.span().range()).is_some());
        prop_assert!(ok);
    }
}
