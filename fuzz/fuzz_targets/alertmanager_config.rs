//! Alertmanager configurations, routing tests and matcher strings on arbitrary text: the
//! loader (every supported version's rules), route tests and both matcher grammars must not
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_alertmanager::load;
use monlint_alertmanager::matcher::parse_matchers;
use monlint_alertmanager::routetest::parse_route_tests;
use monlint_core::{Version, yaml};

fuzz_target!(|input: &str| {
    for version in [Version::new(0, 25), Version::new(0, 28)] {
        let _ = parse_matchers(input, version);
    }
    let (documents, _) = yaml::parse_stream(input, &yaml::Limits::default());
    for document in &documents {
        for version in [
            Version::new(0, 20),
            Version::new(0, 25),
            Version::new(0, 28),
        ] {
            let _ = load(&document.root, version);
        }
        let _ = parse_route_tests(&document.root);
    }
});
