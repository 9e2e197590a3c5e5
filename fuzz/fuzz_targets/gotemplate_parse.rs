//! Feeds arbitrary UTF-8 to the Go template parser as an alert template: it
//! must never panic, and every span it reports must lie on character
//! boundaries inside the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_core::Version;
use monlint_gotemplate::check_prometheus_alert_template;

fuzz_target!(|input: &str| {
    for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
        match check_prometheus_alert_template(input, version) {
            Ok(template) => {
                template.walk_nodes(&mut |node| assert!(input.get(node.span().range()).is_some()));
                template.walk_exprs(&mut |expr| assert!(input.get(expr.span().range()).is_some()));
            }
            Err(error) => {
                assert!(
                    input.get(error.span.range()).is_some(),
                    "{:?} outside the input",
                    error.span
                );
                assert!(error.line >= 1);
                let _ = error.go_text("__alert_Fuzz");
            }
        }
    }
});
