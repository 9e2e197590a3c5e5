//! Generated documents: `docs/checks.md` from the registry and `docs/monlint.schema.json`
//! from the configuration reader; a stale copy fails these tests, `cargo xtask docs`
//! rewrites them (as does `MONLINT_UPDATE_DOCS=1` here).

use std::path::PathBuf;

use monlint_core::yaml::{self, Node, NodeKind};

fn check_generated(name: &str, expected: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name);
    if std::env::var_os("MONLINT_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/{name} is stale: run `cargo xtask docs`"
    );
}

#[test]
fn checks_reference_is_up_to_date() {
    check_generated("checks.md", &monlint_lint::docs::checks_markdown());
}

#[test]
fn config_schema_is_up_to_date() {
    let schema = serde_json::to_string_pretty(&monlint_lint::config::json_schema()).unwrap() + "\n";
    check_generated("monlint.schema.json", &schema);
}

/// YAML as JSON, scalars typed the way a YAML-aware schema validator would see them.
fn to_json(node: &Node) -> serde_json::Value {
    match &node.kind {
        NodeKind::Mapping(entries) => entries
            .iter()
            .map(|e| {
                (
                    e.key.as_str().unwrap_or_default().to_owned(),
                    to_json(&e.value),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        NodeKind::Sequence(items) => items.iter().map(to_json).collect::<Vec<_>>().into(),
        NodeKind::Scalar(_) if node.is_null() => serde_json::Value::Null,
        NodeKind::Scalar(scalar) => match node.yaml_tag() {
            "!!int" | "!!float" => scalar
                .value
                .parse::<f64>()
                .map_or(scalar.value.clone().into(), Into::into),
            _ => scalar.value.clone().into(),
        },
    }
}

#[test]
fn config_schema_accepts_the_valid_fixture_and_refuses_the_invalid_one() {
    let schema = monlint_lint::config::json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let read = |file: &str| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/invalid-config")
            .join(file);
        let text = std::fs::read_to_string(path).unwrap();
        let (documents, error) = yaml::parse_stream(&text, &yaml::Limits::default());
        assert!(error.is_none());
        to_json(&documents[0].root)
    };
    let errors: Vec<String> = validator
        .iter_errors(&read("valid.yml"))
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!validator.is_valid(&read("invalid.yml")));
}
