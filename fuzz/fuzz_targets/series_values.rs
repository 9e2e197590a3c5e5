//! The series notation of unit tests and promqltest scripts (`metric{a="b"} 1+2x3 _ stale`)
//! on arbitrary text: parsing must not panic, and expansion must stay within its cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_promql::series::{parse_series_line, parse_values};

const EXPANSION_CAP: usize = 10_000;

fuzz_target!(|input: &str| {
    let _ = parse_series_line(input);
    if let Ok(values) = parse_values(input, EXPANSION_CAP) {
        assert!(values.len() <= EXPANSION_CAP, "{} values", values.len());
    }
});
