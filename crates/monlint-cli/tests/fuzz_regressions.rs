//! Every input a fuzzer ever crashed, hung or ran out of memory on, replayed through the
//! same target body on stable Rust: `fuzz/regressions/<target>/<input>`. A new finding is
//! kept by copying its artifact there once it is fixed.

#[path = "../../../fuzz/src/lib.rs"]
mod fuzz_bodies;

use std::fs;
use std::path::Path;

#[test]
fn every_kept_fuzz_finding_runs_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for folder in fs::read_dir(&root).expect("fuzz/regressions is readable") {
        let folder = folder.unwrap().path();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let Some((_, body)) = fuzz_bodies::TARGETS
            .iter()
            .find(|(target, _)| *target == name)
        else {
            panic!("fuzz/regressions/{name} names no fuzz target");
        };
        let mut inputs: Vec<_> = fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        inputs.sort();
        for input in inputs {
            eprintln!("replaying {}", input.display());
            body(&fs::read(&input).unwrap());
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no kept fuzz findings under {}",
        root.display()
    );
}

#[test]
fn every_fuzz_target_has_a_body_and_a_binary() {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/Cargo.toml"))
            .unwrap();
    let mut binaries: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "monlint-fuzz")
        .collect();
    let mut bodies: Vec<&str> = fuzz_bodies::TARGETS.iter().map(|(name, _)| *name).collect();
    binaries.sort_unstable();
    bodies.sort_unstable();
    assert_eq!(binaries, bodies);
}
