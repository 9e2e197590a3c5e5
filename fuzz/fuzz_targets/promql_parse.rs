//! Feeds arbitrary UTF-8 to the PromQL parser for both grammar generations:
//! it must never panic, and whatever it accepts must print to text that
//! parses again to the same canonical form.

#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_core::Version;
use monlint_promql::{ParseOptions, parse};

fuzz_target!(|input: &str| {
    for version in [Version::new(2, 42), Version::PROMETHEUS_LATEST] {
        let opts = ParseOptions {
            version,
            experimental_functions: true,
        };
        match parse(input, &opts) {
            Ok(expr) => {
                let printed = expr.to_string();
                let reparsed = parse(&printed, &opts)
                    .unwrap_or_else(|e| panic!("{printed:?} does not re-parse: {}", e.message));
                assert_eq!(reparsed.to_string(), printed);
            }
            Err(error) => {
                assert!(error.span.end as usize <= input.len());
                let _ = error.prometheus_text(input);
            }
        }
    }
});
