//! End-to-end CLI scenarios: each `tests/cli/*.toml` gives the arguments, and the
//! expected stdout, stderr and exit code, as data (trycmd).

#[test]
fn cli_scenarios() {
    trycmd::TestCases::new()
        .register_bin(
            "monlint",
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_monlint")),
        )
        .case(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/cli/*.toml"
        ));
}
