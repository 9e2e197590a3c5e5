//! The shape of parsed templates: nodes, spans, scoping and the accessors
//! later checks use.

use monlint_core::Version;
use monlint_gotemplate::{
    DefinitionKind, Expr, FieldRoot, GO_BUILTIN_FUNCTIONS, MAX_NESTING, Node, ParseConfig,
    Template, check_prometheus_alert_template, parse,
};

fn alert(text: &str) -> Template {
    match check_prometheus_alert_template(text, Version::new(3, 5)) {
        Ok(template) => template,
        Err(error) => panic!("{text:?}: {}", error.go_text("__alert_T")),
    }
}

#[test]
fn field_chains_and_function_calls_carry_spans() {
    let text = "{{ $labels.instance }} is {{ .Labels.job }} at {{ humanize $value }} {{ (index $labels \"a\").b }}";
    let template = alert(text);
    let chains: Vec<_> = template
        .field_chains()
        .into_iter()
        .map(|c| (c.root, c.fields.join("."), &text[c.span.range()]))
        .collect();
    assert_eq!(
        chains,
        vec![
            (
                FieldRoot::Variable("$labels"),
                "instance".to_owned(),
                "$labels.instance"
            ),
            (FieldRoot::Dot, "Labels.job".to_owned(), ".Labels.job"),
            (
                FieldRoot::Computed,
                "b".to_owned(),
                "(index $labels \"a\").b"
            ),
        ]
    );
    let calls: Vec<_> = template
        .function_calls()
        .into_iter()
        .map(|c| (c.name, &text[c.span.range()]))
        .collect();
    assert_eq!(calls, vec![("humanize", "humanize"), ("index", "index")]);
    let uses: Vec<_> = template
        .variable_uses()
        .into_iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(uses, vec!["$labels", "$value", "$labels"]);
}

#[test]
fn range_with_and_definitions_rebind_dot_for_their_field_chains() {
    let text = concat!(
        "{{ .Labels.a }}{{ range query \"up\" }}{{ .Labels.b }}{{ else }}{{ .Labels.c }}{{ end }}",
        "{{ with .Labels }}{{ .d }}{{ else with .Value }}{{ .e }}{{ end }}",
        "{{ if .Labels.f }}{{ .Labels.g }}{{ end }}",
        "{{ define \"x\" }}{{ .Labels.h }}{{ end }}",
    );
    let template = alert(text);
    let chains: Vec<_> = template
        .field_chains()
        .into_iter()
        .map(|c| (&text[c.span.range()], c.dot_is_data))
        .collect();
    assert_eq!(
        chains,
        vec![
            (".Labels.a", true),
            (".Labels.b", false),
            (".Labels.c", true),
            (".Labels", true),
            (".d", false),
            (".Value", true),
            (".e", false),
            (".Labels.f", true),
            (".Labels.g", true),
            (".Labels.h", false),
        ]
    );
    assert!(!template.declares_variable("$labels"));
    assert!(
        alert("{{ range $labels := query \"up\" }}{{ $labels.x }}{{ end }}")
            .declares_variable("$labels")
    );
}

