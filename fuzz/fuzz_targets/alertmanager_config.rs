//! cargo-fuzz entry for `monlint_fuzz::alertmanager_config`; the body and what it asserts are there.
//! Taking `&str` lets libFuzzer drop inputs that are not UTF-8 from the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &str| monlint_fuzz::alertmanager_config(input.as_bytes()));
