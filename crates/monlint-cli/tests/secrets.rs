//! A secret found in an Alertmanager configuration appears in no output format: not in
//! messages, not in source snippets.

use std::process::Command;

const SECRETS: [&str; 2] = ["classicSecretToken42", "your-pagerduty-service-key"];

#[test]
fn no_output_format_prints_a_secret() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    for format in ["human", "json", "sarif", "github", "checkstyle"] {
        let output = Command::new(env!("CARGO_BIN_EXE_monlint"))
            .current_dir(root)
            .args([
                "check",
                "--format",
                format,
                "tests/cli/data/classic-alertmanager",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.contains("plaintext-secret") || stdout.contains("C206"),
            "{format}: the secret findings are missing:\n{stdout}"
        );
        for secret in SECRETS {
            assert!(
                !stdout.contains(secret),
                "{format} prints {secret:?}:\n{stdout}"
            );
        }
    }
}