#[test]
fn trim_markers_remove_surrounding_space_from_text() {
    let template = alert("a \n {{- 1 -}} \n b{{/* c */ -}}  c");
    let texts: Vec<_> = template
        .root
        .nodes
        .iter()
        .filter_map(|node| match node {
            Node::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, vec!["a", "b", "c"]);
}

#[test]
fn else_if_chains_nest_in_the_else_list() {
    let text = "{{ if .A }}a{{ else if .B }}b{{ else }}c{{ end }}!";
    let template = alert(text);
    let Some(Node::If(outer)) = template.root.nodes.first() else {
        panic!("expected an if")
    };
    assert_eq!(
        &text[outer.span.range()],
        "{{ if .A }}a{{ else if .B }}b{{ else }}c{{ end }}"
    );
    let else_list = outer.else_list.as_ref().expect("else list");
    let [Node::If(inner)] = else_list.nodes.as_slice() else {
        panic!("expected a nested if")
    };
    assert!(
        matches!(inner.pipeline.commands[0].args[0], Expr::Field { ref fields, .. } if fields == &["B"])
    );
    assert!(inner.else_list.is_some());
}

#[test]
fn range_declarations_and_literals_are_decoded() {
    let template = alert(
        "{{ range $i, $e := .Items }}{{ printf \"%d\\t%s\" $i `raw` 'x' 0x10 1.5 }}{{ end }}",
    );
    let Some(Node::Range(range)) = template.root.nodes.first() else {
        panic!("expected a range")
    };
    let names: Vec<_> = range
        .pipeline
        .declarations
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(names, vec!["$i", "$e"]);
    assert!(!range.pipeline.is_assign);
    let Some(Node::Action { pipeline, .. }) = range.list.nodes.first() else {
        panic!("expected an action")
    };
    let args = &pipeline.commands[0].args;
    assert!(matches!(&args[1], Expr::String { value, .. } if value == "%d\t%s"));
    assert!(matches!(&args[3], Expr::String { value, .. } if value == "raw"));
    assert!(matches!(&args[4], Expr::Number { value, .. } if value.int == Some(120)));
    assert!(matches!(&args[5], Expr::Number { value, .. } if value.uint == Some(16)));
    assert!(
        matches!(&args[6], Expr::Number { value, .. } if value.float == Some(1.5) && value.int.is_none())
    );
}

#[test]
fn variables_live_until_the_end_of_their_block() {
    assert!(
        check_prometheus_alert_template(
            "{{ $x := 1 }}{{ if $x }}{{ $x }}{{ end }}{{ $x }}",
            Version::new(3, 5)
        )
        .is_ok()
    );
    assert!(
        check_prometheus_alert_template("{{ with $y := 1 }}{{ end }}{{ $y }}", Version::new(3, 5))
            .is_err()
    );
    assert!(
        check_prometheus_alert_template(
            "{{ if 1 }}{{ $z := 1 }}{{ else }}{{ $z }}{{ end }}",
            Version::new(3, 5)
        )
        .is_ok()
    );
}

#[test]
fn define_and_block_bodies_become_definitions() {
    let template =
        alert("{{ define \"a\" }}A{{ end }}{{ block \"b\" . }}B{{ end }}{{ template \"a\" . }}");
    let defined: Vec<_> = template
        .definitions
        .iter()
        .map(|d| (d.name.as_str(), d.kind))
        .collect();
    assert_eq!(
        defined,
        vec![("a", DefinitionKind::Define), ("b", DefinitionKind::Block)]
    );
    assert!(template.has_actions());
    assert!(!alert("just text").has_actions());
}

#[test]
fn parse_uses_only_the_configured_functions_and_variables() {
    let config = ParseConfig {
        functions: GO_BUILTIN_FUNCTIONS,
        variables: &["$v"],
    };
    assert!(parse("{{ printf \"%v\" $v }}", &config).is_ok());
    let error = parse("{{ humanize $v }}", &config).expect_err("humanize is not a builtin");
    assert_eq!(error.message, "function \"humanize\" not defined");
    let error = parse("{{ $labels }}", &ParseConfig::default()).expect_err("no variables declared");
    assert_eq!(error.message, "undefined variable \"$labels\"");
}

/// Runs `check` on a thread with half the default thread stack, to show the
/// nesting bound keeps recursion shallow even in debug builds.
fn with_small_stack(check: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(check)
        .expect("spawn thread")
        .join()
        .expect("nesting check panicked");
}

#[test]
fn nesting_is_bounded() {
    with_small_stack(check_nesting_bound);
}

fn check_nesting_bound() {
    let depth = MAX_NESTING as usize;
    let parens = format!(
        "{{{{ {}1{} }}}}",
        "(".repeat(depth + 1),
        ")".repeat(depth + 1)
    );
    assert_eq!(
        parse(&parens, &ParseConfig::default())
            .expect_err("too deep")
            .message,
        "max expression depth exceeded"
    );
    let ok_parens = format!("{{{{ {}1{} }}}}", "(".repeat(depth), ")".repeat(depth));
    assert!(parse(&ok_parens, &ParseConfig::default()).is_ok());

    let ifs = format!(
        "{}{}",
        "{{if 1}}".repeat(depth + 1),
        "{{end}}".repeat(depth + 1)
    );
    assert_eq!(
        parse(&ifs, &ParseConfig::default())
            .expect_err("too deep")
            .message,
        "max expression depth exceeded"
    );
    let ok_ifs = format!("{}{}", "{{if 1}}".repeat(depth), "{{end}}".repeat(depth));
    assert!(parse(&ok_ifs, &ParseConfig::default()).is_ok());
}

/// Many declarations and definitions must not make parsing quadratic
/// (variable and template-name lookups are hashed).
#[test]
fn many_declarations_and_definitions_parse_quickly() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!("{{{{ $v{i} := 1 }}}}{{{{ $v{i} }}}}{{{{ $v0 }}}}"));
    }
    for i in 0..10_000 {
        text.push_str(&format!("{{{{ define \"t{i}\" }}}}x{{{{ end }}}}"));
    }
    let template = parse(&text, &ParseConfig::default()).expect("parses");
    assert_eq!(template.definitions.len(), 10_000);
    assert_eq!(template.variable_uses().len(), 20_000);
}
