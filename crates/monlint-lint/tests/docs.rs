//! `docs/checks.md` is generated from the registry; a stale copy fails this test.
//! `MONLINT_UPDATE_DOCS=1` rewrites it.

use std::path::PathBuf;

#[test]
fn checks_reference_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
    let expected = monlint_lint::docs::checks_markdown();
    if std::env::var_os("MONLINT_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/checks.md is stale: run `MONLINT_UPDATE_DOCS=1 cargo test -p monlint-lint --test docs`"
    );
}
