//! cargo-fuzz entry for `monlint_fuzz::monlint_config`; the body and what it asserts are there.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| monlint_fuzz::monlint_config(data));
