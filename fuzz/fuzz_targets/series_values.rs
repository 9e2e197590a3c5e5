//! cargo-fuzz entry for `monlint_fuzz::series_values`; the body and what it asserts are there.
//! Taking `&str` lets libFuzzer drop inputs that are not UTF-8 from the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &str| monlint_fuzz::series_values(input.as_bytes()));
