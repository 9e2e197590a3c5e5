//! `.monlint.yml` on arbitrary bytes: the strict configuration reader must not panic and
//! must report every problem as a diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_core::{SourceFile, Sources};
use monlint_lint::config::load_config;

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes(".monlint.yml", data.to_vec()));
    let _ = load_config(sources.get(id), id);
});
