//! The whole per-file pipeline on arbitrary bytes: UTF-8 decoding, YAML with
//! positions, kind detection, the rule loader and every check must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_core::{SourceFile, Sources};
use monlint_lint::{Input, Options, Origin, check_files};

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes("fuzz.yml", data.to_vec()));
    let _ = check_files(&sources, &[Input::new(id, Origin::Named)], &Options::default(), &|| {});
});
