//! Dashboards on arbitrary bytes: a file named `.json` and given explicitly is always
//! read as a dashboard, so the JSON reading, the dashboard loader, variable expansion
//! and every dashboard check run, and must not panic. A second pass wraps the input in
//! a ConfigMap, so positions are mapped through the outer YAML string too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monlint_core::{SourceFile, Sources};
use monlint_lint::{Input, Options, Origin, check_files};

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_bytes("fuzz.json", data.to_vec()));
    let _ = check_files(&sources, &[Input::new(id, Origin::Named)], &Options::default(), &|| {});

    let text = String::from_utf8_lossy(data);
    let mut wrapped = String::from("kind: ConfigMap\ndata:\n  d.json: |\n");
    for line in text.lines() {
        wrapped.push_str("    ");
        wrapped.push_str(line);
        wrapped.push('\n');
    }
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::new("fuzz.yaml", wrapped));
    let _ = check_files(&sources, &[Input::new(id, Origin::Named)], &Options::default(), &|| {});
});
